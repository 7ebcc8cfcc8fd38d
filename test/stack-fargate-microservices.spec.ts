import * as assert from "node:assert/strict";
import { FARGATE_SIZES } from "../components/ecs";
import { assertInputError, jsonInput, MockRun, runStack , stackConfig } from "./harness";

const REGIONS = ["eu-west-1", "us-east-1"];
const SERVICES = ["orders", "payments", "storefront"];

/** The stack's microservices section, for bad-input variants that change one field. */
function section(): any {
    return JSON.parse(stackConfig("fargate-microservices")["aws-containers:microservices"]);
}

describe("fargate-microservices stack", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("fargate-microservices");
        assert.equal(run.error, undefined, String(run.error));
    });

    const ofType = (type: string, region?: string) => run.ofType(type).filter((r) => region === undefined || r.region === region);
    const byService = (type: string, region: string) => Object.fromEntries(ofType(type, region)
        .map((r) => [r.name.replace(`microservices-${region}-`, "").split("-")[0], r]));
    const services = (region: string) => byService("aws:ecs/service:Service", region);
    const tasks = (region: string) => byService("aws:ecs/taskDefinition:TaskDefinition", region);
    const sgId = (name: string) => `${name}-id`;

    it("builds one network and one FargateMicroservices per region, named <component>-<region> (D10)", () => {
        assert.deepEqual(run.ofType("aws-containers:microservices:FargateMicroservices").map((r) => r.name).sort(),
            REGIONS.map((r) => `microservices-${r}`));
        assert.deepEqual(run.ofType("aws-containers:network:RegionalNetwork").map((r) => r.name).sort(), REGIONS.map((r) => `network-${r}`));
        for (const region of REGIONS) {
            assert.deepEqual(Object.keys(services(region)).sort(), SERVICES);
        }
    });

    it("D2: every resource of a region's component is on that region's provider", () => {
        for (const region of REGIONS) {
            const component = run.named(`microservices-${region}`, "aws-containers:microservices:FargateMicroservices");
            const provider = run.named(`aws-${region}`, "pulumi:providers:aws");
            const children = run.descendantsOf(component.urn).filter((r) => r.custom);
            // 11 shared (namespace, cluster, capacity, key, ALB, its group and rules, listeners, mesh group), storefront 18, orders 22, payments 12.
            assert.equal(children.length, 63);
            for (const r of children) {
                assert.equal(r.providerUrn, provider.urn, `${r.name} is not on aws-${region}`);
                assert.equal(r.region, region);
            }
        }
    });

    it("C2: every cluster declares its capacity providers; this stack is Fargate-only (no EC2 capacity)", () => {
        for (const region of REGIONS) {
            const [cp] = ofType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", region);
            assert.deepEqual(cp.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
            assert.equal(cp.inputs.clusterName, `microservices-${region}-cluster-0000000`);
            for (const td of Object.values(tasks(region))) {
                assert.deepEqual(td.inputs.requiresCompatibilities, ["FARGATE"]);
            }
        }
        assert.deepEqual(run.ofType("aws:autoscaling/group:Group"), []);
        assert.deepEqual(run.ofType("aws:ecs/capacityProvider:CapacityProvider"), []);
    });

    it("C4: task sizes are in the Fargate table, both roles are set and every container logs through awslogs", () => {
        const expected: { [svc: string]: [string, string] } = { orders: ["1024", "2048"], payments: ["512", "1024"], storefront: ["512", "1024"] };
        for (const region of REGIONS) {
            for (const [svc, td] of Object.entries(tasks(region))) {
                assert.deepEqual([td.inputs.cpu, td.inputs.memory], expected[svc]);
                assert.ok(FARGATE_SIZES[Number(td.inputs.cpu)].includes(Number(td.inputs.memory)));
                assert.equal(td.inputs.taskRoleArn, `arn:aws:iam::123456789012:role/microservices-${region}-${svc}-task-0000000`);
                assert.equal(td.inputs.executionRoleArn, `arn:aws:iam::123456789012:role/microservices-${region}-${svc}-execution-0000000`);
                for (const c of jsonInput<any[]>(td, "containerDefinitions")) {
                    assert.equal(c.logConfiguration.logDriver, "awslogs");
                    assert.equal(c.logConfiguration.options["awslogs-region"], region);
                    assert.equal(c.logConfiguration.options["awslogs-group"], `/ecs/microservices-${region}-${svc}-microservices-${region}-${svc}-logs`);
                }
            }
            for (const lg of ofType("aws:cloudwatch/logGroup:LogGroup", region).filter((l) => l.name.startsWith("microservices-"))) {
                assert.equal(lg.inputs.retentionInDays, 30);
                assert.equal(lg.inputs.kmsKeyId, `arn:aws:kms:${region}:123456789012:key/microservices-${region}-logs-key`);
            }
        }
    });

    it("C4: images come from the registry's repositories by regional URI; the execution role reads exactly its secrets", () => {
        for (const region of REGIONS) {
            const [payments] = jsonInput<any[]>(tasks(region).payments, "containerDefinitions");
            assert.equal(payments.image, `123456789012.dkr.ecr.${region}.amazonaws.com/shop/payments:3.1.4`);
            assert.deepEqual(payments.secrets, [
                { name: "PSP_API_KEY", valueFrom: `arn:aws:secretsmanager:${region}:123456789012:secret:shop/payments/psp-key-Hq81Zc` },
                { name: "WEBHOOK_SIGNING_KEY", valueFrom: `arn:aws:ssm:${region}:123456789012:parameter/shop/payments/webhook-signing-key` },
            ]);
            const policy = jsonInput(run.named(`microservices-${region}-payments-execution-policy`), "policy");
            assert.deepEqual(policy.Statement.slice(2), [
                { Sid: "PullOwnImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                    Resource: [`arn:aws:ecr:${region}:123456789012:repository/shop/payments`] },
                { Sid: "ReadOwnSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue",
                    Resource: [`arn:aws:secretsmanager:${region}:123456789012:secret:shop/payments/psp-key-Hq81Zc`] },
                { Sid: "ReadOwnParameters", Effect: "Allow", Action: "ssm:GetParameters",
                    Resource: [`arn:aws:ssm:${region}:123456789012:parameter/shop/payments/webhook-signing-key`] },
            ]);
            const storefront = jsonInput(run.named(`microservices-${region}-storefront-execution-policy`), "policy");
            assert.deepEqual(storefront.Statement.map((s: any) => s.Sid), ["WriteOwnLogs", "EcrLogin", "PullOwnImages"]);
        }
    });

    it("C5: a Cloud Map namespace per region; every service joins it through Service Connect under its own name; no App Mesh", () => {
        for (const region of REGIONS) {
            const [ns] = ofType("aws:servicediscovery/httpNamespace:HttpNamespace", region);
            assert.equal(ns.inputs.name, `microservices-${region}`);
            const nsArn = `arn:aws:servicediscovery:${region}:123456789012:microservices-${region}-namespace`;
            assert.deepEqual(ofType("aws:ecs/cluster:Cluster", region)[0].inputs.serviceConnectDefaults, { namespace: nsArn });
            for (const [svc, s] of Object.entries(services(region))) {
                const sc = s.inputs.serviceConnectConfiguration;
                assert.equal(sc.enabled, true);
                assert.equal(sc.namespace, nsArn);
                assert.deepEqual(sc.services, [{ portName: svc, discoveryName: svc, clientAlias: [{ port: 8080, dnsName: svc }] }]);
                assert.equal(sc.logConfiguration.options["awslogs-stream-prefix"], "service-connect");
                const [main] = jsonInput<any[]>(tasks(region)[svc], "containerDefinitions");
                assert.deepEqual(main.portMappings, [{ containerPort: 8080, protocol: "tcp", name: svc, appProtocol: "http" }]);
            }
        }
        assert.deepEqual(run.resources.filter((r) => r.type.startsWith("aws:appmesh/")), []);
    });

    it("C5, C15: the load balancer alone reaches exposed tasks, services reach each other only through the mesh group, on their port", () => {
        for (const region of REGIONS) {
            const p = `microservices-${region}`;
            const ingress = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", region).filter((r) => r.name.startsWith(p));
            const rows = ingress.map((r) => [r.name.slice(p.length + 1), r.inputs.securityGroupId, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]).sort();
            assert.deepEqual(rows, [
                ["alb-in-443-0", sgId(`${p}-alb-sg`), "0.0.0.0/0", 443, 443],
                ["alb-in-80-0", sgId(`${p}-alb-sg`), "0.0.0.0/0", 80, 80],
                ["orders-in-alb", sgId(`${p}-orders-sg`), sgId(`${p}-alb-sg`), 8080, 8080],
                ["orders-in-mesh", sgId(`${p}-orders-sg`), sgId(`${p}-mesh-sg`), 8080, 8080],
                ["payments-in-mesh", sgId(`${p}-payments-sg`), sgId(`${p}-mesh-sg`), 8080, 8080],
                ["storefront-in-alb", sgId(`${p}-storefront-sg`), sgId(`${p}-alb-sg`), 8080, 8080],
                ["storefront-in-mesh", sgId(`${p}-storefront-sg`), sgId(`${p}-mesh-sg`), 8080, 8080],
            ]);
            for (const [svc, s] of Object.entries(services(region))) {
                assert.deepEqual(s.inputs.networkConfiguration.securityGroups, [sgId(`${p}-${svc}-sg`), sgId(`${p}-mesh-sg`)]);
            }
            const albEgress = ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", region)
                .filter((r) => r.inputs.securityGroupId === sgId(`${p}-alb-sg`)).map((r) => r.inputs.referencedSecurityGroupId).sort();
            assert.deepEqual(albEgress, [sgId(`${p}-orders-sg`), sgId(`${p}-storefront-sg`)]);
        }
    });

    it("C8: clusters attach FARGATE and FARGATE_SPOT; user-facing services run on on-demand Fargate", () => {
        for (const region of REGIONS) {
            const [cp] = ofType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", region);
            assert.deepEqual(cp.inputs.defaultCapacityProviderStrategies, [{ capacityProvider: "FARGATE", base: 0, weight: 1 }]);
            for (const s of Object.values(services(region))) {
                assert.deepEqual(s.inputs.capacityProviderStrategies, [{ capacityProvider: "FARGATE", base: 0, weight: 1 }]);
            }
        }
    });

    it("C9: every task runs on ARM64 (Graviton)", () => {
        const platforms = run.ofType("aws:ecs/taskDefinition:TaskDefinition").map((t) => t.inputs.runtimePlatform);
        assert.equal(platforms.length, 6);
        assert.ok(platforms.every((p) => p.cpuArchitecture === "ARM64" && p.operatingSystemFamily === "LINUX"));
    });

    it("C10: containers have health checks; target groups check explicitly and drain for 30 s", () => {
        for (const region of REGIONS) {
            for (const [svc, td] of Object.entries(tasks(region))) {
                const [main] = jsonInput<any[]>(td, "containerDefinitions");
                assert.deepEqual(main.healthCheck, {
                    command: ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"], interval: 30, timeout: 5, retries: 3, startPeriod: 30,
                }, svc);
            }
            const tgs = ofType("aws:lb/targetGroup:TargetGroup", region);
            assert.deepEqual(tgs.map((t) => t.name).sort(), ["orders-tg", "orders-tg-green", "storefront-tg"].map((n) => `microservices-${region}-${n}`));
            for (const tg of tgs) {
                assert.equal(tg.inputs.targetType, "ip");
                assert.equal(tg.inputs.deregistrationDelay, 30);
                assert.deepEqual(tg.inputs.healthCheck, {
                    enabled: true, protocol: "HTTP", port: "traffic-port", path: "/health", matcher: "200-399",
                    interval: 15, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3,
                });
            }
            assert.equal(services(region).orders.inputs.healthCheckGracePeriodSeconds, 60);
            assert.equal(services(region).payments.inputs.loadBalancers, undefined);
        }
    });

    it("C11: every cluster has enhanced Container Insights", () => {
        const settings = run.ofType("aws:ecs/cluster:Cluster").map((c) => c.inputs.settings);
        assert.deepEqual(settings, REGIONS.map(() => [{ name: "containerInsights", value: "enhanced" }]));
    });

    it("C15: services run in the private subnets of all three zones, without public IPs", () => {
        for (const region of REGIONS) {
            const privateSubnets = ofType("aws:ec2/subnet:Subnet", region).filter((s) => s.inputs.tags.tier === "private");
            assert.equal(new Set(privateSubnets.map((s) => s.inputs.availabilityZone)).size, 3);
            for (const s of Object.values(services(region))) {
                assert.deepEqual(s.inputs.networkConfiguration.subnets, privateSubnets.map((x) => x.id));
                assert.equal(s.inputs.networkConfiguration.assignPublicIp, false);
                assert.equal(s.inputs.orderedPlacementStrategies, undefined);
                assert.equal(s.inputs.availabilityZoneRebalancing, "ENABLED");
            }
        }
    });

    it("the ALB is internet-facing in public subnets, drops invalid headers, serves HTTPS and redirects HTTP", () => {
        for (const region of REGIONS) {
            const [alb] = ofType("aws:lb/loadBalancer:LoadBalancer", region);
            const publicSubnets = ofType("aws:ec2/subnet:Subnet", region).filter((s) => s.inputs.tags.tier === "public").map((s) => s.id);
            assert.deepEqual([alb.inputs.internal, alb.inputs.subnets, alb.inputs.dropInvalidHeaderFields, alb.inputs.enableDeletionProtection, alb.inputs.accessLogs],
                [false, publicSubnets, true, true, undefined]);
            const listeners = Object.fromEntries(ofType("aws:lb/listener:Listener", region).map((l) => [l.inputs.port, l.inputs]));
            assert.deepEqual(listeners[80].defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
            assert.equal(listeners[443].protocol, "HTTPS");
            assert.equal(listeners[443].sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.match(listeners[443].certificateArn, new RegExp(`^arn:aws:acm:${region}:123456789012:certificate/`));
            assert.equal(listeners[443].defaultActions[0].fixedResponse.statusCode, "404");
        }
    });

    it("listener rules route paths and hosts at their fixed priorities; the canary rule's weights belong to ECS", () => {
        for (const region of REGIONS) {
            const rules = byService("aws:lb/listenerRule:ListenerRule", region);
            const https = `arn:aws:lb:${region}:123456789012:microservices-${region}-https`;
            const tg = (n: string) => `arn:aws:elasticloadbalancing:${region}:123456789012:targetgroup/microservices-${region}-${n}/73e2d6bc24d8a067`;
            assert.deepEqual(rules.orders.inputs, {
                listenerArn: https, priority: 100,
                conditions: [{ pathPattern: { values: ["/api/orders", "/api/orders/*"] } }, { hostHeader: { values: ["shop.example.com"] } }],
                actions: [{ type: "forward", forward: { targetGroups: [{ arn: tg("orders-tg"), weight: 100 }, { arn: tg("orders-tg-green"), weight: 0 }] } }],
            });
            assert.deepEqual(rules.orders.ignoreChanges, ["actions"]);
            assert.deepEqual(rules.storefront.inputs, {
                listenerArn: https, priority: 1000,
                conditions: [{ pathPattern: { values: ["/*"] } }, { hostHeader: { values: ["shop.example.com"] } }],
                actions: [{ type: "forward", targetGroupArn: tg("storefront-tg") }],
            });
            assert.deepEqual(rules.storefront.ignoreChanges, []);
        }
    });

    it("deployments: circuit breaker everywhere, orders canaries 10% and rolls back on its 5xx alarms", () => {
        for (const region of REGIONS) {
            const s = services(region);
            for (const svc of Object.values(s)) {
                assert.deepEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.deepEqual(svc.inputs.deploymentController, { type: "ECS" });
            }
            assert.deepEqual(s.orders.inputs.deploymentConfiguration, {
                strategy: "CANARY", bakeTimeInMinutes: "15", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" },
            });
            const p = `microservices-${region}`;
            assert.deepEqual(s.orders.inputs.alarms, { alarmNames: [`${p}-orders-5xx-0000000`, `${p}-orders-5xx-green-0000000`], enable: true, rollback: true });
            assert.equal(s.orders.inputs.loadBalancers[0].advancedConfiguration.productionListenerRule,
                `arn:aws:lb:${region}:123456789012:${p}-orders-rule`);
            assert.deepEqual(s.storefront.inputs.deploymentConfiguration, { strategy: "ROLLING" });
            assert.deepEqual(s.storefront.inputs.alarms.alarmNames, [`${p}-storefront-5xx-0000000`]);
            assert.equal(s.payments.inputs.alarms, undefined);
            const alarm = run.named(`${p}-orders-5xx`, "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.deepEqual([alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.threshold], ["HTTPCode_Target_5XX_Count",
                { LoadBalancer: `app/${p}-alb/50dc6c495c0c9188`, TargetGroup: `targetgroup/${p}-orders-tg/73e2d6bc24d8a067` }, 10]);
        }
    });

    it("scaling: storefront tracks CPU and requests per target on its target group, orders CPU and memory", () => {
        const region = "us-east-1";
        const p = `microservices-${region}`;
        const policies = (svc: string) => ofType("aws:appautoscaling/policy:Policy", region).filter((r) => r.name.startsWith(`${p}-${svc}-`))
            .map((r) => [r.name.slice(`${p}-${svc}-scaling-`.length), r.inputs.targetTrackingScalingPolicyConfiguration.targetValue,
                r.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel]);
        assert.deepEqual(policies("storefront"), [["cpu", 60, undefined],
            ["requests", 1000, `app/${p}-alb/50dc6c495c0c9188/targetgroup/${p}-storefront-tg/73e2d6bc24d8a067`]]);
        assert.deepEqual(policies("orders"), [["cpu", 60, undefined], ["memory", 75, undefined]]);
        const targets = byService("aws:appautoscaling/target:Target", region);
        assert.deepEqual([targets.orders.inputs.minCapacity, targets.orders.inputs.maxCapacity], [2, 30]);
        assert.deepEqual(services(region).storefront.ignoreChanges, ["desiredCount"]);
    });

    it("exports each region's URL, cluster and service names", () => {
        const out = (run.outputs!.regions as any)["eu-west-1"];
        assert.equal(out.url, "https://microservices-eu-west-1-alb-1234567890.eu-west-1.elb.amazonaws.com");
        assert.deepEqual(Object.keys(out.serviceNames).sort(), SERVICES);
    });

    describe("bad input: a clear error and nothing registered", () => {
        const withService = (i: number, change: (s: any) => void) => {
            const s = section();
            change(s.services[i]);
            return runStack("fargate-microservices", { microservices: s });
        };
        it("an invalid Fargate size (8192 CPU with 18432 MiB; 20480 is valid, 8 vCPU takes 16-60 GB in 4 GB steps)", async () => {
            assertInputError(await withService(1, (s) => { s.cpu = 8192; s.memory = 18432; }), "services[1].memory", "18432", "16384-61440 MiB in steps of 4096");
        });
        it("two services on the same path", async () => {
            assertInputError(await withService(0, (s) => { s.paths = ["/api/orders/*"]; }), "services[1].paths", `"/api/orders/*"`, `"storefront"`);
        });
        it("a secret that is not an ARN", async () => {
            assertInputError(await withService(2, (s) => { s.secrets.PSP_API_KEY = "shop/payments/psp-key"; }),
                "services[2].secrets.PSP_API_KEY", `"shop/payments/psp-key"`, "Secrets Manager ARN");
        });
        it("a canary percentage out of range", async () => {
            assertInputError(await withService(1, (s) => { s.deployment.canaryPercent = 150; }), "services[1].deployment.canaryPercent", "150", "0.1 to 100");
        });
        it("min capacity above max", async () => {
            assertInputError(await withService(0, (s) => { s.scaling.minCapacity = 30; }), "services[0].scaling.minCapacity", "30", "maxCapacity 20");
        });
        it("an exposed service without a priority, and an internal one with a path", async () => {
            const s = section();
            delete s.services[0].priority;
            s.services[2].paths = ["/pay/*"];
            const r = await runStack("fargate-microservices", { microservices: s });
            assertInputError(r, "services[0].priority", "(unset)", "1 to 50000");
            assertInputError(r, "services[2].internal", "internal service has no load balancer");
        });
    });
});
