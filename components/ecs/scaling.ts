import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, duplicates, show } from "../validation";

/** A target-tracking policy on a metric of the caller's choosing (e.g. SQS backlog per task via metric math). */
export interface CustomTargetTrackingPolicy {
    /** Short stable name; the policy resource is `<service>-scaling-<name>`. */
    readonly name: string;
    /** Value of the metric the policy keeps the service at. */
    readonly targetValue: number;
    /** The metric (CloudWatch metric or metric-math expression), as Application Auto Scaling takes it. */
    readonly metric: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification;
    /** Leave scale-in to other policies. @default false */
    readonly disableScaleIn?: boolean;
}

/**
 * Application Auto Scaling for an ECS service: target tracking on CPU, memory and ALB requests per
 * target, plus any custom policies. Other policies (e.g. step scaling) can attach to the service's
 * `scalingResourceId`.
 */
export interface ServiceScalingArgs {
    /** Fewest tasks. @default 2 */
    readonly minCapacity?: number;
    /** Most tasks. @default 10 */
    readonly maxCapacity?: number;
    /** Average CPU utilisation to hold, 1 to 100; 0 turns the CPU policy off. @default 60 */
    readonly cpuTargetPercent?: number;
    /** Average memory utilisation to hold, 1 to 100. @default none (off) */
    readonly memoryTargetPercent?: number;
    /** ALB requests per target per minute to hold; needs `albResourceLabel`. @default none (off) */
    readonly requestsPerTarget?: number;
    /** `app/<lb>/<id>/targetgroup/<tg>/<id>`, from the load balancer's and target group's `arnSuffix`. */
    readonly albResourceLabel?: pulumi.Input<string>;
    /** Seconds after a scale-in before another. @default 300 */
    readonly scaleInCooldownSeconds?: number;
    /** Seconds after a scale-out before another. @default 60 */
    readonly scaleOutCooldownSeconds?: number;
    /** More target-tracking policies. @default [] */
    readonly customPolicies?: CustomTargetTrackingPolicy[];
}

export interface ResolvedScaling {
    minCapacity: number;
    maxCapacity: number;
    cpuTargetPercent: number;
    memoryTargetPercent?: number;
    requestsPerTarget?: number;
    albResourceLabel?: pulumi.Input<string>;
    scaleInCooldownSeconds: number;
    scaleOutCooldownSeconds: number;
    customPolicies: CustomTargetTrackingPolicy[];
}

const whole = (v: number, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(v) && v >= min && v <= max;

/**
 * Resolves and validates scaling. `albLabelKnown` tells whether the caller fills `albResourceLabel`
 * itself (a component that owns the target group), so the check does not demand it from the user.
 */
export function resolveScaling(errors: ArgumentErrors, path: string, s: ServiceScalingArgs, albLabelKnown = false): ResolvedScaling {
    const r: ResolvedScaling = {
        minCapacity: s.minCapacity ?? 2,
        maxCapacity: s.maxCapacity ?? 10,
        cpuTargetPercent: s.cpuTargetPercent ?? 60,
        memoryTargetPercent: s.memoryTargetPercent,
        requestsPerTarget: s.requestsPerTarget,
        albResourceLabel: s.albResourceLabel,
        scaleInCooldownSeconds: s.scaleInCooldownSeconds ?? 300,
        scaleOutCooldownSeconds: s.scaleOutCooldownSeconds ?? 60,
        customPolicies: s.customPolicies ?? [],
    };
    errors.require(whole(r.minCapacity, 0), `${path}minCapacity`, `${show(r.minCapacity)} is not a whole number of at least 0`);
    errors.require(whole(r.maxCapacity, 1), `${path}maxCapacity`, `${show(r.maxCapacity)} is not a whole number of at least 1`);
    errors.require(!(r.minCapacity > r.maxCapacity), `${path}minCapacity`,
        `${show(r.minCapacity)} is above maxCapacity ${show(r.maxCapacity)}; minCapacity must be at most maxCapacity`);
    errors.require(whole(r.cpuTargetPercent, 0, 100), `${path}cpuTargetPercent`, `${show(r.cpuTargetPercent)} is not a whole percentage from 0 (off) to 100`);
    if (r.memoryTargetPercent !== undefined) {
        errors.require(whole(r.memoryTargetPercent, 1, 100), `${path}memoryTargetPercent`, `${show(r.memoryTargetPercent)} is not a whole percentage from 1 to 100`);
    }
    if (r.requestsPerTarget !== undefined) {
        errors.require(whole(r.requestsPerTarget, 1), `${path}requestsPerTarget`, `${show(r.requestsPerTarget)} is not a whole number of requests of at least 1`);
        errors.require(albLabelKnown || r.albResourceLabel !== undefined, `${path}albResourceLabel`,
            "is missing; requestsPerTarget needs the load balancer and target group label (app/<lb>/<id>/targetgroup/<tg>/<id>)");
    }
    errors.require(whole(r.scaleInCooldownSeconds, 0, 3600), `${path}scaleInCooldownSeconds`, `${show(r.scaleInCooldownSeconds)} is not a whole number of seconds from 0 to 3600`);
    errors.require(whole(r.scaleOutCooldownSeconds, 0, 3600), `${path}scaleOutCooldownSeconds`, `${show(r.scaleOutCooldownSeconds)} is not a whole number of seconds from 0 to 3600`);
    r.customPolicies.forEach((p, i) => {
        errors.require(/^[a-z0-9][a-z0-9-]{0,39}$/.test(p.name) && !["cpu", "memory", "requests"].includes(p.name), `${path}customPolicies[${i}].name`,
            `${show(p.name)} is not a policy name; use up to 40 lowercase letters, digits or -, other than cpu, memory and requests`);
        errors.require(typeof p.targetValue === "number" && p.targetValue > 0, `${path}customPolicies[${i}].targetValue`, `${show(p.targetValue)} is not a number above 0`);
    });
    for (const dup of duplicates(r.customPolicies.map((p) => p.name))) {
        errors.require(false, `${path}customPolicies`, `policy name ${show(dup)} appears more than once; names must be unique`);
    }
    return r;
}

/** The scalable target ECS service scaling works on. */
export interface ScalableTargetRef {
    readonly resourceId: pulumi.Output<string>;
    readonly scalableDimension: pulumi.Output<string>;
    readonly serviceNamespace: pulumi.Output<string>;
}

/**
 * Registers the service as a scalable target and attaches one target-tracking policy per metric
 * (Application Auto Scaling predefined metrics ECSServiceAverageCPUUtilization,
 * ECSServiceAverageMemoryUtilization and ALBRequestCountPerTarget).
 */
export function createServiceScaling(name: string, clusterName: pulumi.Input<string>, serviceName: pulumi.Input<string>,
    s: ResolvedScaling, parent: pulumi.Resource): ScalableTargetRef {
    const opts = { parent };
    const target = new aws.appautoscaling.Target(`${name}-target`, {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${clusterName}/${serviceName}`,
        minCapacity: s.minCapacity,
        maxCapacity: s.maxCapacity,
    }, opts);
    const policy = (part: string, config: Omit<aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfiguration, "scaleInCooldown" | "scaleOutCooldown">) =>
        new aws.appautoscaling.Policy(`${name}-${part}`, {
            policyType: "TargetTrackingScaling",
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            serviceNamespace: target.serviceNamespace,
            targetTrackingScalingPolicyConfiguration: {
                ...config,
                scaleInCooldown: s.scaleInCooldownSeconds,
                scaleOutCooldown: s.scaleOutCooldownSeconds,
            },
        }, opts);
    if (s.cpuTargetPercent > 0) {
        policy("cpu", { targetValue: s.cpuTargetPercent, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } });
    }
    if (s.memoryTargetPercent !== undefined) {
        policy("memory", { targetValue: s.memoryTargetPercent, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" } });
    }
    if (s.requestsPerTarget !== undefined && s.albResourceLabel !== undefined) {
        policy("requests", {
            targetValue: s.requestsPerTarget,
            predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: s.albResourceLabel },
        });
    }
    for (const p of s.customPolicies) {
        policy(p.name, { targetValue: p.targetValue, customizedMetricSpecification: p.metric, disableScaleIn: p.disableScaleIn ?? false });
    }
    return { resourceId: target.resourceId, scalableDimension: target.scalableDimension, serviceNamespace: target.serviceNamespace };
}
