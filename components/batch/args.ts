import { checkArgumentKeys } from "../schema";
import * as pulumi from "@pulumi/pulumi";
import { checkCpuArchitecture, CpuArchitecture } from "../architecture";
import { checkFargateSize, ContainerMountPoint, EfsNetworkArgs, EfsVolumeArgs, resolveEfsVolumes, resolveScaling, ScheduledScalingAction, StepScalingPolicy } from "../ecs";
import { checkImageSource, ImageSource } from "../image";
import { LOG_RETENTION_DAYS } from "../logs";
import { ArgumentErrors, duplicates, rejectRenamed, show } from "../validation";

/** Upper bounds SQS accepts (SetQueueAttributes): visibility timeout 12 h, retention 14 days, long polling 20 s. */
export const SQS_MAX_VISIBILITY_TIMEOUT = 43200;
export const SQS_MIN_RETENTION = 60;
export const SQS_MAX_RETENTION = 1209600;
export const SQS_MAX_WAIT_TIME = 20;
/** `maxReceiveCount` of a redrive policy: 1 to 1,000 (SQS Developer Guide, "Using dead-letter queues"). */
export const SQS_MAX_RECEIVE_COUNT = 1000;
/** A Distributed Map state runs at most 10,000 child workflow executions at once (Step Functions, "Distributed Map state"). */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10000;
/** Step Functions log levels that still log something; "OFF" is not offered. */
export const PIPELINE_LOG_LEVELS: readonly string[] = ["ALL", "ERROR", "FATAL"];
/**
 * Stage names become state names, JSONPath keys (`$.results.<stage>`), container names and resource
 * names: lowercase letters and digits only, so no quoting is ever needed.
 */
const STAGE_NAME_RE = /^[a-z][a-z0-9]{0,29}$/;

/** The long-running worker service that consumes the queue. Its image is `repository` + `tag` or `image`. */
export interface QueueWorkerArgs extends ImageSource {
    /** "arm64" (Graviton) or "x86_64". @default "arm64" */
    readonly cpuArchitecture?: string;
    /** Task CPU units (a Fargate size: 256, 512, 1024, 2048, 4096, 8192, 16384). @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB, valid with `cpu` on Fargate. @default 512 */
    readonly memory?: number;
    /** Command that overrides the image's CMD. */
    readonly command?: string[];
    /** Extra environment variables; `QUEUE_URL` is always set to the work queue's URL. */
    readonly environment?: { [name: string]: pulumi.Input<string> };
    /** Fewest tasks; 0 lets the service scale in to zero when the queue is empty. @default 0 */
    readonly minCapacity?: number;
    /** Most tasks. @default 10 */
    readonly maxCapacity?: number;
    /**
     * Tasks that always run on on-demand FARGATE (a guaranteed floor that Spot interruptions cannot
     * take away); the rest run on FARGATE_SPOT. Pair it with `minCapacity` of at least this much. @default 0
     */
    readonly onDemandBase?: number;
    /**
     * Longest time a message may wait in the queue, used with `processingTimeSeconds` to derive the
     * backlog each task may hold. @default 300
     */
    readonly acceptableLatencySeconds?: number;
    /**
     * Target messages waiting per running task. @default floor(acceptableLatencySeconds / processingTimeSeconds), at least 1
     */
    readonly targetBacklogPerTask?: number;
    /** Managed policies for the worker's task role, beyond consuming its own queue. @default [] */
    readonly taskRoleManagedPolicyArns?: pulumi.Input<string>[];
    /** EFS volumes of the worker (a new file system in every private subnet, or `fileSystemId`), each through its own access point. @default [] */
    readonly efsVolumes?: EfsVolumeArgs[];
    /** Volumes mounted into the worker container. @default [] */
    readonly mountPoints?: ContainerMountPoint[];
    /** Scheduled changes of minCapacity and maxCapacity, beside queue-depth scaling. @default [] */
    readonly scheduledActions?: ScheduledScalingAction[];
    /** Step policies on alarms of the caller's metrics, beside queue-depth scaling. @default [] */
    readonly stepPolicies?: StepScalingPolicy[];
}

/** One stage of the pipeline: a Map state that runs one ECS task per item. Its image is `repository` + `tag` or `image`. */
export interface PipelineStageArgs extends ImageSource {
    /** Stage name: lowercase letters and digits, starting with a letter, up to 30 characters. */
    readonly name: string;
    /** "arm64" (Graviton) or "x86_64". @default "arm64" */
    readonly cpuArchitecture?: string;
    /** Task CPU units (a Fargate size). @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB, valid with `cpu` on Fargate. @default 512 */
    readonly memory?: number;
    /** Command that overrides the image's CMD; the item arrives as JSON in the `ITEM` environment variable. */
    readonly command?: string[];
    /**
     * Items in this stage at once, 1 to 10,000. Each item runs through every stage in its own child execution,
     * so the pipeline admits as many items at once as the smallest stage maxConcurrency allows. @default 10
     */
    readonly maxConcurrency?: number;
    /** Attempts after the first when a task fails or is interrupted (Spot), 0 to 10. @default 2 */
    readonly retries?: number;
    /** Longest run of one task before Step Functions stops waiting, in seconds. @default 3600 */
    readonly timeoutSeconds?: number;
    /** IAM policy document (JSON) for what the stage's task may do. @default none: no permissions */
    readonly taskRolePolicy?: pulumi.Input<string>;
    /** Managed policies for the stage's task role. @default [] */
    readonly taskRoleManagedPolicyArns?: pulumi.Input<string>[];
    /** EFS volumes of the stage's tasks (a new file system in every private subnet, or `fileSystemId`), each through its own access point. @default [] */
    readonly efsVolumes?: EfsVolumeArgs[];
    /** Volumes mounted into the stage's container. @default [] */
    readonly mountPoints?: ContainerMountPoint[];
}

export interface QueueBatchArgs {
    /** VPC of the tasks. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets for the tasks (no public IPs are assigned), across at least two AZs. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Declared time the worker needs for one message, in seconds (1 to 43199). @default 60 */
    readonly processingTimeSeconds?: number;
    /**
     * Time a received message stays hidden; must exceed `processingTimeSeconds` so a message is not
     * handed to a second worker while the first is still on it. @default twice processingTimeSeconds, at most 43200
     */
    readonly visibilityTimeoutSeconds?: number;
    /** Receives before a message moves to the dead-letter queue (1 to 1000). @default 5 */
    readonly maxReceiveCount?: number;
    /** Retention of the work queue, in seconds (60 to 1209600). @default 345600 (4 days) */
    readonly messageRetentionSeconds?: number;
    /**
     * Retention of the dead-letter queue, at least that of the work queue: a standard queue keeps a
     * message's original enqueue time when it is moved. @default 1209600 (14 days, the maximum)
     */
    readonly deadLetterRetentionSeconds?: number;
    /** Long polling wait of the work queue (0 to 20 s). @default 20 */
    readonly receiveWaitTimeSeconds?: number;
    /** Customer managed KMS key for both queues. @default SQS-managed server-side encryption (SSE-SQS) */
    readonly queueKmsKeyArn?: pulumi.Input<string>;
    /**
     * SNS topic the alarms (dead-letter queue not empty, pipeline execution failed) notify. @default a new topic,
     * encrypted with a new customer managed KMS key that CloudWatch may use; subscribe to it (the `alarmTopicArn` output)
     */
    readonly alarmTopicArn?: pulumi.Input<string>;
    /** Further actions of those alarms, beyond the topic. @default [] */
    readonly alarmActions?: pulumi.Input<string>[];
    /**
     * Share of items whose child execution may fail before the pipeline execution fails (0 to 100); a failed item
     * never reaches the next stage. @default 0: any failed item fails the execution, after the others finish their stage
     */
    readonly toleratedFailurePercentage?: number;
    /** Number of failed items tolerated before the execution fails, checked beside the percentage. @default none */
    readonly toleratedFailureCount?: number;
    /** Days the pipeline bucket keeps batch inputs (`inputs/`) and results (`results/`). @default 30 */
    readonly pipelineObjectRetentionDays?: number;
    /** The queue worker service. */
    readonly worker: QueueWorkerArgs;
    /** Pipeline stages, run in order by the state machine; at least one. */
    readonly stages: PipelineStageArgs[];
    /** Step Functions log level: "ALL", "ERROR" or "FATAL". @default "ERROR" */
    readonly pipelineLogLevel?: string;
    /** Retention of the component's log groups (a CloudWatch Logs value). @default 30 */
    readonly logRetentionInDays?: number;
    /** KMS key for the log groups. @default a new customer managed key with rotation */
    readonly logsKmsKeyArn?: pulumi.Input<string>;
    /**
     * Number of private subnets (zones): a created EFS file system of `worker.efsVolumes` puts a mount target in each. Needed
     * when `privateSubnetIds` is an output (e.g. a RegionalNetwork's). @default the length of privateSubnetIds
     */
    readonly azCount?: number;
}

export interface ResolvedWorker {
    image: ImageSource;
    cpuArchitecture: CpuArchitecture;
    cpu: number;
    memory: number;
    command?: string[];
    environment: { [name: string]: pulumi.Input<string> };
    minCapacity: number;
    maxCapacity: number;
    onDemandBase: number;
    targetBacklogPerTask: number;
    taskRoleManagedPolicyArns: pulumi.Input<string>[];
    efsVolumes: EfsVolumeArgs[];
    mountPoints: ContainerMountPoint[];
    scheduledActions: ScheduledScalingAction[];
    stepPolicies: StepScalingPolicy[];
}

export interface ResolvedStage {
    name: string;
    image: ImageSource;
    cpuArchitecture: CpuArchitecture;
    cpu: number;
    memory: number;
    command?: string[];
    maxConcurrency: number;
    retries: number;
    timeoutSeconds: number;
    taskRolePolicy?: pulumi.Input<string>;
    taskRoleManagedPolicyArns: pulumi.Input<string>[];
    efsVolumes: EfsVolumeArgs[];
    mountPoints: ContainerMountPoint[];
}

export interface ResolvedQueueBatchArgs {
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    processingTimeSeconds: number;
    visibilityTimeoutSeconds: number;
    maxReceiveCount: number;
    messageRetentionSeconds: number;
    deadLetterRetentionSeconds: number;
    receiveWaitTimeSeconds: number;
    queueKmsKeyArn?: pulumi.Input<string>;
    alarmTopicArn?: pulumi.Input<string>;
    alarmActions: pulumi.Input<string>[];
    toleratedFailurePercentage: number;
    toleratedFailureCount?: number;
    pipelineObjectRetentionDays: number;
    worker: ResolvedWorker;
    stages: ResolvedStage[];
    pipelineLogLevel: string;
    logRetentionInDays: number;
    logsKmsKeyArn?: pulumi.Input<string>;
    azCount?: number;
}

const isInt = (v: number, min: number, max = Number.MAX_SAFE_INTEGER) => Number.isInteger(v) && v >= min && v <= max;

/** Resolves every default of QueueBatch and validates, throwing before any child exists. */
export function resolveQueueBatchArgs(args: QueueBatchArgs): ResolvedQueueBatchArgs {
    const errors = new ArgumentErrors("QueueBatch");
    rejectRenamed(errors, "", args, { subnetIds: "privateSubnetIds" });
    const processing = args.processingTimeSeconds ?? 60;
    const visibility = args.visibilityTimeoutSeconds ?? Math.min(SQS_MAX_VISIBILITY_TIMEOUT, processing * 2);
    const maxReceiveCount = args.maxReceiveCount ?? 5;
    const retention = args.messageRetentionSeconds ?? 345600;
    const dlqRetention = args.deadLetterRetentionSeconds ?? SQS_MAX_RETENTION;
    const waitTime = args.receiveWaitTimeSeconds ?? SQS_MAX_WAIT_TIME;
    const logLevel = args.pipelineLogLevel ?? "ERROR";
    const logRetention = args.logRetentionInDays ?? 30;

    errors.require(isInt(processing, 1, SQS_MAX_VISIBILITY_TIMEOUT - 1), "processingTimeSeconds",
        `${show(processing)} is not a whole number of seconds from 1 to ${SQS_MAX_VISIBILITY_TIMEOUT - 1}`);
    errors.require(isInt(visibility, 0, SQS_MAX_VISIBILITY_TIMEOUT) && visibility > processing, "visibilityTimeoutSeconds",
        `${show(visibility)} must be a whole number of seconds above processingTimeSeconds (${processing}) and at most ` +
        `${SQS_MAX_VISIBILITY_TIMEOUT}, so a message is not redelivered while a worker still processes it`);
    errors.require(isInt(maxReceiveCount, 1, SQS_MAX_RECEIVE_COUNT), "maxReceiveCount",
        `${show(maxReceiveCount)} is not a receive count from 1 to ${SQS_MAX_RECEIVE_COUNT}`);
    errors.require(isInt(retention, SQS_MIN_RETENTION, SQS_MAX_RETENTION), "messageRetentionSeconds",
        `${show(retention)} is not a retention from ${SQS_MIN_RETENTION} to ${SQS_MAX_RETENTION} seconds`);
    errors.require(isInt(dlqRetention, SQS_MIN_RETENTION, SQS_MAX_RETENTION) && dlqRetention >= retention, "deadLetterRetentionSeconds",
        `${show(dlqRetention)} must be from ${SQS_MIN_RETENTION} to ${SQS_MAX_RETENTION} seconds and at least messageRetentionSeconds ` +
        `(${retention}), or moved messages expire early`);
    errors.require(isInt(waitTime, 0, SQS_MAX_WAIT_TIME), "receiveWaitTimeSeconds",
        `${show(waitTime)} is not a long-polling wait from 0 to ${SQS_MAX_WAIT_TIME} seconds`);
    errors.require(PIPELINE_LOG_LEVELS.includes(logLevel), "pipelineLogLevel",
        `${show(logLevel)} is not a Step Functions log level; allowed: ${PIPELINE_LOG_LEVELS.join(", ")}`);
    errors.require(LOG_RETENTION_DAYS.includes(logRetention), "logRetentionInDays",
        `${show(logRetention)} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);

    const tolerated = args.toleratedFailurePercentage ?? 0;
    errors.require(typeof tolerated === "number" && tolerated >= 0 && tolerated <= 100, "toleratedFailurePercentage",
        `${show(tolerated)} is not a percentage from 0 to 100`);
    errors.require(args.toleratedFailureCount === undefined || isInt(args.toleratedFailureCount, 0), "toleratedFailureCount",
        `${show(args.toleratedFailureCount)} is not a whole number of items, 0 or more`);
    const objectRetention = args.pipelineObjectRetentionDays ?? 30;
    errors.require(isInt(objectRetention, 1), "pipelineObjectRetentionDays", `${show(objectRetention)} is not a whole number of days, 1 or more`);
    const worker = resolveWorker(args.worker, processing, errors, { vpcId: args.vpcId, privateSubnetIds: args.privateSubnetIds, azCount: args.azCount });
    const stages = resolveStages(args.stages, errors, { vpcId: args.vpcId, privateSubnetIds: args.privateSubnetIds, azCount: args.azCount });
    checkArgumentKeys(errors, "QueueBatch", args);
    errors.throwIfAny();
    return {
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        processingTimeSeconds: processing,
        visibilityTimeoutSeconds: visibility,
        maxReceiveCount,
        messageRetentionSeconds: retention,
        deadLetterRetentionSeconds: dlqRetention,
        receiveWaitTimeSeconds: waitTime,
        queueKmsKeyArn: args.queueKmsKeyArn,
        alarmTopicArn: args.alarmTopicArn,
        alarmActions: args.alarmActions ?? [],
        toleratedFailurePercentage: tolerated,
        toleratedFailureCount: args.toleratedFailureCount,
        pipelineObjectRetentionDays: objectRetention,
        worker: worker!,
        stages,
        pipelineLogLevel: logLevel,
        logRetentionInDays: logRetention,
        logsKmsKeyArn: args.logsKmsKeyArn,
        azCount: args.azCount,
    };
}

/** EFS volumes and the mount points that name them, of the worker or a stage (`p` is "worker." or "stages[i]."). */
function checkVolumes(errors: ArgumentErrors, p: string, task: string, t: { efsVolumes?: EfsVolumeArgs[]; mountPoints?: ContainerMountPoint[] },
    network: EfsNetworkArgs): void {
    // The task's name only fills the default root directory here; the task definition resolves it with its own name.
    resolveEfsVolumes(errors, `${p}efsVolumes`, task.replace(/[^A-Za-z0-9_.-]/g, "-"), t.efsVolumes ?? [], network, "azCount");
    const volumes = (t.efsVolumes ?? []).map((v) => v.name);
    (t.mountPoints ?? []).forEach((m, j) => errors.require(volumes.includes(m.sourceVolume), `${p}mountPoints[${j}].sourceVolume`,
        `${show(m.sourceVolume)} is not a volume of ${task}; allowed: ${volumes.join(", ") || "(none: add efsVolumes)"}`));
}

function resolveWorker(w: QueueWorkerArgs | undefined, processing: number, errors: ArgumentErrors, network: EfsNetworkArgs): ResolvedWorker | undefined {
    if (!w) {
        errors.require(false, "worker", "is missing; give at least the worker's image (repository and tag, or image)");
        return undefined;
    }
    rejectRenamed(errors, "worker.", w, { minTasks: "minCapacity", maxTasks: "maxCapacity" });
    checkImageSource(errors, "worker.", w);
    const cpuArchitecture = (w.cpuArchitecture ?? "arm64") as CpuArchitecture;
    checkCpuArchitecture(errors, "worker.cpuArchitecture", cpuArchitecture);
    const minCapacity = w.minCapacity ?? 0;
    const maxCapacity = w.maxCapacity ?? 10;
    const onDemandBase = w.onDemandBase ?? 0;
    const latency = w.acceptableLatencySeconds ?? 300;
    const cpu = w.cpu ?? 256;
    const memory = w.memory ?? 512;
    // AWS guidance (EC2 Auto Scaling User Guide, "Scaling policy based on Amazon SQS"): the acceptable
    // backlog per instance is the longest acceptable latency divided by the time to process a message.
    const target = w.targetBacklogPerTask ?? Math.max(1, Math.floor(latency / processing));
    errors.require(isInt(minCapacity, 0), "worker.minCapacity", `${show(minCapacity)} is not a whole number of tasks, 0 or more`);
    errors.require(isInt(maxCapacity, 1), "worker.maxCapacity", `${show(maxCapacity)} is not a whole number of tasks, 1 or more`);
    errors.require(minCapacity <= maxCapacity, "worker.minCapacity",
        `${show(minCapacity)} is above worker.maxCapacity (${maxCapacity}); minCapacity must be at most maxCapacity`);
    errors.require(isInt(onDemandBase, 0) && onDemandBase <= maxCapacity, "worker.onDemandBase",
        `${show(onDemandBase)} must be a whole number of tasks from 0 to worker.maxCapacity (${maxCapacity})`);
    errors.require(isInt(latency, 1), "worker.acceptableLatencySeconds", `${show(latency)} is not a whole number of seconds, 1 or more`);
    errors.require(Number.isFinite(target) && target > 0, "worker.targetBacklogPerTask", `${show(target)} is not a backlog above 0 messages per task`);
    checkFargateSize(errors, "worker.", cpu, memory);
    checkVolumes(errors, "worker.", "worker", w, network);
    // Only the extra policies are checked here: the bounds are the worker's own, checked above.
    resolveScaling(errors, "worker.", { minCapacity: 0, maxCapacity: 1, scheduledActions: w.scheduledActions, stepPolicies: w.stepPolicies });
    return {
        image: { repository: w.repository, tag: w.tag, image: w.image },
        cpuArchitecture,
        cpu,
        memory,
        command: w.command,
        environment: w.environment ?? {},
        minCapacity,
        maxCapacity,
        onDemandBase,
        targetBacklogPerTask: target,
        taskRoleManagedPolicyArns: w.taskRoleManagedPolicyArns ?? [],
        efsVolumes: w.efsVolumes ?? [],
        mountPoints: w.mountPoints ?? [],
        scheduledActions: w.scheduledActions ?? [],
        stepPolicies: w.stepPolicies ?? [],
    };
}

function resolveStages(stages: PipelineStageArgs[] | undefined, errors: ArgumentErrors, network: EfsNetworkArgs): ResolvedStage[] {
    const list = stages ?? [];
    errors.require(list.length > 0, "stages", `${show(list)} is empty; give at least one pipeline stage`);
    for (const dup of duplicates(list.map((s) => s.name))) {
        errors.require(false, "stages", `stage name ${show(dup)} is used more than once; each stage needs its own name`);
    }
    return list.map((s, i) => {
        const p = `stages[${i}].`;
        checkImageSource(errors, p, s);
        const stage: ResolvedStage = {
            name: s.name,
            image: { repository: s.repository, tag: s.tag, image: s.image },
            cpuArchitecture: (s.cpuArchitecture ?? "arm64") as CpuArchitecture,
            cpu: s.cpu ?? 256,
            memory: s.memory ?? 512,
            command: s.command,
            maxConcurrency: s.maxConcurrency ?? 10,
            retries: s.retries ?? 2,
            timeoutSeconds: s.timeoutSeconds ?? 3600,
            taskRolePolicy: s.taskRolePolicy,
            taskRoleManagedPolicyArns: s.taskRoleManagedPolicyArns ?? [],
            efsVolumes: s.efsVolumes ?? [],
            mountPoints: s.mountPoints ?? [],
        };
        checkVolumes(errors, p, `stage ${s.name}`, s, network);
        errors.require(typeof s.name === "string" && STAGE_NAME_RE.test(s.name), `${p}name`,
            `${show(s.name)} is not a stage name: lowercase letters and digits, starting with a letter, up to 30 characters`);
        errors.require(isInt(stage.maxConcurrency, 1, DISTRIBUTED_MAP_MAX_CONCURRENCY), `${p}maxConcurrency`,
            `${show(stage.maxConcurrency)} is not from 1 to ${DISTRIBUTED_MAP_MAX_CONCURRENCY} (the Distributed Map state's limit)`);
        errors.require(isInt(stage.retries, 0, 10), `${p}retries`, `${show(stage.retries)} is not a retry count from 0 to 10`);
        // Step Functions caps a Standard execution at one year; a day per task is already generous.
        errors.require(isInt(stage.timeoutSeconds, 60, 86400), `${p}timeoutSeconds`,
            `${show(stage.timeoutSeconds)} is not a task timeout from 60 to 86400 seconds`);
        checkCpuArchitecture(errors, `${p}cpuArchitecture`, stage.cpuArchitecture);
        checkFargateSize(errors, p, stage.cpu, stage.memory);
        return stage;
    });
}
