import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { attachManagedPolicies, createServiceRole } from "../iam";
import { createLogGroup, createLogsKey } from "../logs";
import { ResolvedEksArgs } from "./args";

/** Every control-plane log type (CloudFormation AWS::EKS::Cluster LoggingTypeConfig allowed values). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/** The AWS managed policy `name` in the caller's partition. */
export function managedPolicy(ctx: AwsContext, name: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/${name}`;
}

/**
 * Cluster role policies. Auto Mode adds compute, block storage, load balancing and networking
 * (AWS automode/automode-get-started-cli.adoc, auto-learn-iam.adoc; the aws.eks.Cluster Auto Mode example).
 */
function clusterPolicies(ctx: AwsContext, autoMode: boolean): { [key: string]: pulumi.Output<string> } {
    const names = autoMode
        ? ["AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"]
        : ["AmazonEKSClusterPolicy"];
    return Object.fromEntries(names.map((n) => [n.replace(/^AmazonEKS/, "").replace(/Policy$/, "").toLowerCase(), managedPolicy(ctx, n)]));
}

export interface ClusterParts {
    readonly cluster: aws.eks.Cluster;
    readonly secretsKey: aws.kms.Key;
    /** Auto Mode's node role (undefined otherwise). */
    readonly autoNodeRole?: aws.iam.Role;
}

/**
 * The control plane: private endpoint plus, by default, a public one for the listed CIDRs (where Pulumi runs), API authentication with access
 * entries, every log type into a KMS-encrypted log group with retention, secrets encrypted with a customer
 * key, no self-managed add-ons (the managed ones are installed explicitly), and Auto Mode when asked.
 */
export function createCluster(name: string, a: ResolvedEksArgs, ctx: AwsContext, parent: pulumi.Resource): ClusterParts {
    const secretsKey = new aws.kms.Key(`${name}-secrets-key`, {
        description: `EKS secrets envelope encryption for ${a.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
    }, { parent, retainOnDelete: true });

    // EKS needs these on the key to encrypt secrets (AWS, "Encrypt Kubernetes secrets with KMS on existing clusters").
    const role = createServiceRole(`${name}-cluster`, {
        service: "eks.amazonaws.com",
        trustActions: ["sts:TagSession"],
        description: `EKS control plane of ${a.clusterName}`,
        inline: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: secretsKey.arn }],
        },
    }, parent);
    const attachments = attachManagedPolicies(`${name}-cluster`, role, clusterPolicies(ctx, a.autoMode), parent);

    // EKS writes to /aws/eks/<cluster>/cluster; created first so it has retention and encryption.
    const logsKey = createLogsKey(`${name}-logs-key`, ctx, parent);
    const logGroup = createLogGroup(`${name}-control-plane`, {
        logGroupName: `/aws/eks/${a.clusterName}/cluster`,
        retentionInDays: a.logRetentionInDays,
        kmsKeyArn: logsKey.arn,
    }, parent);

    let autoNodeRole: aws.iam.Role | undefined;
    if (a.autoMode) {
        // Auto Mode node role: AmazonEKSWorkerNodeMinimalPolicy and AmazonEC2ContainerRegistryPullOnly (auto-learn-iam.adoc).
        autoNodeRole = createServiceRole(`${name}-auto-node`, {
            service: "ec2.amazonaws.com",
            description: `EKS Auto Mode nodes of ${a.clusterName}`,
            managedPolicies: {
                "worker-minimal": managedPolicy(ctx, "AmazonEKSWorkerNodeMinimalPolicy"),
                "ecr-pull": managedPolicy(ctx, "AmazonEC2ContainerRegistryPullOnly"),
            },
        }, parent);
    }

    const cluster = new aws.eks.Cluster(`${name}-cluster`, {
        name: a.clusterName,
        version: a.version,
        roleArn: role.arn,
        vpcConfig: {
            subnetIds: a.privateSubnetIds,
            endpointPrivateAccess: true,
            endpointPublicAccess: a.endpointPublicAccess,
            publicAccessCidrs: a.endpointPublicAccess ? a.publicAccessCidrs : undefined,
        },
        // The identity that deploys keeps admin so Pulumi can install the in-cluster add-ons.
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
        encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
        bootstrapSelfManagedAddons: false,
        // STANDARD: upgraded when standard support ends instead of entering paid extended support.
        upgradePolicy: { supportType: a.extendedSupport ? "EXTENDED" : "STANDARD" },
        deletionProtection: a.deletionProtection,
        // Auto Mode needs all three capabilities on together (aws.eks.Cluster docs).
        computeConfig: a.autoMode ? { enabled: true, nodePools: ["general-purpose", "system"], nodeRoleArn: autoNodeRole!.arn } : undefined,
        storageConfig: a.autoMode ? { blockStorage: { enabled: true } } : undefined,
        kubernetesNetworkConfig: a.autoMode ? { elasticLoadBalancing: { enabled: true } } : undefined,
        tags: { Name: a.clusterName },
    }, { parent, dependsOn: [...attachments, logGroup] });

    a.adminRoleArns.forEach((principalArn, i) => {
        const entry = new aws.eks.AccessEntry(`${name}-admin-${i}`, { clusterName: cluster.name, principalArn, type: "STANDARD" }, { parent });
        new aws.eks.AccessPolicyAssociation(`${name}-admin-${i}`, {
            clusterName: cluster.name,
            principalArn,
            policyArn: CLUSTER_ADMIN_POLICY,
            accessScope: { type: "cluster" },
        }, { parent, dependsOn: [entry] });
    });

    return { cluster, secretsKey, autoNodeRole };
}
