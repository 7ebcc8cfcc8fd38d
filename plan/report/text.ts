/** The text report printed by `npm run plan`. */
import type { StackPlan } from "../stacks";
import type { Violation } from "../analyzer/messages";
import type { PlanResult } from "../plan";
import { countsByRegion, deployed, summarize } from "./summary";

/** The human report: resources per region and type, violations by level, then `sections` (the cost estimate; empty ones are left out), a one-line summary. */
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

/** The outage drill's result: which stacks can deploy while `region` is down, and which cannot. */
export function drillSummary(region: string, plans: readonly StackPlan[]): string {
    const can = plans.filter((p) => p.result);
    const blocked = plans.filter((p) => p.blockedByRegion);
    const failed = plans.filter((p) => !p.result && !p.blockedByRegion);
    const lines = [`Outage drill: ${region} down`, `  can deploy (${can.length}): ${can.map((p) => p.stack).join(", ") || "none"}`,
        `  cannot deploy, they touch ${region} (${blocked.length}): ${blocked.map((p) => p.stack).join(", ") || "none"}`];
    if (failed.length > 0) {
        lines.push(`  failed for another reason (${failed.length}): ${failed.map((p) => p.stack).join(", ")}`);
    }
    return lines.join("\n");
}
