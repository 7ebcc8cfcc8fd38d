/**
 * The plan as a markdown report for a pull request (`--markdown FILE.md`): verdict and summary, the
 * violations by level with their resource and message, the architecture diagram as a ```mermaid
 * block (GitHub draws it), a slot for the cost estimate, and the resource counts folded away. It
 * starts with a hidden marker naming the stack, so a workflow can find and update its own comment.
 */
import type { PlanResult } from "../plan";
import { countsByRegion, deployed, summarize } from "./summary";
import { architectureOf, planView } from "./architecture";
import { mermaidDiagram, VIOLATION_CLASS } from "./diagram";

/** The hidden first line of a stack's report: one pull-request comment per stack carries it. */
export function reportMarker(stack: string): string {
    return `<!-- aws-containers-plan: ${stack} -->`;
}

/**
 * The markdown report of `result`. `costEstimate` is the cost section's markdown, when the plan has
 * an estimate (plan/report/cost.ts); without one the report says so.
 */
export function markdownReport(result: PlanResult, costEstimate?: string): string {
    const s = summarize(result);
    const pack = result.policyPack;
    const verdict = s.mandatory > 0 ? "❌ fails: mandatory violations" : s.advisory > 0 ? "✅ passes (advisory only)" : "✅ passes";
    const regions = `${s.regions} region${s.regions === 1 ? "" : "s"}`;
    const out: string[] = [
        reportMarker(result.stack),
        `## Plan of stack \`${result.stack}\`: ${verdict}`,
        "",
        `Project \`${result.project}\`, policy pack \`${pack.name}@${pack.version}\` (${pack.policies} policies), planned offline in Pulumi's mock runtime.`,
        "",
        "| resources | regions | mandatory violations | advisory violations |",
        "|---:|---:|---:|---:|",
        `| ${s.resources} | ${s.regions} | ${s.mandatory} | ${s.advisory} |`,
        "",
        "### Violations",
        "",
    ];
    if (result.violations.length === 0) {
        out.push("None.", "");
    }
    for (const level of ["mandatory", "advisory"] as const) {
        const violations = result.violations.filter((v) => v.enforcementLevel === level)
            .sort((a, b) => a.policyName.localeCompare(b.policyName) || a.urn.localeCompare(b.urn));
        if (violations.length === 0) {
            continue;
        }
        out.push(`#### ${level === "mandatory" ? "Mandatory" : "Advisory"} (${violations.length})`, "",
            "| policy | resource | message |", "|---|---|---|");
        for (const v of violations) {
            out.push(`| \`${v.policyName}\` | ${resourceOf(v.urn)} | ${cell(v.message)} |`);
        }
        out.push("");
    }
    out.push(
        "### Architecture",
        "",
        `Regions, what runs in each and how they connect, drawn from the plan's resources. Elements with violations are marked: ` +
        `a red box (\`${VIOLATION_CLASS.mandatory}\`) for mandatory, a dashed orange one (\`${VIOLATION_CLASS.advisory}\`) for advisory, each with the policies it breaks.`,
        "",
        "```mermaid",
        mermaidDiagram(architectureOf(planView(result))).trimEnd(),
        "```",
        "",
        "### Cost estimate",
        "",
        // The slot for plan/report/cost.ts: its section when the plan has one.
        costEstimate?.trim() || "No cost estimate for this plan.",
        "",
        `<details><summary>Resources by region and type (${s.resources} in ${regions})</summary>`,
        "",
        "| region | type | count |",
        "|---|---|---:|",
    );
    for (const [region, types] of countsByRegion(deployed(result))) {
        for (const [type, count] of types) {
            out.push(`| ${region} | \`${type}\` | ${count} |`);
        }
    }
    out.push("", "</details>", "");
    return out.join("\n");
}

/** `type` and name of a resource, from its URN (`…::aws:ecs/service:Service::orders-service`). */
function resourceOf(urn: string): string {
    const parts = urn.split("::");
    const name = parts[parts.length - 1];
    const type = (parts[parts.length - 2] ?? "").split("$").pop();
    return `\`${cell(name)}\` (\`${type}\`)`;
}

/** Text safe in a markdown table cell: pipes escaped, lines joined with breaks. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
