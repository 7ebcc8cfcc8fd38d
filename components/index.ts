// The public API: every component, its Args and the spec types users write (test/exports.spec.ts keeps it complete).
export { CPU_ARCHITECTURES, CpuArchitecture } from "./architecture";
export { ImageSource } from "./image";
export { EksPlatform, EksPlatformArgs, EKS_VERSION_CALENDAR, FargateProfileSelector, FargateProfileSpec, NodeGroupSpec, NodePoolSpec, SpotNodeGroupSpec, supportStatus } from "./eks";
export { ContainerRegistry, ContainerRegistryArgs, RepositorySpec, ReplicationAccount, repositoryUri } from "./registry";
export { RegionalNetwork, RegionalNetworkArgs } from "./network";
export { COMMERCIAL_REGIONS, ProviderSettings, createRegionalProviders } from "./regions";
export * from "./ecs";
export { FargateMicroservices, FargateMicroservicesArgs, MicroserviceNlbSpec, MicroserviceSpec, MicroservicesSettings, NlbEndpointServiceSpec, NlbListenerSpec, RegionalMicroservicesSettings, SharedMicroservicesSettings } from "./microservices";
export { PipelineStageArgs, QueueBatch, QueueBatchArgs, QueueWorkerArgs } from "./batch";
export { ActiveActive, ActiveActiveEdge, ActiveActiveEdgeArgs, ActiveActiveGlobal, ActiveActiveRegion, ActiveActiveRegionArgs, RegionalStackOutputs, ActiveActiveArgs, AcceleratorArgs, DnsArgs, GlobalTableArgs, RegionHealthCheckArgs, TableKeyArgs } from "./global";
export { EcrPull, EcrPullArgs, EcrPullCredentials, EcrPullRegistry } from "./ecr-pull";
