import { requireRegionalProvider } from "../regions";
import { checkArgumentKeys } from "../schema";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { createServiceRole, PolicyStatement, policyJson } from "../iam";
import { createLogGroup, createLogsKey, LOG_RETENTION_DAYS } from "../logs";
import { ArgumentErrors, show } from "../validation";
import { containerDefinition, ContainerSpec, ResolvedContainer, resolveContainers, secretResourceArn } from "./containers";
import { checkFargateSize } from "./fargate";
import { createEfsVolume, EfsNetworkArgs, EfsVolumeArgs, ResolvedEfsVolume, resolveEfsVolumes } from "./efs";
import { checkCpuArchitecture, CpuArchitecture, ecsCpuArchitecture } from "../architecture";

export interface FargateTaskDefinitionArgs {
    /** Task CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384). @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB, valid for `cpu` on Fargate (checklist C4). @default 512 */
    readonly memory?: number;
    /** "arm64" (Graviton, checklist C9) or "x86_64". @default "arm64" */
    readonly cpuArchitecture?: string;
    /** The containers: the application first, then any sidecars. */
    readonly containers: ContainerSpec[];
    /** Days the task's log group keeps events, one of the values CloudWatch Logs accepts. @default 30 */
    readonly logRetentionInDays?: number;
    /** KMS key for the log group. @default a new customer managed key */
    readonly logsKmsKeyArn?: pulumi.Input<string>;
    /** IAM policy document (JSON) for what the application itself may do. @default none: the task role has no permissions */
    readonly taskRolePolicy?: pulumi.Input<string>;
    /** Managed policies attached to the task role. @default [] */
    readonly taskRoleManagedPolicyArns?: pulumi.Input<string>[];
    /** Customer managed KMS keys that encrypt the referenced secrets; the execution role may decrypt with them. @default [] */
    readonly secretsKmsKeyArns?: pulumi.Input<string>[];
    /** Grant the task role the SSM channels ECS Exec needs; pair with the service's `enableExecuteCommand`. @default false */
    readonly enableExecuteCommand?: boolean;
    /** Ephemeral storage in GiB, 21 to 200. @default Fargate's 20 GiB */
    readonly ephemeralStorageGiB?: number;
    /** Also mark the task EC2-compatible (awsvpc), to run on the cluster's EC2 capacity; a task with `gpuCount` is then EC2-only. @default false */
    readonly ec2Compatible?: boolean;
    /**
     * EFS volumes, mounted through `containers[].mountPoints` with transit encryption and IAM authorisation;
     * the tasks must join `securityGroupIds`. Needs Fargate platform 1.4.0 or later (EcsService runs LATEST). @default []
     */
    readonly efsVolumes?: EfsVolumeArgs[];
    /** Where file systems of `efsVolumes` without `fileSystemId` get their mount targets. @default none */
    readonly efsNetwork?: EfsNetworkArgs;
}

export interface ResolvedTaskDefinitionArgs {
    cpu: number;
    memory: number;
    cpuArchitecture: CpuArchitecture;
    containers: ResolvedContainer[];
    logRetentionInDays: number;
    ephemeralStorageGiB?: number;
    efsVolumes: ResolvedEfsVolume[];
    gpu: boolean;
}

/**
 * Validates the task-level settings; `path` prefixes property names for a component that embeds a task,
 * and `containerPath` (optional) names container i where that component's user wrote it.
 */
export function resolveTaskDefinitionArgs(args: FargateTaskDefinitionArgs, errors: ArgumentErrors, path = "",
    containerPath?: (i: number) => string, taskName = "task", azCountPath?: string): ResolvedTaskDefinitionArgs {
    const r: ResolvedTaskDefinitionArgs = {
        cpu: args.cpu ?? 256,
        memory: args.memory ?? 512,
        cpuArchitecture: (args.cpuArchitecture ?? "arm64") as CpuArchitecture,
        containers: resolveContainers(errors, `${path}containers`, args.containers ?? [], containerPath),
        logRetentionInDays: args.logRetentionInDays ?? 30,
        ephemeralStorageGiB: args.ephemeralStorageGiB,
        efsVolumes: resolveEfsVolumes(errors, `${path}efsVolumes`, taskName, args.efsVolumes ?? [], args.efsNetwork, azCountPath),
        gpu: false,
    };
    const volumeNames = r.efsVolumes.map((v) => v.name);
    (args.containers ?? []).forEach((c, i) => {
        const p = containerPath ? containerPath(i) : `${path}containers[${i}]`;
        (c.mountPoints ?? []).forEach((m, j) => errors.require(volumeNames.includes(m.sourceVolume), `${p}.mountPoints[${j}].sourceVolume`,
            `${show(m.sourceVolume)} is not a volume of this task; allowed: ${volumeNames.join(", ") || "(none: add efsVolumes)"}`));
        if (c.gpuCount !== undefined) {
            r.gpu = true;
            // Fargate offers no GPUs (ECS Developer Guide, "Amazon ECS task definitions for GPU workloads": EC2 only).
            errors.require(args.ec2Compatible === true, `${p}.gpuCount`,
                `${show(c.gpuCount)} GPUs on Fargate, which has none; set ec2Compatible to true and run the task on EC2 capacity with amiFamily "AL2023_GPU"`);
        }
    });
    checkFargateSize(errors, path, r.cpu, r.memory);
    checkCpuArchitecture(errors, `${path}cpuArchitecture`, r.cpuArchitecture);
    errors.require(LOG_RETENTION_DAYS.includes(r.logRetentionInDays), `${path}logRetentionInDays`,
        `${show(r.logRetentionInDays)} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
    if (r.ephemeralStorageGiB !== undefined) {
        errors.require(Number.isInteger(r.ephemeralStorageGiB) && r.ephemeralStorageGiB >= 21 && r.ephemeralStorageGiB <= 200,
            `${path}ephemeralStorageGiB`, `${show(r.ephemeralStorageGiB)} is not a whole number of GiB from 21 to 200`);
    }
    return r;
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** The repository ARN of an ECR image URI, or undefined for an image from another registry. */
export function ecrRepositoryArn(image: string, partition: string): string | undefined {
    const m = ECR_IMAGE.exec(image);
    return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/**
 * A Fargate task definition (checklist C4, C9): a size from the Fargate table, arm64 by default, awslogs
 * to its own encrypted log group, a task role for the application and a separate execution role that
 * may pull only its own images, write only its own log group and read exactly the secrets it names.
 */
export class FargateTaskDefinition extends pulumi.ComponentResource {
    public readonly taskDefinitionArn: pulumi.Output<string>;
    public readonly family: pulumi.Output<string>;
    public readonly taskRoleArn: pulumi.Output<string>;
    public readonly taskRoleName: pulumi.Output<string>;
    public readonly executionRoleArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;
    /** Security groups the tasks must join to reach their EFS volumes (attach them to the service). */
    public readonly securityGroupIds: pulumi.Input<string>[];
    /** Name of the first container (the application), for load balancers and Step Functions overrides. */
    public readonly containerName: string;

    constructor(name: string, args: FargateTaskDefinitionArgs, opts?: pulumi.ComponentResourceOptions) {
        const errors = new ArgumentErrors("FargateTaskDefinition");
        const a = resolveTaskDefinitionArgs(args, errors, "", undefined, name);
        checkArgumentKeys(errors, "FargateTaskDefinition", args);
        errors.throwIfAny();
        requireRegionalProvider("FargateTaskDefinition", name, opts);
        super("aws-containers:ecs:FargateTaskDefinition", name, args, opts);
        const ctx = awsContext(this);

        const kmsKeyArn = args.logsKmsKeyArn ?? createLogsKey(`${name}-logs-key`, ctx, this).arn;
        const logGroup = createLogGroup(`${name}-logs`, { retentionInDays: a.logRetentionInDays, kmsKeyArn, namePrefix: `/ecs/${name}-` }, this);

        const executionRole = createServiceRole(`${name}-execution`, {
            service: "ecs-tasks.amazonaws.com",
            description: `ECS agent for ${name}: pull its images, write its logs, read its secrets`,
        }, this);
        new aws.iam.RolePolicy(`${name}-execution-policy`, {
            role: executionRole.id,
            policy: executionPolicy(a.containers, logGroup.arn, args.secretsKmsKeyArns ?? [], ctx.partition),
        }, { parent: this });

        const taskRole = createServiceRole(`${name}-task`, {
            service: "ecs-tasks.amazonaws.com",
            description: `Application permissions of ${name}`,
            inline: args.enableExecuteCommand ? {
                Version: "2012-10-17",
                // ECS Exec runs through SSM Session Manager channels (ECS Developer Guide, "ECS Exec" IAM permissions).
                Statement: [{
                    Sid: "EcsExec",
                    Effect: "Allow",
                    Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
                    Resource: "*",
                }],
            } : undefined,
            managedPolicies: Object.fromEntries((args.taskRoleManagedPolicyArns ?? []).map((arn, i) => [`managed-${i}`, arn])),
        }, this);
        if (args.taskRolePolicy !== undefined) {
            new aws.iam.RolePolicy(`${name}-task-app-policy`, { role: taskRole.id, policy: args.taskRolePolicy }, { parent: this });
        }
        const efs = a.efsVolumes.map((v) => createEfsVolume(name, v, args.efsNetwork, ctx, this));
        if (efs.length > 0) {
            new aws.iam.RolePolicy(`${name}-task-efs-policy`, {
                role: taskRole.id,
                policy: pulumi.all(efs.map((e) => e.statement)).apply((Statement) => policyJson({ Version: "2012-10-17", Statement })),
            }, { parent: this });
        }

        const definitions = pulumi.jsonStringify(pulumi.output(
            a.containers.map((c) => containerDefinition(c, { group: logGroup.name, region: ctx.region }))));
        const taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
            family: name.replace(/[^A-Za-z0-9_-]/g, "-"),
            requiresCompatibilities: a.gpu ? ["EC2"] : args.ec2Compatible ? ["FARGATE", "EC2"] : ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(a.cpu),
            memory: String(a.memory),
            runtimePlatform: { cpuArchitecture: ecsCpuArchitecture(a.cpuArchitecture), operatingSystemFamily: "LINUX" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions: definitions,
            ephemeralStorage: a.ephemeralStorageGiB ? { sizeInGib: a.ephemeralStorageGiB } : undefined,
            volumes: efs.length > 0 ? efs.map((e) => e.volume) : undefined,
        }, { parent: this });
        this.securityGroupIds = efs.flatMap((e) => e.clientSecurityGroupId === undefined ? [] : [e.clientSecurityGroupId]);

        this.taskDefinitionArn = taskDefinition.arn;
        this.family = taskDefinition.family;
        this.taskRoleArn = taskRole.arn;
        this.taskRoleName = taskRole.name;
        this.executionRoleArn = executionRole.arn;
        this.logGroupName = logGroup.name;
        this.containerName = a.containers[0].name;
        this.registerOutputs({
            taskDefinitionArn: this.taskDefinitionArn,
            family: this.family,
            taskRoleArn: this.taskRoleArn,
            taskRoleName: this.taskRoleName,
            executionRoleArn: this.executionRoleArn,
            logGroupName: this.logGroupName,
        });
    }
}

/**
 * Least privilege for the ECS agent (ECS Developer Guide, "Amazon ECS task execution IAM role" and
 * "Required IAM permissions for Amazon ECS secrets"): GetAuthorizationToken is registry-wide and must
 * stay on "*"; image pulls only from this task's repositories; logs only to its group; secrets exactly
 * those referenced.
 */
function executionPolicy(containers: ResolvedContainer[], logGroupArn: pulumi.Output<string>, kmsKeyArns: pulumi.Input<string>[],
    partition: pulumi.Output<string>): pulumi.Output<string> {
    const images = pulumi.all(containers.map((c) => pulumi.output(c.image)));
    const secrets = pulumi.all(containers.flatMap((c) => Object.values(c.secrets ?? {}).map((s) => pulumi.output(s))));
    return pulumi.all([images, secrets, partition]).apply(([imgs, secretArns, p]) => {
        const repos = [...new Set(imgs.map((i) => ecrRepositoryArn(i, p)).filter((r): r is string => r !== undefined))].sort();
        const resources = [...new Set(secretArns.map(secretResourceArn))].sort();
        const sm = resources.filter((r) => r.includes(":secretsmanager:"));
        const ssm = resources.filter((r) => r.includes(":ssm:"));
        const statements: PolicyStatement[] = [
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn}:*` },
        ];
        if (repos.length > 0) {
            statements.push(
                { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                { Sid: "PullOwnImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: repos },
            );
        }
        if (sm.length > 0) {
            statements.push({ Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: sm });
        }
        if (ssm.length > 0) {
            statements.push({ Sid: "ReadOwnParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: ssm });
        }
        if (kmsKeyArns.length > 0 && resources.length > 0) {
            statements.push({ Sid: "DecryptOwnSecrets", Effect: "Allow", Action: "kms:Decrypt", Resource: kmsKeyArns });
        }
        return policyJson({ Version: "2012-10-17", Statement: statements });
    });
}
