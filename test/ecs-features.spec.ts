import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { EcsCluster, EcsService, FargateTaskDefinition, FargateTaskDefinitionArgs } from "../components/ecs";
import { assertInputError, jsonInput, MockRun, runProgram, typeCounts } from "./harness";

const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/infer:2.0.1";
const inRegion = (build: (provider: aws.Provider) => void) => runProgram(() => build(new aws.Provider("aws-eu-west-1", { region: "eu-west-1" })));

/** A task with one created and one existing file system, run on Fargate. */
const storageTask: FargateTaskDefinitionArgs = {
    logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
    containers: [{
        name: "app", image: IMAGE,
        mountPoints: [{ sourceVolume: "data", containerPath: "/data" }, { sourceVolume: "models", containerPath: "/models", readOnly: true }],
    }],
    efsVolumes: [
        { name: "data", posixUser: { uid: 1001, gid: 1001 }, transitionToIaDays: 14 },
        { name: "models", fileSystemId: "fs-0123456789abcdef0", clientSecurityGroupId: "sg-models-clients", readOnly: true, rootAccess: true, rootDirectory: "/shared/models" },
    ],
    efsNetwork: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
};

describe("ECS features: EFS volumes, GPU tasks, step and scheduled scaling", () => {
    let run: MockRun;
    before(async () => {
        run = await inRegion((provider) => {
            const cluster = new EcsCluster("ml", {
                ec2Capacity: { privateSubnetIds: ["subnet-a", "subnet-b"], vpcId: "vpc-1", amiFamily: "AL2023_GPU", instanceType: "g6.xlarge", maxCapacity: 2 },
            }, { provider });
            const store = new FargateTaskDefinition("store", storageTask, { provider });
            new EcsService("store", {
                clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, taskDefinitionArn: store.taskDefinitionArn,
                vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: store.securityGroupIds,
                scaling: {
                    minCapacity: 1, maxCapacity: 8,
                    stepPolicies: [{
                        name: "latency", adjustmentType: "ChangeInCapacity", cooldownSeconds: 120,
                        alarm: { namespace: "Shop", metricName: "P99Latency", dimensions: { Service: "store" }, statistic: "Maximum", threshold: 500, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 2 },
                        steps: [{ lowerBound: 0, upperBound: 200, adjustment: 1 }, { lowerBound: 200, adjustment: 3 }],
                    }],
                    scheduledActions: [
                        { name: "office-hours", schedule: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Paris", minCapacity: 4, maxCapacity: 8 },
                        { name: "night", schedule: "cron(0 20 ? * MON-FRI *)", timezone: "Europe/Paris", minCapacity: 1 },
                    ],
                },
            }, { provider });
            new FargateTaskDefinition("infer", {
                cpu: 4096, memory: 16384, cpuArchitecture: "x86_64", ec2Compatible: true,
                logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
                containers: [{ name: "infer", image: IMAGE, gpuCount: 1 }],
            }, { provider });
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("creates the file system encrypted with its own key, backed up, moving to IA, with a mount target in each private subnet", () => {
        const fs = run.named("store-data-efs", "aws:efs/fileSystem:FileSystem");
        assert.equal(fs.inputs.encrypted, true);
        assert.equal(fs.inputs.kmsKeyId, run.named("store-data-efs-key", "aws:kms/key:Key").wireOutputs.arn);
        assert.deepEqual(fs.inputs.lifecyclePolicies, [{ transitionToIa: "AFTER_14_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }]);
        assert.equal(run.named("store-data-efs-key", "aws:kms/key:Key").inputs.enableKeyRotation, true);
        assert.deepEqual(run.named("store-data-efs-backup").inputs.backupPolicy, { status: "ENABLED" });
        const targets = run.ofType("aws:efs/mountTarget:MountTarget");
        assert.deepEqual(targets.map((t) => t.inputs.subnetId), ["subnet-a", "subnet-b", "subnet-c"]);
        const targetSg = run.named("store-data-efs-targets", "aws:ec2/securityGroup:SecurityGroup");
        for (const t of targets) {
            assert.deepEqual(t.inputs.securityGroups, [targetSg.id]);
        }
        // Only one EFS file system: the existing one is not re-created.
        assert.equal(run.ofType("aws:efs/fileSystem:FileSystem").length, 1);
    });

    it("admits only the tasks' client group on NFS 2049, and the tasks join that group and the existing file system's", () => {
        const clients = run.named("store-data-efs-clients", "aws:ec2/securityGroup:SecurityGroup");
        const targets = run.named("store-data-efs-targets", "aws:ec2/securityGroup:SecurityGroup");
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === targets.id);
        assert.deepEqual(ingress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
            [[clients.id, "tcp", 2049, 2049, undefined]]);
        const service = run.named("store-service", "aws:ecs/service:Service");
        const groups = service.inputs.networkConfiguration.securityGroups;
        assert.ok(groups.includes(clients.id), `tasks join the client group: ${JSON.stringify(groups)}`);
        assert.ok(groups.includes("sg-models-clients"));
        assert.equal(service.inputs.platformVersion, "LATEST", "LATEST is Fargate 1.4.0, the first with EFS");
    });

    it("mounts each volume through its own access point with transit encryption and IAM authorisation", () => {
        const td = run.named("store-task", "aws:ecs/taskDefinition:TaskDefinition");
        const dataAp = run.named("store-data-ap", "aws:efs/accessPoint:AccessPoint");
        const modelsAp = run.named("store-models-ap", "aws:efs/accessPoint:AccessPoint");
        assert.deepEqual(dataAp.inputs.posixUser, { uid: 1001, gid: 1001 });
        assert.deepEqual(dataAp.inputs.rootDirectory, { path: "/store/data", creationInfo: { ownerUid: 1001, ownerGid: 1001, permissions: "0750" } });
        assert.equal(modelsAp.inputs.fileSystemId, "fs-0123456789abcdef0");
        assert.equal(modelsAp.inputs.rootDirectory.path, "/shared/models");
        assert.deepEqual(td.inputs.volumes, [
            { name: "data", efsVolumeConfiguration: { fileSystemId: run.named("store-data-efs").id, transitEncryption: "ENABLED", authorizationConfig: { accessPointId: dataAp.id, iam: "ENABLED" } } },
            { name: "models", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0", transitEncryption: "ENABLED", authorizationConfig: { accessPointId: modelsAp.id, iam: "ENABLED" } } },
        ]);
        const [app] = jsonInput<any[]>(td, "containerDefinitions");
        assert.deepEqual(app.mountPoints, [{ sourceVolume: "data", containerPath: "/data", readOnly: false }, { sourceVolume: "models", containerPath: "/models", readOnly: true }]);
    });

    it("grants the task role exactly the client actions on each file system, only through its access point", () => {
        const policy = jsonInput(run.named("store-task-efs-policy", "aws:iam/rolePolicy:RolePolicy"), "policy");
        const fsId = run.named("store-data-efs").id;
        assert.deepEqual(policy.Statement, [
            {
                Sid: "Efsdata", Effect: "Allow", Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                Resource: `arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/${fsId}`,
                Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": run.named("store-data-ap").wireOutputs.arn } },
            },
            {
                Sid: "Efsmodels", Effect: "Allow", Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientRootAccess"],
                Resource: "arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/fs-0123456789abcdef0",
                Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": run.named("store-models-ap").wireOutputs.arn } },
            },
        ]);
    });

    it("adds a step policy with its alarm and scheduled actions beside target tracking", () => {
        const step = run.named("store-scaling-step-latency", "aws:appautoscaling/policy:Policy");
        assert.equal(step.inputs.policyType, "StepScaling");
        assert.deepEqual(step.inputs.stepScalingPolicyConfiguration, {
            adjustmentType: "ChangeInCapacity", cooldown: 120, metricAggregationType: "Maximum",
            stepAdjustments: [{ metricIntervalLowerBound: "0", metricIntervalUpperBound: "200", scalingAdjustment: 1 }, { metricIntervalLowerBound: "200", scalingAdjustment: 3 }],
        });
        const alarm = run.named("store-scaling-step-latency", "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(alarm.inputs.alarmActions, [step.wireOutputs.arn]);
        assert.equal(alarm.inputs.threshold, 500);
        assert.equal(alarm.inputs.comparisonOperator, "GreaterThanThreshold");
        const target = run.named("store-scaling-target", "aws:appautoscaling/target:Target");
        const schedules = run.ofType("aws:appautoscaling/scheduledAction:ScheduledAction").sort((a, b) => b.name.localeCompare(a.name));
        assert.deepEqual(schedules.map((s) => [s.name, s.inputs.schedule, s.inputs.timezone, s.inputs.scalableTargetAction, s.inputs.resourceId]), [
            ["store-scaling-schedule-office-hours", "cron(0 7 ? * MON-FRI *)", "Europe/Paris", { minCapacity: 4, maxCapacity: 8 }, target.inputs.resourceId],
            ["store-scaling-schedule-night", "cron(0 20 ? * MON-FRI *)", "Europe/Paris", { minCapacity: 1 }, target.inputs.resourceId],
        ]);
        assert.ok(run.ofType("aws:appautoscaling/policy:Policy").some((p) => p.name === "store-scaling-cpu"), "target tracking stays");
    });

    it("puts GPU capacity on the ECS GPU-optimised AL2023 AMI (x86_64) with GPU support on, and a GPU task EC2-only", () => {
        const lt = run.named("ml-instances", "aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(lt.inputs.imageId, "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id");
        assert.equal(lt.inputs.instanceType, "g6.xlarge");
        assert.match(Buffer.from(lt.inputs.userData, "base64").toString(), /ECS_ENABLE_GPU_SUPPORT=true/);
        const td = run.named("infer-task", "aws:ecs/taskDefinition:TaskDefinition");
        assert.deepEqual(td.inputs.requiresCompatibilities, ["EC2"]);
        assert.deepEqual(jsonInput<any[]>(td, "containerDefinitions")[0].resourceRequirements, [{ type: "GPU", value: "1" }]);
        assert.deepEqual(typeCounts(run.ofType("aws:efs/accessPoint:AccessPoint")), { "aws:efs/accessPoint:AccessPoint": 2 });
    });
});

describe("ECS features: bad input is refused before anything is created", () => {
    const task = (extra: Partial<FargateTaskDefinitionArgs>, container: object = {}) => inRegion((provider) => {
        new FargateTaskDefinition("bad", { containers: [{ name: "app", image: IMAGE, ...container }], ...extra }, { provider });
    });

    it("refuses GPUs on Fargate, naming the container and the way out", async () => {
        assertInputError(await task({}, { gpuCount: 1 }), "containers[0].gpuCount", "1 GPUs on Fargate", "ec2Compatible", "AL2023_GPU");
    });
    it("refuses a GPU AMI on arm64 or a non-GPU instance type, and a GPU type on the plain AMI", async () => {
        const cap = (ec2Capacity: object) => inRegion((provider) => {
            new EcsCluster("bad", { ec2Capacity: { privateSubnetIds: ["subnet-a"], vpcId: "vpc-1", ...ec2Capacity } }, { provider });
        });
        assertInputError(await cap({ amiFamily: "AL2023_GPU", cpuArchitecture: "arm64" }), "ec2Capacity.cpuArchitecture", '"arm64"', "x86_64 only");
        assertInputError(await cap({ amiFamily: "AL2023_GPU", instanceType: "m7i.large" }), "ec2Capacity.instanceType", '"m7i.large"', "g5");
        assertInputError(await cap({ instanceType: "g5.xlarge", cpuArchitecture: "x86_64" }), "ec2Capacity.amiFamily", '"AL2023"', "AL2023_GPU");
    });
    it("refuses a mount of an unknown volume, a created file system without a network, and bad access point settings", async () => {
        assertInputError(await task({}, { mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] }), "containers[0].mountPoints[0].sourceVolume", '"data"', "add efsVolumes");
        assertInputError(await task({ efsVolumes: [{ name: "data" }] }), "efsVolumes[0].fileSystemId", "efsNetwork");
        assertInputError(await task({ efsVolumes: [{ name: "data", fileSystemId: "fs-1" }] }), "efsVolumes[0].fileSystemId", '"fs-1"', "fs-");
        assertInputError(await task({ efsVolumes: [{ name: "data", fileSystemId: "fs-0123456789abcdef0", transitionToIaDays: 45 }] }),
            "efsVolumes[0].transitionToIaDays", "45", "30, 60");
        assertInputError(await task({ efsVolumes: [{ name: "data", fileSystemId: "fs-0123456789abcdef0", rootDirectory: "data/../x" }] }),
            "efsVolumes[0].rootDirectory", '"data/../x"', "absolute path");
        assertInputError(await task({ efsVolumes: [{ name: "data" }], efsNetwork: { vpcId: "vpc-1", privateSubnetIds: aws.ec2.getSubnetsOutput({}).ids } }),
            "efsNetwork.azCount", "is missing");
    });
    it("refuses overlapping or gapped steps, bad schedules and min above max", async () => {
        const scaled = (scaling: object) => inRegion((provider) => {
            new EcsService("bad", { clusterArn: "c", clusterName: "c", taskDefinitionArn: "t", vpcId: "vpc-1", privateSubnetIds: ["subnet-a"], scaling }, { provider });
        });
        const alarm = { namespace: "Shop", metricName: "Latency", threshold: 1, comparisonOperator: "GreaterThanThreshold" };
        assertInputError(await scaled({ stepPolicies: [{ name: "s", alarm, steps: [{ lowerBound: 0, upperBound: 20, adjustment: 1 }, { lowerBound: 10, adjustment: 2 }] }] }),
            "scaling.stepPolicies[0].steps[1]", "overlaps steps[0]", "may not overlap");
        assertInputError(await scaled({ stepPolicies: [{ name: "s", alarm, steps: [{ lowerBound: 0, upperBound: 10, adjustment: 1 }, { lowerBound: 20, adjustment: 2 }] }] }),
            "scaling.stepPolicies[0].steps[1]", "lowerBound 20", "gap");
        assertInputError(await scaled({ stepPolicies: [{ name: "s", alarm: { ...alarm, comparisonOperator: ">" }, steps: [{ lowerBound: 0, adjustment: 1 }] }] }),
            "scaling.stepPolicies[0].alarm.comparisonOperator", '">"', "GreaterThanThreshold");
        assertInputError(await scaled({ scheduledActions: [{ name: "a", schedule: "every day", minCapacity: 1 }] }),
            "scaling.scheduledActions[0].schedule", '"every day"', "cron(");
        assertInputError(await scaled({ scheduledActions: [{ name: "a", schedule: "rate(1 day)", minCapacity: 5, maxCapacity: 2 }] }),
            "scaling.scheduledActions[0].minCapacity", "5", "at most maxCapacity");
        assertInputError(await scaled({ scheduledActions: [{ name: "a", schedule: "at(2026-12-24T18:00:00)", timezone: "Mars/Olympus", maxCapacity: 2 }] }),
            "scaling.scheduledActions[0].timezone", '"Mars/Olympus"', "IANA");
    });
});

describe("QueueBatch worker: EFS volume and scheduled scaling through the sqs-batch stack", () => {
    it("mounts the worker's volume in every private subnet and adds its schedule beside queue-depth scaling", async () => {
        const { runStack, stackConfig } = await import("./harness");
        const section = JSON.parse(stackConfig("sqs-batch")["aws-containers:batch"]);
        const run = await runStack("sqs-batch", { batch: {
            ...section, azCount: 3,
            worker: {
                ...section.worker, efsVolumes: [{ name: "scratch" }], mountPoints: [{ sourceVolume: "scratch", containerPath: "/scratch" }],
                scheduledActions: [{ name: "month-end", schedule: "cron(0 0 L * ? *)", minCapacity: 2 }],
            },
            stages: section.stages.map((s: object, i: number) => i === 0
                ? { ...s, efsVolumes: [{ name: "shared", fileSystemId: "fs-0123456789abcdef0", clientSecurityGroupId: "sg-shared-clients" }],
                    mountPoints: [{ sourceVolume: "shared", containerPath: "/shared" }] }
                : s),
        } });
        assert.equal(run.error, undefined, String(run.error));
        const regions = [...new Set(run.ofType("aws:efs/fileSystem:FileSystem").map((f) => f.region))];
        assert.ok(regions.length >= 1);
        for (const region of regions) {
            assert.equal(run.ofType("aws:efs/mountTarget:MountTarget").filter((t) => t.region === region).length, 3, region);
            const schedule = run.ofType("aws:appautoscaling/scheduledAction:ScheduledAction").filter((s) => s.region === region);
            assert.deepEqual(schedule.map((s) => [s.inputs.schedule, s.inputs.timezone, s.inputs.scalableTargetAction]), [["cron(0 0 L * ? *)", "UTC", { minCapacity: 2 }]]);
            const service = run.ofType("aws:ecs/service:Service").find((s) => s.region === region && s.name.endsWith("-worker-service"))!;
            const clients = run.ofType("aws:ec2/securityGroup:SecurityGroup").find((g) => g.region === region && g.name.endsWith("-scratch-efs-clients"))!;
            assert.ok(service.inputs.networkConfiguration.securityGroups.includes(clients.id));
            // Only the first stage's tasks join the existing file system's client group.
            const machine = run.ofType("aws:sfn/stateMachine:StateMachine").find((m) => m.region === region)!;
            const groups = Object.values<any>(JSON.parse(machine.inputs.definition).States).filter((s) => s.Type === "Map")
                // The Distributed Map runs each item through every stage: one Task state per stage, in order.
                .flatMap((m) => Object.values<any>(m.ItemProcessor.States).filter((s) => s.Type === "Task"))
                .map((t) => t.Parameters.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups);
            assert.ok(groups.length >= 2, "the stack has at least two stages");
            assert.deepEqual(groups.map((g: string[]) => g.includes("sg-shared-clients")), groups.map((_: unknown, i: number) => i === 0));
        }
    });

    it("refuses a worker mount of an unknown volume and a created volume without azCount, naming the stack's paths", async () => {
        const { runStack, stackConfig } = await import("./harness");
        const section = JSON.parse(stackConfig("sqs-batch")["aws-containers:batch"]);
        assertInputError(await runStack("sqs-batch", { batch: { ...section, worker: { ...section.worker, mountPoints: [{ sourceVolume: "x", containerPath: "/x" }] } } }),
            "worker.mountPoints[0].sourceVolume", '"x"', "add efsVolumes");
        assertInputError(await runStack("sqs-batch", { batch: { ...section, worker: { ...section.worker, efsVolumes: [{ name: "scratch" }] } } }), "azCount", "is missing");
    });
});
