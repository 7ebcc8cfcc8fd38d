import * as assert from "node:assert/strict";
import { workerPolicy } from "../components/batch";
import { RUN_TASK_SYNC } from "../components/batch/definition";
import { FARGATE_SIZES } from "../components/ecs";
import { assertInputError, jsonInput, MockRun, RecordedResource, runStack, typeCounts , stackConfig } from "./harness";

const REGIONS = ["us-east-1", "eu-west-1"];
const ACCOUNT = "123456789012";

/** The stack's own `aws-containers:batch` section, for bad-input runs that change one field. */
const SECTION = JSON.parse(stackConfig("sqs-batch")["aws-containers:batch"]);

/**
 * Structural checks of an Amazon States Language document (states-language.net): StartAt names a
 * state, every Next and Catch target exists, every non-terminal state has exactly one of Next or End,
 * and nested Map processors obey the same rules.
 */
function assertValidAsl(doc: any, where = "definition"): void {
    assert.equal(typeof doc.StartAt, "string", `${where}: StartAt`);
    assert.ok(doc.States && doc.States[doc.StartAt], `${where}: StartAt ${doc.StartAt} is not a state`);
    for (const [name, st] of Object.entries<any>(doc.States)) {
        assert.ok(["Task", "Map", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel"].includes(st.Type), `${name}: Type ${st.Type}`);
        if (!["Choice", "Succeed", "Fail"].includes(st.Type)) {
            assert.ok((st.Next !== undefined) !== (st.End === true), `${name}: needs exactly one of Next or End`);
        }
        if (st.Next !== undefined) {
            assert.ok(doc.States[st.Next], `${name}: Next ${st.Next} is not a state`);
        }
        for (const c of st.Catch ?? []) {
            assert.ok(doc.States[c.Next], `${name}: Catch target ${c.Next} is not a state`);
            assert.ok(Array.isArray(c.ErrorEquals) && c.ErrorEquals.length > 0, `${name}: Catch without ErrorEquals`);
        }
        for (const r of st.Retry ?? []) {
            assert.ok(Array.isArray(r.ErrorEquals) && !r.ErrorEquals.includes("States.ALL"), `${name}: Retry ErrorEquals`);
            assert.ok(Number.isInteger(r.MaxAttempts) && r.IntervalSeconds >= 1 && r.BackoffRate >= 1, `${name}: Retry fields`);
        }
        if (st.Type === "Map") {
            assertValidAsl(st.ItemProcessor, `${where}.${name}.ItemProcessor`);
        }
    }
}

describe("sqs-batch stack", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("sqs-batch");
        assert.equal(run.error, undefined, String(run.error));
    });

    const batch = (region: string) => run.named(`batch-${region}`, "aws-containers:batch:QueueBatch");
    const children = (region: string) => run.descendantsOf(batch(region).urn);
    const one = (region: string, type: string, name: string): RecordedResource => {
        const found = children(region).filter((r) => r.type === type && r.name === name);
        assert.equal(found.length, 1, `${name} (${type}) in ${region}`);
        return found[0];
    };
    const queue = (region: string) => one(region, "aws:sqs/queue:Queue", `batch-${region}-queue`);
    const dlq = (region: string) => one(region, "aws:sqs/queue:Queue", `batch-${region}-dlq`);
    const taskDefs = (region: string) => children(region).filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    const stateMachine = (region: string) => one(region, "aws:sfn/stateMachine:StateMachine", `batch-${region}-pipeline`);
    const definition = (region: string) => jsonInput(stateMachine(region), "definition");
    const role = (name: string) => run.named(name, "aws:iam/role:Role");
    const inlinePolicies = (roleName: string) => run.ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs.role === `${role(roleName).name}-id`);

    it("builds one QueueBatch per configured region, each child on its region's provider (D2)", () => {
        assert.deepEqual(run.ofType("aws-containers:batch:QueueBatch").map((r) => r.name).sort(), REGIONS.map((r) => `batch-${r}`).sort());
        for (const region of REGIONS) {
            const provider = run.named(`aws-${region}`, "pulumi:providers:aws");
            for (const r of children(region).filter((c) => c.custom)) {
                assert.equal(r.providerUrn, provider.urn, `${r.name} uses another provider`);
                assert.equal(r.region, region);
            }
        }
    });

    it("creates exactly the expected resources per region", () => {
        assert.deepEqual(typeCounts(children("eu-west-1")), {
            "aws-containers:ecs:EcsCluster": 1,
            "aws-containers:ecs:EcsService": 1,
            "aws-containers:ecs:FargateTaskDefinition": 3,
            "aws:appautoscaling/policy:Policy": 2,
            "aws:appautoscaling/target:Target": 1,
            "aws:cloudwatch/logGroup:LogGroup": 4,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 3,
            "aws:ec2/securityGroup:SecurityGroup": 2,
            "aws:ecs/cluster:Cluster": 1,
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": 1,
            "aws:ecs/service:Service": 1,
            "aws:ecs/taskDefinition:TaskDefinition": 3,
            "aws:iam/role:Role": 7,
            "aws:iam/rolePolicy:RolePolicy": 6,
            "aws:kms/key:Key": 2,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:sfn/stateMachine:StateMachine": 1,
            "aws:sns/topic:Topic": 1,
            "aws:sqs/queue:Queue": 2,
            "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": 1,
            "aws:sqs/redrivePolicy:RedrivePolicy": 1,
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 2,
        });
    });

    it("DLQ: failed messages move to the dead-letter queue after maxReceiveCount receives, and only from the work queue", () => {
        for (const region of REGIONS) {
            const [redrive] = children(region).filter((r) => r.type === "aws:sqs/redrivePolicy:RedrivePolicy");
            assert.equal(redrive.inputs.queueUrl, `https://sqs.${region}.amazonaws.com/${ACCOUNT}/batch-${region}-queue-0000000`);
            assert.deepEqual(jsonInput(redrive, "redrivePolicy"),
                { deadLetterTargetArn: `arn:aws:sqs:${region}:${ACCOUNT}:batch-${region}-dlq-0000000`, maxReceiveCount: 5 });
            const [allow] = children(region).filter((r) => r.type === "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy");
            assert.equal(allow.inputs.queueUrl, `https://sqs.${region}.amazonaws.com/${ACCOUNT}/batch-${region}-dlq-0000000`);
            assert.deepEqual(jsonInput(allow, "redriveAllowPolicy"),
                { redrivePermission: "byQueue", sourceQueueArns: [`arn:aws:sqs:${region}:${ACCOUNT}:batch-${region}-queue-0000000`] });
        }
    });

    it("alarms notify a KMS-encrypted SNS topic the component creates, which CloudWatch may use (issue 18 row 11)", () => {
        for (const region of REGIONS) {
            const topic = one(region, "aws:sns/topic:Topic", `batch-${region}-alarms`);
            assert.equal(topic.inputs.kmsMasterKeyId, `arn:aws:kms:${region}:${ACCOUNT}:key/batch-${region}-alarms-key`);
            const key = one(region, "aws:kms/key:Key", `batch-${region}-alarms-key`);
            assert.equal(key.inputs.enableKeyRotation, true);
            const cw = jsonInput(key, "policy").Statement.find((st: any) => st.Principal.Service === "cloudwatch.amazonaws.com");
            assert.deepEqual(cw.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
            const topicArn = `arn:aws:sns:${region}:${ACCOUNT}:batch-${region}-alarms-0000000`;
            for (const alarm of children(region).filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && !r.name.includes("worker"))) {
                assert.deepEqual(alarm.inputs.alarmActions, [topicArn], alarm.name);
            }
            assert.equal((run.outputs!.regions as any)[region].alarmTopicArn, topicArn);
        }
    });

    it("an execution that fails raises an alarm on the state machine's ExecutionsFailed", () => {
        const alarm = one("us-east-1", "aws:cloudwatch/metricAlarm:MetricAlarm", "batch-us-east-1-pipeline-failed");
        assert.equal(alarm.inputs.namespace, "AWS/States");
        assert.equal(alarm.inputs.metricName, "ExecutionsFailed");
        assert.deepEqual(alarm.inputs.dimensions, { StateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:batch-us-east-1-pipeline-0000000` });
        assert.equal(alarm.inputs.threshold, 0);
    });

    it("the pipeline bucket is private, encrypted, TLS-only and expires inputs and results", () => {
        const region = "eu-west-1";
        const bucket = `batch-${region}-pipeline-0000000`;
        const pab = one(region, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `batch-${region}-pipeline`);
        assert.deepEqual([pab.inputs.blockPublicAcls, pab.inputs.blockPublicPolicy, pab.inputs.ignorePublicAcls, pab.inputs.restrictPublicBuckets], [true, true, true, true]);
        const sse = one(region, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", `batch-${region}-pipeline`);
        assert.deepEqual(sse.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }]);
        const lc = one(region, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", `batch-${region}-pipeline`);
        assert.deepEqual(lc.inputs.rules.map((r: any) => [r.filter.prefix, r.expiration.days, r.status]), [["inputs/", 30, "Enabled"], ["results/", 30, "Enabled"]]);
        const policy = jsonInput(one(region, "aws:s3/bucketPolicy:BucketPolicy", `batch-${region}-pipeline`), "policy");
        assert.deepEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(policy.Statement[0].Resource, [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]);
        assert.equal((run.outputs!.regions as any)[region].pipelineBucketName, bucket);
    });

    it("DLQ: an alarm fires as soon as the dead-letter queue holds a message", () => {
        const alarm = one("us-east-1", "aws:cloudwatch/metricAlarm:MetricAlarm", "batch-us-east-1-dlq-not-empty");
        assert.deepEqual({ ...alarm.inputs, alarmDescription: undefined }, {
            alarmDescription: undefined,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: "batch-us-east-1-dlq-0000000" },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:batch-us-east-1-alarms-0000000`],
            okActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:batch-us-east-1-alarms-0000000`],
        });
    });

    it("encrypts both queues at rest (SSE-SQS by default) and keeps a message hidden longer than its processing time", () => {
        for (const region of REGIONS) {
            assert.deepEqual(queue(region).inputs, {
                visibilityTimeoutSeconds: 300, messageRetentionSeconds: 345600, receiveWaitTimeSeconds: 20, sqsManagedSseEnabled: true,
            });
            assert.deepEqual(dlq(region).inputs, { messageRetentionSeconds: 1209600, sqsManagedSseEnabled: true });
        }
    });

    it("least privilege: the worker may only receive, delete and extend messages of its own queue", () => {
        const policies = inlinePolicies("batch-us-east-1-worker-task");
        assert.equal(policies.length, 1);
        assert.deepEqual(jsonInput(policies[0], "policy"), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "ConsumeOwnQueue",
                Effect: "Allow",
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
                Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:batch-us-east-1-queue-0000000`,
            }],
        });
    });

    it("least privilege: with a customer managed queue key the worker may decrypt with that key only", () => {
        const doc = workerPolicy("arn:aws:sqs:eu-west-1:1:q", "arn:aws:kms:eu-west-1:1:key/k");
        assert.deepEqual(doc.Statement.map((s) => [s.Action, s.Resource]), [
            [["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"], "arn:aws:sqs:eu-west-1:1:q"],
            ["kms:Decrypt", "arn:aws:kms:eu-west-1:1:key/k"],
        ]);
    });

    it("least privilege: stage tasks get no application permissions unless configured", () => {
        assert.deepEqual(inlinePolicies("batch-us-east-1-transcode-task"), []);
        assert.deepEqual(inlinePolicies("batch-us-east-1-publish-task"), []);
    });

    it("least privilege: the state machine may run, watch and stop only its stage tasks in its cluster, and pass only their roles", () => {
        const region = "eu-west-1";
        const [policy, children] = inlinePolicies(`batch-${region}-pipeline`);
        const doc = jsonInput(policy, "policy");
        // Every revision of each stage's family, so executions that started before a deploy keep working (row 7).
        const tdArns = ["transcode", "publish"].map((s) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/batch-${region}-${s}:*`);
        const cluster = `arn:aws:ecs:${region}:${ACCOUNT}:batch-${region}-ecs-cluster`;
        const roleArn = (n: string) => `arn:aws:iam::${ACCOUNT}:role/batch-${region}-${n}-0000000`;
        assert.deepEqual(doc.Statement, [
            { Sid: "RunStageTasks", Effect: "Allow", Action: "ecs:RunTask", Resource: tdArns, Condition: { ArnEquals: { "ecs:cluster": cluster } } },
            { Sid: "WaitForStageTasks", Effect: "Allow", Action: ["ecs:DescribeTasks", "ecs:StopTask"],
                Resource: `arn:aws:ecs:${region}:${ACCOUNT}:task/batch-${region}-ecs-cluster-0000000/*` },
            { Sid: "TagStageTasksAtLaunch", Effect: "Allow", Action: "ecs:TagResource",
                Resource: `arn:aws:ecs:${region}:${ACCOUNT}:task/batch-${region}-ecs-cluster-0000000/*`,
                Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } } },
            { Sid: "SyncEventRule", Effect: "Allow", Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                Resource: `arn:aws:events:${region}:${ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule` },
            { Sid: "PassStageRoles", Effect: "Allow", Action: "iam:PassRole",
                Resource: [roleArn("transcode-task"), roleArn("transcode-execution"), roleArn("publish-task"), roleArn("publish-execution")],
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
            { Sid: "ReadItemsWriteResults", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: `arn:aws:s3:::batch-${region}-pipeline-0000000/*` },
            { Sid: "DeliverLogs", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
            Resource: "*" },
        ]);
        const sm = `arn:aws:states:${region}:${ACCOUNT}:stateMachine:batch-${region}-pipeline-0000000`;
        assert.deepEqual(jsonInput(children, "policy").Statement, [
            { Sid: "StartItemExecutions", Effect: "Allow", Action: "states:StartExecution", Resource: sm },
            { Sid: "WatchItemExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"],
                Resource: `arn:aws:states:${region}:${ACCOUNT}:execution:batch-${region}-pipeline-0000000/*` },
        ]);
        assert.deepEqual(jsonInput(role(`batch-${region}-pipeline`), "assumeRolePolicy").Statement[0].Principal, { Service: "states.amazonaws.com" });
    });

    it("C8: the cluster attaches FARGATE and FARGATE_SPOT and defaults to Spot; the worker runs on Spot", () => {
        for (const region of REGIONS) {
            const [cp] = children(region).filter((r) => r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
            assert.deepEqual([...cp.inputs.capacityProviders].sort(), ["FARGATE", "FARGATE_SPOT"]);
            assert.deepEqual(cp.inputs.defaultCapacityProviderStrategies, [
                { capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 },
                { capacityProvider: "FARGATE", base: 0, weight: 0 },
            ]);
            const [service] = children(region).filter((r) => r.type === "aws:ecs/service:Service");
            assert.deepEqual(service.inputs.capacityProviderStrategies, [
                { capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 },
                { capacityProvider: "FARGATE", base: 0, weight: 0 },
            ]);
            assert.equal(service.inputs.launchType, undefined);
            assert.deepEqual(service.inputs.networkConfiguration.assignPublicIp, false);
        }
    });

    it("C8: every pipeline task runs on FARGATE_SPOT in private subnets without a public IP", () => {
        const def = definition("us-east-1");
        for (const stage of ["transcode", "publish"]) {
            const params = def.States.items.ItemProcessor.States[stage].Parameters;
            assert.deepEqual(params.CapacityProviderStrategy, [{ CapacityProvider: "FARGATE_SPOT", Weight: 1 }]);
            assert.equal(params.LaunchType, undefined);
            assert.equal(params.PlatformVersion, "LATEST");
            assert.deepEqual(params.NetworkConfiguration.AwsvpcConfiguration, {
                Subnets: [0, 1, 2].map((i) => run.named(`network-us-east-1-private-${i}`, "aws:ec2/subnet:Subnet").id),
                SecurityGroups: ["batch-us-east-1-stage-tasks-id"],
                AssignPublicIp: "DISABLED",
            });
        }
    });

    it("C9: every task definition is ARM64 (Graviton) on Linux", () => {
        for (const region of REGIONS) {
            assert.equal(taskDefs(region).length, 3);
            for (const td of taskDefs(region)) {
                assert.deepEqual(td.inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
            }
        }
    });

    it("C11: Container Insights (enhanced) is on for the cluster, which the scaling metric needs", () => {
        for (const region of REGIONS) {
            const cluster = one(region, "aws:ecs/cluster:Cluster", `batch-${region}-ecs-cluster`);
            assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enhanced" }]);
        }
    });

    it("C4: valid Fargate sizes, a task role and an execution role, and awslogs on every container", () => {
        const sizes = taskDefs("us-east-1").map((td) => [td.name, td.inputs.cpu, td.inputs.memory]).sort();
        assert.deepEqual(sizes, [
            ["batch-us-east-1-publish-task", "256", "512"],
            ["batch-us-east-1-transcode-task", "2048", "4096"],
            ["batch-us-east-1-worker-task", "512", "1024"],
        ]);
        for (const td of taskDefs("us-east-1")) {
            assert.ok(FARGATE_SIZES[Number(td.inputs.cpu)].includes(Number(td.inputs.memory)));
            assert.match(td.inputs.taskRoleArn, /^arn:aws:iam::123456789012:role\/.+-task-0000000$/);
            assert.match(td.inputs.executionRoleArn, /^arn:aws:iam::123456789012:role\/.+-execution-0000000$/);
            assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
            for (const c of jsonInput<any[]>(td, "containerDefinitions")) {
                assert.equal(c.logConfiguration.logDriver, "awslogs");
                assert.equal(c.logConfiguration.options["awslogs-region"], "us-east-1");
                assert.equal(c.stopTimeout, 120, "Spot gives two minutes' notice; use all of it");
            }
        }
    });

    it("the worker reads its own queue's URL and the images come from the region's registry replica", () => {
        const [worker] = jsonInput<any[]>(one("eu-west-1", "aws:ecs/taskDefinition:TaskDefinition", "batch-eu-west-1-worker-task"), "containerDefinitions");
        assert.equal(worker.image, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/batch/worker:1.4.2`);
        assert.deepEqual(worker.environment, [{ name: "QUEUE_URL", value: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/batch-eu-west-1-queue-0000000` }]);
        const [transcode] = jsonInput<any[]>(one("eu-west-1", "aws:ecs/taskDefinition:TaskDefinition", "batch-eu-west-1-transcode-task"), "containerDefinitions");
        assert.equal(transcode.image, `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/batch/transcode:2.0.1`);
    });

    it("scaling: target tracking on backlog per task = ApproximateNumberOfMessagesVisible / RunningTaskCount", () => {
        const region = "us-east-1";
        const [target] = children(region).filter((r) => r.type === "aws:appautoscaling/target:Target");
        assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity, target.inputs.scalableDimension], [0, 20, "ecs:service:DesiredCount"]);
        const policy = one(region, "aws:appautoscaling/policy:Policy", `batch-${region}-worker-backlog-per-task`);
        assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
        assert.equal(policy.inputs.resourceId, target.inputs.resourceId);
        const config = policy.inputs.targetTrackingScalingPolicyConfiguration;
        assert.equal(config.targetValue, 5, "acceptable latency 600 s / 120 s per message");
        assert.deepEqual(config.customizedMetricSpecification.metrics, [
            { id: "m1", label: "Messages waiting", returnData: false, metricStat: { stat: "Sum", metric: {
                namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: [{ name: "QueueName", value: `batch-${region}-queue-0000000` }] } } },
            { id: "m2", label: "Running tasks", returnData: false, metricStat: { stat: "Average", metric: {
                namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount",
                dimensions: [{ name: "ClusterName", value: `batch-${region}-ecs-cluster-0000000` }, { name: "ServiceName", value: `batch-${region}-worker-service-0000000` }] } } },
            { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
        ]);
        assert.equal(config.disableScaleIn, undefined, "target tracking scales in, to zero when the queue is empty");
        assert.equal(children(region).filter((r) => r.type === "aws:appautoscaling/policy:Policy" && r.inputs.targetTrackingScalingPolicyConfiguration?.predefinedMetricSpecification).length, 0,
            "no CPU policy competes with the queue");
    });

    it("scaling: the service starts at zero tasks and leaves its desired count to Application Auto Scaling", () => {
        const [service] = children("us-east-1").filter((r) => r.type === "aws:ecs/service:Service");
        assert.equal(service.inputs.desiredCount, 0);
        assert.deepEqual(service.ignoreChanges, ["desiredCount"]);
    });

    it("scaling: from zero, a step policy adds a task when messages wait and none is in flight", () => {
        const region = "eu-west-1";
        const step = one(region, "aws:appautoscaling/policy:Policy", `batch-${region}-worker-start-from-zero`);
        assert.equal(step.inputs.policyType, "StepScaling");
        assert.deepEqual(step.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity", cooldown: 60, metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
        });
        const alarm = one(region, "aws:cloudwatch/metricAlarm:MetricAlarm", `batch-${region}-worker-idle-backlog`);
        assert.deepEqual(alarm.inputs.alarmActions, [`arn:aws:appautoscaling:${region}:${ACCOUNT}:batch-${region}-worker-start-from-zero`]);
        const metric = (name: string) => ({ namespace: "AWS/SQS", metricName: name, dimensions: { QueueName: `batch-${region}-queue-0000000` }, stat: "Maximum", period: 60 });
        assert.deepEqual(alarm.inputs.metricQueries, [
            { id: "visible", metric: metric("ApproximateNumberOfMessagesVisible"), returnData: false },
            { id: "inflight", metric: metric("ApproximateNumberOfMessagesNotVisible"), returnData: false },
            { id: "idle", expression: "IF(visible >= 1 AND inflight == 0, 1, 0)", label: "Backlog with no worker", returnData: true },
        ]);
        assert.deepEqual([alarm.inputs.comparisonOperator, alarm.inputs.threshold, alarm.inputs.evaluationPeriods],
            ["GreaterThanOrEqualToThreshold", 1, 1]);
        assert.ok(step.inputs.stepScalingPolicyConfiguration.stepAdjustments.every((s: any) => s.scalingAdjustment > 0),
            "it only adds capacity, so it never undoes a scale-in of the target tracking policy");
    });

    it("state machine: valid ASL, one Distributed Map over the items from S3, each item through the stages in order (rows 4-5)", () => {
        const region = "eu-west-1";
        const def = definition(region);
        assertValidAsl(def);
        assert.equal(def.StartAt, "items");
        const map = def.States.items;
        assert.equal(map.Type, "Map");
        assert.deepEqual(map.ItemReader, { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" },
            Parameters: { "Bucket": `batch-${region}-pipeline-0000000`, "Key.$": "$.itemsKey" } });
        assert.deepEqual(map.ResultWriter, { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: `batch-${region}-pipeline-0000000`, Prefix: "results" } });
        assert.deepEqual(map.ItemProcessor.ProcessorConfig, { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
        assert.deepEqual(map.ItemSelector, { "item.$": "$$.Map.Item.Value" });
        assert.equal(map.MaxConcurrency, 10, "the smallest stage concurrency (transcode 20, publish 10)");
        assert.equal(map.ToleratedFailurePercentage, 5);
        assert.equal(map.ResultPath, "$.results");
        assert.equal(map.End, true);
        const states = map.ItemProcessor.States;
        assert.equal(map.ItemProcessor.StartAt, "transcode");
        assert.deepEqual(Object.keys(states), ["transcode", "publish"]);
        assert.equal(states.transcode.Next, "publish");
        assert.equal(states.publish.End, true);
        const tdArn = (s: string) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/batch-${region}-${s}:1`;
        for (const stage of ["transcode", "publish"]) {
            const task = states[stage];
            assert.equal(task.Type, "Task");
            assert.equal(task.Resource, RUN_TASK_SYNC);
            assert.equal(task.Resource, "arn:aws:states:::ecs:runTask.sync");
            assert.equal(task.Parameters.Cluster, `arn:aws:ecs:${region}:${ACCOUNT}:batch-${region}-ecs-cluster`);
            assert.equal(task.Parameters.TaskDefinition, tdArn(stage));
            assert.deepEqual(task.Parameters.Overrides.ContainerOverrides, [{ Name: stage, Environment: [
                { "Name": "ITEM", "Value.$": "States.JsonToString($.item)" },
                { "Name": "STAGE", "Value": stage },
                { "Name": "EXECUTION_ID", "Value.$": "$$.Execution.Id" },
            ] }]);
            assert.deepEqual(task.Retry, [{ ErrorEquals: ["ECS.AmazonECSException", "AmazonECS.Unknown", "States.TaskFailed"],
                IntervalSeconds: 30, MaxAttempts: 2, BackoffRate: 2, MaxDelaySeconds: 300, JitterStrategy: "FULL" }]);
            // No Catch: a task that fails after its retries fails the item's child execution, so the item never
            // reaches the next stage and counts against the tolerated failures.
            assert.equal(task.Catch, undefined);
            assert.equal(task.ResultPath, null);
        }
        assert.equal(states.transcode.TimeoutSeconds, 3600);
        assert.equal(states.publish.TimeoutSeconds, 600);
    });

    it("state machine: STANDARD (the only type .sync supports), logging to an encrypted vended-logs group", () => {
        const region = "us-east-1";
        const sm = stateMachine(region);
        assert.equal(sm.inputs.type, "STANDARD");
        assert.equal(sm.inputs.roleArn, `arn:aws:iam::${ACCOUNT}:role/batch-${region}-pipeline-0000000`);
        const lg = one(region, "aws:cloudwatch/logGroup:LogGroup", `batch-${region}-pipeline-logs`);
        assert.equal(lg.inputs.namePrefix, "/aws/vendedlogs/states/");
        assert.equal(lg.inputs.kmsKeyId, `arn:aws:kms:${region}:${ACCOUNT}:key/batch-${region}-logs-key`);
        assert.equal(lg.retainOnDelete, true);
        assert.deepEqual(sm.inputs.loggingConfiguration, {
            level: "ERROR",
            includeExecutionData: false,
            logDestination: `arn:aws:logs:${region}:${ACCOUNT}:log-group:/aws/vendedlogs/states/batch-${region}-pipeline-logs:*`,
        });
        const rolePolicy = inlinePolicies(`batch-${region}-pipeline`).find((p) => p.name === `batch-${region}-pipeline-policy`)!;
        assert.ok(sm.dependencies.includes(rolePolicy.urn), "created after its role may deliver logs");
    });

    it("exports each region's queue, dead-letter queue, state machine and cluster", () => {
        const out = run.outputs!.regions as any;
        assert.deepEqual(Object.keys(out).sort(), [...REGIONS].sort());
        assert.equal(out["eu-west-1"].queueUrl, `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/batch-eu-west-1-queue-0000000`);
        assert.equal(out["eu-west-1"].stateMachineArn, `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:batch-eu-west-1-pipeline-0000000`);
    });

    it("a full image URI and an x86_64 stage, written the way microservices write them", async () => {
        const section = JSON.parse(JSON.stringify(SECTION));
        section.worker = { ...section.worker, repository: undefined, tag: undefined, image: "public.ecr.aws/example/worker:2.0" };
        section.stages[0].cpuArchitecture = "x86_64";
        const other = await runStack("sqs-batch", { batch: section });
        assert.equal(other.error, undefined, String(other.error));
        const td = (n: string) => other.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === n)!;
        assert.equal(jsonInput<any[]>(td("batch-us-east-1-worker-task"), "containerDefinitions")[0].image, "public.ecr.aws/example/worker:2.0");
        assert.deepEqual(td("batch-us-east-1-transcode-task").inputs.runtimePlatform, { cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
        assert.deepEqual(td("batch-us-east-1-publish-task").inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
    });

    describe("bad input: a clear error and nothing registered", () => {
        const attempt = (change: (s: any) => void) => {
            const section = JSON.parse(JSON.stringify(SECTION));
            change(section);
            return runStack("sqs-batch", { batch: section });
        };

        it("maxReceiveCount below 1", async () => {
            assertInputError(await attempt((s) => { s.maxReceiveCount = 0; }), "maxReceiveCount", "0", "from 1 to 1000");
        });
        it("a visibility timeout not above the processing time", async () => {
            assertInputError(await attempt((s) => { s.visibilityTimeoutSeconds = 120; }), "visibilityTimeoutSeconds",
                "120", "above processingTimeSeconds (120)");
        });
        it("minCapacity above maxCapacity", async () => {
            assertInputError(await attempt((s) => { s.worker.minCapacity = 30; }), "worker.minCapacity", "30", "at most maxCapacity");
        });
        it("a key of 0.1 names its new name instead of being ignored", async () => {
            assertInputError(await attempt((s) => { s.worker.minTasks = 1; }), "aws-containers:batch.worker.minTasks", "renamed to minCapacity");
        });
        it("both image forms, or a tag without a repository", async () => {
            assertInputError(await attempt((s) => { s.stages[0].image = "public.ecr.aws/x/y:1"; }), "stages[0].repository", "exactly one of repository");
            assertInputError(await attempt((s) => { delete s.worker.repository; }), "worker.repository", "exactly one of repository");
            assertInputError(await attempt((s) => { s.worker.tag = "latest!"; }), "worker.tag", `"latest!"`, "not an image tag");
        });
        it("a CPU architecture in another API's spelling", async () => {
            assertInputError(await attempt((s) => { s.stages[0].cpuArchitecture = "ARM64"; }), "stages[0].cpuArchitecture", `"ARM64"`, "arm64, x86_64");
        });
        it("an empty stage list", async () => {
            assertInputError(await attempt((s) => { s.stages = []; }), "stages", "[]", "at least one pipeline stage");
        });
        it("an invalid Fargate size for a stage (C4)", async () => {
            assertInputError(await attempt((s) => { s.stages[0].memory = 1024; }), "stages[0].memory", "1024", "4096-16384 MiB");
        });
        it("a stage name that is not a plain JSONPath key", async () => {
            assertInputError(await attempt((s) => { s.stages[1].name = "publish-all"; }), "stages[1].name", `"publish-all"`, "lowercase letters and digits");
        });
        it("a Map concurrency beyond the Distributed Map limit", async () => {
            assertInputError(await attempt((s) => { s.stages[0].maxConcurrency = 10001; }), "stages[0].maxConcurrency", "10001", "1 to 10000");
        });
        it("a tolerated failure share outside 0-100", async () => {
            assertInputError(await attempt((s) => { s.toleratedFailurePercentage = 150; }), "toleratedFailurePercentage", "150", "from 0 to 100");
        });
    });
});
