import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./aws-context";
import { PolicyDocument } from "./iam";

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy, `retentionInDays`). */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Key policy that lets CloudWatch Logs in this region use the key for log groups of this account only.
 * Source: CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS" (step 2).
 */
export function logsKeyPolicy(ctx: AwsContext): pulumi.Output<string> {
    return pulumi.all([ctx.accountId, ctx.partition, ctx.region, ctx.dnsSuffix]).apply(([account, partition, region, dns]) => {
        const doc: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountAdministersKey",
                    Effect: "Allow",
                    Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "CloudWatchLogsUsesKey",
                    Effect: "Allow",
                    Principal: { Service: `logs.${region}.${dns}` },
                    Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    Resource: "*",
                    Condition: {
                        ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:*` },
                    },
                },
            ],
        };
        return JSON.stringify(doc);
    });
}

/** A customer managed key for log groups: rotated, with a 30-day deletion window (D9 in docs/design.md). */
export function createLogsKey(name: string, ctx: AwsContext, parent: pulumi.Resource): aws.kms.Key {
    return new aws.kms.Key(name, {
        description: `CloudWatch Logs encryption for ${name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: logsKeyPolicy(ctx),
    }, { parent, retainOnDelete: true });
}

/** A log group encrypted with `kmsKeyArn`, kept when removed from the program (D9 in docs/design.md). */
export function createLogGroup(
    name: string,
    args: { retentionInDays: number; kmsKeyArn: pulumi.Input<string>; namePrefix?: string; logGroupName?: pulumi.Input<string> },
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(name, {
        name: args.logGroupName,
        namePrefix: args.namePrefix,
        retentionInDays: args.retentionInDays,
        kmsKeyId: args.kmsKeyArn,
    }, { parent, retainOnDelete: true });
}
