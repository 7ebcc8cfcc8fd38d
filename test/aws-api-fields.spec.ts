import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { EcsService, FargateTaskDefinition } from "../components/ecs";
import { EksPlatform } from "../components/eks";
import { FargateMicroservices } from "../components/microservices";
import { createRegionalProviders } from "../components/regions";
import { jsonInput, MockRun, runProgram } from "./harness";

/**
 * Deploy readiness of issue 25's fields: what the components send for EFS volumes, GPUs, step and
 * scheduled scaling, NLBs and Fargate profiles uses only member names and enum values of the AWS API
 * models (botocore, trimmed into test/fixtures/aws-api/shapes.json with its provenance).
 */
type Shape = { type: string; members?: string[]; enum?: string[] };
const MODELS = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "aws-api", "shapes.json"), "utf8")).services as { [svc: string]: { [shape: string]: Shape } };
const shape = (svc: string, name: string): Shape => MODELS[svc][name];
const pascal = (k: string) => k[0].toUpperCase() + k.slice(1);

/** Asserts every key of `value` is a member of the shape, as the API spells it (`api`) or after a rename map. */
function assertMembers(svc: string, name: string, value: object, spell: (k: string) => string = (k) => k, renames: { [k: string]: string } = {}): void {
    const members = shape(svc, name).members!;
    const unknown = Object.keys(value).filter((k) => (value as any)[k] !== undefined).map((k) => renames[k] ?? spell(k)).filter((k) => !members.includes(k));
    assert.deepEqual(unknown, [], `${svc} ${name} has no member ${unknown.join(", ")}; members: ${members.join(", ")}`);
}
function assertEnum(svc: string, name: string, value: unknown): void {
    assert.ok(shape(svc, name).enum!.includes(value as string), `${JSON.stringify(value)} is not a ${svc} ${name}: ${shape(svc, name).enum!.join(", ")}`);
}

describe("AWS API models cover the fields of EFS, GPU, scaling, NLB and Fargate profiles", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
            const td = new FargateTaskDefinition("api", {
                logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs", ec2Compatible: true, cpuArchitecture: "x86_64",
                containers: [{ name: "app", image: "public.ecr.aws/nginx/nginx:1.27", gpuCount: 1, mountPoints: [{ sourceVolume: "data", containerPath: "/data" }] }],
                efsVolumes: [{ name: "data" }], efsNetwork: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] },
            }, { provider });
            new EcsService("api", {
                clusterArn: "c", clusterName: "c", taskDefinitionArn: td.taskDefinitionArn, vpcId: "vpc-1", privateSubnetIds: ["subnet-a"],
                scaling: {
                    scheduledActions: [{ name: "day", schedule: "cron(0 8 * * ? *)", timezone: "Europe/Dublin", minCapacity: 2, maxCapacity: 6 }],
                    stepPolicies: [{ name: "lag", alarm: { namespace: "X", metricName: "Lag", threshold: 5, comparisonOperator: "GreaterThanThreshold" }, steps: [{ lowerBound: 0, adjustment: 1 }] }],
                },
            }, { provider });
            new FargateMicroservices("ms", {
                vpcId: "vpc-1", publicSubnetIds: ["p-a", "p-b"], privateSubnetIds: ["s-a", "s-b"], certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/1",
                services: [
                    { name: "tls", image: "public.ecr.aws/nginx/nginx:1.27", nlb: { listeners: [{ port: 443, protocol: "TLS" }], endpointService: { allowedPrincipals: ["arn:aws:iam::210987654321:root"] } } },
                    { name: "udp", image: "public.ecr.aws/nginx/nginx:1.27", port: 5353, nlb: { listeners: [{ port: 53, protocol: "UDP" }], healthCheckPort: 8080, healthCheckProtocol: "TCP" } },
                ],
            }, { provider });
            const providers = createRegionalProviders("aws", ["us-east-1"]);
            new EksPlatform("eks", {
                vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"], availabilityZones: ["us-east-1a", "us-east-1b"], supportCheckDate: "2026-11-22",
                endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"],
                fargateProfiles: [{ name: "system", selectors: [{ namespace: "kube-system", labels: { "k8s-app": "kube-dns" } }] }],
            }, { provider: providers["us-east-1"] });
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("ECS: container definitions, volumes and compatibilities", () => {
        const td = run.named("api-task", "aws:ecs/taskDefinition:TaskDefinition");
        for (const c of jsonInput<any[]>(td, "containerDefinitions")) {
            assertMembers("ecs", "ContainerDefinition", c);
            for (const r of c.resourceRequirements) {
                assertMembers("ecs", "ResourceRequirement", r);
                assertEnum("ecs", "ResourceType", r.type);
            }
            c.mountPoints.forEach((m: object) => assertMembers("ecs", "MountPoint", m));
        }
        for (const c of run.ofType("aws:ecs/taskDefinition:TaskDefinition").flatMap((t) => jsonInput<any[]>(t, "containerDefinitions"))) {
            for (const p of c.portMappings) {
                assertMembers("ecs", "PortMapping", p);
                assertEnum("ecs", "TransportProtocol", p.protocol);
            }
        }
        td.inputs.requiresCompatibilities.forEach((c: string) => assertEnum("ecs", "Compatibility", c));
        for (const v of td.inputs.volumes) {
            assertMembers("ecs", "Volume", v);
            assertMembers("ecs", "EFSVolumeConfiguration", v.efsVolumeConfiguration);
            assertMembers("ecs", "EFSAuthorizationConfig", v.efsVolumeConfiguration.authorizationConfig);
            assertEnum("ecs", "EFSTransitEncryption", v.efsVolumeConfiguration.transitEncryption);
            assertEnum("ecs", "EFSAuthorizationConfigIAM", v.efsVolumeConfiguration.authorizationConfig.iam);
        }
    });

    it("Application Auto Scaling: step policies and scheduled actions", () => {
        const step = run.named("api-scaling-step-lag", "aws:appautoscaling/policy:Policy").inputs.stepScalingPolicyConfiguration;
        assertMembers("application-autoscaling", "StepScalingPolicyConfiguration", step, pascal);
        step.stepAdjustments.forEach((s: object) => assertMembers("application-autoscaling", "StepAdjustment", s, pascal));
        assertEnum("application-autoscaling", "AdjustmentType", step.adjustmentType);
        assertEnum("application-autoscaling", "MetricAggregationType", step.metricAggregationType);
        const action = run.named("api-scaling-schedule-day", "aws:appautoscaling/scheduledAction:ScheduledAction").inputs;
        assertMembers("application-autoscaling", "PutScheduledActionRequest", action, pascal, { name: "ScheduledActionName" });
        assertMembers("application-autoscaling", "ScalableTargetAction", action.scalableTargetAction, pascal);
    });

    it("ELBv2: NLB listener and target group protocols, target type, PrivateLink enforcement", () => {
        for (const l of run.ofType("aws:lb/listener:Listener")) {
            assertEnum("elbv2", "ProtocolEnum", l.inputs.protocol);
        }
        for (const tg of run.ofType("aws:lb/targetGroup:TargetGroup")) {
            assertEnum("elbv2", "ProtocolEnum", tg.inputs.protocol);
            assertEnum("elbv2", "TargetTypeEnum", tg.inputs.targetType);
            assertEnum("elbv2", "ProtocolEnum", tg.inputs.healthCheck.protocol);
        }
        for (const lb of run.ofType("aws:lb/loadBalancer:LoadBalancer").filter((l) => l.inputs.loadBalancerType === "network")) {
            assertEnum("elbv2", "EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum", lb.inputs.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic);
        }
    });

    it("EKS: Fargate profile fields and selectors", () => {
        const profile = run.ofType("aws:eks/fargateProfile:FargateProfile")[0].inputs;
        assertMembers("eks", "CreateFargateProfileRequest", profile, (k) => k, { subnetIds: "subnets" });
        profile.selectors.forEach((s: object) => assertMembers("eks", "FargateProfileSelector", s));
    });
});
