import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createServiceRole } from "../iam";
import { checkCpuArchitecture, CpuArchitecture } from "../architecture";
import { ArgumentErrors, rejectRenamed, show } from "../validation";

/** AMI families for EC2 capacity, each read from its public SSM parameter at launch. */
export const AMI_FAMILIES: readonly string[] = ["AL2023", "AL2023_GPU", "BOTTLEROCKET"];

/**
 * NVIDIA GPU instance families the ECS GPU-optimised AMI serves (x86_64; ECS Developer Guide, "Amazon ECS
 * task definitions for GPU workloads"). AMD (g4ad) and Graviton (g5g) GPU families are left out: the AMI
 * carries NVIDIA drivers for x86_64 only.
 */
export const GPU_INSTANCE_FAMILIES: readonly string[] = ["g4dn", "g5", "g6", "g6e", "gr6", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en"];

/** True for an instance type of a GPU_INSTANCE_FAMILIES family. */
export function isGpuInstanceType(instanceType: string): boolean {
    return GPU_INSTANCE_FAMILIES.includes(instanceType.split(".")[0]);
}

/**
 * EC2 capacity for work Fargate cannot run (GPUs, host access, tasks above 16 vCPU / 120 GB) or steady
 * load bought with Savings Plans (checklist C2). Instances join the cluster through an Auto Scaling
 * group that ECS scales (managed scaling) and protects while tasks run (managed termination protection).
 */
export interface Ec2CapacityArgs {
    /** Private subnets for the instances, one per availability zone. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** VPC of the subnets (for the instances' security group). */
    readonly vpcId: pulumi.Input<string>;
    /** Instance type; use a Graviton type with "arm64" (checklist C9), a GPU type with "AL2023_GPU". @default "m7g.large"; "g5.xlarge" with "AL2023_GPU" */
    readonly instanceType?: string;
    /** "arm64" or "x86_64"; must match `instanceType`. @default "arm64"; "x86_64" with "AL2023_GPU" */
    readonly cpuArchitecture?: string;
    /**
     * "AL2023" (ECS-optimized Amazon Linux 2023), "AL2023_GPU" (its GPU-optimised variant: x86_64, NVIDIA
     * instance types, for containers with `gpuCount`) or "BOTTLEROCKET" (checklist C14). @default "AL2023"
     */
    readonly amiFamily?: string;
    /** Fewest instances in the group. @default 0 */
    readonly minCapacity?: number;
    /** Most instances in the group. @default 10 */
    readonly maxCapacity?: number;
    /** Utilisation managed scaling aims for, 1 to 100 (100 = no spare instances). @default 100 */
    readonly targetCapacityPercent?: number;
    /** Size in GiB of the volume that holds images and containers (gp3, encrypted): AL2023's root, Bottlerocket's data volume. @default 30 */
    readonly diskSizeGiB?: number;
}

export interface ResolvedEc2Capacity {
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    vpcId: pulumi.Input<string>;
    instanceType: string;
    cpuArchitecture: CpuArchitecture;
    amiFamily: string;
    minCapacity: number;
    maxCapacity: number;
    targetCapacityPercent: number;
    diskSizeGiB: number;
}

export function resolveEc2Capacity(errors: ArgumentErrors, path: string, args: Ec2CapacityArgs): ResolvedEc2Capacity {
    rejectRenamed(errors, path, args, {
        subnetIds: "privateSubnetIds", architecture: "cpuArchitecture", minSize: "minCapacity", maxSize: "maxCapacity", rootVolumeGiB: "diskSizeGiB",
    });
    const amiFamily = args.amiFamily ?? "AL2023";
    const gpu = amiFamily === "AL2023_GPU";
    const r: ResolvedEc2Capacity = {
        privateSubnetIds: args.privateSubnetIds,
        vpcId: args.vpcId,
        instanceType: args.instanceType ?? (gpu ? "g5.xlarge" : "m7g.large"),
        cpuArchitecture: (args.cpuArchitecture ?? (gpu ? "x86_64" : "arm64")) as CpuArchitecture,
        amiFamily,
        minCapacity: args.minCapacity ?? 0,
        maxCapacity: args.maxCapacity ?? 10,
        targetCapacityPercent: args.targetCapacityPercent ?? 100,
        diskSizeGiB: args.diskSizeGiB ?? 30,
    };
    checkCpuArchitecture(errors, `${path}cpuArchitecture`, r.cpuArchitecture);
    errors.require(AMI_FAMILIES.includes(r.amiFamily), `${path}amiFamily`, `${show(r.amiFamily)} is not an AMI family; allowed: ${AMI_FAMILIES.join(", ")}`);
    if (gpu) {
        errors.require(r.cpuArchitecture === "x86_64", `${path}cpuArchitecture`,
            `${show(r.cpuArchitecture)} does not go with amiFamily "AL2023_GPU"; the ECS GPU-optimised AMI is x86_64 only`);
        errors.require(isGpuInstanceType(r.instanceType), `${path}instanceType`,
            `${show(r.instanceType)} has no NVIDIA GPU; with amiFamily "AL2023_GPU" use a type of ${GPU_INSTANCE_FAMILIES.join(", ")}`);
    } else {
        errors.require(!isGpuInstanceType(r.instanceType), `${path}amiFamily`,
            `${show(r.amiFamily)} has no GPU drivers for instanceType ${show(r.instanceType)}; use "AL2023_GPU" for GPU instances`);
    }
    errors.require(Number.isInteger(r.minCapacity) && r.minCapacity >= 0, `${path}minCapacity`, `${show(r.minCapacity)} is not a whole number of at least 0`);
    errors.require(Number.isInteger(r.maxCapacity) && r.maxCapacity >= 1 && r.maxCapacity >= r.minCapacity, `${path}maxCapacity`,
        `${show(r.maxCapacity)} must be a whole number of at least 1 and at least minCapacity (${r.minCapacity})`);
    errors.require(Number.isInteger(r.targetCapacityPercent) && r.targetCapacityPercent >= 1 && r.targetCapacityPercent <= 100,
        `${path}targetCapacityPercent`, `${show(r.targetCapacityPercent)} is not a whole number from 1 to 100`);
    errors.require(Number.isInteger(r.diskSizeGiB) && r.diskSizeGiB >= 8 && r.diskSizeGiB <= 16384, `${path}diskSizeGiB`,
        `${show(r.diskSizeGiB)} is not a whole number of GiB from 8 to 16384`);
    return r;
}

/**
 * The public SSM parameter holding the current AMI. Sources: ECS Developer Guide, "Retrieving Amazon
 * ECS-optimized Linux AMI metadata" and "Retrieving Amazon ECS-optimized Bottlerocket AMI metadata".
 */
export function amiParameter(amiFamily: string, cpuArchitecture: CpuArchitecture): string {
    if (amiFamily === "BOTTLEROCKET") {
        return `/aws/service/bottlerocket/aws-ecs-2/${cpuArchitecture}/latest/image_id`;
    }
    if (amiFamily === "AL2023_GPU") {
        // ECS Developer Guide, "Retrieving Amazon ECS-optimized Linux AMI metadata": the GPU variant is x86_64 only.
        return "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id";
    }
    return `/aws/service/ecs/optimized-ami/amazon-linux-2023/${cpuArchitecture === "arm64" ? "arm64/" : ""}recommended/image_id`;
}

/** User data that joins the instance to `clusterName`: ecs.config for AL2023, TOML settings for Bottlerocket. */
function userData(amiFamily: string, clusterName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(clusterName).apply((cluster) => {
        const text = amiFamily === "BOTTLEROCKET"
            ? `[settings.ecs]\ncluster = ${JSON.stringify(cluster)}\n`
            : `#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n` +
                (amiFamily === "AL2023_GPU" ? "echo ECS_ENABLE_GPU_SUPPORT=true >> /etc/ecs/ecs.config\n" : "");
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
        imageId: `resolve:ssm:${amiParameter(c.amiFamily, c.cpuArchitecture)}`,
        instanceType: c.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [sg.id],
        userData: userData(c.amiFamily, clusterName),
        // IMDSv2 only; hop limit 1 keeps bridge-mode containers away from the instance credentials.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [{
            deviceName: c.amiFamily === "BOTTLEROCKET" ? "/dev/xvdb" : "/dev/xvda",
            ebs: { volumeSize: c.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        monitoring: { enabled: true },
        updateDefaultVersion: true,
    }, opts);
    const group = new aws.autoscaling.Group(`${name}-instances`, {
        vpcZoneIdentifiers: c.privateSubnetIds,
        minSize: c.minCapacity,
        maxSize: c.maxCapacity,
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
