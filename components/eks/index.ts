import { requireRegionalProvider } from "../regions";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { createManagedAddons } from "./addons";
import { EksPlatformArgs, resolveEksArgs } from "./args";
import { createArgoCd } from "./argocd";
import { InCluster } from "./charts";
import { createCluster } from "./cluster";
import { createExternalSecrets } from "./external-secrets";
import { createKarpenter } from "./karpenter";
import { clusterProvider, kubeconfig } from "./kubeconfig";
import { createLoadBalancerController } from "./load-balancer-controller";
import { createNodeGroups } from "./node-groups";
import { coversCoreDns, createFargateProfile } from "./fargate-profiles";
import { AUTO_MODE_NODE_CLASS, createNodePool } from "./node-pool";
import { compareVersions, EKS_FEATURE_MINIMUMS } from "./versions";

export { EksPlatformArgs, NodeGroupSpec, NodePoolSpec, SpotNodeGroupSpec } from "./args";
export { FargateProfileSelector, FargateProfileSpec } from "./fargate-profiles";
export { EKS_CALENDAR_RETRIEVED, EKS_CALENDAR_SOURCE, EKS_VERSION_CALENDAR, supportStatus } from "./versions";

/**
 * A Kubernetes platform on EKS in one region (reference architecture 2): a private, encrypted, fully logged
 * control plane on a supported version; managed add-ons with Pod Identity; an on-demand system node group
 * across the subnets' zones plus Karpenter, or EKS Auto Mode instead of both; the AWS Load Balancer
 * Controller, External Secrets Operator and optionally Argo CD as pinned Helm releases. Give it the
 * region's provider through `opts.provider`; every child inherits it.
 */
export class EksPlatform extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly clusterEndpoint: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** Kubeconfig using `aws eks get-token`; a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly kubernetesVersion: pulumi.Output<string>;
    /** "standard" or "extended" on the day of the check (checklist V1). */
    public readonly supportStatus: pulumi.Output<string>;
    /** Whether pods may use native sidecars, init containers with `restartPolicy: Always` (checklist V3). */
    public readonly nativeSidecars: pulumi.Output<boolean>;
    public readonly autoMode: pulumi.Output<boolean>;
    /** Karpenter's interruption queue, when Karpenter is installed. */
    public readonly interruptionQueueUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: EksPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveEksArgs(name, args);
        requireRegionalProvider("EksPlatform", name, opts);
        super("aws-containers:eks:EksPlatform", name, args, opts);
        if (a.verdict.status === "extended") {
            pulumi.log.warn(`EksPlatform ${name}: Kubernetes ${a.version} left standard support on ${a.verdict.row.endOfStandardSupport}; ` +
                `extended support is billed per cluster hour until ${a.verdict.row.endOfExtendedSupport} (checklist V1). Plan the upgrade.`, this);
        }
        const ctx = awsContext(this);
        const { cluster } = createCluster(name, a, ctx, this);

        // Networking and identity agents first, then nodes, then the add-ons that need nodes to run.
        const before = createManagedAddons(name, { cluster, addonVersions: a.addonVersions, autoMode: a.autoMode, phase: "before", dependsOn: [] }, ctx, this);
        const nodeGroups = a.autoMode ? [] : createNodeGroups(name, a, cluster, ctx, this, Object.values(before));
        const profiles = a.fargateProfiles.map((p) => createFargateProfile(`${name}-fargate-${p.name}`, p, cluster, a.privateSubnetIds, ctx, this));
        const after = createManagedAddons(name, {
            cluster, addonVersions: a.addonVersions, autoMode: a.autoMode, phase: "after", dependsOn: a.autoMode ? [cluster] : [...nodeGroups, ...profiles],
            // CoreDNS pods a profile selects must be told to run on Fargate, or they stay Pending (EKS User Guide, "Update CoreDNS").
            configurationValues: coversCoreDns(a.fargateProfiles) ? { coredns: JSON.stringify({ computeType: "Fargate" }) } : undefined,
        }, ctx, this);

        const config = kubeconfig(cluster, ctx.region);
        const provider = clusterProvider(`${name}-k8s`, config, cluster, this);
        // In-cluster resources wait for the cluster and its capacity: Auto Mode brings its own, otherwise the
        // system nodes with networking and DNS running.
        const where: InCluster = { provider, dependsOn: a.autoMode ? [cluster] : [...nodeGroups, ...Object.values(before), after["coredns"]] };

        const karpenter = a.karpenter ? createKarpenter(`${name}-karpenter`, a, cluster, ctx, where, this) : undefined;
        if (a.autoMode) {
            // A pool beside Auto Mode's built-in ones (which are amd64 and on-demand) that also takes Graviton and Spot.
            createNodePool(`${name}-node-pool`, "workloads", a.nodePool, AUTO_MODE_NODE_CLASS, a.zones, where, this);
        }
        const lbc = a.loadBalancerController
            ? createLoadBalancerController(`${name}-lbc`, { cluster, clusterName: a.clusterName, region: ctx.region, vpcId: a.vpcId }, where, this)
            : undefined;
        // The controller's webhook mutates Services, so charts that create Services wait for it.
        const afterLbc = lbc ? [lbc] : [];
        if (a.externalSecrets) {
            createExternalSecrets(`${name}-external-secrets`, { cluster, clusterName: a.clusterName, secretsPrefix: a.secretsPrefix, ctx },
                { provider, dependsOn: [...where.dependsOn, ...afterLbc] }, this);
        }
        if (a.argoCd) {
            createArgoCd(`${name}-argocd`, where, this, afterLbc);
        }

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.clusterEndpoint = cluster.endpoint;
        this.clusterSecurityGroupId = cluster.vpcConfig.clusterSecurityGroupId;
        this.kubeconfig = config;
        this.kubernetesVersion = pulumi.output(a.version);
        this.supportStatus = pulumi.output(a.verdict.status);
        this.nativeSidecars = pulumi.output(compareVersions(a.version, EKS_FEATURE_MINIMUMS.nativeSidecars) >= 0);
        this.autoMode = pulumi.output(a.autoMode);
        this.interruptionQueueUrl = karpenter ? karpenter.queue.url : pulumi.output(undefined);
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            clusterEndpoint: this.clusterEndpoint,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            kubeconfig: this.kubeconfig,
            kubernetesVersion: this.kubernetesVersion,
            supportStatus: this.supportStatus,
            nativeSidecars: this.nativeSidecars,
            autoMode: this.autoMode,
            interruptionQueueUrl: this.interruptionQueueUrl,
        });
    }
}
