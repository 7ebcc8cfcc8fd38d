import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { createServiceRole } from "../iam";
import { ResolvedEksArgs, ResolvedNodeGroup } from "./args";
import { managedPolicy } from "./cluster";

/**
 * Managed node group AMI types; case-sensitive with a lowercase x (EKS CreateNodegroup `amiType` enum;
 * aws-cdk-lib NodegroupAmiType). AL2 is gone from 1.33, so only AL2023 and Bottlerocket are offered.
 */
export function amiType(os: "BOTTLEROCKET" | "AL2023", arch: "arm64" | "x86_64"): string {
    if (os === "BOTTLEROCKET") {
        return arch === "arm64" ? "BOTTLEROCKET_ARM_64" : "BOTTLEROCKET_x86_64";
    }
    return arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * Encrypted gp3 volumes. Bottlerocket boots from a small OS volume (/dev/xvda) and keeps images and logs on
 * the data volume (/dev/xvdb); AL2023 has one root volume (/dev/xvda). Karpenter v1.15 nodeclasses.md defaults.
 */
export function volumeLayout(os: "BOTTLEROCKET" | "AL2023", dataGiB: number): { deviceName: string; sizeGiB: number }[] {
    return os === "BOTTLEROCKET"
        ? [{ deviceName: "/dev/xvda", sizeGiB: 6 }, { deviceName: "/dev/xvdb", sizeGiB: dataGiB }]
        : [{ deviceName: "/dev/xvda", sizeGiB: dataGiB }];
}

/**
 * Node role for EC2 nodes (AWS create-node-role.html): worker node and ECR pull-only policies, plus SSM for
 * break-glass access (Bottlerocket's control container uses it). The CNI policy is not here: the vpc-cni
 * add-on has its own Pod Identity role, as AWS recommends.
 */
export function createNodeRole(name: string, description: string, ctx: AwsContext, parent: pulumi.Resource): aws.iam.Role {
    return createServiceRole(name, {
        service: "ec2.amazonaws.com",
        description,
        managedPolicies: {
            "worker": managedPolicy(ctx, "AmazonEKSWorkerNodePolicy"),
            "ecr-pull": managedPolicy(ctx, "AmazonEC2ContainerRegistryPullOnly"),
            "ssm": managedPolicy(ctx, "AmazonSSMManagedInstanceCore"),
        },
    }, parent);
}

/**
 * Managed node groups over every private subnet (so across the AZs of the subnets, checklist C15): a fixed-size
 * on-demand system group and an optional fixed-size tainted Spot group (capacity that follows demand is Karpenter's). Launch templates require IMDSv2 and encrypt
 * volumes. Hop limit 2 is EKS's own launch-template default, which AWS-managed agents on these nodes expect
 * (nodes/launch-templates.adoc); workload nodes from Karpenter keep the stricter limit of 1.
 */
export function createNodeGroups(
    name: string,
    a: ResolvedEksArgs,
    cluster: aws.eks.Cluster,
    ctx: AwsContext,
    parent: pulumi.Resource,
    dependsOn: pulumi.Resource[],
): aws.eks.NodeGroup[] {
    const role = createNodeRole(`${name}-node`, `Managed node groups of ${a.clusterName}`, ctx, parent);
    const groups: { part: string; spec: ResolvedNodeGroup; spot: boolean }[] = [];
    if (a.systemNodeGroup) {
        groups.push({ part: "system", spec: a.systemNodeGroup, spot: false });
    }
    if (a.spotNodeGroup) {
        groups.push({ part: "spot", spec: a.spotNodeGroup, spot: true });
    }
    return groups.map(({ part, spec, spot }) => {
        const lt = new aws.ec2.LaunchTemplate(`${name}-${part}`, {
            description: `${part} nodes of ${a.clusterName}`,
            // IMDSv2 with hop limit 1, as the EKS security best practices ask for managed nodes with a custom launch
            // template: pods cannot reach the node role's credentials (every add-on here uses Pod Identity, and
            // host-network agents are not behind the extra hop). Karpenter's nodes use the same setting.
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            // `encrypted` and `deleteOnTermination` are strings in the launch template type.
            blockDeviceMappings: volumeLayout(a.amiFamily, spec.diskSizeGiB).map((v) => ({
                deviceName: v.deviceName,
                ebs: { volumeSize: v.sizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            })),
            tagSpecifications: [{ resourceType: "instance", tags: { Name: `${a.clusterName}-${part}` } }],
        }, { parent });
        return new aws.eks.NodeGroup(`${name}-${part}`, {
            clusterName: cluster.name,
            nodeRoleArn: role.arn,
            subnetIds: a.privateSubnetIds,
            amiType: amiType(a.amiFamily, a.cpuArchitecture),
            capacityType: spot ? "SPOT" : "ON_DEMAND",
            instanceTypes: spec.instanceTypes,
            scalingConfig: { minSize: spec.minCapacity, maxSize: spec.maxCapacity, desiredSize: spec.desiredCapacity },
            updateConfig: { maxUnavailablePercentage: 33 },
            launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) },
            labels: { "platform.aws-containers/node-group": part },
            // Only workloads that tolerate interruption land on Spot.
            taints: spot ? [{ key: "capacity", value: "spot", effect: "NO_SCHEDULE" }] : undefined,
            nodeRepairConfig: { enabled: true },
        // desiredSize is not ignored: nothing else scales these groups, so the declared size is the size.
        }, { parent, dependsOn });
    });
}
