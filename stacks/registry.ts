import { ContainerRegistry, ContainerRegistryArgs } from "../components";
import { requireSection, StackConfig } from "./config";

/** The `aws-containers:registry` section: ContainerRegistry's arguments but the regions and providers, which are the stack's. */
export type RegistrySection = Omit<ContainerRegistryArgs, "homeRegion" | "regions" | "providerSettings">;

/**
 * The registry stack (D4 in docs/design.md): repositories in the home region, replicated to every workload region,
 * plus the registry-wide singletons (scanning configuration, replication configuration).
 */
export function buildRegistry(cfg: StackConfig) {
    const section = requireSection<RegistrySection>(cfg, "registry");
    const registry = new ContainerRegistry("registry", {
        ...section,
        homeRegion: cfg.homeRegion,
        regions: cfg.regions,
        providerSettings: cfg.providers,
    });
    return {
        repositoryUrls: registry.repositoryUrls,
        registryId: registry.registryId,
        replicaRegions: registry.replicaRegions,
    };
}
