import * as pulumi from "@pulumi/pulumi";
import { QueueBatch, QueueBatchArgs } from "../components/batch";
import { resolveQueueBatchArgs } from "../components/batch/args";
import { RegionalNetwork, RegionalNetworkArgs, resolveNetworkArgs } from "../components/network";
import { createRegionalProviders } from "../components/regions";
import { requireSection, StackConfig } from "./config";

/**
 * The `aws-containers:batch` section: QueueBatch's arguments but the network wiring, plus the network.
 * Images are named as everywhere else: `repository` + `tag` of the registry stack (DESIGN D4), whose
 * URI QueueBatch derives in each region, or a full `image` URI.
 */
export interface BatchSection extends Omit<QueueBatchArgs, "vpcId" | "privateSubnetIds"> {
    readonly network?: RegionalNetworkArgs;
}

/**
 * The sqs-batch stack (reference architecture 3): in every region a network and a QueueBatch, the
 * worker and stage images pulled from that region's replica of the registry.
 */
export function buildSqsBatch(cfg: StackConfig) {
    const { network = {}, ...batch } = requireSection<BatchSection>(cfg, "batch");
    // Check the whole section before any resource exists, so a config error leaves nothing half-built.
    resolveNetworkArgs(network);
    resolveQueueBatchArgs({ ...batch, vpcId: "", privateSubnetIds: [] });

    const providers = createRegionalProviders("aws", cfg.regions, cfg.providers);
    const regions: { [region: string]: Record<string, pulumi.Output<string>> } = {};
    for (const region of cfg.regions) {
        const opts = { provider: providers[region] };
        const net = new RegionalNetwork(`network-${region}`, network, opts);
        const qb = new QueueBatch(`batch-${region}`, { ...batch, vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds }, opts);
        regions[region] = {
            queueUrl: qb.queueUrl,
            deadLetterQueueUrl: qb.deadLetterQueueUrl,
            stateMachineArn: qb.stateMachineArn,
            pipelineBucketName: qb.pipelineBucketName,
            alarmTopicArn: qb.alarmTopicArn,
            clusterName: qb.clusterName,
        };
    }
    return { regions };
}
