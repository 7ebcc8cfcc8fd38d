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
}

/** The subset of the Amazon States Language this pipeline uses, typed so a wrong field fails to compile. */
export interface StateMachineDefinition {
    Comment: string;
    StartAt: string;
    States: { [name: string]: State };
}
type State = MapState | TaskState | PassState;
interface MapState {
    Type: "Map";
    Comment: string;
    ItemsPath: string;
    ItemSelector: { [key: string]: string };
    MaxConcurrency: number;
    ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }; StartAt: string; States: { [name: string]: State } };
    ResultPath: string;
    Next?: string;
    End?: true;
}
interface TaskState {
    Type: "Task";
    Resource: string;
    Parameters: Record<string, unknown>;
    TimeoutSeconds: number;
    ResultPath: null;
    Retry: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number; MaxDelaySeconds: number; JitterStrategy: "FULL" }[];
    Catch: { ErrorEquals: string[]; ResultPath: string; Next: string }[];
    End: true;
}
interface PassState {
    Type: "Pass";
    Comment: string;
    End: true;
}

/**
 * The pipeline: one Map state per stage, in order. Each reads the execution's `items` list and runs
 * one ECS task per item (`ecs:runTask.sync`) on FARGATE_SPOT; the item reaches the container as JSON
 * in `ITEM`. A task that still fails after its retries takes the catch path: the item is recorded
 * with its error under `results.<stage>` and the pipeline goes on, so one bad item never blocks the
 * batch. Field names: Amazon States Language specification and "Using Map state in Inline mode".
 */
export function pipelineDefinition(p: PipelineDefinitionInput): StateMachineDefinition {
    const states: { [name: string]: State } = {};
    p.stages.forEach((target, i) => {
        const { stage } = target;
        const run = `${stage.name}-run-task`;
        const failed = `${stage.name}-item-failed`;
        const next = p.stages[i + 1]?.stage.name;
        states[stage.name] = {
            Type: "Map",
            Comment: `Stage ${i + 1} of ${p.stages.length}: one ECS task per item`,
            ItemsPath: "$.items",
            ItemSelector: { "item.$": "$$.Map.Item.Value" },
            MaxConcurrency: stage.maxConcurrency,
            ItemProcessor: {
                ProcessorConfig: { Mode: "INLINE" },
                StartAt: run,
                States: {
                    [run]: {
                        Type: "Task",
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
                        // The task's own output is large and not needed; keep the item as the result.
                        ResultPath: null,
                        Retry: [{
                            ErrorEquals: [...RETRIED_ERRORS],
                            IntervalSeconds: 30,
                            MaxAttempts: stage.retries,
                            BackoffRate: 2,
                            MaxDelaySeconds: 300,
                            JitterStrategy: "FULL",
                        }],
                        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: failed }],
                        End: true,
                    },
                    [failed]: { Type: "Pass", Comment: "Keep the item and its error in the stage results", End: true },
                },
            },
            ResultPath: `$.results.${stage.name}`,
            ...(next ? { Next: next } : { End: true as const }),
        };
    });
    return {
        Comment: `Batch pipeline: ${p.stages.map((t) => t.stage.name).join(" -> ")}`,
        StartAt: p.stages[0].stage.name,
        States: states,
    };
}
