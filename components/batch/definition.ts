import { ResolvedStage } from "./args";

/** Resource of the Step Functions ECS integration that waits for the task to stop (the ".sync" pattern). */
export const RUN_TASK_SYNC = "arn:aws:states:::ecs:runTask.sync";

/**
 * Errors retried on a stage task: the ECS API failing (`ECS.AmazonECSException`), RunTask answering
 * with a failures list (`AmazonECS.Unknown`, Step Functions Developer Guide, "Run Amazon ECS or
 * Fargate tasks"), and the task stopping unsuccessfully (`States.TaskFailed`), which includes a Spot
 * interruption.
 */
export const RETRIED_ERRORS: readonly string[] = ["ECS.AmazonECSException", "AmazonECS.Unknown", "States.TaskFailed"];

/** Where one stage's tasks run; every value already known (the definition is built inside an apply). */
export interface StageTarget {
    stage: ResolvedStage;
    taskDefinitionArn: string;
    containerName: string;
    /** Groups only this stage's tasks join (e.g. the client groups of its EFS volumes). @default [] */
    securityGroupIds?: string[];
}

export interface PipelineDefinitionInput {
    clusterArn: string;
    privateSubnetIds: string[];
    securityGroupIds: string[];
    stages: StageTarget[];
    /** The pipeline bucket: batch inputs are read from it, results written to it. */
    bucket: string;
    toleratedFailurePercentage: number;
    toleratedFailureCount?: number;
}

/** Key prefixes in the pipeline bucket. */
export const PIPELINE_PREFIXES = { inputs: "inputs/", results: "results/" } as const;

/** The subset of the Amazon States Language this pipeline uses, typed so a wrong field fails to compile. */
export interface StateMachineDefinition {
    Comment: string;
    StartAt: string;
    States: { [name: string]: State };
}
type State = MapState | TaskState;
interface MapState {
    Type: "Map";
    Comment: string;
    ItemReader: { Resource: string; ReaderConfig: { InputType: "JSON" }; Parameters: { "Bucket": string; "Key.$": string } };
    ItemSelector: { [key: string]: string };
    MaxConcurrency: number;
    ToleratedFailurePercentage: number;
    ToleratedFailureCount?: number;
    ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED"; ExecutionType: "STANDARD" }; StartAt: string; States: { [name: string]: State } };
    ResultWriter: { Resource: string; Parameters: { Bucket: string; Prefix: string } };
    ResultPath: string;
    End: true;
}
interface TaskState {
    Type: "Task";
    Comment: string;
    Resource: string;
    Parameters: Record<string, unknown>;
    TimeoutSeconds: number;
    ResultPath: null;
    Retry: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds: number; JitterStrategy: "FULL" }[];
    Next?: string;
    End?: true;
}

/**
 * The pipeline: one Distributed Map state over the batch's items, read from the JSON array the execution's
 * input names (`{ "itemsKey": "inputs/<batch>.json" }` in the pipeline bucket). Each item runs in its own child
 * execution through every stage in order, one ECS task per stage (`ecs:runTask.sync`) on FARGATE_SPOT, the
 * item reaching the container as JSON in `ITEM`. A task that still fails after its retries fails the item's
 * child execution, so the item never reaches the next stage; the execution fails once failed items pass
 * ToleratedFailurePercentage/Count. Results go to S3 through ResultWriter, not into the execution's state,
 * and each child has its own event history, so neither the 256 KiB payload limit nor the 25,000-event history
 * of a standard execution bounds the batch size. Field names: Amazon States Language and Step Functions
 * Developer Guide, "Distributed Map state", "ItemReader", "ResultWriter", "Tolerated failure threshold".
 */
export function pipelineDefinition(p: PipelineDefinitionInput): StateMachineDefinition {
    const states: { [name: string]: State } = {};
    p.stages.forEach((target, i) => {
        const { stage } = target;
        const next = p.stages[i + 1]?.stage.name;
        states[stage.name] = {
            Type: "Task",
            Comment: `Stage ${i + 1} of ${p.stages.length}: one ECS task for the item`,
            Resource: RUN_TASK_SYNC,
            Parameters: {
                Cluster: p.clusterArn,
                TaskDefinition: target.taskDefinitionArn,
                // Interruption-tolerant work: Spot, retried below when interrupted.
                CapacityProviderStrategy: [{ CapacityProvider: "FARGATE_SPOT", Weight: 1 }],
                // ARM64 on Fargate Spot needs platform version 1.4.0 or later (ECS API, CapacityProviderStrategyItem).
                PlatformVersion: "LATEST",
                NetworkConfiguration: {
                    AwsvpcConfiguration: { Subnets: p.privateSubnetIds, SecurityGroups: [...p.securityGroupIds, ...(target.securityGroupIds ?? [])], AssignPublicIp: "DISABLED" },
                },
                Overrides: {
                    ContainerOverrides: [{
                        Name: target.containerName,
                        Environment: [
                            { "Name": "ITEM", "Value.$": "States.JsonToString($.item)" },
                            { "Name": "STAGE", "Value": stage.name },
                            { "Name": "EXECUTION_ID", "Value.$": "$$.Execution.Id" },
                        ],
                    }],
                },
                PropagateTags: "TASK_DEFINITION",
            },
            TimeoutSeconds: stage.timeoutSeconds,
            // The task's own output is large and not needed; keep the item for the next stage.
            ResultPath: null,
            Retry: [{
                ErrorEquals: [...RETRIED_ERRORS],
                IntervalSeconds: 30,
                MaxAttempts: stage.retries,
                BackoffRate: 2,
                MaxDelaySeconds: 300,
                JitterStrategy: "FULL",
            }],
            ...(next ? { Next: next } : { End: true as const }),
        };
    });
    return {
        Comment: `Batch pipeline: ${p.stages.map((t) => t.stage.name).join(" -> ")}`,
        StartAt: "items",
        States: {
            items: {
                Type: "Map",
                Comment: "Every item through every stage in its own child execution; failed items stop there",
                ItemReader: {
                    Resource: "arn:aws:states:::s3:getObject",
                    ReaderConfig: { InputType: "JSON" },
                    Parameters: { "Bucket": p.bucket, "Key.$": "$.itemsKey" },
                },
                ItemSelector: { "item.$": "$$.Map.Item.Value" },
                // Every stage's task count stays within its own maxConcurrency.
                MaxConcurrency: Math.min(...p.stages.map((t) => t.stage.maxConcurrency)),
                ToleratedFailurePercentage: p.toleratedFailurePercentage,
                ...(p.toleratedFailureCount !== undefined ? { ToleratedFailureCount: p.toleratedFailureCount } : {}),
                ItemProcessor: {
                    // .sync integrations need standard child executions (Express ones do not support them).
                    ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
                    StartAt: p.stages[0].stage.name,
                    States: states,
                },
                ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: p.bucket, Prefix: PIPELINE_PREFIXES.results.replace(/\/$/, "") } },
                ResultPath: "$.results",
                End: true,
            },
        },
    };
}
