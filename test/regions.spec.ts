import * as assert from "node:assert/strict";
import { COMMERCIAL_REGIONS, createRegionalProviders } from "../components/regions";
import { assertInputError, MockRun, runProgram } from "./harness";

describe("regions (D2 in docs/design.md)", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => createRegionalProviders("ms", ["us-east-1", "eu-west-1", "ap-southeast-2"], {
            assumeRoleArn: "arn:aws:iam::123456789012:role/deployer",
            defaultTags: { team: "platform" },
        }), { stack: "prod" });
    });

    it("lists commercial regions only, from the provider's own enum", () => {
        assert.ok(COMMERCIAL_REGIONS.includes("us-east-1"));
        assert.ok(COMMERCIAL_REGIONS.includes("mx-central-1"));
        assert.ok(!COMMERCIAL_REGIONS.some((r) => r.startsWith("cn-") || r.startsWith("us-gov-")));
    });

    it("creates one explicit provider per region with default tags and the assumed role", () => {
        const providers = run.ofType("pulumi:providers:aws");
        assert.deepEqual(providers.map((p) => p.name).sort(), ["ms-ap-southeast-2", "ms-eu-west-1", "ms-us-east-1"]);
        const eu = run.named("ms-eu-west-1");
        assert.equal(eu.inputs.region, "eu-west-1");
        assert.deepEqual(JSON.parse(eu.inputs.defaultTags).tags, {
            "stack": "prod", "region": "eu-west-1", "managed-by": "pulumi-aws-containers", "team": "platform",
        });
        assert.deepEqual(JSON.parse(eu.inputs.assumeRoles), [{ roleArn: "arn:aws:iam::123456789012:role/deployer", sessionName: "pulumi-aws-containers" }]);
    });

    it("rejects an unknown region, naming it and the allowed list", async () => {
        const bad = await runProgram(() => createRegionalProviders("x", ["us-east-1", "us-middle-1"]));
        assertInputError(bad, "regions[1]", `"us-middle-1"`, "us-east-1", "commercial regions");
        assert.deepEqual(bad.ofType("pulumi:providers:aws"), []);
    });

    it("rejects a duplicate region", async () => {
        const bad = await runProgram(() => createRegionalProviders("x", ["eu-west-1", "eu-west-1"]));
        assertInputError(bad, "regions", `"eu-west-1"`, "more than once");
        assert.deepEqual(bad.ofType("pulumi:providers:aws"), []);
    });
});

describe("mock engine URNs", () => {
    it("qualify a child's type with its parent's whole type chain, leaving out the root stack, as the engine does", async () => {
        const { RegionalNetwork } = await import("../components/network");
        const run = await runProgram(() => {
            const p = createRegionalProviders("aws", ["eu-west-1"]);
            new RegionalNetwork("n", { azCount: 2 }, { provider: p["eu-west-1"] });
        }, { stack: "dev" });
        assert.equal(run.named("n", "aws-containers:network:RegionalNetwork").urn,
            "urn:pulumi:dev::aws-containers::aws-containers:network:RegionalNetwork::n");
        assert.equal(run.named("n-flow-logs-policy").urn,
            "urn:pulumi:dev::aws-containers::aws-containers:network:RegionalNetwork$aws:iam/rolePolicy:RolePolicy::n-flow-logs-policy");
    });
});
