// One empty StringAsset (an empty marker object in a bucket) beside a sound repository: @pulumi/policy's
// deserialiser refuses an asset whose text is "" and fails every Analyze call that deserialises it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("markers", {});
new aws.s3.BucketObjectv2("ready-marker", { bucket: bucket.id, key: "READY", source: new pulumi.asset.StringAsset("") });
