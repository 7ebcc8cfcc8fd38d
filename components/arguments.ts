/**
 * The argument type of every exported component, by component name: what `npm run schemas` turns into
 * schemas/components.schema.json, from which each component learns at construction which keys it
 * accepts (components/schema.ts). A new component adds one line here.
 */
import type { ContainerRegistryArgs } from "./registry";
import type { EcsClusterArgs, EcsServiceArgs, FargateTaskDefinitionArgs } from "./ecs";
import type { EcrPullArgs } from "./ecr-pull";
import type { EksPlatformArgs } from "./eks";
import type { FargateMicroservicesArgs } from "./microservices";
import type { ActiveActiveArgs, ActiveActiveEdgeArgs, ActiveActiveRegionArgs } from "./global";
import type { QueueBatchArgs } from "./batch";
import type { RegionalNetworkArgs } from "./network";

export interface ComponentArguments {
    ActiveActive: ActiveActiveArgs;
    ActiveActiveEdge: ActiveActiveEdgeArgs;
    ActiveActiveGlobal: ActiveActiveArgs;
    ActiveActiveRegion: ActiveActiveRegionArgs;
    ContainerRegistry: ContainerRegistryArgs;
    EcsCluster: EcsClusterArgs;
    EcrPull: EcrPullArgs;
    EcsService: EcsServiceArgs;
    EksPlatform: EksPlatformArgs;
    FargateMicroservices: FargateMicroservicesArgs;
    FargateTaskDefinition: FargateTaskDefinitionArgs;
    QueueBatch: QueueBatchArgs;
    RegionalNetwork: RegionalNetworkArgs;
}

export type ComponentName = keyof ComponentArguments;
