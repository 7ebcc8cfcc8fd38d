import * as assert from "node:assert/strict";
import { assertInputError, jsonInput, MockRun, RecordedResource, runStack, typeCounts , stackConfig } from "./harness";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const ALL = [...REGIONS, "us-west-2"];
const ACCOUNT = "123456789012";

/** Types that exist once for all regions, or that by nature reference several regions (D3 in docs/design.md). */
const GLOBAL_TYPES = [
    "aws:globalaccelerator/accelerator:Accelerator", "aws:globalaccelerator/listener:Listener",
    "aws:globalaccelerator/endpointGroup:EndpointGroup", "aws:dynamodb/table:Table", "aws:dynamodb/tableReplica:TableReplica",
    "aws:route53/healthCheck:HealthCheck", "aws:route53/record:Record",
];
/** Of those, the ones on the us-west-2 provider; the table and replicas live in their own regions. */
const ON_GLOBAL_PROVIDER = GLOBAL_TYPES.filter((t) => !t.startsWith("aws:dynamodb/"));

/** The stack's own section, so a test can change one field of it. */
/** The shared section (Pulumi.yaml) with the dials, which per-region stacks keep in the edge stack's file. */
function section(): any {
    const dials = JSON.parse(stackConfig("active-active-edge")["aws-containers:trafficDials"]);
    return { ...JSON.parse(stackConfig("active-active")["aws-containers:active-active"]), trafficDials: dials };
}

/** The region a resource's name says it belongs to (`app-<region>…`); undefined for the global ones. */
function regionInName(r: RecordedResource, regions = ALL): string | undefined {
    return regions.find((region) => r.name === `app-${region}` || r.name.startsWith(`app-${region}-`));
}

const albArn = (region: string) => `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/app-${region}-alb/50dc6c495c0c9188`;

describe("active-active stack (architecture 4)", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("active-active");
        assert.equal(run.error, undefined, String(run.error));
    });

    const byRegion = (type: string): { [region: string]: RecordedResource } =>
        Object.fromEntries(run.ofType(type).map((r) => [regionInName(r)!, r]));

    it("builds a network and FargateMicroservices in each of the three regions, and the global pieces once", () => {
        const counts = typeCounts(run.workload);
        assert.equal(counts["aws-containers:network:RegionalNetwork"], 3);
        assert.equal(counts["aws-containers:microservices:FargateMicroservices"], 3);
        assert.deepEqual(GLOBAL_TYPES.map((t) => counts[t]), [1, 1, 3, 1, 2, 3, 4]);
        assert.deepEqual(run.ofType("aws:lb/loadBalancer:LoadBalancer").map((r) => r.region).sort(), [...REGIONS].sort());
    });

    it("D3: one endpoint group per region, whose only endpoint is that region's ALB, with client IP preservation and no ignored health-check settings", () => {
        const groups = byRegion("aws:globalaccelerator/endpointGroup:EndpointGroup");
        assert.deepEqual(Object.keys(groups).sort(), [...REGIONS].sort());
        const listener = run.named("app-listener", "aws:globalaccelerator/listener:Listener");
        for (const region of REGIONS) {
            const g = groups[region];
            const alb = run.named(`app-${region}-alb`, "aws:lb/loadBalancer:LoadBalancer");
            assert.equal(alb.region, region);
            assert.deepEqual({ ...g.inputs, listenerArn: undefined }, {
                listenerArn: undefined,
                endpointGroupRegion: region,
                trafficDialPercentage: 100,
                // Global Accelerator ignores health-check settings for ALB endpoints (issue 18 row 10).
                endpointConfigurations: [{ endpointId: albArn(region), weight: 128, clientIpPreservationEnabled: true }],
            });
            assert.match(g.inputs.listenerArn, /^arn:aws:globalaccelerator::123456789012:accelerator\/[0-9a-f-]+\/listener\/[0-9a-f]+$/);
            assert.deepEqual([...g.dependencies].sort(), [alb.urn, listener.urn].sort());
        }
    });

    it("D3: the accelerator listens on TCP 80 and 443 without affinity", () => {
        const acc = run.named("app-accelerator", "aws:globalaccelerator/accelerator:Accelerator");
        assert.deepEqual(acc.inputs, { name: "app", ipAddressType: "IPV4", enabled: true, attributes: { flowLogsEnabled: false } });
        const listener = run.named("app-listener", "aws:globalaccelerator/listener:Listener");
        assert.equal(listener.inputs.protocol, "TCP");
        assert.equal(listener.inputs.clientAffinity, "NONE");
        assert.deepEqual(listener.inputs.portRanges, [{ fromPort: 80, toPort: 80 }, { fromPort: 443, toPort: 443 }]);
        assert.deepEqual(run.outputs!.acceleratorIpAddresses, ["75.2.60.5", "99.83.190.51"]);
    });

    it("D2, D3: regional resources use their region's provider; Global Accelerator and Route 53 use a separate us-west-2 provider", () => {
        const component = run.named("app", "aws-containers:global:ActiveActive");
        const providers = run.ofType("pulumi:providers:aws");
        assert.deepEqual(providers.map((p) => [p.name, p.inputs.region, p.parent]).sort(), [
            ["app-ap-southeast-2", "ap-southeast-2", component.urn], ["app-eu-west-1", "eu-west-1", component.urn],
            ["app-global-us-west-2", "us-west-2", component.urn], ["app-us-east-1", "us-east-1", component.urn],
        ]);
        const global = run.named("app-global-us-west-2", "pulumi:providers:aws");
        const custom = run.descendantsOf(component.urn).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        assert.ok(custom.length > 300, `only ${custom.length} resources`);
        for (const r of custom) {
            if (ON_GLOBAL_PROVIDER.includes(r.type)) {
                assert.equal(r.providerUrn, global.urn, `${r.name} is not on the global provider`);
            } else {
                const region = regionInName(r) ?? "us-east-1"; // the table itself is named app-table, in the home region
                assert.equal(r.providerUrn, run.named(`app-${region}`, "pulumi:providers:aws").urn, `${r.name} is not on app-${region}`);
                assert.equal(r.region, region);
            }
        }
    });

    it("D3, D9: the global table is on-demand, KMS-encrypted, point-in-time recoverable, streamed and protected, in the home region", () => {
        const [table] = run.ofType("aws:dynamodb/table:Table");
        assert.equal(table.region, "us-east-1");
        assert.deepEqual(table.inputs, {
            billingMode: "PAY_PER_REQUEST",
            hashKey: "pk",
            rangeKey: "sk",
            attributes: [{ name: "pk", type: "S" }, { name: "sk", type: "S" }],
            streamEnabled: true,
            streamViewType: "NEW_AND_OLD_IMAGES",
            serverSideEncryption: { enabled: true, kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/app-us-east-1-table-key` },
            pointInTimeRecovery: { enabled: true },
            deletionProtectionEnabled: true,
            ttl: { enabled: true, attributeName: "expiresAt" },
        });
        assert.equal(table.retainOnDelete, true);
        assert.deepEqual(table.ignoreChanges, ["replicas"]);
    });

    it("D3, D9: one replica per other region, each encrypted with a key of its own region, protected and recoverable", () => {
        const replicas = byRegion("aws:dynamodb/tableReplica:TableReplica");
        assert.deepEqual(Object.keys(replicas).sort(), ["ap-southeast-2", "eu-west-1"]);
        for (const [region, r] of Object.entries(replicas)) {
            assert.equal(r.region, region);
            assert.deepEqual(r.inputs, {
                globalTableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app-table-0000000`,
                kmsKeyArn: `arn:aws:kms:${region}:${ACCOUNT}:key/app-${region}-table-key`,
                pointInTimeRecovery: true,
                deletionProtectionEnabled: true,
            });
            assert.equal(r.retainOnDelete, true);
        }
        const keys = run.ofType("aws:kms/key:Key").filter((k) => k.name.endsWith("-table-key"));
        assert.deepEqual(keys.map((k) => [k.name, k.region]).sort(), REGIONS.map((r) => [`app-${r}-table-key`, r]).sort());
        assert.ok(keys.every((k) => k.retainOnDelete && k.inputs.enableKeyRotation === true && k.inputs.deletionWindowInDays === 30));
    });

    it("each region's task roles may use their local replica and key only, and only for the services given table access", () => {
        for (const region of REGIONS) {
            for (const svc of ["orders", "payments"]) {
                const doc = jsonInput(run.named(`app-${region}-${svc}-task-app-policy`, "aws:iam/rolePolicy:RolePolicy"), "policy");
                const local = `arn:aws:dynamodb:${region}:${ACCOUNT}:table/app-table-0000000`;
                assert.deepEqual(doc.Statement.map((s: any) => [s.Sid, s.Resource]), [
                    ["LocalReplicaItems", [local, `${local}/index/*`]],
                    ["LocalReplicaKey", `arn:aws:kms:${region}:${ACCOUNT}:key/app-${region}-table-key`],
                ]);
                assert.deepEqual(doc.Statement[1].Condition, { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } });
            }
            assert.throws(() => run.named(`app-${region}-storefront-task-app-policy`), /no resource named/);
        }
    });

    it("Route 53: an HTTPS health check per region on its ALB, and latency records that fail over on them", () => {
        const checks = byRegion("aws:route53/healthCheck:HealthCheck");
        const records = run.ofType("aws:route53/record:Record");
        for (const region of REGIONS) {
            assert.deepEqual(checks[region].inputs, {
                type: "HTTPS", port: 443, fqdn: `app-${region}-alb-1234567890.${region}.elb.amazonaws.com`, resourcePath: "/health",
                requestInterval: 10, failureThreshold: 3, measureLatency: true, tags: { Name: `app-${region}` },
            });
            const record = records.find((r) => r.name === `app-${region}-latency`)!;
            assert.deepEqual(record.inputs, {
                zoneId: "Z0123456789ABCDEFGHIJ", name: "api.shop.example.com", type: "A", setIdentifier: region,
                latencyRoutingPolicies: [{ region }], healthCheckId: `app-${region}-health-id`,
                aliases: [{
                    name: `app-${region}-alb-1234567890.${region}.elb.amazonaws.com`,
                    zoneId: { "us-east-1": "Z35SXDOTRQ7X7K", "eu-west-1": "Z32O12XQLNTSW2", "ap-southeast-2": "Z1GM3OXH4ZPM65" }[region],
                    evaluateTargetHealth: true,
                }],
            });
        }
        const acc = run.named("app-accelerator", "aws:route53/record:Record");
        assert.deepEqual(acc.inputs.aliases, [{ name: run.outputs!.acceleratorDnsName, zoneId: "Z2BJ6XQ5FK7U4H", evaluateTargetHealth: true }]);
        assert.equal(acc.inputs.name, "shop.example.com");
    });

    it("rollout: exposed services deploy as ECS-native canaries that roll back on their 5xx alarms; the waves start with the canary region", () => {
        for (const region of REGIONS) {
            const services = Object.fromEntries(run.ofType("aws:ecs/service:Service").filter((s) => s.region === region)
                .map((s) => [s.name.replace(`app-${region}-`, "").replace(/-service$/, ""), s.inputs]));
            assert.deepEqual(services.storefront.deploymentConfiguration, {
                strategy: "CANARY", bakeTimeInMinutes: "15", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "10" },
            });
            // No deployment in the config: ActiveActive's default canary (5% for 10 minutes).
            assert.deepEqual(services.orders.deploymentConfiguration, {
                strategy: "CANARY", bakeTimeInMinutes: "10", canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: "10" },
            });
            for (const svc of ["storefront", "orders"]) {
                assert.deepEqual(services[svc].alarms, {
                    alarmNames: [`app-${region}-${svc}-5xx-0000000`, `app-${region}-${svc}-5xx-green-0000000`], enable: true, rollback: true,
                });
            }
            assert.deepEqual(services.payments.deploymentConfiguration, { strategy: "ROLLING" });
        }
        assert.deepEqual(run.outputs!.deploymentOrder, ["eu-west-1", "us-east-1", "ap-southeast-2"]);
    });

    /**
     * Blast radius: a regional resource may depend on, and name in its inputs, resources of its own region
     * and the global ones only (accelerator, listener, endpoint groups, table and replicas, Route 53).
     */
    it("D9: no resource of one region depends on, or refers to, a resource of another region except the global ones", () => {
        const regional = run.workload.filter((r) => !GLOBAL_TYPES.includes(r.type) && regionInName(r) !== undefined);
        assert.ok(regional.length > 300);
        for (const r of regional) {
            const own = regionInName(r)!;
            for (const urn of r.dependencies) {
                const dep = run.byUrn(urn)!;
                assert.ok(GLOBAL_TYPES.includes(dep.type) || regionInName(dep) === own,
                    `${r.name} (${own}) depends on ${dep.name}`);
            }
            const text = JSON.stringify(r.inputs);
            for (const other of REGIONS.filter((x) => x !== own)) {
                assert.ok(!text.includes(other), `${r.name} (${own}) refers to ${other}: ${text.slice(text.indexOf(other) - 80, text.indexOf(other) + 40)}`);
            }
        }
    });

    /**
     * Replacement-triggering inputs, as defined here: every input of every custom resource (a superset of
     * the inputs AWS marks as forcing replacement), plus its provider and parent. The table's replica
     * list would be the one global input that must list regions, but replicas are their own resources,
     * so no existing input may change at all.
     */
    describe("D9: adding a fourth region (us-west-2)", () => {
        let four: MockRun;
        before(async () => {
            const s = section();
            s.microservices.cidrBlocks["us-west-2"] = "10.60.0.0/16";
            s.microservices.certificateArns["us-west-2"] = `arn:aws:acm:us-west-2:${ACCOUNT}:certificate/5e6f7081-92a3-4b42-d5e6-f7a8b9c0d1e2`;
            s.trafficDials["us-west-2"] = 10;
            four = await runStack("active-active", { "regions": ALL, "active-active": s });
            assert.equal(four.error, undefined, String(four.error));
        });

        it("keeps every existing resource's URN, provider, parent and inputs", () => {
            for (const r of run.resources) {
                const after = four.byUrn(r.urn);
                assert.ok(after, `${r.urn} disappeared`);
                if (r.custom) {
                    assert.deepEqual([after.providerUrn, after.parent], [r.providerUrn, r.parent], r.urn);
                    assert.deepEqual(after.inputs, r.inputs, `${r.urn} changed its inputs`);
                }
            }
        });

        it("adds only resources named for the new region, the accelerator's on the same global provider", () => {
            const added = four.resources.filter((r) => !run.byUrn(r.urn));
            assert.ok(added.length > 100);
            assert.deepEqual(added.filter((r) => regionInName(r) !== "us-west-2").map((r) => r.name), []);
            const group = four.named("app-us-west-2-endpoints", "aws:globalaccelerator/endpointGroup:EndpointGroup");
            assert.equal(group.providerUrn, run.named("app-global-us-west-2", "pulumi:providers:aws").urn);
            assert.equal(group.inputs.trafficDialPercentage, 10);
            assert.equal(four.named("app-us-west-2-replica", "aws:dynamodb/tableReplica:TableReplica").region, "us-west-2");
            assert.deepEqual(four.outputs!.deploymentOrder, ["eu-west-1", "us-east-1", "ap-southeast-2", "us-west-2"]);
        });
    });

    describe("bad input: a clear error and nothing registered", () => {
        it("fewer than two regions", async () => {
            const s = section();
            delete s.trafficDials;
            assertInputError(await runStack("active-active", { "regions": ["us-east-1"], "active-active": s }),
                "regions", `["us-east-1"]`, "at least 2 regions");
        });
        it("a traffic dial above 100", async () => {
            const s = section();
            s.trafficDials["eu-west-1"] = 150;
            assertInputError(await runStack("active-active", { "active-active": s }), "trafficDials.eu-west-1", "150", "from 0 to 100");
        });
        it("a negative traffic dial", async () => {
            const s = section();
            s.trafficDials["ap-southeast-2"] = -5;
            assertInputError(await runStack("active-active", { "active-active": s }), "trafficDials.ap-southeast-2", "-5", "from 0 to 100");
        });
        it("a home region that is not among the regions", async () => {
            assertInputError(await runStack("active-active", { homeRegion: "us-west-2" }),
                "aws-containers:homeRegion", `"us-west-2"`, `["us-east-1","eu-west-1","ap-southeast-2"]`);
        });
        it("C10: a health check path that no service without host rules routes (the ALB would answer 404 in every region)", async () => {
            const s = section();
            s.microservices.services[0].paths = ["/shop/*"];
            assertInputError(await runStack("active-active", { "active-active": s }), "healthCheck.path", `"/health"`, "routed to no service", `"/*"`);
        });
        it("a microservices error, reported at the component's own path", async () => {
            const s = section();
            s.microservices.services[1].priority = 0;
            assertInputError(await runStack("active-active", { "active-active": s }), "microservices.services[1].priority", "0", "1 to 50000");
        });
    });
});
