import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHART_VERSIONS } from "./versions";

/** A pinned Helm chart: where it lives, its exact version, and the release's fixed name and namespace. */
export interface ChartPin {
    readonly chart: string;
    readonly version: string;
    /** Classic chart repository; undefined for an `oci://` chart. */
    readonly repo?: string;
    /** Fixed release name, so service account names derived from it stay stable (Pulumi would add a suffix). */
    readonly releaseName: string;
    readonly namespace: string;
}

/**
 * The charts the platform installs (D5 in docs/design.md), at the versions pinned in `versions.ts`. Karpenter's CRDs come from
 * the separate `karpenter-crd` chart, because Helm installs a chart's crds/ only on first install (karpenter.sh
 * upgrade guide). The AWS Load Balancer Controller charts jumped from 1.17.1 to 3.x (eks-charts #1312); External
 * Secrets 2.x serves the external-secrets.io/v1 API; argo-cd 10.x is Argo CD 3.x.
 */
export const CHARTS = {
    karpenterCrd: {
        chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: CHART_VERSIONS.karpenter, releaseName: "karpenter-crd", namespace: "kube-system",
    },
    karpenter: {
        chart: "oci://public.ecr.aws/karpenter/karpenter", version: CHART_VERSIONS.karpenter, releaseName: "karpenter", namespace: "kube-system",
    },
    loadBalancerController: {
        chart: "aws-load-balancer-controller", version: CHART_VERSIONS.loadBalancerController, repo: "https://aws.github.io/eks-charts",
        releaseName: "aws-load-balancer-controller", namespace: "kube-system",
    },
    externalSecrets: {
        chart: "external-secrets", version: CHART_VERSIONS.externalSecrets, repo: "https://charts.external-secrets.io",
        releaseName: "external-secrets", namespace: "external-secrets",
    },
    argoCd: {
        chart: "argo-cd", version: CHART_VERSIONS.argoCd, repo: "https://argoproj.github.io/argo-helm", releaseName: "argocd", namespace: "argocd",
    },
} as const satisfies { [key: string]: ChartPin };

/** Where in-cluster resources go: the cluster's Kubernetes provider, and what must exist first. */
export interface InCluster {
    readonly provider: k8s.Provider;
    /** The cluster and its capacity (node groups, the add-ons nodes need), so nothing waits on a cluster without nodes. */
    readonly dependsOn: pulumi.Resource[];
}

/** A Helm release of a pinned chart, parented to `parent`, on the cluster's provider, waiting for the cluster's capacity. */
export function helmRelease(
    name: string,
    pin: ChartPin,
    values: pulumi.Input<{ [key: string]: any }>,
    where: InCluster,
    parent: pulumi.Resource,
    extra: { skipCrds?: boolean; dependsOn?: pulumi.Resource[] } = {},
): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(name, {
        name: pin.releaseName,
        chart: pin.chart,
        version: pin.version,
        repositoryOpts: pin.repo ? { repo: pin.repo } : undefined,
        namespace: pin.namespace,
        createNamespace: true,
        skipCrds: extra.skipCrds,
        values,
        // Roll back a failed upgrade rather than leave a half-applied release behind.
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 600,
    }, { parent, provider: where.provider, dependsOn: [...where.dependsOn, ...(extra.dependsOn ?? [])] });
}
