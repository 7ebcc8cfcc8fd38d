export { EksPlatform, EksPlatformArgs, EKS_VERSION_CALENDAR, NodeGroupSpec, NodePoolSpec, SpotNodeGroupSpec, supportStatus } from "./eks";
export { ContainerRegistry, ContainerRegistryArgs, RepositorySpec, ReplicationAccount, repositoryUri } from "./registry";
export { RegionalNetwork, RegionalNetworkArgs } from "./network";
export { COMMERCIAL_REGIONS, ProviderSettings, createRegionalProviders } from "./regions";
export * from "./ecs";
export { PipelineStageArgs, QueueBatch, QueueBatchArgs, QueueWorkerArgs } from "./batch";
export { ActiveActive, ActiveActiveArgs, AcceleratorArgs, DnsArgs, GlobalTableArgs, RegionHealthCheckArgs, TableKeyArgs } from "./global";
export { EcrPull, EcrPullArgs, EcrPullCredentials, EcrPullRegistry } from "./ecr-pull";
