/**
 * Budgets as policy: the stack's monthly cost, estimated from its resources' inputs exactly as the plan
 * estimates it (./estimate.ts with ./prices.ts), against a monthly budget from the pack's config.
 * Advisory by default; set `enforcementLevel: mandatory` in the pack config to stop a deployment.
 */
import { Finding, Res, stackPolicy } from "../lib/policy";
import { CostResource, estimateCost, formatUsd, INSTANCE_TYPES, largestTypes } from "./estimate";
import { resolveUsage } from "./usage";

export interface BudgetConfig {
    /** USD per month for every stack without its own entry in `budgets`; 0: no budget. */
    readonly monthlyBudget: number;
    /** Stack name → USD per month. */
    readonly budgets: { readonly [stack: string]: number };
    /** Usage assumptions, as the plan's `--usage` file holds them. */
    readonly usage: object;
}

/**
 * The resources as the estimate reads them. Props and region stay getters: the pack copies a resource's
 * props when they are first read, and the estimate reads only those of the types it prices.
 */
export function costResources(resources: readonly Res[]): CostResource[] {
    return resources.map((r) => ({
        urn: r.urn, type: r.type, name: r.name, parent: r.parent?.urn, propertyDependsOn: r.propertyDependsOn,
        get props() {
            return r.props;
        },
        get region() {
            return r.region;
        },
    }));
}

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOf(urn: string): string {
    return urn.split("::")[0].split(":").slice(2).join(":");
}

function configErrors(c: BudgetConfig): string[] {
    const errors: string[] = [];
    const amount = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
    if (!amount(c.monthlyBudget)) {
        errors.push(`monthlyBudget: ${JSON.stringify(c.monthlyBudget)} is not an amount of USD ≥ 0`);
    }
    if (c.budgets === null || typeof c.budgets !== "object" || Array.isArray(c.budgets)) {
        errors.push(`budgets: ${JSON.stringify(c.budgets)} is not an object of stack name → USD per month`);
    } else {
        for (const [stack, v] of Object.entries(c.budgets)) {
            if (!amount(v)) errors.push(`budgets.${stack}: ${JSON.stringify(v)} is not an amount of USD ≥ 0`);
        }
    }
    return errors;
}

export const costMonthlyBudget = stackPolicy<BudgetConfig>({
    name: "cost-monthly-budget",
    description: "The stack's estimated monthly cost (public list prices and the usage assumptions) must stay within its budget.",
    enforcementLevel: "advisory",
    config: {
        monthlyBudget: { type: "number", minimum: 0, default: 0, description: "USD per month for every stack without its own budget; 0 means no budget." },
        budgets: { type: "object", additionalProperties: { type: "number", minimum: 0 }, default: {}, description: "Stack name → USD per month." },
        usage: { type: "object", default: {}, description: "Usage assumptions, as in the plan's --usage file (keys: see policy/cost/usage.ts)." },
    },
    check: (resources, c) => {
        if (resources.length === 0) return [];
        // Reported against the stack itself, else its first resource that is not a provider.
        const anchor = resources.find((r) => r.type === "pulumi:pulumi:Stack") ?? resources.find((r) => !r.type.startsWith("pulumi:providers:")) ?? resources[0];
        const report = (message: string): Finding[] => [{ urn: anchor.urn, message }];
        const stack = stackOf(anchor.urn);
        const { usage, errors } = resolveUsage(c.usage, "usage", new Date().toISOString().slice(0, 10), INSTANCE_TYPES);
        const all = [...configErrors(c), ...errors];
        if (all.length > 0) {
            return report(`cost-monthly-budget config is invalid:\n${all.map((e) => `- ${e}`).join("\n")}`);
        }
        const budget = c.budgets[stack] ?? c.monthlyBudget;
        if (!(budget > 0)) return [];
        const estimate = estimateCost(costResources(resources), usage);
        if (estimate.total <= budget) return [];
        return report(`Stack ${stack} is estimated at ${formatUsd(estimate.total)}/month (fixed ${formatUsd(estimate.fixed)}, ` +
            `usage-based ${formatUsd(estimate.usageBased)}), ${formatUsd(estimate.total - budget)} over its budget of ${formatUsd(budget)}. ` +
            `Largest: ${largestTypes(estimate.items, 3).join(", ")}.`);
    },
});

export const costPolicies = [costMonthlyBudget];
