import * as pulumi from "@pulumi/pulumi";
import { PipelineStageArgs, QueueBatch, QueueBatchArgs, QueueWorkerArgs } from "../components/batch";
import { resolveQueueBatchArgs } from "../components/batch/args";
import { RegionalNetwork, RegionalNetworkArgs, resolveNetworkArgs } from "../components/network";
import { createRegionalProviders } from "../components/regions";
import { imageReference } from "../components/registry";
import { awsContext } from "../components/aws-context";
import { requireSection, StackConfig } from "./config";

/** An image of the registry stack, which replicates every repository to each region under the same name (DESIGN D4). */
interface ImageRef {
    readonly repository: string;
    /** Image tag (immutable in the registry). */
    readonly tag: string;
}

/** The `aws-containers:batch` section: QueueBatch's arguments, with images named by repository and tag. */
interface BatchSection extends Omit<QueueBatchArgs, "vpcId" | "subnetIds" | "worker" | "stages"> {
    readonly network?: RegionalNetworkArgs;
    readonly worker: Omit<QueueWorkerArgs, "image"> & ImageRef;
    readonly stages: (Omit<PipelineStageArgs, "image"> & ImageRef)[];
}

type ImageUri = (ref: ImageRef) => pulumi.Input<string>;

/**
 * The sqs-batch stack (reference architecture 3): in every region a network and a QueueBatch, the
 * worker and stage images pulled from that region's replica of the registry.
 */
export function buildSqsBatch(cfg: StackConfig) {
    const { network = {}, worker, stages, ...batch } = requireSection<BatchSection>(cfg, "batch");
    const argsFor = (image: ImageUri, vpcId: pulumi.Input<string>, subnetIds: pulumi.Input<string[]>): QueueBatchArgs => {
        const withImage = <T extends ImageRef>({ repository, tag, ...rest }: T) => ({ ...rest, image: image({ repository, tag }) });
        return {
            ...batch,
            vpcId,
            subnetIds,
            // A missing worker or stage list reaches QueueBatch as such, which reports it by name.
            worker: (worker && withImage(worker))!,
            stages: stages && stages.map(withImage),
        };
    };
    // Check the whole section before any resource exists, so a config error leaves nothing half-built.
    resolveNetworkArgs(network);
    resolveQueueBatchArgs(argsFor(() => "", "", []));

    const providers = createRegionalProviders("aws", cfg.regions, cfg.providers);
    const regions: { [region: string]: Record<string, pulumi.Output<string>> } = {};
    for (const region of cfg.regions) {
        const opts = { provider: providers[region] };
        const net = new RegionalNetwork(`network-${region}`, network, opts);
        // The region's account and partition, looked up once per provider (shared with the components).
        const ctx = awsContext(net);
        const image: ImageUri = ({ repository, tag }) => imageReference(ctx, repository, tag);
        const qb = new QueueBatch(`batch-${region}`, argsFor(image, net.vpcId, net.privateSubnetIds), opts);
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
