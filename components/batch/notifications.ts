import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { policyJson } from "../iam";

/**
 * The alarm topic when the caller gives none: SNS encrypted with a customer managed key, because CloudWatch
 * alarms cannot publish to a topic under the AWS managed key aws/sns; the key lets CloudWatch generate data keys
 * and decrypt (SNS Developer Guide, "Configure AWS KMS permissions for AWS services" lists CloudWatch).
 */
export function createAlarmTopic(name: string, ctx: AwsContext, parent: pulumi.Resource): aws.sns.Topic {
    const key = new aws.kms.Key(`${name}-alarms-key`, {
        description: `SNS alarm topic encryption for ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyJson({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountAdministersKey",
                    Effect: "Allow",
                    Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "CloudWatchPublishesEncrypted",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
                },
            ],
        }),
    }, { parent });
    return new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: key.arn }, { parent });
}
