import { requireRegionalProvider } from "../regions";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { EcsCluster, EcsService, FargateTaskDefinition, spotStrategy } from "../ecs";
import { policyJson, PolicyDocument } from "../iam";
import { imageUri } from "../image";
import { createLogsKey } from "../logs";
import { QueueBatchArgs, resolveQueueBatchArgs } from "./args";
import { createAlarmTopic } from "./notifications";
import { createPipeline } from "./pipeline";
import { createPipelineBucket } from "./store";
import { createWorkQueue } from "./queue";
import { createQueueDepthScaling } from "./scaling";

export { PipelineStageArgs, QueueBatchArgs, QueueWorkerArgs } from "./args";
export { PIPELINE_PREFIXES, pipelineDefinition, RUN_TASK_SYNC, StateMachineDefinition } from "./definition";

/**
 * Seconds a container gets between SIGTERM and SIGKILL: the most Fargate allows, so a worker warned of
 * a Spot interruption (two minutes' notice) can finish or release its message (ECS ContainerDefinition `stopTimeout`).
 */
const STOP_TIMEOUT = 120;

/**
 * SQS-driven batch on ECS in one region (reference architecture 3, checklist C4, C8, C9, C11): an
 * encrypted work queue with a dead-letter queue and an alarm on it; a worker service on Fargate Spot
 * (arm64 by default) that scales on backlog per task, down to zero and back; and a Step Functions pipeline whose
 * stages each run one Fargate Spot task per item. Give it the region's provider through `opts.provider`.
 */
export class QueueBatch extends pulumi.ComponentResource {
    public readonly queueUrl: pulumi.Output<string>;
    public readonly queueArn: pulumi.Output<string>;
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    public readonly deadLetterQueueArn: pulumi.Output<string>;
    /** Name of the alarm raised when the dead-letter queue holds messages. */
    public readonly deadLetterAlarmName: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly workerServiceName: pulumi.Output<string>;
    public readonly stateMachineArn: pulumi.Output<string>;
    /** Bucket of the pipeline: upload a batch as a JSON array under `inputs/`, start an execution with `{ "itemsKey": "<key>" }`. */
    public readonly pipelineBucketName: pulumi.Output<string>;
    /** SNS topic the alarms notify (the caller's, or the one created). */
    public readonly alarmTopicArn: pulumi.Output<string>;

    constructor(name: string, args: QueueBatchArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveQueueBatchArgs(args);
        requireRegionalProvider("QueueBatch", name, opts);
        super("aws-containers:batch:QueueBatch", name, args, opts);
        const parent = this;
        const ctx = awsContext(this);
        const logsKmsKeyArn = a.logsKmsKeyArn ?? createLogsKey(`${name}-logs-key`, ctx, this).arn;

        // Alarms notify someone: the caller's topic, or one made here (issue 18 row 11).
        const alarmTopicArn = a.alarmTopicArn ?? createAlarmTopic(name, ctx, this).arn;
        const alarmActions = [alarmTopicArn, ...a.alarmActions];
        const work = createWorkQueue(name, { ...a, alarmActions }, this);

        // Batch work tolerates interruption, so tasks that name no strategy land on Spot too (C8).
        const cluster = new EcsCluster(`${name}-ecs`, {
            containerInsights: "enhanced", // also publishes RunningTaskCount, which the scaling math divides by
            defaultCapacityProviderStrategy: spotStrategy(0),
        }, { parent });

        const w = a.worker;
        const workerTask = new FargateTaskDefinition(`${name}-worker`, {
            cpu: w.cpu,
            memory: w.memory,
            cpuArchitecture: w.cpuArchitecture,
            containers: [{
                name: "worker",
                image: imageUri(ctx, w.image),
                command: w.command,
                environment: { ...w.environment, QUEUE_URL: work.queue.url },
                stopTimeout: STOP_TIMEOUT,
                mountPoints: w.mountPoints,
            }],
            efsVolumes: w.efsVolumes,
            efsNetwork: { vpcId: a.vpcId, privateSubnetIds: a.privateSubnetIds, azCount: a.azCount },
            logRetentionInDays: a.logRetentionInDays,
            logsKmsKeyArn,
            taskRolePolicy: policyJson(workerPolicy(work.queue.arn, a.queueKmsKeyArn)),
            taskRoleManagedPolicyArns: w.taskRoleManagedPolicyArns,
        }, { parent });

        const worker = new EcsService(`${name}-worker`, {
            clusterArn: cluster.clusterArn,
            clusterName: cluster.clusterName,
            taskDefinitionArn: workerTask.taskDefinitionArn,
            vpcId: a.vpcId,
            privateSubnetIds: a.privateSubnetIds,
            desiredCapacity: w.minCapacity,
            capacityProviderStrategy: spotStrategy(w.onDemandBase),
            // Only the scalable target: the queue-depth policies below replace the CPU default.
            securityGroupIds: workerTask.securityGroupIds,
            scaling: {
                minCapacity: w.minCapacity, maxCapacity: w.maxCapacity, cpuTargetPercent: 0,
                scheduledActions: w.scheduledActions, stepPolicies: w.stepPolicies,
            },
        }, { parent });

        createQueueDepthScaling(`${name}-worker`, {
            target: worker.scalableTarget!,
            clusterName: cluster.clusterName,
            serviceName: worker.serviceName,
            queueName: work.queue.name,
            targetBacklogPerTask: w.targetBacklogPerTask,
        }, this);

        // Stage tasks only call out (AWS APIs, image pulls): no inbound rule at all.
        const stageSg = new aws.ec2.SecurityGroup(`${name}-stage-tasks`, {
            vpcId: a.vpcId,
            description: `Pipeline stage tasks of ${name}`,
            tags: { Name: `${name}-stage-tasks` },
        }, { parent });
        new aws.vpc.SecurityGroupEgressRule(`${name}-stage-tasks-https`, {
            securityGroupId: stageSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0",
            description: "HTTPS to AWS APIs and registries",
        }, { parent });

        const stages = a.stages.map((stage) => {
            const task = new FargateTaskDefinition(`${name}-${stage.name}`, {
                cpu: stage.cpu,
                memory: stage.memory,
                cpuArchitecture: stage.cpuArchitecture,
                containers: [{ name: stage.name, image: imageUri(ctx, stage.image), command: stage.command, stopTimeout: STOP_TIMEOUT, mountPoints: stage.mountPoints }],
                efsVolumes: stage.efsVolumes,
                efsNetwork: { vpcId: a.vpcId, privateSubnetIds: a.privateSubnetIds, azCount: a.azCount },
                logRetentionInDays: a.logRetentionInDays,
                logsKmsKeyArn,
                taskRolePolicy: stage.taskRolePolicy,
                taskRoleManagedPolicyArns: stage.taskRoleManagedPolicyArns,
            }, { parent });
            return {
                stage,
                taskDefinitionArn: task.taskDefinitionArn,
                family: task.family,
                containerName: task.containerName,
                taskRoleArn: task.taskRoleArn,
                executionRoleArn: task.executionRoleArn,
                securityGroupIds: task.securityGroupIds,
            };
        });

        const bucket = createPipelineBucket(name, a.pipelineObjectRetentionDays, this);
        const pipeline = createPipeline(name, {
            ctx,
            clusterArn: cluster.clusterArn,
            clusterName: cluster.clusterName,
            privateSubnetIds: a.privateSubnetIds,
            securityGroupIds: [stageSg.id],
            stages,
            logLevel: a.pipelineLogLevel,
            logRetentionInDays: a.logRetentionInDays,
            logsKmsKeyArn,
            bucket,
            toleratedFailurePercentage: a.toleratedFailurePercentage,
            toleratedFailureCount: a.toleratedFailureCount,
            alarmActions,
        }, this);

        this.queueUrl = work.queue.url;
        this.queueArn = work.queue.arn;
        this.deadLetterQueueUrl = work.deadLetterQueue.url;
        this.deadLetterQueueArn = work.deadLetterQueue.arn;
        this.deadLetterAlarmName = work.deadLetterAlarm.name;
        this.clusterName = cluster.clusterName;
        this.clusterArn = cluster.clusterArn;
        this.workerServiceName = worker.serviceName;
        this.stateMachineArn = pipeline.stateMachine.arn;
        this.pipelineBucketName = bucket.bucket;
        this.alarmTopicArn = pulumi.output(alarmTopicArn);
        this.registerOutputs({
            pipelineBucketName: this.pipelineBucketName,
            alarmTopicArn: this.alarmTopicArn,
            queueUrl: this.queueUrl,
            queueArn: this.queueArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            deadLetterQueueArn: this.deadLetterQueueArn,
            deadLetterAlarmName: this.deadLetterAlarmName,
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            workerServiceName: this.workerServiceName,
            stateMachineArn: this.stateMachineArn,
        });
    }
}

/**
 * The worker may take messages from its own queue, delete them when done and extend their visibility
 * while working; nothing else. With a customer managed key it also needs kms:Decrypt to read them
 * (SQS Developer Guide, "Key management": consumers need kms:Decrypt).
 */
export function workerPolicy(queueArn: pulumi.Input<string>, kmsKeyArn: pulumi.Input<string> | undefined): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ConsumeOwnQueue",
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
                Resource: queueArn,
            },
            ...(kmsKeyArn ? [{ Sid: "DecryptOwnQueue", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: kmsKeyArn }] : []),
        ],
    };
}
