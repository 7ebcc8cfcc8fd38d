import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Account, partition and region as seen by the provider a component inherits (D2 in docs/design.md). */
export interface AwsContext {
    readonly accountId: pulumi.Output<string>;
    readonly partition: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    /** DNS suffix of the partition, e.g. amazonaws.com. */
    readonly dnsSuffix: pulumi.Output<string>;
}

// One lookup per provider: nested components of one region share it instead of each calling STS again.
const byProvider = new WeakMap<pulumi.ProviderResource, AwsContext>();

/** Looks the context up through invokes parented to `parent`, so they use the parent's provider. */
export function awsContext(parent: pulumi.Resource): AwsContext {
    const provider = parent.getProvider("aws:index/getRegion:getRegion");
    const known = provider && byProvider.get(provider);
    if (known) {
        return known;
    }
    const opts = { parent };
    const identity = aws.getCallerIdentityOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts);
    const ctx: AwsContext = {
        accountId: identity.accountId,
        partition: partition.partition,
        dnsSuffix: partition.dnsSuffix,
        region: aws.getRegionOutput({}, opts).region,
    };
    if (provider) {
        byProvider.set(provider, ctx);
    }
    return ctx;
}
