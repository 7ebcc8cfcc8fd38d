import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import {
    EcsCluster, EcsService, EcsServiceArgs, FargateTaskDefinition, FargateTaskDefinitionArgs, spotStrategy,
} from "../components/ecs";
import { assertInputError, jsonInput, MockRun, runProgram, typeCounts } from "./harness";

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf:password::";
const PARAMETER = "arn:aws:ssm:eu-west-1:123456789012:parameter/orders/feature-flags";
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/batch/worker:1.4.2";

const task: FargateTaskDefinitionArgs = {
    cpu: 1024,
    memory: 2048,
    logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
    taskRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:eu-west-1:123456789012:jobs" }] }),
    enableExecuteCommand: true,
    containers: [
        {
            name: "worker", image: IMAGE, secrets: { DB_PASSWORD: SECRET, FLAGS: PARAMETER }, environment: { QUEUE: "jobs" },
            portMappings: [{ containerPort: 9000, name: "metrics" }],
            healthCheck: { command: ["CMD-SHELL", "wget -qO- http://localhost:9000/health || exit 1"] },
        },
        { name: "otel", image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", essential: false },
    ],
};

/** Shapes of a batch-style worker: no load balancer, Spot with an on-demand base, a custom scaling metric. */
const worker = (cluster: EcsCluster, td: FargateTaskDefinition): EcsServiceArgs => ({
    clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, taskDefinitionArn: td.taskDefinitionArn,
    vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    capacityProviderStrategy: spotStrategy(1),
    scaling: {
        minCapacity: 0, maxCapacity: 20, cpuTargetPercent: 0,
        customPolicies: [{
            name: "backlog", targetValue: 10, metric: {
                metrics: [
                    { id: "m1", returnData: false, metricStat: { stat: "Sum", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "jobs" }] } } },
                    { id: "e1", expression: "m1", returnData: true },
                ],
            },
        }],
    },
});

describe("ECS building blocks", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
            const cluster = new EcsCluster("blk", {
                defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 3 }, { capacityProvider: "FARGATE", base: 1, weight: 1 }],
            }, { provider });
            const gpu = new EcsCluster("gpu", {
                containerInsights: "enabled",
                ec2Capacity: { privateSubnetIds: ["subnet-a", "subnet-b"], vpcId: "vpc-1", amiFamily: "BOTTLEROCKET", maxCapacity: 4 },
                defaultCapacityProviderStrategy: [{ capacityProvider: "EC2", weight: 1 }],
            }, { provider });
            const td = new FargateTaskDefinition("blk-worker", task, { provider });
            new EcsService("blk-worker", worker(cluster, td), { provider });
            new EcsService("gpu-svc", {
                clusterArn: gpu.clusterArn, clusterName: gpu.clusterName, taskDefinitionArn: td.taskDefinitionArn,
                vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"], desiredCapacity: 1,
                capacityProviderStrategy: [{ capacityProvider: gpu.ec2CapacityProviderName!, weight: 1 }],
                // One GPU host per task: replace in place, never run a second copy.
                deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
            }, { provider });
            new EcsService("blk-web", {
                clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, taskDefinitionArn: td.taskDefinitionArn,
                vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
                ingress: [{ name: "alb", sourceSecurityGroupId: "sg-alb", port: 9000, description: "from the ALB" }],
                loadBalancer: { targetGroupArn: "tg-blue", alternateTargetGroupArn: "tg-green", productionListenerRuleArn: "rule-1", containerName: "worker", containerPort: 9000 },
                deployment: { strategy: "CANARY", canaryPercent: 10 },
                alarmNames: ["web-5xx"],
                enableExecuteCommand: true,
                scaling: { memoryTargetPercent: 70, requestsPerTarget: 500, albResourceLabel: "app/alb/1/targetgroup/tg/2" },
            }, { provider });
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    const under = (name: string) => run.descendantsOf(run.resources.find((r) => r.name === name && !r.custom && !r.type.endsWith("FargateTaskDefinition"))!.urn);

    it("C11, C8: a cluster has enhanced Container Insights and both Fargate providers with the given default strategy", () => {
        const cluster = run.named("blk-cluster", "aws:ecs/cluster:Cluster");
        assert.deepEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enhanced" }]);
        const cp = run.named("blk-capacity", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.deepEqual(cp.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        assert.deepEqual(cp.inputs.defaultCapacityProviderStrategies, [
            { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 }, { capacityProvider: "FARGATE", base: 1, weight: 1 },
        ]);
    });

    it("C2, C14: EC2 capacity is a managed, protected Auto Scaling group on a Bottlerocket AMI with IMDSv2 only", () => {
        assert.deepEqual(typeCounts(under("gpu")), {
            "aws:autoscaling/group:Group": 1, "aws:ec2/launchTemplate:LaunchTemplate": 1, "aws:ec2/securityGroup:SecurityGroup": 1,
            "aws:ecs/capacityProvider:CapacityProvider": 1, "aws:ecs/cluster:Cluster": 1,
            "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": 1, "aws:iam/instanceProfile:InstanceProfile": 1,
            "aws:iam/role:Role": 1, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 2, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 1,
        });
        const lt = run.named("gpu-instances", "aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(lt.inputs.imageId, "resolve:ssm:/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_id");
        assert.equal(lt.inputs.instanceType, "m7g.large");
        assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.equal(Buffer.from(lt.inputs.userData, "base64").toString(), `[settings.ecs]\ncluster = "gpu-cluster-0000000"\n`);
        const asg = run.named("gpu-instances", "aws:autoscaling/group:Group");
        assert.equal(asg.inputs.protectFromScaleIn, true);
        assert.deepEqual(asg.inputs.tags, [{ key: "AmazonECSManaged", value: "true", propagateAtLaunch: true }]);
        assert.deepEqual(asg.inputs.vpcZoneIdentifiers, ["subnet-a", "subnet-b"]);
        const provider = run.named("gpu-ec2", "aws:ecs/capacityProvider:CapacityProvider");
        assert.equal(provider.inputs.name, "gpu-ec2");
        assert.deepEqual({ ...provider.inputs.autoScalingGroupProvider, autoScalingGroupArn: undefined }, {
            autoScalingGroupArn: undefined, managedDraining: "ENABLED", managedTerminationProtection: "ENABLED",
            managedScaling: { status: "ENABLED", targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10 },
        });
        const cp = run.named("gpu-capacity", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.deepEqual(cp.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT", "gpu-ec2"]);
        assert.deepEqual(cp.inputs.defaultCapacityProviderStrategies, [{ capacityProvider: "gpu-ec2", base: 0, weight: 1 }]);
        assert.deepEqual(run.named("gpu-cluster", "aws:ecs/cluster:Cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
    });

    it("C4, C9: the task definition is a Fargate size on ARM64 with both roles and awslogs on every container", () => {
        const td = run.named("blk-worker-task", "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(td.inputs.cpu, "1024");
        assert.equal(td.inputs.memory, "2048");
        assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
        assert.equal(td.inputs.networkMode, "awsvpc");
        assert.deepEqual(td.inputs.runtimePlatform, { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
        assert.match(td.inputs.taskRoleArn, /role\/blk-worker-task-/);
        assert.match(td.inputs.executionRoleArn, /role\/blk-worker-execution-/);
        const defs = jsonInput<any[]>(td, "containerDefinitions");
        assert.deepEqual(defs.map((d) => d.name), ["worker", "otel"]);
        for (const d of defs) {
            assert.deepEqual(d.logConfiguration, {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": "/ecs/blk-worker-blk-worker-logs", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": d.name,
                    "mode": "non-blocking", "max-buffer-size": "25m",
                },
            });
            assert.equal(d.readonlyRootFilesystem, true);
        }
        assert.deepEqual(defs[0].secrets, [{ name: "DB_PASSWORD", valueFrom: SECRET }, { name: "FLAGS", valueFrom: PARAMETER }]);
        assert.deepEqual(defs[0].environment, [{ name: "QUEUE", value: "jobs" }]);
        assert.deepEqual(defs[0].healthCheck, {
            command: ["CMD-SHELL", "wget -qO- http://localhost:9000/health || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 30,
        });
        assert.deepEqual(defs[0].portMappings, [{ containerPort: 9000, protocol: "tcp", name: "metrics", appProtocol: "http" }]);
        assert.equal(defs[1].essential, false);
        const logs = run.named("blk-worker-logs", "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(logs.inputs.retentionInDays, 30);
        assert.equal(logs.inputs.kmsKeyId, "arn:aws:kms:eu-west-1:123456789012:key/logs");
        assert.ok(logs.retainOnDelete);
    });

    it("C4: the execution role pulls only its ECR repository, writes only its log group, reads exactly its secrets", () => {
        const doc = jsonInput(run.named("blk-worker-execution-policy", "aws:iam/rolePolicy:RolePolicy"), "policy");
        assert.deepEqual(doc.Statement, [
            { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/blk-worker-blk-worker-logs:*" },
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            { Sid: "PullOwnImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                Resource: ["arn:aws:ecr:eu-west-1:123456789012:repository/batch/worker"] },
            { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue",
                Resource: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf"] },
            { Sid: "ReadOwnParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: [PARAMETER] },
        ]);
        assert.equal(run.resources.filter((r) => r.name.startsWith("blk-worker-execution") && r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
    });

    it("the task role carries the caller's policy and, opted in, the ECS Exec channels", () => {
        assert.deepEqual(jsonInput(run.named("blk-worker-task-app-policy"), "policy").Statement[0].Action, "sqs:ReceiveMessage");
        assert.deepEqual(jsonInput(run.named("blk-worker-task-policy"), "policy").Statement[0].Action, [
            "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
        ]);
        assert.equal(jsonInput(run.named("blk-worker-task", "aws:iam/role:Role"), "assumeRolePolicy").Statement[0].Principal.Service, "ecs-tasks.amazonaws.com");
    });

    it("C8, C15: a queue worker runs on Fargate Spot with an on-demand base, in private subnets without a public IP or load balancer", () => {
        const svc = run.named("blk-worker-service", "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.capacityProviderStrategies, [
            { capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }, { capacityProvider: "FARGATE", base: 1, weight: 0 },
        ]);
        assert.deepEqual(svc.inputs.networkConfiguration.subnets, ["subnet-a", "subnet-b", "subnet-c"]);
        assert.equal(svc.inputs.networkConfiguration.assignPublicIp, false);
        assert.equal(svc.inputs.loadBalancers, undefined);
        assert.equal(svc.inputs.orderedPlacementStrategies, undefined);
        assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual(svc.inputs.deploymentConfiguration, { strategy: "ROLLING" });
        assert.equal(svc.inputs.enableExecuteCommand, false);
        assert.deepEqual(svc.ignoreChanges, ["desiredCount"]);
        const ingress = under("blk-worker").filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(ingress, []);
    });

    it("scaling: a custom metric policy alone when CPU is turned off, on the service's scalable target", () => {
        const [target] = under("blk-worker").filter((r) => r.type === "aws:appautoscaling/target:Target");
        assert.deepEqual([target.inputs.minCapacity, target.inputs.maxCapacity, target.inputs.resourceId],
            [0, 20, "service/blk-cluster-0000000/blk-worker-service-0000000"]);
        const policies = under("blk-worker").filter((r) => r.type === "aws:appautoscaling/policy:Policy");
        assert.deepEqual(policies.map((p) => p.name), ["blk-worker-scaling-backlog"]);
        assert.equal(policies[0].inputs.targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.metrics[1].expression, "m1");
    });

    it("scaling: target tracking on memory and ALB requests per target, with cooldowns", () => {
        const policies = under("blk-web").filter((r) => r.type === "aws:appautoscaling/policy:Policy");
        assert.deepEqual(policies.map((p) => [p.name, p.inputs.targetTrackingScalingPolicyConfiguration]), [
            ["blk-web-scaling-cpu", { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, scaleInCooldown: 300, scaleOutCooldown: 60 }],
            ["blk-web-scaling-memory", { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" }, scaleInCooldown: 300, scaleOutCooldown: 60 }],
            ["blk-web-scaling-requests", { targetValue: 500, predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: "app/alb/1/targetgroup/tg/2" }, scaleInCooldown: 300, scaleOutCooldown: 60 }],
        ]);
    });

    it("CANARY: traffic shifts through the alternate target group with an infrastructure role and alarm rollback", () => {
        const svc = run.named("blk-web-service", "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.deploymentConfiguration, {
            strategy: "CANARY", bakeTimeInMinutes: "10", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" },
        });
        assert.deepEqual(svc.inputs.alarms, { alarmNames: ["web-5xx"], enable: true, rollback: true });
        assert.deepEqual(svc.inputs.loadBalancers, [{
            targetGroupArn: "tg-blue", containerName: "worker", containerPort: 9000,
            advancedConfiguration: { alternateTargetGroupArn: "tg-green", productionListenerRule: "rule-1", roleArn: "arn:aws:iam::123456789012:role/blk-web-infrastructure-0000000" },
        }]);
        assert.equal(svc.inputs.healthCheckGracePeriodSeconds, 60);
        assert.equal(svc.inputs.enableExecuteCommand, true);
        const attach = run.named("blk-web-infrastructure-lb", "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(attach.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
        assert.equal(jsonInput(run.named("blk-web-infrastructure", "aws:iam/role:Role"), "assumeRolePolicy").Statement[0].Principal.Service, "ecs.amazonaws.com");
        const [ingress] = under("blk-web").filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual([ingress.inputs.referencedSecurityGroupId, ingress.inputs.fromPort, ingress.inputs.toPort], ["sg-alb", 9000, 9000]);
    });

    it("C15: on EC2 capacity tasks spread over zones, then bin-pack on memory", () => {
        const svc = run.named("gpu-svc-service", "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.orderedPlacementStrategies, [
            { type: "spread", field: "attribute:ecs.availability-zone" }, { type: "binpack", field: "memory" },
        ]);
        assert.deepEqual(svc.inputs.capacityProviderStrategies, [{ capacityProvider: "gpu-ec2", base: 0, weight: 1 }]);
        assert.equal(svc.inputs.platformVersion, undefined);
    });

    it("C15: zones are rebalanced unless maximumPercent is 100, where ECS cannot rebalance", () => {
        const rebalancing = (name: string) => {
            const svc = run.named(name, "aws:ecs/service:Service");
            return [svc.inputs.deploymentMaximumPercent, svc.inputs.availabilityZoneRebalancing];
        };
        assert.deepEqual(rebalancing("blk-worker-service"), [200, "ENABLED"]);
        assert.deepEqual(rebalancing("gpu-svc-service"), [100, "DISABLED"]);
    });

    it("D2: every child is on the region's provider", () => {
        for (const r of run.workload.filter((x) => x.custom)) {
            assert.equal(r.region, "eu-west-1", `${r.name} is not in eu-west-1`);
        }
    });

    describe("bad input: a clear error and nothing registered", () => {
        const svcArgs: EcsServiceArgs = { clusterArn: "c", clusterName: "c", taskDefinitionArn: "t", vpcId: "v", privateSubnetIds: ["s"] };
        it("an invalid Fargate size (8 vCPU takes 16-60 GB in 4 GB steps, so 18 GB is refused and 20 GB accepted)", async () => {
            assertInputError(await runProgram(() => new FargateTaskDefinition("bad", { ...task, cpu: 8192, memory: 18432 })),
                "memory", "18432", "16384-61440 MiB in steps of 4096");
        });
        it("an unknown CPU size", async () => {
            assertInputError(await runProgram(() => new FargateTaskDefinition("bad", { ...task, cpu: 3000 })), "cpu", "3000", "256, 512, 1024");
        });
        it("a secret that is not an ARN", async () => {
            assertInputError(await runProgram(() => new FargateTaskDefinition("bad", {
                ...task, containers: [{ name: "app", image: IMAGE, secrets: { TOKEN: "orders/token" } }],
            })), "containers[0].secrets.TOKEN", `"orders/token"`, "Secrets Manager ARN");
        });
        it("a container exposing a port without a health check", async () => {
            assertInputError(await runProgram(() => new FargateTaskDefinition("bad", {
                containers: [{ name: "app", image: IMAGE, portMappings: [{ containerPort: 80 }] }],
            })), "containers[0].healthCheck", `"app"`, "C10");
        });
        it("a strategy mixing Fargate and EC2, with two bases", async () => {
            const r = await runProgram(() => new EcsService("bad", {
                ...svcArgs, capacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1 }, { capacityProvider: "my-ec2", base: 2 }],
            }));
            assertInputError(r, "capacityProviderStrategy", "only one item may have a base");
            assert.match(String((r.error as Error).message), /capacityProviderStrategy: mixes Fargate and EC2 capacity providers/);
        });
        it("a canary without an alternate target and alarms", async () => {
            const r = await runProgram(() => new EcsService("bad", { ...svcArgs, deployment: { strategy: "CANARY" } }));
            assertInputError(r, "deployment.strategy", `"CANARY"`, "alternateTargetGroupArn");
            assertInputError(r, "alarmNames", "at least one CloudWatch alarm");
        });
        it("canary settings with another strategy, and a canary percentage out of range", async () => {
            const r = await runProgram(() => new EcsService("bad", { ...svcArgs, deployment: { canaryPercent: 120 } }));
            assertInputError(r, "deployment.canaryPercent", "120", "0.1 to 100");
            assert.match(String((r.error as Error).message), /deployment.canaryPercent: applies only to strategy CANARY, but the strategy is "ROLLING"/);
        });
        it("min capacity above max", async () => {
            assertInputError(await runProgram(() => new EcsService("bad", { ...svcArgs, scaling: { minCapacity: 5, maxCapacity: 3 } })),
                "scaling.minCapacity", "5", "at most maxCapacity");
        });
        it("an EC2 default strategy without EC2 capacity", async () => {
            assertInputError(await runProgram(() => new EcsCluster("bad", { defaultCapacityProviderStrategy: [{ capacityProvider: "EC2" }] })),
                "defaultCapacityProviderStrategy[0].capacityProvider", `"EC2"`, "FARGATE, FARGATE_SPOT");
        });
    });
});
