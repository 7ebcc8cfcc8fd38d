// One empty StringAsset (an empty marker object in a bucket) beside a sound repository: @pulumi/policy's
// deserialiser refuses an asset whose text is "" and fails every Analyze call that deserialises it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("markers", {});
new aws.s3.BucketObjectv2("ready-marker", { bucket: bucket.id, key: "READY", source: new pulumi.asset.StringAsset("") });

// Analysis still runs on everything else: this log group keeps its logs forever (one advisory, sec-log-retention).
new aws.cloudwatch.LogGroup("markers-log", { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/logs" });
