/** What the reports share: the resources a deployment would create, their counts, the exit status. */
import type { PlannedResource } from "../analyzer/requests";
import type { PlanResult } from "../plan";

/** Where a resource without a regional provider is listed: multi-region components, global services. */
export const GLOBAL = "global";

/** What a deployment would create: everything but the stack resource and the providers. */
export function deployed(result: PlanResult): PlannedResource[] {
    return result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
}

export interface PlanSummary {
    readonly resources: number;
    readonly regions: number;
    readonly mandatory: number;
    readonly advisory: number;
}

export function summarize(result: PlanResult): PlanSummary {
    const resources = deployed(result);
    return {
        resources: resources.length,
        regions: new Set(resources.map((r) => r.region).filter((r) => r !== undefined)).size,
        mandatory: result.violations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: result.violations.filter((v) => v.enforcementLevel === "advisory").length,
    };
}

/** Exit status of a plan: 1 when a mandatory policy is violated, else 0. */
export function exitCode(result: PlanResult): 0 | 1 {
    return summarize(result).mandatory > 0 ? 1 : 0;
}

/** region → type → count, regions and types sorted, `global` last. */
export function countsByRegion(resources: PlannedResource[]): Map<string, Map<string, number>> {
    const regions = new Map<string, Map<string, number>>();
    const sorted = [...resources].sort((a, b) =>
        regionKey(a.region).localeCompare(regionKey(b.region)) || a.type.localeCompare(b.type));
    for (const r of sorted) {
        const region = r.region ?? GLOBAL;
        const types = regions.get(region) ?? new Map<string, number>();
        types.set(r.type, (types.get(r.type) ?? 0) + 1);
        regions.set(region, types);
    }
    return regions;
}

function regionKey(region: string | undefined): string {
    return region ?? "\uffff";
}
