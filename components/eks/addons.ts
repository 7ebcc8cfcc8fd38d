import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { managedPolicy } from "./cluster";
import { podIdentityRole } from "./pod-identity";

/**
 * A managed add-on: its name, the service account that calls AWS (if any) and that account's managed
 * policies, and whether it must be running before nodes join ("before") or needs nodes to run ("after").
 * Source: AWS workloads/workloads-add-ons-available-eks.adoc; /notes/eks.md §4.
 */
export interface ManagedAddonSpec {
    readonly name: string;
    readonly phase: "before" | "after";
    readonly serviceAccount?: string;
    readonly policies?: { [key: string]: string };
}

export const MANAGED_ADDONS: readonly ManagedAddonSpec[] = [
    // Nodes become Ready only once the CNI runs; kube-proxy and the Pod Identity agent are DaemonSets too.
    { name: "vpc-cni", phase: "before", serviceAccount: "aws-node", policies: { cni: "AmazonEKS_CNI_Policy" } },
    { name: "kube-proxy", phase: "before" },
    { name: "eks-pod-identity-agent", phase: "before" },
    // Deployments: they report DEGRADED (and the create fails) until there are nodes to schedule on.
    { name: "coredns", phase: "after" },
    { name: "aws-ebs-csi-driver", phase: "after", serviceAccount: "ebs-csi-controller-sa", policies: { ebs: "service-role/AmazonEBSCSIDriverPolicy" } },
    // Container Insights metrics and Fluent Bit container logs in one add-on (checklist C11); Pod Identity from v3.1.0.
    {
        name: "amazon-cloudwatch-observability", phase: "after", serviceAccount: "cloudwatch-agent",
        policies: { cloudwatch: "CloudWatchAgentServerPolicy", xray: "AWSXrayWriteOnlyAccess" },
    },
];

/**
 * Add-ons Auto Mode runs itself as core components: Pod IP assignment, service networking, local DNS and EBS
 * CSI storage, and "You do not have to install the EKS Pod Identity Agent on EKS Auto Mode clusters"
 * (AWS automode/automode.adoc; networking/managing-kube-proxy.adoc tip). Observability is not among them.
 */
export const AUTO_MODE_BUILT_IN = ["vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"];

/**
 * Installs the managed add-ons of `phase` at the versions pinned for the cluster's Kubernetes version
 * (versions.ts EKS_ADDON_VERSIONS, or the caller's `addonVersions`), each with its Pod Identity association.
 * Not EKS's default of the day: that would upgrade the add-ons on whichever `up` runs after AWS changes it.
 */
export function createManagedAddons(
    name: string,
    args: {
        cluster: aws.eks.Cluster; addonVersions: { [addonName: string]: string }; autoMode: boolean; phase: "before" | "after"; dependsOn: pulumi.Resource[];
        /** Add-on configuration (JSON, the add-on's schema), by add-on name. */
        configurationValues?: { [addonName: string]: string };
    },
    ctx: AwsContext,
    parent: pulumi.Resource,
): { [addonName: string]: aws.eks.Addon } {
    const specs = MANAGED_ADDONS.filter((s) => s.phase === args.phase && !(args.autoMode && AUTO_MODE_BUILT_IN.includes(s.name)));
    return Object.fromEntries(specs.map((spec) => {
        const role = spec.serviceAccount
            ? podIdentityRole(`${name}-${spec.name}`, {
                description: `${spec.name} add-on (${spec.serviceAccount}) through Pod Identity`,
                managedPolicies: Object.fromEntries(Object.entries(spec.policies ?? {}).map(([k, p]) => [k, managedPolicy(ctx, p)])),
            }, parent)
            : undefined;
        return [spec.name, new aws.eks.Addon(`${name}-${spec.name}`, {
            clusterName: args.cluster.name,
            addonName: spec.name,
            addonVersion: args.addonVersions[spec.name],
            // Nothing else manages these (bootstrapSelfManagedAddons is false); the declared state wins.
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            configurationValues: args.configurationValues?.[spec.name],
            podIdentityAssociations: role && spec.serviceAccount ? [{ roleArn: role.arn, serviceAccount: spec.serviceAccount }] : undefined,
        }, { parent, dependsOn: args.dependsOn })];
    }));
}
