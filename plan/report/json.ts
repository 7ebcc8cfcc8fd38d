/** The `--json` report: the plan as a JSON document, values shown as the report shows them. */
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { PlannedResource } from "../analyzer/requests";
import * as fs from "fs";
import type { StackOutputs } from "../engine/mock-engine";
import type { PlanResult } from "../plan";
import { PlanInputError } from "../plan-error";
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
        // The stacks its StackReferences name, and what a StackReference to it reads (--stack-outputs).
        dependencies: [...new Set(result.stackReferences.map((n) => n.split("/").pop()!))],
        outputs: reportValue(result.stackOutputs),
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

/**
 * The outputs of every stack in an earlier plan's `--json` (one plan or an array), for
 * `--stack-outputs`. Values the report masked or could not know are unknown again: a secret's value
 * is not in the report, so a StackReference to it sees it as unknown.
 */
export function readStackOutputs(file: string): { [stack: string]: StackOutputs } {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`--stack-outputs ${file}: not a plan's JSON (${(err as Error).message})`);
    }
    const plans = (Array.isArray(doc) ? doc : [doc]) as { stack?: unknown; outputs?: unknown }[];
    const out: { [stack: string]: StackOutputs } = {};
    for (const p of plans) {
        if (typeof p?.stack !== "string" || p.outputs === null || typeof p.outputs !== "object") {
            throw new PlanInputError(`--stack-outputs ${file}: each plan needs "stack" and "outputs", as --json writes them`);
        }
        out[p.stack] = wireValue(p.outputs) as StackOutputs;
    }
    return out;
}

function wireValue(v: any): any {
    if (v === "(unknown)" || v === "[secret]") {
        return unknownValue;
    }
    if (Array.isArray(v)) {
        return v.map(wireValue);
    }
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wireValue(x)]));
    }
    return v;
}
