/**
 * The plan's monthly cost estimate: the planned resources turned into what the shared estimator
 * (policy/cost/estimate.ts, the one the budget policy uses) reads, the usage file (`--usage`), the text
 * and JSON reports of an estimate, and the difference against an earlier plan's JSON (`--baseline`).
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { CostEstimate, CostResource, estimateCost, formatUsd, INSTANCE_TYPES, LineItem, Totals, totalsBy, typeLabel } from "../../policy/cost/estimate";
import { FALLBACK_RULE, PRICE_TABLE_READ } from "../../policy/cost/prices";
import { describeUsage, resolveUsage, Usage } from "../../policy/cost/usage";
import { Obj, UNKNOWN, Value } from "../../policy/lib/values";
import type { PlannedResource } from "../analyzer/requests";
import type { PlanResult } from "../plan";
import { PlanInputError } from "../plan-error";

export type { CostEstimate } from "../../policy/cost/estimate";

/** Today (UTC) as YYYY-MM-DD: the day whose EKS support phase prices clusters, unless the usage file sets `date`. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}

/**
 * The usage assumptions: the defaults, with `file` (YAML or JSON) over them when given. Throws
 * `PlanInputError` naming every unknown key and bad value.
 */
export function loadUsage(file?: string, date = today()): Usage {
    let doc: unknown;
    if (file !== undefined) {
        try {
            // The core schema: `date: 2026-12-01` stays a string rather than becoming a Date.
            doc = yaml.load(fs.readFileSync(file, "utf8"), { schema: yaml.CORE_SCHEMA });
        } catch (err) {
            throw new PlanInputError(`--usage ${file} is not a readable YAML or JSON file: ${(err as Error).message}`);
        }
    }
    const { usage, errors } = resolveUsage(doc ?? undefined, "usage", date, INSTANCE_TYPES);
    if (errors.length > 0) {
        throw new PlanInputError(`--usage ${file} is not valid:\n  ${errors.join("\n  ")}`);
    }
    return usage;
}

/** A wire value as the estimator reads it: unknowns as `UNKNOWN`, secrets as their value, resource references as their URN. */
function plainValue(v: any): Value {
    if (v === unknownValue) return UNKNOWN;
    if (Array.isArray(v)) return v.map(plainValue);
    if (v === null || typeof v !== "object") return v;
    if (v[specialSigKey] === specialSecretSig) return plainValue(v.value);
    if (v[specialSigKey] === specialResourceSig) return v.urn;
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")).map(([k, x]) => [k, plainValue(x)]));
}

/** The plan's resources (providers and the stack included: the estimate skips what it does not price). */
export function costResources(resources: readonly PlannedResource[]): CostResource[] {
    return resources.map((r) => ({
        urn: r.urn, type: r.type, name: r.name, props: plainValue(r.wireInputs) as Obj, region: r.region, parent: r.parent,
        propertyDependsOn: r.propertyDependencies,
    }));
}

export function estimatePlan(result: PlanResult, usage: Usage): CostEstimate {
    return estimateCost(costResources(result.resources), usage);
}

const cents = (n: number) => Math.round(n * 100) / 100;
const totalsJson = (m: Map<string, Totals>) => Object.fromEntries([...m].map(([k, t]) => [k, { total: cents(t.total), fixed: cents(t.fixed), usage: cents(t.usage) }]));

/** The `cost` section of the plan's JSON. Amounts are USD per month, rounded to cents (line items to 1/10,000). */
export function costJson(e: CostEstimate) {
    return {
        currency: "USD",
        priceTableRead: PRICE_TABLE_READ,
        total: cents(e.total),
        fixed: cents(e.fixed),
        usage: cents(e.usageBased),
        byRegion: totalsJson(totalsBy(e.items, (i) => i.region)),
        byComponent: totalsJson(totalsBy(e.items, (i) => i.component)),
        byType: totalsJson(totalsBy(e.items, (i) => i.type)),
        unconfirmedItems: e.items.filter((i) => !i.confirmed).length,
        items: e.items.map((i) => ({ ...i, monthly: Math.round(i.monthly * 10000) / 10000 })),
        unpriced: e.unpriced,
        unmatchedUsage: e.unmatchedUsage,
        assumptions: e.usage,
    };
}

export type CostJson = ReturnType<typeof costJson>;

function table(title: string, totals: Map<string, Totals>, label: (key: string) => string = (k) => k): string[] {
    const rows = [...totals].sort(([, a], [, b]) => b.total - a.total || 0).map(([k, t]) => [label(k), formatUsd(t.total), formatUsd(t.fixed), formatUsd(t.usage)]);
    const width = (i: number) => Math.max(...rows.map((r) => r[i].length), i === 0 ? 0 : 5);
    const [w0, w1, w2, w3] = [0, 1, 2, 3].map(width);
    return [
        `  ${title}`,
        `    ${"".padEnd(w0)}  ${"total".padStart(w1)}  ${"fixed".padStart(w2)}  ${"usage".padStart(w3)}`,
        ...rows.map((r) => `    ${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2].padStart(w2)}  ${r[3].padStart(w3)}`),
    ];
}

/** The estimate as the text report prints it: totals, per region, component and type, what is unconfirmed, the assumptions. */
export function formatCost(e: CostEstimate): string[] {
    const count = (type: string) => new Set(e.items.filter((i) => i.type === type).map((i) => i.urn)).size;
    const lines = [
        `Monthly cost estimate: ${formatUsd(e.total)} (fixed ${formatUsd(e.fixed)}, usage-based ${formatUsd(e.usageBased)}); ` +
            `public list prices in USD read ${PRICE_TABLE_READ}, before taxes, free tiers, Savings Plans and data transfer`,
        ...table("By region", totalsBy(e.items, (i) => i.region)),
        ...table("By component", totalsBy(e.items, (i) => i.component)),
        ...table("By resource type", totalsBy(e.items, (i) => i.type), (t) => `${t} (${count(t)})`),
    ];
    const unconfirmed = e.items.filter((i) => !i.confirmed);
    if (unconfirmed.length > 0) {
        lines.push(`  ${unconfirmed.length} of ${e.items.length} line items (${formatUsd(unconfirmed.reduce((a, i) => a + i.monthly, 0))}) use a price not read ` +
            `for their region or a Spot discount: ${FALLBACK_RULE}; see policy/cost/prices.ts`);
    }
    if (e.unmatchedUsage.length > 0) {
        lines.push(`  The usage assumptions name what this stack does not have: ${e.unmatchedUsage.join(", ")}`);
    }
    for (const u of e.unpriced) {
        lines.push(`  Not priced: ${u.type} ${u.name}: ${u.reason}`);
    }
    lines.push("  Usage assumptions (override any with --usage FILE):", ...describeUsage(e.usage).map((l) => `    ${l}`));
    return lines;
}

/** Earlier plans' cost sections by stack, from a `--json` file of one plan or of `--all`. */
export function loadBaseline(file: string): Map<string, CostJson> {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`--baseline ${file} is not a readable JSON plan: ${(err as Error).message}`);
    }
    const plans = (Array.isArray(doc) ? doc : [doc]) as { stack?: unknown; cost?: CostJson }[];
    const out = new Map<string, CostJson>();
    for (const p of plans) {
        if (typeof p?.stack !== "string" || typeof p.cost?.total !== "number" || !Array.isArray(p.cost.items)) {
            throw new PlanInputError(`--baseline ${file} is not the --json output of a plan with a cost estimate (each plan needs "stack" and "cost")`);
        }
        out.set(p.stack, p.cost);
    }
    return out;
}

type Item = Pick<LineItem, "urn" | "type" | "region" | "monthly">;

/**
 * What changed against `before`, largest first: one line per region and resource type whose cost moved,
 * e.g. "+$65.70/month: 2 NAT gateways in eu-west-1"; then the total.
 */
export function costDiff(before: { total: number; items: readonly Item[] }, after: { total: number; items: readonly Item[] }): string[] {
    const groups = new Map<string, { region: string; type: string; was: number; now: number; wasUrns: Set<string>; nowUrns: Set<string> }>();
    const group = (i: Item) => {
        const key = `${i.region}\u0000${i.type}`;
        const g = groups.get(key) ?? { region: i.region, type: i.type, was: 0, now: 0, wasUrns: new Set<string>(), nowUrns: new Set<string>() };
        groups.set(key, g);
        return g;
    };
    before.items.forEach((i) => { const g = group(i); g.was += i.monthly; g.wasUrns.add(i.urn); });
    after.items.forEach((i) => { const g = group(i); g.now += i.monthly; g.nowUrns.add(i.urn); });
    const lines = [...groups.values()]
        .map((g) => ({ ...g, delta: g.now - g.was }))
        .filter((g) => Math.abs(g.delta) >= 0.005)
        .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || a.region.localeCompare(b.region) || a.type.localeCompare(b.type))
        .map((g) => {
            const d = g.nowUrns.size - g.wasUrns.size;
            const where = g.region === "global" ? "(global)" : `in ${g.region}`;
            const what = d > 0 ? `${d} ${typeLabel(g.type, d)}` : d < 0 ? `${-d} fewer ${typeLabel(g.type, -d)}` :
                `${g.nowUrns.size} ${typeLabel(g.type, g.nowUrns.size)} (same count; size, usage or price changed)`;
            return `${formatUsd(g.delta, true)}/month: ${what} ${where}`;
        });
    const delta = after.total - before.total;
    return [
        `Against the baseline: ${formatUsd(before.total)} → ${formatUsd(after.total)}/month (${formatUsd(delta, true)})`,
        ...(lines.length > 0 ? lines.map((l) => `  ${l}`) : ["  no change in cost"]),
    ];
}
