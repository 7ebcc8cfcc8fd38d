// EFS volumes of a task definition: validation, the file system a task creates for itself, its access
// point, the task volume entry and the task role's client permissions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { PolicyStatement } from "../iam";
import { ArgumentErrors, duplicates, isKnown, show } from "../validation";

/** The POSIX identity every file operation through the access point runs as. */
export interface EfsPosixUser {
    readonly uid: number;
    readonly gid: number;
}

/** One EFS volume of a task: a new file system or an existing one, always mounted through its own access point. */
export interface EfsVolumeArgs {
    /** Volume name, referred to by `containers[].mountPoints[].sourceVolume`: letters, digits, _ and -. */
    readonly name: string;
    /** An existing file system; without it the task definition creates one (encrypted, backed up, in every private subnet). @default a new file system */
    readonly fileSystemId?: pulumi.Input<string>;
    /** With `fileSystemId`: the security group its mount targets admit on 2049; the tasks join it. @default none */
    readonly clientSecurityGroupId?: pulumi.Input<string>;
    /** User and group the access point enforces. @default { uid: 1000, gid: 1000 } */
    readonly posixUser?: EfsPosixUser;
    /** Directory the access point exposes as `/`, created owned by `posixUser` with mode 0750. @default "/<task definition name>/<volume>" */
    readonly rootDirectory?: string;
    /** Also grant elasticfilesystem:ClientRootAccess (root on the file system). @default false */
    readonly rootAccess?: boolean;
    /** Mount without elasticfilesystem:ClientWrite. @default false */
    readonly readOnly?: boolean;
    /** Days without access before a created file system moves a file to Infrequent Access: 1, 7, 14, 30, 60, 90, 180, 270 or 365. @default 30 */
    readonly transitionToIaDays?: number;
}

/** Where a created file system puts its mount targets. */
export interface EfsNetworkArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets, one per zone: one mount target each. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** How many `privateSubnetIds` (zones) there are; needed when they are an output (e.g. a network's), whose length is unknown at construction. */
    readonly azCount?: number;
}

export interface ResolvedEfsVolume {
    name: string;
    fileSystemId?: pulumi.Input<string>;
    clientSecurityGroupId?: pulumi.Input<string>;
    posixUser: EfsPosixUser;
    rootDirectory: string;
    rootAccess: boolean;
    readOnly: boolean;
    transitionToIaDays: number;
}

const VOLUME_NAME = /^[A-Za-z0-9_-]{1,255}$/;
// EFS API LifecyclePolicy TransitionToIA values (AFTER_<n>_DAY[S]).
export const IA_TRANSITION_DAYS: readonly number[] = [1, 7, 14, 30, 60, 90, 180, 270, 365];

export function resolveEfsVolumes(errors: ArgumentErrors, path: string, task: string, volumes: readonly EfsVolumeArgs[],
    network: EfsNetworkArgs | undefined, azCountPath = "efsNetwork.azCount"): ResolvedEfsVolume[] {
    const resolved = volumes.map((v, i) => {
        const p = `${path}[${i}]`;
        const r: ResolvedEfsVolume = {
            name: v.name,
            fileSystemId: v.fileSystemId,
            clientSecurityGroupId: v.clientSecurityGroupId,
            posixUser: v.posixUser ?? { uid: 1000, gid: 1000 },
            rootDirectory: v.rootDirectory ?? `/${task}/${v.name}`,
            rootAccess: v.rootAccess ?? false,
            readOnly: v.readOnly ?? false,
            transitionToIaDays: v.transitionToIaDays ?? 30,
        };
        errors.require(typeof v.name === "string" && VOLUME_NAME.test(v.name), `${p}.name`,
            `${show(v.name)} is not a volume name; use 1 to 255 letters, digits, _ or -`);
        for (const id of ["uid", "gid"] as const) {
            const n = r.posixUser[id];
            errors.require(Number.isInteger(n) && n >= 0 && n <= 4294967295, `${p}.posixUser.${id}`, `${show(n)} is not a POSIX ${id} from 0 to 4294967295`);
        }
        errors.require(/^\/[A-Za-z0-9_.\/-]{0,99}$/.test(r.rootDirectory) && !r.rootDirectory.includes(".."), `${p}.rootDirectory`,
            `${show(r.rootDirectory)} is not an absolute path of up to 100 letters, digits, _ . - and /`);
        errors.require(IA_TRANSITION_DAYS.includes(r.transitionToIaDays), `${p}.transitionToIaDays`,
            `${show(r.transitionToIaDays)} is not an EFS lifecycle transition; allowed: ${IA_TRANSITION_DAYS.join(", ")}`);
        if (v.fileSystemId === undefined) {
            errors.require(v.clientSecurityGroupId === undefined, `${p}.clientSecurityGroupId`,
                "is set without fileSystemId; a created file system makes its own client group");
            errors.require(network !== undefined, `${p}.fileSystemId`,
                "is missing and there is no network to create a file system in; give fileSystemId or efsNetwork (vpcId, privateSubnetIds)");
        } else if (isKnown(v.fileSystemId)) {
            errors.require(/^fs-[0-9a-f]{8,40}$/.test(v.fileSystemId), `${p}.fileSystemId`, `${show(v.fileSystemId)} is not a file system ID (fs-…)`);
        }
        return r;
    });
    for (const dup of duplicates(volumes.map((v) => v.name))) {
        errors.require(false, path, `volume name ${show(dup)} appears more than once; names must be unique`);
    }
    if (network && resolved.some((v) => v.fileSystemId === undefined)) {
        const count = azCount(network);
        errors.require(count !== undefined, azCountPath,
            "is missing while privateSubnetIds is an output; give the number of private subnets so each gets a mount target");
        errors.require(count === undefined || Number.isInteger(count) && count >= 1 && count <= 6, azCountPath,
            `${show(count)} is not a number of subnets from 1 to 6`);
    }
    return resolved;
}

function azCount(network: EfsNetworkArgs): number | undefined {
    // A stack validating before its network exists passes an empty list: the count then comes from azCount.
    return Array.isArray(network.privateSubnetIds) && network.privateSubnetIds.length > 0 ? network.privateSubnetIds.length : network.azCount;
}

/** What a task definition needs of one volume once its file system and access point exist. */
export interface EfsVolumeParts {
    readonly volume: aws.types.input.ecs.TaskDefinitionVolume;
    readonly statement: pulumi.Output<PolicyStatement>;
    /** The group the tasks join to reach the mount targets, if any. */
    readonly clientSecurityGroupId?: pulumi.Input<string>;
}

/**
 * A file system for one volume: a customer managed key (rotated), encryption at rest, elastic
 * throughput, backups, Infrequent Access after `transitionToIaDays`, a client group the tasks join and
 * a mount target group that admits only that group on NFS (2049), one mount target per private subnet.
 */
function createFileSystem(name: string, v: ResolvedEfsVolume, network: EfsNetworkArgs, parent: pulumi.Resource) {
    const opts = { parent };
    const key = new aws.kms.Key(`${name}-key`, {
        description: `EFS encryption for ${name}`, enableKeyRotation: true, deletionWindowInDays: 30,
    }, { parent, retainOnDelete: true });
    const fs = new aws.efs.FileSystem(name, {
        encrypted: true,
        kmsKeyId: key.arn,
        throughputMode: "elastic",
        performanceMode: "generalPurpose",
        lifecyclePolicies: [
            { transitionToIa: `AFTER_${v.transitionToIaDays}_DAY${v.transitionToIaDays === 1 ? "" : "S"}` },
            { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" },
        ],
        tags: { Name: name },
    }, { parent, retainOnDelete: true });
    new aws.efs.BackupPolicy(`${name}-backup`, { fileSystemId: fs.id, backupPolicy: { status: "ENABLED" } }, opts);
    const clients = new aws.ec2.SecurityGroup(`${name}-clients`, {
        vpcId: network.vpcId, description: `Tasks that mount ${name}`, tags: { Name: `${name}-clients` },
    }, opts);
    const targets = new aws.ec2.SecurityGroup(`${name}-targets`, {
        vpcId: network.vpcId, description: `Mount targets of ${name}: NFS from its clients only`, tags: { Name: `${name}-targets` },
    }, opts);
    new aws.vpc.SecurityGroupIngressRule(`${name}-targets-nfs`, {
        securityGroupId: targets.id, referencedSecurityGroupId: clients.id, ipProtocol: "tcp", fromPort: 2049, toPort: 2049, description: "NFS from the tasks",
    }, opts);
    new aws.vpc.SecurityGroupEgressRule(`${name}-clients-nfs`, {
        securityGroupId: clients.id, referencedSecurityGroupId: targets.id, ipProtocol: "tcp", fromPort: 2049, toPort: 2049, description: `NFS to ${name}`,
    }, opts);
    const count = azCount(network)!;
    const ids = pulumi.output(network.privateSubnetIds);
    for (let i = 0; i < count; i++) {
        new aws.efs.MountTarget(`${name}-target-${i}`, { fileSystemId: fs.id, subnetId: ids.apply((a) => a[i]), securityGroups: [targets.id] }, opts);
    }
    return { fileSystemId: fs.id, clientSecurityGroupId: clients.id };
}

/**
 * The file system (created or given), the volume's access point and the ECS volume entry with transit
 * encryption and IAM authorisation, plus the task role statement: ClientMount (and ClientWrite unless
 * read-only, ClientRootAccess only if asked) on that file system, only through that access point
 * (EFS User Guide, "Using access points in IAM policies": condition key elasticfilesystem:AccessPointArn).
 */
export function createEfsVolume(task: string, v: ResolvedEfsVolume, network: EfsNetworkArgs | undefined, ctx: AwsContext,
    parent: pulumi.Resource): EfsVolumeParts {
    const name = `${task}-${v.name}`;
    const created = v.fileSystemId === undefined ? createFileSystem(`${name}-efs`, v, network!, parent) : undefined;
    const fileSystemId = created?.fileSystemId ?? pulumi.output(v.fileSystemId!);
    const accessPoint = new aws.efs.AccessPoint(`${name}-ap`, {
        fileSystemId,
        posixUser: { uid: v.posixUser.uid, gid: v.posixUser.gid },
        rootDirectory: {
            path: v.rootDirectory,
            creationInfo: { ownerUid: v.posixUser.uid, ownerGid: v.posixUser.gid, permissions: "0750" },
        },
        tags: { Name: name },
    }, { parent });
    const actions = ["elasticfilesystem:ClientMount", ...(v.readOnly ? [] : ["elasticfilesystem:ClientWrite"]),
        ...(v.rootAccess ? ["elasticfilesystem:ClientRootAccess"] : [])];
    const statement = pulumi.all([ctx.partition, ctx.region, ctx.accountId, fileSystemId, accessPoint.arn]).apply(([p, r, a, fs, ap]) => ({
        Sid: `Efs${v.name.replace(/[^A-Za-z0-9]/g, "")}`,
        Effect: "Allow" as const,
        Action: actions,
        Resource: `arn:${p}:elasticfilesystem:${r}:${a}:file-system/${fs}`,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": ap } },
    }));
    return {
        volume: {
            name: v.name,
            efsVolumeConfiguration: {
                fileSystemId,
                transitEncryption: "ENABLED",
                authorizationConfig: { accessPointId: accessPoint.id, iam: "ENABLED" },
            },
        },
        statement,
        clientSecurityGroupId: created?.clientSecurityGroupId ?? v.clientSecurityGroupId,
    };
}
