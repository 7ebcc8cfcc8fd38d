import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubernetesArch } from "../architecture";
import { ResolvedNodePool } from "./args";
import { InCluster } from "./charts";

/** Which NodeClass a NodePool launches from, and the label prefix of that provisioner's well-known labels. */
export interface NodeClassRef {
    readonly group: string;
    readonly kind: string;
    readonly name: string;
    /** `karpenter.k8s.aws` for Karpenter, `eks.amazonaws.com` for Auto Mode (AWS create-node-pool.adoc: Auto Mode uses different labels). */
    readonly labelPrefix: string;
}

export const KARPENTER_NODE_CLASS: NodeClassRef = { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default", labelPrefix: "karpenter.k8s.aws" };
/** The NodeClass Auto Mode provisions when its built-in node pools are on. */
export const AUTO_MODE_NODE_CLASS: NodeClassRef = { group: "eks.amazonaws.com", kind: "NodeClass", name: "default", labelPrefix: "eks.amazonaws.com" };

/**
 * A `karpenter.sh/v1` NodePool (checklist V2): arm64 and amd64 (C9), Spot and on-demand, current instance
 * generations, every zone of the cluster's subnets (C15), consolidation of empty or underused nodes, node
 * expiry, a disruption budget and limits. Fields per karpenter.sh v1.15 concepts/nodepools.md; in v1,
 * `expireAfter` sits under `template.spec`.
 */
export function createNodePool(
    name: string,
    poolName: string,
    pool: ResolvedNodePool,
    ref: NodeClassRef,
    zones: pulumi.Input<string[]>,
    where: InCluster,
    parent: pulumi.Resource,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(name, {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: poolName },
        spec: {
            template: {
                spec: {
                    nodeClassRef: { group: ref.group, kind: ref.kind, name: ref.name },
                    requirements: [
                        { key: "kubernetes.io/arch", operator: "In", values: pool.cpuArchitectures.map(kubernetesArch) },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: pool.capacityTypes },
                        { key: `${ref.labelPrefix}/instance-category`, operator: "In", values: pool.instanceCategories },
                        // Generation 6 and later: Graviton2+ and current Intel/AMD families.
                        { key: `${ref.labelPrefix}/instance-generation`, operator: "Gt", values: ["5"] },
                        { key: "topology.kubernetes.io/zone", operator: "In", values: zones },
                    ],
                    expireAfter: pool.expireAfter,
                },
            },
            disruption: {
                consolidationPolicy: "WhenEmptyOrUnderutilized",
                consolidateAfter: pool.consolidateAfter,
                // At most a tenth of the nodes are disrupted at once.
                budgets: [{ nodes: "10%" }],
            },
            limits: { cpu: String(pool.cpuLimit), memory: `${pool.memoryLimitGiB}Gi` },
        },
    }, { parent, provider: where.provider, dependsOn: where.dependsOn });
}
