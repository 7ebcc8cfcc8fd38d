/** The `--json` report: the plan as a JSON document, values shown as the report shows them. */
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { PlannedResource } from "../analyzer/requests";
import type { PlanResult } from "../plan";
import { deployed, summarize } from "./summary";

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
