import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { PlannedResource } from "./analyzer-requests";
import { PlanResult, Violation } from "./plan";

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

/** The `--json` document of one plan. */
export function planJson(result: PlanResult) {
    const resource = (r: PlannedResource) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        region: r.region ?? null,
        parent: r.parent ?? null,
        provider: r.providerUrn ?? null,
        custom: r.custom,
        inputs: reportValue(r.wireInputs),
    });
    return {
        project: result.project,
        stack: result.stack,
        policyPack: result.policyPack,
        resources: deployed(result).map(resource),
        providers: result.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map(resource),
        violations: result.violations.map((v) => ({
            policyName: v.policyName,
            policyPackName: v.policyPackName,
            enforcementLevel: v.enforcementLevel,
            urn: v.urn,
            message: v.message,
            description: v.description,
        })),
        summary: summarize(result),
        timings: result.timings,
    };
}

/**
 * The human report: resources per region and type, violations by level, then `sections` (the cost
 * estimate; empty ones are left out), a one-line summary.
 */
export function formatPlan(result: PlanResult, sections: readonly (readonly string[])[] = []): string {
    const lines: string[] = [];
    const s = summarize(result);
    const pack = result.policyPack;
    lines.push(`Plan of stack ${result.stack} (project ${result.project}) with policy pack ${pack.name}@${pack.version} (${pack.policies} policies)`);
    lines.push("", `Resources: ${s.resources} in ${s.regions} region${s.regions === 1 ? "" : "s"}`);
    const counts = countsByRegion(deployed(result));
    const width = Math.max(0, ...[...counts.values()].flatMap((types) => [...types.keys()].map((t) => t.length)));
    for (const [region, types] of counts) {
        const total = [...types.values()].reduce((a, b) => a + b, 0);
        lines.push(`  ${region} (${total})`);
        for (const [type, count] of types) {
            lines.push(`    ${type.padEnd(width)}  ${String(count).padStart(4)}`);
        }
    }
    for (const level of ["mandatory", "advisory"] as const) {
        const violations = result.violations.filter((v) => v.enforcementLevel === level);
        lines.push("", `${level === "mandatory" ? "Mandatory" : "Advisory"} violations: ${violations.length}`);
        for (const v of sortViolations(violations)) {
            lines.push(`  [${v.policyName}] ${v.urn}`);
            lines.push(...v.message.split("\n").map((l) => `      ${l}`));
        }
    }
    for (const section of sections.filter((x) => x.length > 0)) {
        lines.push("", ...section);
    }
    const verdict = s.mandatory > 0 ? "FAIL: fix the mandatory violations above" : s.advisory > 0 ? "OK (advisory only)" : "OK";
    lines.push("", `Summary: ${s.resources} resources in ${s.regions} region${s.regions === 1 ? "" : "s"}; ${s.mandatory} mandatory, ${s.advisory} advisory violations. ${verdict}`);
    const t = result.timings;
    lines.push(`Time: program ${t.programMs} ms, policy ${t.policyMs} ms after it (analysis ${t.analysisMs} ms; ` +
        `the pack took ${t.policyStartMs} ms to start, alongside the program)`);
    return lines.join("\n");
}

function sortViolations(violations: Violation[]): Violation[] {
    return [...violations].sort((a, b) => a.policyName.localeCompare(b.policyName) || a.urn.localeCompare(b.urn));
}

/**
 * A property value for the plan's report: secrets masked, unknowns named, resource references as their
 * URN, internal `__` keys dropped.
 */
function reportValue(v: any): any {
    if (v === unknownValue) {
        return "(unknown)";
    }
    if (Array.isArray(v)) {
        return v.map(reportValue);
    }
    if (v === null || typeof v !== "object") {
        return v;
    }
    if (v[specialSigKey] === specialSecretSig) {
        return "[secret]";
    }
    if (v[specialSigKey] === specialResourceSig) {
        return v.urn;
    }
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")).map(([k, x]) => [k, reportValue(x)]));
}
