import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyJson } from "../iam";
import { PIPELINE_PREFIXES } from "./definition";

/**
 * The pipeline bucket: batch inputs the Distributed Map reads (`inputs/`) and the results it writes
 * (`results/`). Private (all public access blocked, bucket-owner objects only), encrypted (SSE-S3 with
 * bucket keys), TLS only, and both prefixes expire after `retentionDays` so batches do not accumulate.
 */
export function createPipelineBucket(name: string, retentionDays: number, parent: pulumi.Resource): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(`${name}-pipeline`, { forceDestroy: false }, { parent });
    new aws.s3.BucketPublicAccessBlock(`${name}-pipeline`, {
        bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, { parent });
    new aws.s3.BucketOwnershipControls(`${name}-pipeline`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent });
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-pipeline`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, { parent });
    new aws.s3.BucketLifecycleConfiguration(`${name}-pipeline`, {
        bucket: bucket.id,
        rules: Object.entries(PIPELINE_PREFIXES).map(([id, prefix]) => ({
            id: `expire-${id}`,
            status: "Enabled",
            filter: { prefix },
            expiration: { days: retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        })),
    }, { parent });
    new aws.s3.BucketPolicy(`${name}-pipeline`, {
        bucket: bucket.id,
        policy: policyJson({
            Version: "2012-10-17",
            Statement: [{
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            }],
        }),
    }, { parent });
    return bucket;
}
