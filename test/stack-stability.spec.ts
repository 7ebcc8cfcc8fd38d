import * as assert from "node:assert/strict";
import { MockRun, runStack , stackConfig } from "./harness";

/**
 * D9: adding a region or a service never renames or replaces another region's (or service's)
 * resources. Two mock runs of the same stack are compared: every resource of the first keeps its URN,
 * and every custom resource its provider and every input, in the second. (All inputs: a stricter test
 * than the provider's replace-on-change list. Components are not compared by inputs: their args hold
 * the whole service list, and a component is never replaced.)
 */
function assertUnchanged(before: MockRun, after: MockRun): void {
    const next = new Map(after.resources.map((r) => [r.urn, r]));
    for (const r of before.workload) {
        const same = next.get(r.urn);
        assert.ok(same, `${r.urn} disappeared or was renamed`);
        if (!r.custom) {
            continue;
        }
        assert.equal(same.providerUrn, r.providerUrn, `${r.urn} moved to another provider`);
        assert.deepEqual(same.inputs, r.inputs, `${r.urn} changed its inputs`);
    }
}

describe("stability when the platform grows (D9)", () => {
    const stack = "fargate-microservices";
    const config = () => JSON.parse(stackConfig(stack)["aws-containers:microservices"]);
    let base: MockRun;
    before(async () => {
        base = await runStack(stack);
        assert.equal(base.error, undefined, String(base.error));
    });

    it("D9: adding a third region leaves both existing regions' resources untouched", async () => {
        const section = config();
        section.cidrBlocks["ap-southeast-2"] = "10.30.0.0/16";
        section.certificateArns["ap-southeast-2"] = "arn:aws:acm:ap-southeast-2:123456789012:certificate/1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
        const grown = await runStack(stack, { regions: ["us-east-1", "eu-west-1", "ap-southeast-2"], microservices: section });
        assert.equal(grown.error, undefined, String(grown.error));
        assertUnchanged(base, grown);
        const added = grown.workload.filter((r) => !base.byUrn(r.urn));
        assert.ok(added.length > 50 && added.every((r) => r.region === "ap-southeast-2"), "only ap-southeast-2 resources are new");
    });

    it("D9: adding a service leaves every other service's resources untouched", async () => {
        const section = config();
        section.services.push({ name: "search", repository: "shop/search", tag: "0.9.0", port: 8080, cpu: 256, memory: 512,
            paths: ["/api/search/*"], priority: 200 });
        const grown = await runStack(stack, { microservices: section });
        assert.equal(grown.error, undefined, String(grown.error));
        assertUnchanged(base, grown);
        const added = grown.workload.filter((r) => !base.byUrn(r.urn)).map((r) => r.name);
        assert.ok(added.length > 0 && added.every((n) => n.includes("search")), `new resources: ${added.join(", ")}`);
    });
});
