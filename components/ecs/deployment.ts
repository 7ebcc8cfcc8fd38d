import * as aws from "@pulumi/aws";
import { ArgumentErrors, show } from "../validation";

/** ECS-native deployment strategies (aws.ecs.Service `deploymentConfiguration.strategy`). */
export const DEPLOYMENT_STRATEGIES: readonly string[] = ["ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"];

/**
 * How new revisions roll out. ROLLING replaces tasks in place; BLUE_GREEN, CANARY and LINEAR start a
 * full green fleet and shift traffic (all at once, a canary slice, or in steps), rolling back when an
 * alarm fires during the shift or bake time.
 */
export interface DeploymentArgs {
    /** "ROLLING", "BLUE_GREEN", "CANARY" or "LINEAR". @default "ROLLING" */
    readonly strategy?: string;
    /** Minutes both fleets run after all traffic has shifted (0 to 1440), not used by ROLLING. @default 10 */
    readonly bakeTimeInMinutes?: number;
    /** CANARY: share of traffic sent first, 0.1 to 100 in steps of 0.1. @default 5 */
    readonly canaryPercent?: number;
    /** CANARY: minutes the canary runs before the rest shifts (0 to 1440). @default 10 */
    readonly canaryBakeTimeInMinutes?: number;
    /** LINEAR: share of traffic added per step, 3 to 100 in steps of 0.1. @default 10 */
    readonly linearStepPercent?: number;
    /** LINEAR: minutes between steps (0 to 1440). @default 6 */
    readonly linearStepBakeTimeInMinutes?: number;
    /** ROLLING: lower limit of running tasks during a deployment, in percent of the desired count. @default 100 */
    readonly minimumHealthyPercent?: number;
    /** ROLLING: upper limit of running tasks during a deployment, in percent. @default 200 */
    readonly maximumPercent?: number;
}

export interface ResolvedDeployment {
    strategy: string;
    bakeTimeInMinutes: number;
    canaryPercent: number;
    canaryBakeTimeInMinutes: number;
    linearStepPercent: number;
    linearStepBakeTimeInMinutes: number;
    minimumHealthyPercent: number;
    maximumPercent: number;
}

/** A multiple of 0.1 within [min, max] (ECS CanaryConfiguration / LinearConfiguration). */
function tenths(v: number, min: number, max: number): boolean {
    return typeof v === "number" && v >= min && v <= max && Math.abs(Math.round(v * 10) - v * 10) < 1e-9;
}

const minutes = (v: number) => Number.isInteger(v) && v >= 0 && v <= 1440;

/**
 * Resolves and validates a deployment. Limits: ECS API CanaryConfiguration (canaryPercent 0.1-100,
 * bake 0-1440) and LinearConfiguration (stepPercent 3-100, bake 0-1440).
 */
export function resolveDeployment(errors: ArgumentErrors, path: string, d: DeploymentArgs = {}): ResolvedDeployment {
    const r: ResolvedDeployment = {
        strategy: d.strategy ?? "ROLLING",
        bakeTimeInMinutes: d.bakeTimeInMinutes ?? 10,
        canaryPercent: d.canaryPercent ?? 5,
        canaryBakeTimeInMinutes: d.canaryBakeTimeInMinutes ?? 10,
        linearStepPercent: d.linearStepPercent ?? 10,
        linearStepBakeTimeInMinutes: d.linearStepBakeTimeInMinutes ?? 6,
        minimumHealthyPercent: d.minimumHealthyPercent ?? 100,
        maximumPercent: d.maximumPercent ?? 200,
    };
    errors.require(DEPLOYMENT_STRATEGIES.includes(r.strategy), `${path}strategy`,
        `${show(r.strategy)} is not a deployment strategy; allowed: ${DEPLOYMENT_STRATEGIES.join(", ")}`);
    errors.require(minutes(r.bakeTimeInMinutes), `${path}bakeTimeInMinutes`, `${show(r.bakeTimeInMinutes)} is not a whole number of minutes from 0 to 1440`);
    errors.require(tenths(r.canaryPercent, 0.1, 100), `${path}canaryPercent`,
        `${show(r.canaryPercent)} is out of range; allowed: 0.1 to 100 in steps of 0.1`);
    errors.require(minutes(r.canaryBakeTimeInMinutes), `${path}canaryBakeTimeInMinutes`,
        `${show(r.canaryBakeTimeInMinutes)} is not a whole number of minutes from 0 to 1440`);
    errors.require(tenths(r.linearStepPercent, 3, 100), `${path}linearStepPercent`,
        `${show(r.linearStepPercent)} is out of range; allowed: 3 to 100 in steps of 0.1`);
    errors.require(minutes(r.linearStepBakeTimeInMinutes), `${path}linearStepBakeTimeInMinutes`,
        `${show(r.linearStepBakeTimeInMinutes)} is not a whole number of minutes from 0 to 1440`);
    errors.require(Number.isInteger(r.minimumHealthyPercent) && r.minimumHealthyPercent >= 0 && r.minimumHealthyPercent <= 100,
        `${path}minimumHealthyPercent`, `${show(r.minimumHealthyPercent)} is not a whole number from 0 to 100`);
    errors.require(Number.isInteger(r.maximumPercent) && r.maximumPercent >= 100 && r.maximumPercent <= 200,
        `${path}maximumPercent`, `${show(r.maximumPercent)} is not a whole number from 100 to 200`);
    for (const [key, only] of [["canaryPercent", "CANARY"], ["canaryBakeTimeInMinutes", "CANARY"],
        ["linearStepPercent", "LINEAR"], ["linearStepBakeTimeInMinutes", "LINEAR"]] as const) {
        errors.require(d[key] === undefined || r.strategy === only, `${path}${key}`,
            `applies only to strategy ${only}, but the strategy is ${show(r.strategy)}`);
    }
    return r;
}

/** True for strategies that shift traffic between two fleets and need an alternate target. */
export function shiftsTraffic(d: ResolvedDeployment): boolean {
    return d.strategy !== "ROLLING";
}

/** The service's `deploymentConfiguration` for `d` (ECS controller). */
export function deploymentConfiguration(d: ResolvedDeployment): aws.types.input.ecs.ServiceDeploymentConfiguration {
    if (!shiftsTraffic(d)) {
        return { strategy: "ROLLING" };
    }
    return {
        strategy: d.strategy,
        bakeTimeInMinutes: String(d.bakeTimeInMinutes),
        canaryConfiguration: d.strategy === "CANARY"
            ? { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: String(d.canaryBakeTimeInMinutes) } : undefined,
        linearConfiguration: d.strategy === "LINEAR"
            ? { stepPercent: d.linearStepPercent, stepBakeTimeInMinutes: String(d.linearStepBakeTimeInMinutes) } : undefined,
    };
}
