import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { PolicyDocument, PolicyStatement } from "../iam";

/**
 * The Karpenter v1 controller policy, scoped to one cluster, as Karpenter's own CloudFormation template
 * states it at the pinned release (website/content/en/preview/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml at v1.14.1, vendored in test/deploy-readiness/reference/karpenter and compared by the rung): node lifecycle, IAM integration, EKS
 * integration, interruption, zonal shift and resource discovery. Launches and deletions are limited to
 * resources tagged as owned by this cluster and a NodePool.
 */
export function karpenterControllerPolicy(args: {
    ctx: AwsContext;
    clusterName: string;
    clusterArn: pulumi.Input<string>;
    nodeRoleArn: pulumi.Input<string>;
    queueArn: pulumi.Input<string>;
}): PolicyDocument {
    const { ctx, clusterName: c } = args;
    const ec2 = (resource: string) => pulumi.interpolate`arn:${ctx.partition}:ec2:${ctx.region}:*:${resource}`;
    const owned = (kind: "RequestTag" | "ResourceTag") => ({ [`aws:${kind}/kubernetes.io/cluster/${c}`]: "owned" });
    const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
    const instanceProfile = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:instance-profile/*`;
    const statements: PolicyStatement[] = [
        // Node lifecycle
        {
            Sid: "AllowScopedEC2InstanceAccessActions",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Resource: [
                pulumi.interpolate`arn:${ctx.partition}:ec2:${ctx.region}::image/*`,
                pulumi.interpolate`arn:${ctx.partition}:ec2:${ctx.region}::snapshot/*`,
                ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
            ],
        },
        {
            Sid: "AllowScopedEC2LaunchTemplateAccessActions",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            Resource: ec2("launch-template/*"),
            Condition: { StringEquals: owned("ResourceTag"), StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        {
            Sid: "AllowScopedEC2InstanceActionsWithTags",
            Effect: "Allow",
            Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            Resource: launched,
            Condition: {
                StringEquals: { ...owned("RequestTag"), "aws:RequestTag/eks:eks-cluster-name": c },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceCreationTagging",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: launched,
            Condition: {
                StringEquals: {
                    ...owned("RequestTag"),
                    "aws:RequestTag/eks:eks-cluster-name": c,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        },
        {
            Sid: "AllowScopedResourceTagging",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: ec2("instance/*"),
            Condition: {
                "StringEquals": owned("ResourceTag"),
                "StringLike": { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                "StringEqualsIfExists": { "aws:RequestTag/eks:eks-cluster-name": c },
                "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
            },
        },
        {
            Sid: "AllowScopedDeletion",
            Effect: "Allow",
            Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            Resource: [ec2("instance/*"), ec2("launch-template/*")],
            Condition: { StringEquals: owned("ResourceTag"), StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
        },
        // IAM integration: instance profiles for the node role, tagged to this cluster and region
        {
            Sid: "AllowPassingInstanceRole",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: args.nodeRoleArn,
            Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        },
        {
            Sid: "AllowScopedInstanceProfileCreationActions",
            Effect: "Allow",
            Action: "iam:CreateInstanceProfile",
            Resource: instanceProfile,
            Condition: {
                StringEquals: { ...owned("RequestTag"), "aws:RequestTag/eks:eks-cluster-name": c, "aws:RequestTag/topology.kubernetes.io/region": ctx.region },
                StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileTagActions",
            Effect: "Allow",
            Action: "iam:TagInstanceProfile",
            Resource: instanceProfile,
            Condition: {
                StringEquals: {
                    ...owned("ResourceTag"),
                    "aws:ResourceTag/topology.kubernetes.io/region": ctx.region,
                    ...owned("RequestTag"),
                    "aws:RequestTag/eks:eks-cluster-name": c,
                    "aws:RequestTag/topology.kubernetes.io/region": ctx.region,
                },
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        {
            Sid: "AllowScopedInstanceProfileActions",
            Effect: "Allow",
            Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            Resource: instanceProfile,
            Condition: {
                StringEquals: { ...owned("ResourceTag"), "aws:ResourceTag/topology.kubernetes.io/region": ctx.region },
                StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        },
        { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
        { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: instanceProfile },
        // EKS integration, interruption, zonal shift
        { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Action: "eks:DescribeCluster", Resource: args.clusterArn },
        {
            Sid: "AllowInterruptionQueueActions",
            Effect: "Allow",
            Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            Resource: args.queueArn,
        },
        {
            Sid: "AllowZonalShiftStatusReadOnly",
            Effect: "Allow",
            Action: "arc-zonal-shift:GetManagedResource",
            Resource: "*",
            Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": args.clusterArn } },
        },
        // Resource discovery
        {
            Sid: "AllowRegionalReadActions",
            Effect: "Allow",
            Action: [
                "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets",
            ],
            Resource: "*",
            Condition: { StringEquals: { "aws:RequestedRegion": ctx.region } },
        },
        {
            Sid: "AllowSSMReadActions",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: pulumi.interpolate`arn:${ctx.partition}:ssm:${ctx.region}::parameter/aws/service/*`,
        },
        { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    ];
    return { Version: "2012-10-17", Statement: statements };
}
