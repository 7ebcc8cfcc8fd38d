import { ArgumentErrors, show } from "../validation";

/** The Fargate capacity providers every cluster attaches (checklist C8). */
export const FARGATE_PROVIDERS: readonly string[] = ["FARGATE", "FARGATE_SPOT"];

/** One entry of a capacity provider strategy (ECS CapacityProviderStrategyItem). */
export interface CapacityProviderStrategyItem {
    /** "FARGATE", "FARGATE_SPOT", or the name of an EC2 capacity provider of the cluster. */
    readonly capacityProvider: string;
    /** Tasks placed on this provider before weights apply (0 to 100000); only one item may set it. @default 0 */
    readonly base?: number;
    /** Relative share of tasks beyond the bases (0 to 1000). @default 1 */
    readonly weight?: number;
}

/** On-demand Fargate only: the default for user-facing services. */
export const ON_DEMAND_STRATEGY: readonly CapacityProviderStrategyItem[] = [{ capacityProvider: "FARGATE", base: 0, weight: 1 }];

/**
 * Fargate Spot with an optional on-demand base, for interruption-tolerant work (checklist C8: up to
 * 70% cheaper, 2-minute interruption notice). `onDemandBase` tasks always run on FARGATE.
 */
export function spotStrategy(onDemandBase = 0): CapacityProviderStrategyItem[] {
    return [
        { capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 },
        { capacityProvider: "FARGATE", base: onDemandBase, weight: 0 },
    ];
}

/** Resolved item with every default filled in. */
export interface ResolvedStrategyItem {
    capacityProvider: string;
    base: number;
    weight: number;
}

/**
 * Validates a strategy (ECS PutClusterCapacityProviders / CreateService rules): at least one item,
 * unique providers, at most one non-zero base, some positive weight, and Fargate and EC2 providers
 * never mixed. `ec2Providers` are the EC2 capacity providers known to the caller.
 */
export function resolveStrategy(errors: ArgumentErrors, path: string, items: readonly CapacityProviderStrategyItem[],
    ec2Providers: readonly string[] | undefined): ResolvedStrategyItem[] {
    const resolved = items.map((i) => ({ capacityProvider: i.capacityProvider, base: i.base ?? 0, weight: i.weight ?? 1 }));
    errors.require(resolved.length > 0, path, "is empty; give at least one capacity provider");
    resolved.forEach((item, i) => {
        const known = FARGATE_PROVIDERS.includes(item.capacityProvider) || ec2Providers === undefined || ec2Providers.includes(item.capacityProvider);
        errors.require(typeof item.capacityProvider === "string" && item.capacityProvider.length > 0 && known, `${path}[${i}].capacityProvider`,
            `${show(item.capacityProvider)} is not a capacity provider of this cluster; allowed: ${[...FARGATE_PROVIDERS, ...(ec2Providers ?? [])].join(", ")}`);
        errors.require(Number.isInteger(item.base) && item.base >= 0 && item.base <= 100000, `${path}[${i}].base`,
            `${show(item.base)} is not a whole number from 0 to 100000`);
        errors.require(Number.isInteger(item.weight) && item.weight >= 0 && item.weight <= 1000, `${path}[${i}].weight`,
            `${show(item.weight)} is not a whole number from 0 to 1000`);
    });
    errors.require(new Set(resolved.map((i) => i.capacityProvider)).size === resolved.length, path,
        `${show(resolved.map((i) => i.capacityProvider))} lists a capacity provider twice; list each once`);
    errors.require(resolved.filter((i) => i.base > 0).length <= 1, path, "sets base on more than one item; only one item may have a base");
    errors.require(resolved.length === 0 || resolved.some((i) => i.weight > 0), path, "has no item with a weight above 0");
    const fargate = resolved.filter((i) => FARGATE_PROVIDERS.includes(i.capacityProvider)).length;
    errors.require(fargate === 0 || fargate === resolved.length, path,
        "mixes Fargate and EC2 capacity providers; ECS allows only one kind in a strategy");
    return resolved;
}

/** True when a strategy places tasks on EC2 instances (so placement strategies apply). */
export function usesEc2(strategy: readonly ResolvedStrategyItem[]): boolean {
    return strategy.some((i) => !FARGATE_PROVIDERS.includes(i.capacityProvider));
}
