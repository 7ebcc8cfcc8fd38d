import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createServiceRole } from "../iam";
import { ArgumentErrors, show } from "../validation";

/** AMI families for EC2 capacity, each read from its public SSM parameter at launch. */
export const AMI_FAMILIES: readonly string[] = ["AL2023", "BOTTLEROCKET"];

/**
 * EC2 capacity for work Fargate cannot run (GPUs, host access, tasks above 16 vCPU / 120 GB) or steady
 * load bought with Savings Plans (checklist C2). Instances join the cluster through an Auto Scaling
 * group that ECS scales (managed scaling) and protects while tasks run (managed termination protection).
 */
export interface Ec2CapacityArgs {
    /** Private subnets for the instances, one per availability zone. */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** VPC of the subnets (for the instances' security group). */
    readonly vpcId: pulumi.Input<string>;
    /** Instance type; use a Graviton type with "arm64" (checklist C9). @default "m7g.large" */
    readonly instanceType?: string;
    /** "arm64" or "x86_64"; must match `instanceType`. @default "arm64" */
    readonly architecture?: string;
    /** "AL2023" (ECS-optimized Amazon Linux 2023) or "BOTTLEROCKET" (checklist C14). @default "AL2023" */
    readonly amiFamily?: string;
    /** Smallest group size. @default 0 */
    readonly minSize?: number;
    /** Largest group size. @default 10 */
    readonly maxSize?: number;
    /** Utilisation managed scaling aims for, 1 to 100 (100 = no spare instances). @default 100 */
    readonly targetCapacityPercent?: number;
    /** Root volume size in GiB (gp3, encrypted). @default 30 */
    readonly rootVolumeGiB?: number;
}

export interface ResolvedEc2Capacity {
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    vpcId: pulumi.Input<string>;
    instanceType: string;
    architecture: string;
    amiFamily: string;
    minSize: number;
    maxSize: number;
    targetCapacityPercent: number;
    rootVolumeGiB: number;
}

export function resolveEc2Capacity(errors: ArgumentErrors, path: string, args: Ec2CapacityArgs): ResolvedEc2Capacity {
    const r: ResolvedEc2Capacity = {
        subnetIds: args.subnetIds,
        vpcId: args.vpcId,
        instanceType: args.instanceType ?? "m7g.large",
        architecture: args.architecture ?? "arm64",
        amiFamily: args.amiFamily ?? "AL2023",
        minSize: args.minSize ?? 0,
        maxSize: args.maxSize ?? 10,
        targetCapacityPercent: args.targetCapacityPercent ?? 100,
        rootVolumeGiB: args.rootVolumeGiB ?? 30,
    };
    errors.require(["arm64", "x86_64"].includes(r.architecture), `${path}architecture`, `${show(r.architecture)} is not an architecture; allowed: arm64, x86_64`);
    errors.require(AMI_FAMILIES.includes(r.amiFamily), `${path}amiFamily`, `${show(r.amiFamily)} is not an AMI family; allowed: ${AMI_FAMILIES.join(", ")}`);
    errors.require(Number.isInteger(r.minSize) && r.minSize >= 0, `${path}minSize`, `${show(r.minSize)} is not a whole number of at least 0`);
    errors.require(Number.isInteger(r.maxSize) && r.maxSize >= 1 && r.maxSize >= r.minSize, `${path}maxSize`,
        `${show(r.maxSize)} must be a whole number of at least 1 and at least minSize (${r.minSize})`);
    errors.require(Number.isInteger(r.targetCapacityPercent) && r.targetCapacityPercent >= 1 && r.targetCapacityPercent <= 100,
        `${path}targetCapacityPercent`, `${show(r.targetCapacityPercent)} is not a whole number from 1 to 100`);
    errors.require(Number.isInteger(r.rootVolumeGiB) && r.rootVolumeGiB >= 8 && r.rootVolumeGiB <= 16384, `${path}rootVolumeGiB`,
        `${show(r.rootVolumeGiB)} is not a whole number of GiB from 8 to 16384`);
    return r;
}

/**
 * The public SSM parameter holding the current AMI. Sources: ECS Developer Guide, "Retrieving Amazon
 * ECS-optimized Linux AMI metadata" and "Retrieving Amazon ECS-optimized Bottlerocket AMI metadata".
 */
export function amiParameter(amiFamily: string, architecture: string): string {
    if (amiFamily === "BOTTLEROCKET") {
        return `/aws/service/bottlerocket/aws-ecs-2/${architecture}/latest/image_id`;
    }
    return `/aws/service/ecs/optimized-ami/amazon-linux-2023/${architecture === "arm64" ? "arm64/" : ""}recommended/image_id`;
}

/** User data that joins the instance to `clusterName`: ecs.config for AL2023, TOML settings for Bottlerocket. */
function userData(amiFamily: string, clusterName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(clusterName).apply((cluster) => {
        const text = amiFamily === "BOTTLEROCKET"
            ? `[settings.ecs]\ncluster = ${JSON.stringify(cluster)}\n`
            : `#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`;
        return Buffer.from(text).toString("base64");
    });
}

/**
 * Instance role, launch template (IMDSv2 only, encrypted root volume, AMI resolved from SSM at launch),
 * Auto Scaling group and the capacity provider that lets ECS scale and drain it. Returns the provider.
 */
export function createEc2Capacity(name: string, clusterName: pulumi.Input<string>, c: ResolvedEc2Capacity,
    parent: pulumi.Resource): aws.ecs.CapacityProvider {
    const opts = { parent };
    const role = createServiceRole(`${name}-instance`, {
        service: "ec2.amazonaws.com",
        description: "ECS container instances",
        managedPolicies: {
            ecs: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
            ssm: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        },
    }, parent);
    const profile = new aws.iam.InstanceProfile(`${name}-instance`, { role: role.name }, opts);
    // Tasks use awsvpc with their own security groups; the instance itself only calls AWS APIs.
    const sg = new aws.ec2.SecurityGroup(`${name}-instances`, {
        vpcId: c.vpcId, description: "ECS container instances: no inbound, HTTPS out", tags: { Name: `${name}-instances` },
    }, opts);
    new aws.vpc.SecurityGroupEgressRule(`${name}-instances-https`, {
        securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "AWS APIs and registries",
    }, opts);
    const template = new aws.ec2.LaunchTemplate(`${name}-instances`, {
        imageId: `resolve:ssm:${amiParameter(c.amiFamily, c.architecture)}`,
        instanceType: c.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [sg.id],
        userData: userData(c.amiFamily, clusterName),
        // IMDSv2 only; hop limit 1 keeps bridge-mode containers away from the instance credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{
            deviceName: c.amiFamily === "BOTTLEROCKET" ? "/dev/xvdb" : "/dev/xvda",
            ebs: { volumeSize: c.rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        monitoring: { enabled: true },
        updateDefaultVersion: true,
    }, opts);
    const group = new aws.autoscaling.Group(`${name}-instances`, {
        vpcZoneIdentifiers: c.subnetIds,
        minSize: c.minSize,
        maxSize: c.maxSize,
        launchTemplate: { id: template.id, version: "$Latest" },
        // Managed termination protection needs scale-in protection on the group.
        protectFromScaleIn: true,
        healthCheckType: "EC2",
        // ECS tags the group it manages; declaring the tag keeps Pulumi from removing it.
        tags: [{ key: "AmazonECSManaged", value: "true", propagateAtLaunch: true }],
    }, { parent, ignoreChanges: ["desiredCapacity"] });
    // A fixed physical name, so services can name the provider in their strategy before it exists.
    return new aws.ecs.CapacityProvider(`${name}-ec2`, {
        name: `${name}-ec2`,
        autoScalingGroupProvider: {
            autoScalingGroupArn: group.arn,
            managedDraining: "ENABLED",
            managedTerminationProtection: "ENABLED",
            managedScaling: { status: "ENABLED", targetCapacity: c.targetCapacityPercent, minimumScalingStepSize: 1, maximumScalingStepSize: 10 },
        },
    }, opts);
}
