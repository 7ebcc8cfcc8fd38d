import { compareVersions } from "./eks-calendar";
import { resourcePolicy, Res } from "./lib/policy";
import { arr, get, isUnknown, str, Value } from "./lib/values";

/**
 * Kubernetes resources as @pulumi/kubernetes registers them: a `CustomResource` is registered with the
 * type `kubernetes:<apiVersion>:<kind>`, so Karpenter's objects have their own type tokens.
 */

export const KARPENTER_NODEPOOL_TYPES = ["kubernetes:karpenter.sh/v1:NodePool"] as const;
export const KARPENTER_NODECLASS_TYPES = ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"] as const;
export const KUBERNETES_SECRET_TYPES = ["kubernetes:core/v1:Secret"] as const;
/** Karpenter APIs that Karpenter 1.x no longer serves (v1alpha5 Provisioner, v1alpha1 AWSNodeTemplate, v1beta1). */
export const KARPENTER_LEGACY_TYPES = [
    "kubernetes:karpenter.sh/v1alpha5:Provisioner", "kubernetes:karpenter.sh/v1alpha5:Machine",
    "kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate",
    "kubernetes:karpenter.sh/v1beta1:NodePool", "kubernetes:karpenter.sh/v1beta1:NodeClaim",
    "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass",
] as const;
/**
 * Helm installs whose chart and version reach the analyzer: `helm.v3.Release` is a resource, and `helm.v4.Chart`
 * is a remote component, so its inputs are registered too (a local `helm.v3.Chart` registers none).
 */
export const HELM_RELEASE_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"] as const;
/** Workload kinds and where each keeps its pod spec. */
const POD_SPEC_PATHS: { readonly [type: string]: readonly string[] } = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};
export const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);

export function podSpecOf(r: Res): Value {
    const path = POD_SPEC_PATHS[r.type];
    return path ? get(r.props, ...path) : undefined;
}

/** Init containers that are native sidecars (`restartPolicy: Always`, Kubernetes 1.28+). */
export function nativeSidecars(podSpec: Value): string[] {
    return (arr(get(podSpec, "initContainers")) ?? [])
        .filter((c) => get(c, "restartPolicy") === "Always")
        .map((c) => str(get(c, "name")) ?? "?");
}

/** True when a Helm release installs the Karpenter controller chart (by name or OCI reference). */
export function isKarpenterChart(r: Res): boolean {
    const chart = str(r.props["chart"]) ?? "";
    return chart === "karpenter" || chart.endsWith("/karpenter");
}

export const v2KarpenterV1 = resourcePolicy<{ minimumVersion: string }>({
    name: "v2-karpenter-v1",
    description: "Karpenter must be 1.0 or later with the v1 API (NodePool, EC2NodeClass); v1alpha5 Provisioners and v1beta1 objects are not served.",
    enforcementLevel: "mandatory",
    types: [...KARPENTER_LEGACY_TYPES, ...HELM_RELEASE_TYPES],
    config: {
        minimumVersion: { type: "string", default: "1.0.0", description: "Lowest Karpenter chart version accepted." },
    },
    check: (r, c) => {
        if (!(HELM_RELEASE_TYPES as readonly string[]).includes(r.type)) {
            return [`${r.type} ${r.name} uses a Karpenter API removed in Karpenter 1.0; use karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass.`];
        }
        const version = r.props["version"];
        if (!isKarpenterChart(r) || isUnknown(version) || typeof version !== "string") {
            return [];
        }
        return compareVersions(version, c.minimumVersion) < 0 ? [`Helm ${r.type.endsWith(":Chart") ? "chart" : "release"} ${r.name} installs Karpenter ${version}; use ${c.minimumVersion} or later.`] : [];
    },
});

export const kubernetesPolicies = [v2KarpenterV1];
