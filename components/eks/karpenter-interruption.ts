import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson } from "../iam";

/**
 * EventBridge events Karpenter handles before a node goes away (Karpenter v1.15 cloudformation.yaml:
 * ScheduledChangeRule, SpotInterruptionRule, RebalanceRule, InstanceStateChangeRule, and the capacity
 * reservation interruption rule), keyed by the rule's name part.
 */
export const INTERRUPTION_EVENTS: { [part: string]: { source: string; detailType: string } } = {
    "health": { source: "aws.health", detailType: "AWS Health Event" },
    "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    "rebalance": { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    "state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    "capacity-reservation": { source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
};

/**
 * The interruption queue: SSE-encrypted, messages kept 5 minutes (an interruption notice is useless after
 * that), writable only by EventBridge and SQS over TLS, fed by one rule per event type.
 */
export function createInterruptionQueue(name: string, parent: pulumi.Resource): aws.sqs.Queue {
    const queue = new aws.sqs.Queue(name, { messageRetentionSeconds: 300, sqsManagedSseEnabled: true }, { parent });
    new aws.sqs.QueuePolicy(name, {
        queueUrl: queue.url,
        policy: policyJson({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "EventBridgeWrite",
                    Effect: "Allow",
                    Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                    Action: "sqs:SendMessage",
                    Resource: queue.arn,
                },
                {
                    Sid: "DenyHTTP",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sqs:*",
                    Resource: queue.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        }),
    }, { parent });
    for (const [part, event] of Object.entries(INTERRUPTION_EVENTS)) {
        const rule = new aws.cloudwatch.EventRule(`${name}-${part}`, {
            description: `Karpenter interruption handling: ${event.detailType}`,
            eventPattern: JSON.stringify({ "source": [event.source], "detail-type": [event.detailType] }),
        }, { parent });
        new aws.cloudwatch.EventTarget(`${name}-${part}`, { rule: rule.name, arn: queue.arn }, { parent });
    }
    return queue;
}
