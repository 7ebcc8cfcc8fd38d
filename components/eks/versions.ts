import { compareVersions, EKS_CALENDAR, EKS_CALENDAR_DATE, EKS_CALENDAR_SOURCE, EksVersionSupport, supportPhase } from "../../policy/eks-calendar";

/**
 * The EKS Kubernetes version calendar (checklist V1) is kept once, as data with its source and date, in
 * the policy pack (`policy/eks-calendar.ts`), which must stay publishable on its own; the component
 * checks versions against the same table, so a cluster the component accepts is one the pack accepts.
 */
export { compareVersions, EKS_CALENDAR_SOURCE };
export const EKS_CALENDAR_RETRIEVED = EKS_CALENDAR_DATE;
export type EksVersionRow = EksVersionSupport;
export const EKS_VERSION_CALENDAR: readonly EksVersionRow[] = EKS_CALENDAR;

/** First versions with a feature the component relies on. */
export const EKS_FEATURE_MINIMUMS = {
    /** EKS Pod Identity (checklist C7). */
    podIdentity: "1.28",
    /**
     * Native sidecars, init containers with `restartPolicy: Always` (checklist V3). Upstream KEP-753: alpha
     * in 1.28 (gate off, which EKS does not enable), beta and on by default from 1.29, GA in 1.33.
     */
    nativeSidecars: "1.29",
    /** EKS Auto Mode: "requires Kubernetes version 1.29 or greater" (AWS, create-auto.html). */
    autoMode: "1.29",
} as const;

/** "standard", "extended" (supported, billed extra) or "unsupported" (past extended support). */
export type SupportStatus = "standard" | "extended" | "unsupported";

export interface VersionVerdict {
    readonly row: EksVersionRow;
    readonly status: SupportStatus;
}

/** The calendar row and support status of `version` on `checkDate` (YYYY-MM-DD); undefined when not in the calendar. */
export function supportStatus(version: string, checkDate: string): VersionVerdict | undefined {
    const row = EKS_VERSION_CALENDAR.find((r) => r.version === version);
    if (!row) {
        return undefined;
    }
    const phase = supportPhase(version, checkDate, EKS_VERSION_CALENDAR);
    return { row, status: phase === "ended" ? "unsupported" : phase };
}

/** Versions in standard or extended support on `checkDate`, oldest first. */
export function supportedVersions(checkDate: string): string[] {
    return EKS_VERSION_CALENDAR.filter((r) => supportStatus(r.version, checkDate)!.status !== "unsupported").map((r) => r.version);
}

/** Today as YYYY-MM-DD (UTC), the default day of the support check. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}

/**
 * Every version the platform installs is pinned here, checked to exist, with where it was checked; nothing
 * follows an upstream default, so an `up` never upgrades anything by itself. Bump one at a time, deliberately.
 * Chart versions were checked against the repositories' release tags in the reference snapshot of August 2026
 * (`/work/shared/reference/upstream/tags.json`: the newest confirmed Karpenter is 1.14.1, AWS Load Balancer
 * Controller 3.5.0, External Secrets helm-chart-2.9.0, argo-helm argo-cd-10.1.1).
 */
export const CHART_VERSIONS = {
    /** karpenter and karpenter-crd charts share the release version (aws/karpenter-provider-aws tag v1.14.1). */
    karpenter: "1.14.1",
    loadBalancerController: "3.5.0",
    externalSecrets: "2.9.0",
    argoCd: "10.1.1",
} as const;

/**
 * The AMI release Karpenter's EC2NodeClass alias pins (`family@version`, karpenter.sh managing-amis: pin rather
 * than `@latest` in production, and roll newer AMIs out in stages). Karpenter resolves the alias through the OS's
 * SSM parameter for the cluster's Kubernetes version, so the release must publish a variant for it:
 * - Bottlerocket v1.56.0: the aws-k8s-1.35 AMI `bottlerocket-aws-k8s-1.35-x86_64-v1.56.0-36151b8b` (awslabs/
 *   security-hardened-amis-for-eks PR #13, 2026-03-16); k8s-1.35 variants arrived in v1.53.0 (bottlerocket PR #4737).
 * - AL2023 v20260304: amazon-eks-node-al2023-x86_64-standard-1.35-v20260304 (same source; awslabs/amazon-eks-ami tag).
 */
export const NODE_AMI_VERSIONS = { BOTTLEROCKET: "v1.56.0", AL2023: "v20260304" } as const;

/**
 * Managed add-on versions per Kubernetes version, chosen rather than taken from EKS's default of the day
 * (which `aws.eks.getAddonVersion` would re-read on every `up`). For 1.35: the versions a public Terraform
 * configuration of an EKS 1.35 cluster pins (found by code search, 2026), cross-checked against the lines
 * AWS documents (vpc-cni 1.21, coredns 1.13 for 1.35 per managing-coredns.html's progression, kube-proxy
 * following the Kubernetes minor). Confirm with `aws eks describe-addon-versions --kubernetes-version 1.35`
 * before bumping. Another Kubernetes version needs `addonVersions` from the caller until a row is added here.
 */
export const EKS_ADDON_VERSIONS: { readonly [kubernetesVersion: string]: { readonly [addon: string]: string } } = {
    "1.35": {
        "vpc-cni": "v1.21.1-eksbuild.3",
        "kube-proxy": "v1.35.0-eksbuild.2",
        "coredns": "v1.13.2-eksbuild.1",
        "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
        "aws-ebs-csi-driver": "v1.57.1-eksbuild.1",
        "amazon-cloudwatch-observability": "v5.3.0-eksbuild.1",
    },
};
