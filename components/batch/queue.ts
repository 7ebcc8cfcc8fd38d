import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedQueueBatchArgs } from "./args";

/** The resolved component arguments the queues are built from. */
export type WorkQueueSettings = Pick<ResolvedQueueBatchArgs, "visibilityTimeoutSeconds" | "maxReceiveCount" | "messageRetentionSeconds"
    | "deadLetterRetentionSeconds" | "receiveWaitTimeSeconds" | "queueKmsKeyArn" | "alarmActions">;

export interface WorkQueue {
    queue: aws.sqs.Queue;
    deadLetterQueue: aws.sqs.Queue;
    deadLetterAlarm: aws.cloudwatch.MetricAlarm;
}

/**
 * SSE-KMS with a customer key, or SSE-SQS. The two are mutually exclusive on a queue (the provider
 * schema marks `sqsManagedSseEnabled` as conflicting with `kmsMasterKeyId`).
 */
function encryption(kmsKeyArn: pulumi.Input<string> | undefined): Partial<aws.sqs.QueueArgs> {
    return kmsKeyArn
        ? { kmsMasterKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { sqsManagedSseEnabled: true };
}

/**
 * The work queue and its dead-letter queue. The redrive and redrive-allow policies are separate
 * resources, as the provider recommends, so neither queue's creation waits on the other's policy.
 * Formats: SQS Developer Guide, "Using dead-letter queues" (`maxReceiveCount` is a number;
 * `redrivePermission` "byQueue" lists the source queue ARNs).
 */
export function createWorkQueue(name: string, s: WorkQueueSettings, parent: pulumi.Resource): WorkQueue {
    const deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
        messageRetentionSeconds: s.deadLetterRetentionSeconds,
        ...encryption(s.queueKmsKeyArn),
    }, { parent });
    const queue = new aws.sqs.Queue(`${name}-queue`, {
        visibilityTimeoutSeconds: s.visibilityTimeoutSeconds,
        messageRetentionSeconds: s.messageRetentionSeconds,
        receiveWaitTimeSeconds: s.receiveWaitTimeSeconds,
        ...encryption(s.queueKmsKeyArn),
    }, { parent });

    new aws.sqs.RedrivePolicy(`${name}-redrive`, {
        queueUrl: queue.url,
        redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: deadLetterQueue.arn, maxReceiveCount: s.maxReceiveCount }),
    }, { parent });
    // Only the work queue may use this queue as its dead-letter queue.
    new aws.sqs.RedriveAllowPolicy(`${name}-dlq-redrive-allow`, {
        queueUrl: deadLetterQueue.url,
        redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [queue.arn] }),
    }, { parent });

    // Any message in the dead-letter queue is a message that failed maxReceiveCount times.
    const deadLetterAlarm = new aws.cloudwatch.MetricAlarm(`${name}-dlq-not-empty`, {
        alarmDescription: pulumi.interpolate`Messages in dead-letter queue ${deadLetterQueue.name} failed processing ${s.maxReceiveCount} times`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: deadLetterQueue.name },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        // SQS publishes metrics only for active queues; no data means an idle, empty queue.
        treatMissingData: "notBreaching",
        alarmActions: s.alarmActions,
        okActions: s.alarmActions,
    }, { parent });

    return { queue, deadLetterQueue, deadLetterAlarm };
}
