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

/** A scheduled change of the service's capacity bounds (Application Auto Scaling PutScheduledAction). */
export interface ScheduledScalingAction {
    /** Short stable name; the action resource is `<service>-scaling-schedule-<name>`. */
    readonly name: string;
    /** "cron(<min> <hour> <day> <month> <weekday> <year>)", "rate(<n> <minutes|hours|days>)" or "at(yyyy-mm-ddThh:mm:ss)". */
    readonly schedule: string;
    /** IANA time zone the schedule is read in, e.g. "Europe/Paris". @default "UTC" */
    readonly timezone?: string;
    /** Fewest tasks from this time on; at least one of minCapacity and maxCapacity. */
    readonly minCapacity?: number;
    /** Most tasks from this time on. */
    readonly maxCapacity?: number;
}

/** One step of a step policy: bounds relative to the alarm threshold (metric minus threshold). */
export interface ScalingStep {
    /** Lower bound, inclusive. @default minus infinity */
    readonly lowerBound?: number;
    /** Upper bound, exclusive. @default plus infinity */
    readonly upperBound?: number;
    /** Tasks to add (positive) or remove (negative), or a percentage or exact count per `adjustmentType`. */
    readonly adjustment: number;
}

/** The caller's CloudWatch alarm that drives a step policy; the component creates it with the policy as its action. */
export interface StepScalingAlarm {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions?: { [name: string]: pulumi.Input<string> };
    /** "Average", "Sum", "Minimum", "Maximum" or "SampleCount". @default "Average" */
    readonly statistic?: string;
    /** Seconds per datapoint: 10, 30 or a multiple of 60. @default 60 */
    readonly periodSeconds?: number;
    /** Datapoints that must breach. @default 1 */
    readonly evaluationPeriods?: number;
    readonly threshold: number;
    /** "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold" or "LessThanOrEqualToThreshold". */
    readonly comparisonOperator: string;
}

/** Step scaling on a CloudWatch alarm (Application Auto Scaling StepScalingPolicyConfiguration). */
export interface StepScalingPolicy {
    /** Short stable name; the policy resource is `<service>-scaling-step-<name>`. */
    readonly name: string;
    readonly alarm: StepScalingAlarm;
    /** Contiguous, non-overlapping steps. */
    readonly steps: ScalingStep[];
    /** "ChangeInCapacity", "PercentChangeInCapacity" or "ExactCapacity". @default "ChangeInCapacity" */
    readonly adjustmentType?: string;
    /** Seconds after a step before the next. @default 60 */
    readonly cooldownSeconds?: number;
}

/**
 * Application Auto Scaling for an ECS service: target tracking on CPU, memory and ALB requests per
 * target, custom target-tracking policies, step policies on alarms and scheduled actions.
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
    /** Step policies, each on its own alarm. @default [] */
    readonly stepPolicies?: StepScalingPolicy[];
    /** Scheduled changes of minCapacity and maxCapacity (e.g. office hours). @default [] */
    readonly scheduledActions?: ScheduledScalingAction[];
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
    stepPolicies: StepScalingPolicy[];
    scheduledActions: ScheduledScalingAction[];
}

export const ADJUSTMENT_TYPES: readonly string[] = ["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"];
export const COMPARISON_OPERATORS: readonly string[] = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];
const STATISTICS = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"];
// Application Auto Scaling User Guide, "Scheduled scaling": cron (six fields), rate and one-time at expressions.
const SCHEDULE = /^(cron\((\S+ ){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;
const POLICY_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

function validTimezone(tz: string): boolean {
    try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
    } catch {
        return false;
    }
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
        stepPolicies: s.stepPolicies ?? [],
        scheduledActions: s.scheduledActions ?? [],
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
    r.stepPolicies.forEach((p, i) => checkStepPolicy(errors, `${path}stepPolicies[${i}]`, p));
    for (const dup of duplicates(r.stepPolicies.map((p) => p.name))) {
        errors.require(false, `${path}stepPolicies`, `policy name ${show(dup)} appears more than once; names must be unique`);
    }
    r.scheduledActions.forEach((a, i) => checkScheduledAction(errors, `${path}scheduledActions[${i}]`, a));
    for (const dup of duplicates(r.scheduledActions.map((a) => a.name))) {
        errors.require(false, `${path}scheduledActions`, `action name ${show(dup)} appears more than once; names must be unique`);
    }
    return r;
}

function checkScheduledAction(errors: ArgumentErrors, p: string, a: ScheduledScalingAction): void {
    errors.require(typeof a.name === "string" && POLICY_NAME.test(a.name), `${p}.name`,
        `${show(a.name)} is not an action name; use up to 40 lowercase letters, digits or -`);
    errors.require(typeof a.schedule === "string" && SCHEDULE.test(a.schedule), `${p}.schedule`,
        `${show(a.schedule)} is not a schedule; allowed: "cron(<6 fields>)", "rate(<n> minutes|hours|days)" or "at(yyyy-mm-ddThh:mm:ss)"`);
    if (a.timezone !== undefined) {
        errors.require(validTimezone(a.timezone), `${p}.timezone`, `${show(a.timezone)} is not an IANA time zone, e.g. "UTC" or "Europe/Paris"`);
    }
    errors.require(a.minCapacity !== undefined || a.maxCapacity !== undefined, `${p}`, "sets neither minCapacity nor maxCapacity; give at least one");
    if (a.minCapacity !== undefined) {
        errors.require(whole(a.minCapacity, 0), `${p}.minCapacity`, `${show(a.minCapacity)} is not a whole number of at least 0`);
    }
    if (a.maxCapacity !== undefined) {
        errors.require(whole(a.maxCapacity, 1), `${p}.maxCapacity`, `${show(a.maxCapacity)} is not a whole number of at least 1`);
    }
    errors.require(!(a.minCapacity !== undefined && a.maxCapacity !== undefined && a.minCapacity > a.maxCapacity), `${p}.minCapacity`,
        `${show(a.minCapacity)} is above maxCapacity ${show(a.maxCapacity)}; minCapacity must be at most maxCapacity`);
}

/**
 * Steps must neither overlap nor leave a gap (Application Auto Scaling User Guide, "Step adjustments"):
 * sorted by lower bound, each starts where the previous ends, and only the first and last may be open.
 */
function checkStepPolicy(errors: ArgumentErrors, p: string, s: StepScalingPolicy): void {
    errors.require(typeof s.name === "string" && POLICY_NAME.test(s.name), `${p}.name`,
        `${show(s.name)} is not a policy name; use up to 40 lowercase letters, digits or -`);
    const type = s.adjustmentType ?? "ChangeInCapacity";
    errors.require(ADJUSTMENT_TYPES.includes(type), `${p}.adjustmentType`, `${show(type)} is not an adjustment type; allowed: ${ADJUSTMENT_TYPES.join(", ")}`);
    const cooldown = s.cooldownSeconds ?? 60;
    errors.require(whole(cooldown, 0, 3600), `${p}.cooldownSeconds`, `${show(cooldown)} is not a whole number of seconds from 0 to 3600`);
    const al = s.alarm ?? ({} as StepScalingAlarm);
    errors.require(typeof al.namespace === "string" && al.namespace.length > 0 && typeof al.metricName === "string" && al.metricName.length > 0,
        `${p}.alarm`, "needs namespace and metricName of the metric to alarm on");
    errors.require(COMPARISON_OPERATORS.includes(al.comparisonOperator), `${p}.alarm.comparisonOperator`,
        `${show(al.comparisonOperator)} is not a comparison; allowed: ${COMPARISON_OPERATORS.join(", ")}`);
    errors.require(typeof al.threshold === "number" && Number.isFinite(al.threshold), `${p}.alarm.threshold`, `${show(al.threshold)} is not a number`);
    errors.require(STATISTICS.includes(al.statistic ?? "Average"), `${p}.alarm.statistic`, `${show(al.statistic)} is not a statistic; allowed: ${STATISTICS.join(", ")}`);
    const period = al.periodSeconds ?? 60;
    errors.require(period === 10 || period === 30 || whole(period, 60) && period % 60 === 0, `${p}.alarm.periodSeconds`,
        `${show(period)} is not a period; allowed: 10, 30 or a multiple of 60`);
    errors.require(whole(al.evaluationPeriods ?? 1, 1), `${p}.alarm.evaluationPeriods`, `${show(al.evaluationPeriods)} is not a whole number of at least 1`);
    const steps = s.steps ?? [];
    errors.require(steps.length > 0, `${p}.steps`, "is empty; give at least one step");
    steps.forEach((st, j) => {
        errors.require(typeof st.adjustment === "number" && Number.isInteger(st.adjustment) && (st.adjustment !== 0 || type === "ExactCapacity"),
            `${p}.steps[${j}].adjustment`, `${show(st.adjustment)} is not a whole non-zero adjustment`);
        errors.require(st.lowerBound === undefined || st.upperBound === undefined || st.lowerBound < st.upperBound, `${p}.steps[${j}]`,
            `lowerBound ${show(st.lowerBound)} is not below upperBound ${show(st.upperBound)}`);
    });
    const sorted = steps.map((st, j) => ({ ...st, j })).sort((a, b) => (a.lowerBound ?? -Infinity) - (b.lowerBound ?? -Infinity));
    for (let k = 1; k < sorted.length; k++) {
        const prev = sorted[k - 1];
        const next = sorted[k];
        const prevUpper = prev.upperBound ?? Infinity;
        const nextLower = next.lowerBound ?? -Infinity;
        errors.require(!(nextLower < prevUpper), `${p}.steps[${next.j}]`,
            `[${show(next.lowerBound ?? null)}, ${show(next.upperBound ?? null)}) overlaps steps[${prev.j}] [${show(prev.lowerBound ?? null)}, ${show(prev.upperBound ?? null)}); steps may not overlap`);
        errors.require(!(nextLower > prevUpper), `${p}.steps[${next.j}]`,
            `lowerBound ${show(next.lowerBound)} leaves a gap after steps[${prev.j}] (upperBound ${show(prev.upperBound)}); each step starts where the previous ends`);
    }
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
    for (const p of s.stepPolicies) {
        const step = new aws.appautoscaling.Policy(`${name}-step-${p.name}`, {
            policyType: "StepScaling",
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            serviceNamespace: target.serviceNamespace,
            stepScalingPolicyConfiguration: {
                adjustmentType: p.adjustmentType ?? "ChangeInCapacity",
                cooldown: p.cooldownSeconds ?? 60,
                metricAggregationType: p.alarm.statistic === "Minimum" || p.alarm.statistic === "Maximum" ? p.alarm.statistic : "Average",
                stepAdjustments: p.steps.map((st) => ({
                    metricIntervalLowerBound: st.lowerBound === undefined ? undefined : String(st.lowerBound),
                    metricIntervalUpperBound: st.upperBound === undefined ? undefined : String(st.upperBound),
                    scalingAdjustment: st.adjustment,
                })),
            },
        }, opts);
        new aws.cloudwatch.MetricAlarm(`${name}-step-${p.name}`, {
            alarmDescription: `Drives step scaling policy ${p.name}`,
            namespace: p.alarm.namespace,
            metricName: p.alarm.metricName,
            dimensions: p.alarm.dimensions,
            statistic: p.alarm.statistic ?? "Average",
            period: p.alarm.periodSeconds ?? 60,
            evaluationPeriods: p.alarm.evaluationPeriods ?? 1,
            threshold: p.alarm.threshold,
            comparisonOperator: p.alarm.comparisonOperator,
            alarmActions: [step.arn],
        }, opts);
    }
    for (const a of s.scheduledActions) {
        new aws.appautoscaling.ScheduledAction(`${name}-schedule-${a.name}`, {
            name: pulumi.interpolate`${serviceName}-${a.name}`,
            resourceId: target.resourceId,
            scalableDimension: target.scalableDimension,
            serviceNamespace: target.serviceNamespace,
            schedule: a.schedule,
            timezone: a.timezone ?? "UTC",
            scalableTargetAction: { minCapacity: a.minCapacity, maxCapacity: a.maxCapacity },
        }, opts);
    }
    return { resourceId: target.resourceId, scalableDimension: target.scalableDimension, serviceNamespace: target.serviceNamespace };
}
