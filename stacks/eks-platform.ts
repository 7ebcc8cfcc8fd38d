import * as pulumi from "@pulumi/pulumi";
import { EksPlatform, EksPlatformArgs, RegionalNetwork, RegionalNetworkArgs } from "../components";
import { createRegionalProviders } from "../components/regions";
import { requireSection, StackConfig } from "./config";

/** The `aws-containers:eks-platform` section: the network and the platform of every region. */
export interface EksPlatformSection {
    readonly network?: RegionalNetworkArgs;
    /** Everything but the network wiring and the cluster name, which the stack derives. */
    readonly platform?: Omit<EksPlatformArgs, "vpcId" | "privateSubnetIds" | "availabilityZones" | "clusterName">;
}

/**
 * The eks-platform architecture (reference architecture 2): in each region a network and an EKS platform,
 * named `eks-<region>`. Cluster names are `<stack family>-<region>` (`eks-platform-us-east-1` from the
 * stack of that name or from a two-region `eks-platform` stack alike), so two stacks (Karpenter and Auto Mode) can
 * share an account.
 */
export function buildEksPlatform(cfg: StackConfig) {
    // eks-auto-mode is the same architecture with its own section, so both can share Pulumi.yaml.
    const section = requireSection<EksPlatformSection>(cfg, cfg.architecture);
    const providers = createRegionalProviders("aws", cfg.regions, cfg.providers);
    const clusters: { [region: string]: unknown } = {};
    const kubeconfigs: { [region: string]: pulumi.Output<string> } = {};
    for (const region of cfg.regions) {
        const provider = providers[region];
        const network = new RegionalNetwork(`eks-${region}-network`, section.network ?? {}, { provider });
        const platform = new EksPlatform(`eks-${region}`, {
            ...section.platform,
            clusterName: `${cfg.family}-${region}`,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            availabilityZones: network.availabilityZones,
        }, { provider });
        clusters[region] = {
            name: platform.clusterName,
            endpoint: platform.clusterEndpoint,
            kubernetesVersion: platform.kubernetesVersion,
            supportStatus: platform.supportStatus,
            nativeSidecars: platform.nativeSidecars,
            autoMode: platform.autoMode,
        };
        kubeconfigs[region] = platform.kubeconfig;
    }
    return { clusters, kubeconfigs: pulumi.secret(kubeconfigs) };
}
