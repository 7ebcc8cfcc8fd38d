import * as assert from "node:assert/strict";
import { ActiveActive, ActiveActiveArgs } from "../components/global";
import { assertInputError, MockRun, runProgram, typeCounts } from "./harness";

const ACCOUNT = "123456789012";
const arn = (region: string, name: string) => `arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/${name}/0a1b2c3d4e5f6a7b`;

/** The caller's own ALBs in two regions, one of them us-west-2, where Global Accelerator's control plane also is. */
const base: ActiveActiveArgs = {
    regions: ["us-west-2", "eu-central-1"],
    loadBalancerArns: { "us-west-2": arn("us-west-2", "web"), "eu-central-1": arn("eu-central-1", "web") },
    trafficDials: { "eu-central-1": 0 },
};

describe("ActiveActive with the caller's own load balancers", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            const edge = new ActiveActive("edge", base);
            return { policies: edge.replicaAccessPolicies, order: edge.deploymentOrder };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("creates only the global pieces and the table: no networks or services of its own", () => {
        assert.deepEqual(typeCounts(run.workload), {
            "aws-containers:global:ActiveActive": 1,
            "aws:dynamodb/table:Table": 1, "aws:dynamodb/tableReplica:TableReplica": 1,
            "aws:globalaccelerator/accelerator:Accelerator": 1, "aws:globalaccelerator/endpointGroup:EndpointGroup": 2,
            "aws:globalaccelerator/listener:Listener": 1, "aws:kms/key:Key": 2, "aws:route53/healthCheck:HealthCheck": 2,
        });
    });

    it("D3: keeps a separate, clearly named us-west-2 provider for the global pieces beside the us-west-2 workload provider", () => {
        const providers = run.ofType("pulumi:providers:aws").map((p) => [p.name, p.inputs.region]).sort();
        assert.deepEqual(providers, [["edge-eu-central-1", "eu-central-1"], ["edge-global-us-west-2", "us-west-2"], ["edge-us-west-2", "us-west-2"]]);
        const global = run.named("edge-global-us-west-2", "pulumi:providers:aws").urn;
        for (const r of run.workload.filter((x) => x.type.startsWith("aws:globalaccelerator/") || x.type.startsWith("aws:route53/"))) {
            assert.equal(r.providerUrn, global, r.name);
        }
        assert.equal(run.named("edge-table", "aws:dynamodb/table:Table").providerUrn, run.named("edge-us-west-2", "pulumi:providers:aws").urn);
    });

    it("points each region's endpoint group at the given ALB, with the region's traffic dial (0 drains eu-central-1)", () => {
        const groups = run.ofType("aws:globalaccelerator/endpointGroup:EndpointGroup")
            .map((g) => [g.name, g.inputs.endpointGroupRegion, g.inputs.trafficDialPercentage, g.inputs.endpointConfigurations]).sort();
        assert.deepEqual(groups, [
            ["edge-eu-central-1-endpoints", "eu-central-1", 0, [{ endpointId: arn("eu-central-1", "web"), weight: 128, clientIpPreservationEnabled: true }]],
            ["edge-us-west-2-endpoints", "us-west-2", 100, [{ endpointId: arn("us-west-2", "web"), weight: 128, clientIpPreservationEnabled: true }]],
        ]);
        assert.deepEqual(run.named("edge-listener").inputs.portRanges, [{ fromPort: 80, toPort: 80 }, { fromPort: 443, toPort: 443 }]);
    });

    it("looks each ALB up in its own region for the Route 53 health checks; without a zone, no records", () => {
        const lookups = run.invokes.filter((i) => i.token === "aws:lb/getLoadBalancer:getLoadBalancer").map((i) => [i.args.arn, i.region]).sort();
        assert.deepEqual(lookups, [[arn("eu-central-1", "web"), "eu-central-1"], [arn("us-west-2", "web"), "us-west-2"]]);
        const check = run.named("edge-eu-central-1-health", "aws:route53/healthCheck:HealthCheck");
        assert.deepEqual([check.inputs.type, check.inputs.port, check.inputs.fqdn, check.inputs.requestInterval],
            ["HTTPS", 443, "web-1234567890.eu-central-1.elb.amazonaws.com", 30]);
        assert.deepEqual(run.ofType("aws:route53/record:Record"), []);
    });

    it("exports per region the policy a task role needs for its local replica, and the deployment waves from the home region", () => {
        const { policies, order } = run.outputs as any;
        assert.deepEqual(order, ["us-west-2", "eu-central-1"]);
        assert.deepEqual(Object.keys(policies).sort(), ["eu-central-1", "us-west-2"]);
        const doc = JSON.parse(policies["eu-central-1"]);
        const local = `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/edge-table-0000000`;
        assert.deepEqual(doc.Statement[0].Resource, [local, `${local}/index/*`]);
        assert.equal(doc.Statement[1].Resource, `arn:aws:kms:eu-central-1:${ACCOUNT}:key/edge-eu-central-1-table-key`);
        assert.ok(!policies["eu-central-1"].includes("us-west-2"));
    });
});

describe("ActiveActive: bad input, a clear error and nothing registered", () => {
    const attempt = (args: Partial<ActiveActiveArgs>) => runProgram(() => new ActiveActive("bad", { ...base, ...args }));

    it("fewer than two regions", async () => {
        assertInputError(await attempt({ regions: ["us-west-2"], loadBalancerArns: { "us-west-2": arn("us-west-2", "web") }, trafficDials: {} }),
            "regions", `["us-west-2"]`, "at least 2 regions");
    });
    it("a traffic dial outside 0 to 100", async () => {
        assertInputError(await attempt({ trafficDials: { "us-west-2": 101 } }), "trafficDials.us-west-2", "101", "from 0 to 100");
    });
    it("every region dialled to 0", async () => {
        assertInputError(await attempt({ trafficDials: { "us-west-2": 0, "eu-central-1": 0 } }), "trafficDials", "at least one region");
    });
    it("a home region that is not among the regions", async () => {
        assertInputError(await attempt({ homeRegion: "us-east-1" }), "homeRegion", `"us-east-1"`, `["us-west-2","eu-central-1"]`);
    });
    it("a canary region that is not among the regions", async () => {
        assertInputError(await attempt({ canaryRegion: "ap-south-1" }), "canaryRegion", `"ap-south-1"`, "is not one of regions");
    });
    it("a region without a load balancer", async () => {
        assertInputError(await attempt({ loadBalancerArns: { "us-west-2": arn("us-west-2", "web") } }), "loadBalancerArns", `["eu-central-1"]`);
    });
    it("a health check interval Global Accelerator and Route 53 do not offer", async () => {
        assertInputError(await attempt({ healthCheck: { intervalSeconds: 15 } }), "healthCheck.intervalSeconds", "15", "10, 30");
    });
    it("an unknown client affinity", async () => {
        assertInputError(await attempt({ accelerator: { clientAffinity: "COOKIE" } }), "accelerator.clientAffinity", `"COOKIE"`, "NONE, SOURCE_IP");
    });
});
