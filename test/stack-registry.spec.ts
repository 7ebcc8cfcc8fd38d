import * as assert from "node:assert/strict";
import { MockRun, runStack } from "./harness";

describe("registry stack", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("registry");
        assert.equal(run.error, undefined, String(run.error));
    });

    it("C3: creates the configured repositories in the home region, each with a lifecycle policy", () => {
        const repos = run.ofType("aws:ecr/repository:Repository");
        assert.deepEqual(repos.map((r) => r.inputs.name).sort(),
            ["batch/transcode", "batch/worker", "platform/edge", "shop/orders", "shop/payments", "shop/storefront"]);
        assert.ok(repos.every((r) => r.region === "us-east-1"));
        const lifecycle = run.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.deepEqual(lifecycle.map((l) => l.inputs.repository).sort(), repos.map((r) => r.inputs.name).sort());
        assert.deepEqual(JSON.parse(lifecycle[0].inputs.policy).rules[1].selection.tagPrefixList, ["dev-", "pr-"]);
    });

    it("C3: replicates to every other workload region of the stack config", () => {
        const [config] = run.ofType("aws:ecr/replicationConfiguration:ReplicationConfiguration");
        assert.deepEqual(config.inputs.replicationConfiguration.rules[0].destinations.map((d: any) => d.region).sort(), ["ap-southeast-2", "eu-west-1"]);
    });

    it("exports the repository URLs", () => {
        const urls = run.outputs!.repositoryUrls as { [name: string]: string };
        assert.equal(urls["shop/orders"], "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/orders");
    });

    it("rejects a config without the registry section, naming the key", async () => {
        const bad = await runStack("registry", { registry: "not-json{" });
        assert.match(String((bad.error as Error).message), /aws-containers:registry: "not-json\{" is not a map/);
    });

    it("rejects an unknown architecture and a home region outside the regions", async () => {
        const bad = await runStack("registry", { architecture: "lambda", homeRegion: "sa-east-1" });
        const message = String((bad.error as Error).message);
        assert.match(message, /aws-containers:architecture: "lambda" is not allowed; allowed: "registry", "fargate-microservices"/);
        assert.match(message, /aws-containers:homeRegion: "sa-east-1" is not one of aws-containers:regions/);
        assert.deepEqual(bad.workload, []);
    });
});
