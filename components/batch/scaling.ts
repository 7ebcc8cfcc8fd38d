import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The scalable target of the worker service (`ecs:service:DesiredCount`), as the ECS service block registers it. */
export interface ScalableTarget {
    resourceId: pulumi.Input<string>;
    scalableDimension: pulumi.Input<string>;
    serviceNamespace: pulumi.Input<string>;
}

export interface QueueDepthScalingSettings {
    target: ScalableTarget;
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    queueName: pulumi.Input<string>;
    targetBacklogPerTask: number;
    /** Seconds between scale-out steps. @default 60 */
    scaleOutCooldown?: number;
    /** Seconds between scale-in steps; long enough for a task to finish its message. @default 300 */
    scaleInCooldown?: number;
}

export interface QueueDepthScaling {
    backlogPolicy: aws.appautoscaling.Policy;
    startFromZeroPolicy: aws.appautoscaling.Policy;
    startFromZeroAlarm: aws.cloudwatch.MetricAlarm;
}

/** Expression of the backlog-per-task metric: messages waiting divided by running tasks. */
export const BACKLOG_PER_TASK_EXPRESSION = "m1 / m2";
/** 1 when messages wait and none is being processed (no worker runs), else 0. */
export const IDLE_BACKLOG_EXPRESSION = "IF(visible >= 1 AND inflight == 0, 1, 0)";

/**
 * Scales the worker service on queue depth, in two policies.
 *
 * 1. Target tracking on backlog per task, following the Application Auto Scaling User Guide, "Create a
 *    target tracking scaling policy using metric math", example "Amazon SQS queue backlog per task":
 *    m1 = AWS/SQS ApproximateNumberOfMessagesVisible (Sum), m2 = ECS/ContainerInsights RunningTaskCount
 *    (Average), e1 = m1 / m2. The target is the acceptable backlog per task (EC2 Auto Scaling User Guide,
 *    "Scaling policy based on Amazon SQS": acceptable latency / processing time per message). When the
 *    queue drains, e1 is 0 and the policy scales in to the minimum capacity, which may be 0.
 *    RunningTaskCount needs Container Insights on the cluster.
 *
 * 2. A step policy that starts the first task from zero. With no task running, Container Insights
 *    publishes no RunningTaskCount, so e1 has no data, and target tracking "does not perform scaling
 *    when the specified metric has insufficient data" (ECS Developer Guide, target tracking
 *    considerations). This policy adds one task when messages are visible and none is in flight,
 *    using SQS metrics only, which exist whatever the task count. It only ever adds capacity, so it
 *    cannot undo a scale-in of the target tracking policy; AWS cautions that mixed policies can fight
 *    when both move capacity (PutScalingPolicy API reference), and that is avoided here.
 */
export function createQueueDepthScaling(name: string, s: QueueDepthScalingSettings, parent: pulumi.Resource): QueueDepthScaling {
    const scalable = {
        resourceId: s.target.resourceId,
        scalableDimension: s.target.scalableDimension,
        serviceNamespace: s.target.serviceNamespace,
    };
    const backlogPolicy = new aws.appautoscaling.Policy(`${name}-backlog-per-task`, {
        ...scalable,
        policyType: "TargetTrackingScaling",
        targetTrackingScalingPolicyConfiguration: {
            targetValue: s.targetBacklogPerTask,
            scaleOutCooldown: s.scaleOutCooldown ?? 60,
            scaleInCooldown: s.scaleInCooldown ?? 300,
            customizedMetricSpecification: {
                metrics: [
                    {
                        id: "m1",
                        label: "Messages waiting",
                        returnData: false,
                        metricStat: {
                            stat: "Sum",
                            metric: {
                                namespace: "AWS/SQS",
                                metricName: "ApproximateNumberOfMessagesVisible",
                                dimensions: [{ name: "QueueName", value: s.queueName }],
                            },
                        },
                    },
                    {
                        id: "m2",
                        label: "Running tasks",
                        returnData: false,
                        metricStat: {
                            stat: "Average",
                            metric: {
                                namespace: "ECS/ContainerInsights",
                                metricName: "RunningTaskCount",
                                dimensions: [
                                    { name: "ClusterName", value: s.clusterName },
                                    { name: "ServiceName", value: s.serviceName },
                                ],
                            },
                        },
                    },
                    { id: "e1", label: "Backlog per task", expression: BACKLOG_PER_TASK_EXPRESSION, returnData: true },
                ],
            },
        },
    }, { parent });

    const startFromZeroPolicy = new aws.appautoscaling.Policy(`${name}-start-from-zero`, {
        ...scalable,
        policyType: "StepScaling",
        stepScalingPolicyConfiguration: {
            adjustmentType: "ChangeInCapacity",
            cooldown: s.scaleOutCooldown ?? 60,
            metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
        },
    }, { parent });

    const sqsMetric = (metricName: string) => ({
        namespace: "AWS/SQS",
        metricName,
        dimensions: { QueueName: s.queueName },
        stat: "Maximum",
        period: 60,
    });
    const startFromZeroAlarm = new aws.cloudwatch.MetricAlarm(`${name}-idle-backlog`, {
        alarmDescription: pulumi.interpolate`Messages wait in ${s.queueName} and none is in flight: start a worker`,
        metricQueries: [
            { id: "visible", metric: sqsMetric("ApproximateNumberOfMessagesVisible"), returnData: false },
            { id: "inflight", metric: sqsMetric("ApproximateNumberOfMessagesNotVisible"), returnData: false },
            { id: "idle", expression: IDLE_BACKLOG_EXPRESSION, label: "Backlog with no worker", returnData: true },
        ],
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmActions: [startFromZeroPolicy.arn],
    }, { parent });

    return { backlogPolicy, startFromZeroPolicy, startFromZeroAlarm };
}
