import { compareVersions } from "./eks-calendar";
import { autoMode, EKS_ADDON_TYPES, EKS_CLUSTER_TYPES } from "./eks";
import { HELM_RELEASE_TYPES, isKarpenterChart, KARPENTER_NODEPOOL_TYPES, nativeSidecars, podSpecOf, WORKLOAD_TYPES } from "./kubernetes";
import { ofTypes, resolve } from "./lib/graph";
import { Finding, Res, stackPolicy } from "./lib/policy";
import { get, isUnknown } from "./lib/values";

/** Cross-resource EKS rules (C7, C11, C12, C13, V3): what each cluster of the stack has beside it. */

interface ClusterAddons {
    readonly cluster: Res;
    /** Add-on names attached to the cluster. */
    readonly names: Set<string>;
    /** True when some add-on's cluster or name cannot be told yet, so a missing name is not reported. */
    readonly uncertain: boolean;
}

/** The managed add-ons of every EKS cluster in the stack, matched by clusterName or by dependency. */
export function clusterAddons(resources: readonly Res[]): ClusterAddons[] {
    const clusters = ofTypes(resources, EKS_CLUSTER_TYPES);
    const result = clusters.map((cluster) => ({ cluster, names: new Set<string>(), uncertain: false }));
    for (const addon of ofTypes(resources, EKS_ADDON_TYPES)) {
        const links = resolve(addon, "clusterName", addon.props["clusterName"], clusters, ["name", "id"]);
        // One cluster in the stack: an add-on whose cluster cannot be told belongs to it.
        const targets = links.unresolved && clusters.length === 1 ? clusters : links.targets;
        const name = addon.props["addonName"];
        for (const entry of result) {
            if (targets.includes(entry.cluster)) {
                if (typeof name === "string") entry.names.add(name);
                if (isUnknown(name)) (entry as { uncertain: boolean }).uncertain = true;
            } else if (links.unresolved) {
                (entry as { uncertain: boolean }).uncertain = true;
            }
        }
    }
    return result;
}

function missingAddons(resources: readonly Res[], required: readonly string[], skipAutoMode: boolean, what: string): Finding[] {
    return clusterAddons(resources)
        .filter((e) => !e.uncertain && !(skipAutoMode && autoMode(e.cluster)))
        .map((e) => ({ e, missing: required.filter((n) => !e.names.has(n)) }))
        .filter(({ missing }) => missing.length > 0)
        .map(({ e, missing }) => ({ urn: e.cluster.urn, message: `EKS cluster ${e.cluster.name} lacks the ${what} ${missing.join(", ")}.` }));
}

export const c7PodIdentityAgent = stackPolicy({
    name: "c7-pod-identity-agent",
    onlyWith: EKS_CLUSTER_TYPES[0],
    description: "Every EKS cluster (outside Auto Mode, which runs it itself) should have the eks-pod-identity-agent add-on.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => missingAddons(resources, ["eks-pod-identity-agent"], true, "managed add-on"),
});

export const c11EksObservability = stackPolicy({
    name: "c11-eks-observability",
    onlyWith: EKS_CLUSTER_TYPES[0],
    description: "Every EKS cluster should have the amazon-cloudwatch-observability add-on (Container Insights).",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => missingAddons(resources, ["amazon-cloudwatch-observability"], false, "Container Insights add-on"),
});

export const c13ManagedAddons = stackPolicy<{ requiredAddons: string[] }>({
    name: "c13-managed-addons",
    onlyWith: EKS_CLUSTER_TYPES[0],
    description: "Every EKS cluster outside Auto Mode should run CoreDNS, kube-proxy, the VPC CNI and the EBS CSI driver as managed add-ons.",
    enforcementLevel: "advisory",
    config: {
        requiredAddons: {
            type: "array", items: { type: "string" }, default: ["coredns", "kube-proxy", "vpc-cni", "aws-ebs-csi-driver"],
            description: "Add-on names every cluster outside Auto Mode must have.",
        },
    },
    check: (resources, c) => missingAddons(resources, c.requiredAddons, true, "managed add-ons"),
});

/**
 * The clusters Karpenter autoscales: a Karpenter chart names its cluster in `values.settings.clusterName`
 * (charts/karpenter/values.yaml), matched by value or through the engine's dependencies. A Karpenter chart
 * whose cluster cannot be told (no or an unknown name), or NodePools with no Karpenter chart in the stack (installed elsewhere),
 * cover every cluster, so that nothing is reported that cannot be shown.
 */
function karpenterClusters(resources: readonly Res[], clusters: readonly Res[]): Set<Res> {
    const charts = ofTypes(resources, HELM_RELEASE_TYPES).filter(isKarpenterChart);
    if (charts.length === 0) {
        return new Set(ofTypes(resources, KARPENTER_NODEPOOL_TYPES).length > 0 ? clusters : []);
    }
    const covered = new Set<Res>();
    for (const chart of charts) {
        const name = get(chart.props, "values", "settings", "clusterName");
        const links = resolve(chart, "values", name, clusters, ["name"]);
        // A known name that matches no cluster here serves a cluster of another stack.
        (links.targets.length > 0 || typeof name === "string" ? links.targets : clusters).forEach((c) => covered.add(c));
    }
    return covered;
}

export const c12EksAutoscaling = stackPolicy({
    name: "c12-eks-autoscaling",
    onlyWith: EKS_CLUSTER_TYPES[0],
    description: "EKS clusters should autoscale nodes with Karpenter or EKS Auto Mode.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => {
        const clusters = ofTypes(resources, EKS_CLUSTER_TYPES);
        const karpenter = karpenterClusters(resources, clusters);
        return clusters
            .filter((cluster) => !karpenter.has(cluster) && !autoMode(cluster) && !isUnknown(cluster.props["computeConfig"]))
            .map((cluster) => ({ urn: cluster.urn, message: `EKS cluster ${cluster.name} has neither Karpenter nor Auto Mode.` }));
    },
});

export const v3NativeSidecars = stackPolicy<{ minimumVersion: string; clusterVersion: string }>({
    name: "v3-native-sidecars",
    description: "Native sidecars (init containers with restartPolicy Always) need a cluster version that enables them.",
    enforcementLevel: "advisory",
    config: {
        // SidecarContainers: alpha in 1.28 (off by default), beta and on by default in 1.29 (Kubernetes v1.29 release notes, KEP-753).
        minimumVersion: { type: "string", default: "1.29", description: "Lowest cluster version on which native sidecars run." },
        clusterVersion: { type: "string", default: "", description: "Version of the target cluster when it is not in this stack." },
    },
    check: (resources, c) => {
        const versions = ofTypes(resources, EKS_CLUSTER_TYPES).map((cl) => cl.props["version"]);
        if (c.clusterVersion) {
            versions.push(c.clusterVersion);
        }
        // An absent version means EKS's default, which is current; only known, too-old versions count.
        const tooOld = versions.filter((v): v is string => typeof v === "string" && compareVersions(v, c.minimumVersion) < 0);
        if (tooOld.length === 0) {
            return [];
        }
        return ofTypes(resources, WORKLOAD_TYPES)
            .map((w) => ({ w, sidecars: nativeSidecars(podSpecOf(w)) }))
            .filter(({ sidecars }) => sidecars.length > 0)
            .map(({ w, sidecars }) => ({
                urn: w.urn,
                message: `${w.name} runs native sidecars (${sidecars.join(", ")}) but the cluster runs Kubernetes ${tooOld.join(", ")}; use ${c.minimumVersion} or later.`,
            }));
    },
});

export const eksStackPolicies = [c7PodIdentityAgent, c11EksObservability, c13ManagedAddons, c12EksAutoscaling, v3NativeSidecars];
