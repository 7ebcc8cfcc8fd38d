import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { createServiceRole, policyJson, PolicyDocument } from "../iam";
import { createLogGroup } from "../logs";
import { ResolvedStage } from "./args";
import { pipelineDefinition } from "./definition";

/** One stage's ECS task definition and the roles it passes to ECS. */
export interface StageTaskRef {
    stage: ResolvedStage;
    taskDefinitionArn: pulumi.Input<string>;
    /** The task definition's family, for a grant that covers every revision. */
    family: pulumi.Input<string>;
    containerName: string;
    taskRoleArn: pulumi.Input<string>;
    executionRoleArn: pulumi.Input<string>;
    /** Groups only this stage's tasks join (its EFS volumes' client groups). @default [] */
    securityGroupIds?: pulumi.Input<string>[];
}

export interface PipelineSettings {
    ctx: AwsContext;
    clusterArn: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds: pulumi.Input<string>[];
    stages: StageTaskRef[];
    logLevel: string;
    logRetentionInDays: number;
    logsKmsKeyArn: pulumi.Input<string>;
    bucket: aws.s3.Bucket;
    toleratedFailurePercentage: number;
    toleratedFailureCount?: number;
    /** Notified when an execution fails. */
    alarmActions: pulumi.Input<string>[];
}

export interface Pipeline {
    stateMachine: aws.sfn.StateMachine;
    role: aws.iam.Role;
    logGroup: aws.cloudwatch.LogGroup;
    failedAlarm: aws.cloudwatch.MetricAlarm;
}

/**
 * What the state machine's role may do, and nothing more. Source: Step Functions Developer Guide,
 * "IAM policies for Amazon ECS/AWS Fargate" (RunTask, StopTask and DescribeTasks, and the EventBridge
 * rule the .sync pattern manages), plus iam:PassRole for the stages' task and execution roles, which
 * RunTask needs because the task definitions name roles; and "Logging using CloudWatch Logs" for the
 * log delivery actions, which accept only "*". RunTask is granted on each stage's task definition family with
 * any revision (`task-definition/<family>:*`, Service Authorization Reference, Amazon ECS resource types), so an
 * execution that started before a deploy may still run the revision its definition names.
 */
export function pipelineRolePolicy(s: PipelineSettings): PolicyDocument {
    const { partition, region, accountId } = s.ctx;
    const stageTasks = pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task/${s.clusterName}/*`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "RunStageTasks",
                Effect: "Allow",
                Action: "ecs:RunTask",
                Resource: s.stages.map((t) => pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:task-definition/${t.family}:*`),
                Condition: { ArnEquals: { "ecs:cluster": s.clusterArn } },
            },
            {
                Sid: "WaitForStageTasks",
                Effect: "Allow",
                Action: ["ecs:DescribeTasks", "ecs:StopTask"],
                Resource: stageTasks,
            },
            {
                // PropagateTags puts the task definition's tags on each task at RunTask, which ECS
                // authorises as ecs:TagResource (ECS Developer Guide, "Grant permission to tag resources on creation").
                Sid: "TagStageTasksAtLaunch",
                Effect: "Allow",
                Action: "ecs:TagResource",
                Resource: stageTasks,
                Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
            },
            {
                Sid: "SyncEventRule",
                Effect: "Allow",
                Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                Resource: pulumi.interpolate`arn:${partition}:events:${region}:${accountId}:rule/StepFunctionsGetEventsForECSTaskRule`,
            },
            {
                Sid: "PassStageRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: s.stages.flatMap((t) => [t.taskRoleArn, t.executionRoleArn]),
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
            },
            {
                // The Distributed Map reads the batch's items and writes its results (Step Functions Developer
                // Guide, "IAM policies for ItemReader / ResultWriter": GetObject; PutObject and the multipart actions).
                Sid: "ReadItemsWriteResults",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: pulumi.interpolate`${s.bucket.arn}/*`,
            },
            {
                Sid: "DeliverLogs",
                Effect: "Allow",
                Action: [
                    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
                ],
                Resource: "*",
            },
        ],
    };
}

/**
 * What the role needs once the state machine exists: a Distributed Map starts child executions of its own
 * state machine and describes and stops them (Step Functions Developer Guide, "IAM policies for using
 * Distributed Map states").
 */
export function childExecutionPolicy(ctx: AwsContext, stateMachine: aws.sfn.StateMachine): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "StartItemExecutions", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachine.arn },
            {
                Sid: "WatchItemExecutions",
                Effect: "Allow",
                Action: ["states:DescribeExecution", "states:StopExecution"],
                Resource: pulumi.interpolate`arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:execution:${stateMachine.name}/*`,
            },
        ],
    };
}

/** The Step Functions state machine that runs the stages, its role, its log group and its failure alarm. */
export function createPipeline(name: string, s: PipelineSettings, parent: pulumi.Resource): Pipeline {
    const role = createServiceRole(`${name}-pipeline`, {
        service: "states.amazonaws.com",
        description: "Step Functions pipeline: runs the stage tasks and delivers its logs",
    }, parent);
    const rolePolicy = new aws.iam.RolePolicy(`${name}-pipeline-policy`, {
        role: role.id,
        policy: policyJson(pipelineRolePolicy(s)),
    }, { parent });
    // Names under /aws/vendedlogs/ keep CloudWatch Logs' resource policy small (Step Functions logging guide).
    const logGroup = createLogGroup(`${name}-pipeline-logs`, {
        retentionInDays: s.logRetentionInDays,
        kmsKeyArn: s.logsKmsKeyArn,
        namePrefix: "/aws/vendedlogs/states/",
    }, parent);

    const definition = pulumi.all([
        s.clusterArn,
        s.privateSubnetIds,
        pulumi.all(s.securityGroupIds),
        pulumi.all(s.stages.map((t) => t.taskDefinitionArn)),
        s.bucket.bucket,
        pulumi.all(s.stages.map((t) => pulumi.all(t.securityGroupIds ?? []))),
    ]).apply(([clusterArn, privateSubnetIds, securityGroupIds, taskDefinitionArns, bucket, stageGroups]) => JSON.stringify(pipelineDefinition({
        clusterArn,
        privateSubnetIds,
        securityGroupIds,
        stages: s.stages.map((t, i) => ({
            stage: t.stage, taskDefinitionArn: taskDefinitionArns[i], containerName: t.containerName,
            securityGroupIds: stageGroups[i].length > 0 ? stageGroups[i] : undefined,
        })),
        bucket,
        toleratedFailurePercentage: s.toleratedFailurePercentage,
        toleratedFailureCount: s.toleratedFailureCount,
    })));

    const stateMachine = new aws.sfn.StateMachine(`${name}-pipeline`, {
        type: "STANDARD", // .sync integrations are not supported in Express workflows
        roleArn: role.arn,
        definition,
        loggingConfiguration: {
            level: s.logLevel,
            includeExecutionData: false, // items may carry business data; keep it out of the logs
            logDestination: pulumi.interpolate`${logGroup.arn}:*`, // the provider strips ":*" from LogGroup.arn
        },
    }, { parent, dependsOn: [rolePolicy] }); // Step Functions checks log delivery rights at creation
    new aws.iam.RolePolicy(`${name}-pipeline-children`, {
        role: role.id,
        policy: policyJson(childExecutionPolicy(s.ctx, stateMachine)),
    }, { parent });
    // A failed execution is a batch whose failed items passed the threshold: someone should look.
    const failedAlarm = new aws.cloudwatch.MetricAlarm(`${name}-pipeline-failed`, {
        alarmDescription: pulumi.interpolate`Executions of pipeline ${stateMachine.name} failed`,
        namespace: "AWS/States",
        metricName: "ExecutionsFailed",
        dimensions: { StateMachineArn: stateMachine.arn },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: s.alarmActions,
    }, { parent });
    return { stateMachine, role, logGroup, failedAlarm };
}
