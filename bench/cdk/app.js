/**
 * The AWS CDK app that `npm run bench -- --vs-cdk` synthesizes beside the plan (`node app.js RxS
 * OUTDIR`): the architecture of the plan's synthetic platform (../program.ts) in CDK's own constructs,
 * with cdk-nag's AwsSolutions checks as the policy pack's counterpart. Per region a stack with a VPC of
 * three zones and a NAT gateway in each, an ECS cluster with a Cloud Map namespace for Service Connect,
 * one internet-facing ALB (HTTPS with the region's certificate, HTTP redirected), and per service a
 * Fargate task definition, its log group and a Fargate service; every fourth service internal
 * (Service Connect only), the rest behind the ALB by path at their own priority and scaled on CPU
 * between 2 and 10 tasks. The home region's stack also holds one ECR repository per service,
 * replicated to every other region. Prints the number of CloudFormation resources.
 * Plain JavaScript, so the project's tsc never needs aws-cdk-lib's types.
 */
"use strict";
const cdk = require("aws-cdk-lib");
const ec2 = require("aws-cdk-lib/aws-ec2");
const ecr = require("aws-cdk-lib/aws-ecr");
const ecs = require("aws-cdk-lib/aws-ecs");
const elbv2 = require("aws-cdk-lib/aws-elasticloadbalancingv2");
const logs = require("aws-cdk-lib/aws-logs");
const { AwsSolutionsChecks } = require("cdk-nag");

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1"];
const ACCOUNT = "123456789012";

function main() {
    const [regions, services] = String(process.argv[2] ?? "").split("x").map(Number);
    const outdir = process.argv[3];
    if (!(regions >= 1 && regions <= REGIONS.length && services >= 1 && outdir)) {
        console.error(`usage: node app.js <regions>x<services> OUTDIR (1 to ${REGIONS.length} regions)`);
        process.exit(2);
    }
    const used = REGIONS.slice(0, regions);
    // The findings go to the assembly's validation report rather than failing the synthesis: the
    // benchmark times the checks, and the plan, too, reports its violations and finishes.
    const app = new cdk.App({ outdir, context: { "@aws-cdk/core:failSynthOnValidationErrors": false } });
    const stacks = used.map((region) => regionStack(app, region, services));
    registry(stacks[0], used, services);
    // cdk-nag 3 runs as a validation plugin of the app (its README), reporting once synthesis is done.
    cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const assembly = app.synth();
    const resources = assembly.stacks.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length, 0);
    console.log(JSON.stringify({ resources, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

function regionStack(app, region, services) {
    const stack = new cdk.Stack(app, `bench-${region}`, { env: { account: ACCOUNT, region } });
    const vpc = new ec2.Vpc(stack, "Network", { maxAzs: 3, natGateways: 3 });
    vpc.addFlowLog("FlowLog");
    const cluster = new ecs.Cluster(stack, "Cluster", {
        vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED, defaultCloudMapNamespace: { name: "bench.internal", useForServiceConnect: true },
    });
    const alb = new elbv2.ApplicationLoadBalancer(stack, "Alb", { vpc, internetFacing: true, dropInvalidHeaderFields: true });
    const certificate = elbv2.ListenerCertificate.fromArn(`arn:aws:acm:${region}:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`);
    const https = alb.addListener("Https", {
        port: 443, certificates: [certificate], sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: elbv2.ListenerAction.fixedResponse(404),
    });
    alb.addRedirect({ sourcePort: 80, targetPort: 443 });
    for (let i = 0; i < services; i++) {
        const name = `service-${i}`;
        const internal = i % 4 === 3;
        const task = new ecs.FargateTaskDefinition(stack, `Task${i}`, { cpu: 256, memoryLimitMiB: 512 });
        const repository = ecr.Repository.fromRepositoryName(stack, `Repo${i}`, `bench/${name}`);
        task.addContainer("app", {
            image: ecs.ContainerImage.fromEcrRepository(repository, "1.0.0"),
            portMappings: [{ containerPort: 8080, name: "http" }],
            readonlyRootFilesystem: true,
            logging: ecs.LogDrivers.awsLogs({
                streamPrefix: name, logGroup: new logs.LogGroup(stack, `Logs${i}`, { retention: logs.RetentionDays.ONE_MONTH }),
            }),
        });
        const service = new ecs.FargateService(stack, `Service${i}`, {
            cluster, taskDefinition: task, desiredCount: 2, circuitBreaker: { rollback: true },
            serviceConnectConfiguration: { services: [{ portMappingName: "http", dnsName: name }] },
        });
        if (internal) {
            continue;
        }
        https.addTargets(`Target${i}`, {
            port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, targets: [service], priority: 100 + i,
            conditions: [elbv2.ListenerCondition.pathPatterns([`/${name}`, `/${name}/*`])], healthCheck: { path: "/health" },
        });
        service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization("Cpu", { targetUtilizationPercent: 60 });
    }
    return stack;
}

function registry(stack, regions, services) {
    for (let i = 0; i < services; i++) {
        new ecr.Repository(stack, `Registry${i}`, {
            repositoryName: `bench/service-${i}`, imageScanOnPush: true, imageTagMutability: ecr.TagMutability.IMMUTABLE,
            lifecycleRules: [{ maxImageCount: 50 }],
        });
    }
    if (regions.length > 1) {
        new ecr.CfnReplicationConfiguration(stack, "Replication", {
            replicationConfiguration: {
                rules: [{ destinations: regions.slice(1).map((region) => ({ region, registryId: ACCOUNT })) }],
            },
        });
    }
}

main();
