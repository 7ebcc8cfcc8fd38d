import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { FargateMicroservices, settingsForRegion } from "../components/microservices";
import { assertInputError, jsonInput, MockRun, runProgram } from "./harness";

/** The component on its own: no certificate, access logs on, BLUE_GREEN, a public image and a sidecar. */
describe("FargateMicroservices without a certificate", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            const provider = new aws.Provider("aws-ap-southeast-2", { region: "ap-southeast-2" });
            return { url: new FargateMicroservices("web", {
                vpcId: "vpc-1", publicSubnetIds: ["pub-a", "pub-b"], privateSubnetIds: ["priv-a", "priv-b"],
                deletionProtection: false, accessLogsBucket: "alb-logs-ap-southeast-2", allowedCidrs: ["203.0.113.0/24"],
                services: [
                    {
                        name: "api", image: "public.ecr.aws/nginx/nginx:1.27", port: 80, paths: ["/api/*"], priority: 10,
                        deployment: { strategy: "BLUE_GREEN", bakeTimeInMinutes: 5 }, deregistrationDelaySeconds: 60,
                        sidecars: [{ name: "xray", image: "public.ecr.aws/xray/aws-xray-daemon:3.3.14", essential: false }],
                    },
                    { name: "worker", repository: "shop/worker", tag: "sha256:" + "a".repeat(64), internal: true, scaling: { minCapacity: 1, maxCapacity: 3 } },
                ],
            }, { provider }).url };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("serves plain HTTP only, with the 404 default, from the allowed range only, and says so in its URL", () => {
        const listeners = run.ofType("aws:lb/listener:Listener");
        assert.deepEqual(listeners.map((l) => [l.inputs.port, l.inputs.protocol, l.inputs.defaultActions[0].type]), [[80, "HTTP", "fixed-response"]]);
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.cidrIpv4 !== undefined);
        assert.deepEqual(ingress.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort]), [["203.0.113.0/24", 80]]);
        assert.equal(run.outputs!.url, "http://web-alb-1234567890.ap-southeast-2.elb.amazonaws.com");
    });

    it("deletion protection and access logs follow the arguments", () => {
        const [alb] = run.ofType("aws:lb/loadBalancer:LoadBalancer");
        assert.equal(alb.inputs.enableDeletionProtection, false);
        assert.deepEqual(alb.inputs.accessLogs, { bucket: "alb-logs-ap-southeast-2", prefix: "web", enabled: true });
    });

    it("BLUE_GREEN uses two target groups with the configured drain time and the infrastructure role", () => {
        const svc = run.named("web-api-service", "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.deploymentConfiguration, { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" });
        assert.equal(svc.inputs.loadBalancers[0].advancedConfiguration.roleArn, "arn:aws:iam::123456789012:role/web-api-infrastructure-0000000");
        assert.equal(svc.inputs.loadBalancers[0].advancedConfiguration.alternateTargetGroupArn,
            "arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:targetgroup/web-api-tg-green/73e2d6bc24d8a067");
        assert.deepEqual(run.ofType("aws:lb/targetGroup:TargetGroup").map((t) => [t.name, t.inputs.deregistrationDelay, t.inputs.port]),
            [["web-api-tg", 60, 80], ["web-api-tg-green", 60, 80]]);
    });

    it("a public image needs no ECR pull rights; a digest-pinned repository image is pulled by digest", () => {
        const api = JSON.parse(run.named("web-api-execution-policy").inputs.policy);
        assert.deepEqual(api.Statement.map((s: any) => s.Sid), ["WriteOwnLogs"]);
        const defs = JSON.parse(run.named("web-api-task", "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
        assert.deepEqual(defs.map((d: any) => [d.name, d.essential]), [["api", true], ["xray", false]]);
        const [worker] = JSON.parse(run.named("web-worker-task", "aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
        assert.equal(worker.image, `123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/shop/worker@sha256:${"a".repeat(64)}`);
    });

    it("the internal service has no load balancer, target group or ALB rule and is reachable only from the mesh group", () => {
        const svc = run.named("web-worker-service", "aws:ecs/service:Service");
        assert.equal(svc.inputs.loadBalancers, undefined);
        assert.equal(svc.inputs.healthCheckGracePeriodSeconds, undefined);
        const ingress = run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("web-worker"));
        assert.deepEqual(ingress.map((r) => [r.name, r.inputs.referencedSecurityGroupId, r.inputs.fromPort]), [["web-worker-in-mesh", "web-mesh-sg-id", 8080]]);
        assert.deepEqual(run.ofType("aws:lb/listenerRule:ListenerRule").map((r) => r.name), ["web-api-rule"]);
    });
});

/** A gRPC service behind the ALB: HTTPS only, a gRPC target group probing the standard health service. */
describe("FargateMicroservices with a gRPC service", () => {
    const base = {
        vpcId: "vpc-1", publicSubnetIds: ["pub-a", "pub-b"], privateSubnetIds: ["priv-a", "priv-b"],
    };
    const grpc = {
        name: "rpc", image: "public.ecr.aws/example/rpc:1.0", port: 50051, appProtocol: "grpc", paths: ["/shop.Orders/*"], priority: 10,
        containerHealthCheckCommand: ["CMD", "/bin/grpc_health_probe", "-addr=:50051"],
    };
    const attempt = (args: object) => runProgram(() => {
        const provider = new aws.Provider("aws-ap-southeast-2", { region: "ap-southeast-2" });
        new FargateMicroservices("web", { ...base, services: [grpc], ...args }, { provider });
    });
    let run: MockRun;
    before(async () => {
        run = await attempt({ certificateArn: "arn:aws:acm:ap-southeast-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b" });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("C10: the target group speaks gRPC and probes grpc.health.v1.Health/Check for status 0", () => {
        const [tg] = run.ofType("aws:lb/targetGroup:TargetGroup");
        assert.deepEqual([tg.inputs.protocolVersion, tg.inputs.healthCheck.path, tg.inputs.healthCheck.matcher], ["GRPC", "/grpc.health.v1.Health/Check", "0"]);
        const [def] = jsonInput(run.named("web-rpc-task", "aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions");
        assert.deepEqual(def.healthCheck.command, ["CMD", "/bin/grpc_health_probe", "-addr=:50051"]);
    });

    it("bad input: gRPC behind an HTTP-only load balancer, and without a gRPC container health check", async () => {
        assertInputError(await attempt({}), "services[0].appProtocol", `"grpc"`, "HTTPS listeners only");
        const { containerHealthCheckCommand: _c, ...noCheck } = grpc;
        assertInputError(await attempt({ services: [{ ...noCheck, internal: true, paths: undefined, priority: undefined }] }),
            "services[0].containerHealthCheckCommand", `"grpc"`, "grpc_health_probe");
    });
});

describe("settingsForRegion", () => {
    it("fills {region} into plain secret ARNs and passes an Output ARN through unchanged", () => {
        const fromStack = pulumi.output("arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/db-AbCdEf");
        const s = settingsForRegion({
            services: [{ name: "api", secrets: { FLAGS: "arn:aws:ssm:{region}:123456789012:parameter/shop/flags", DB: fromStack } }],
        }, "eu-west-1");
        assert.equal(s.services[0].secrets!.FLAGS, "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/flags");
        assert.equal(s.services[0].secrets!.DB, fromStack);
    });
});
