import * as assert from "node:assert/strict";
import { evaluateLifecycle, ImageRecord, lifecycleDocumentErrors } from "../policy/lib/ecr-lifecycle";
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
        // One rule per prefix: a list of two would match only images tagged with both (issue 18 row 2).
        const rules = JSON.parse(lifecycle[0].inputs.policy).rules;
        assert.deepEqual(rules.map((r: any) => r.selection.tagPrefixList ?? r.selection.tagPatternList ?? r.selection.tagStatus),
            ["untagged", ["dev-"], ["pr-"], ["v"], ["*"]]);
    });

    it("C3: on a sample image history, dev- and pr- images expire after 14 days and busy dev pushes never expire a release (ECR rule semantics)", () => {
        const rules = JSON.parse(run.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy")[0].inputs.policy).rules;
        assert.deepEqual(lifecycleDocumentErrors({ rules }), []);
        // 40 releases, one a week; 60 dev- and 60 pr- images over the last 30 days; 5 untagged; 35 sha- builds.
        const images: ImageRecord[] = [
            ...Array.from({ length: 40 }, (_, i) => ({ digest: `rel-${i}`, tags: [`v1.${i}.0`], ageDays: i * 7 })),
            ...Array.from({ length: 60 }, (_, i) => ({ digest: `dev-${i}`, tags: [`dev-${i}`], ageDays: i / 2 })),
            ...Array.from({ length: 60 }, (_, i) => ({ digest: `pr-${i}`, tags: [`pr-${i}`], ageDays: i / 2 })),
            ...Array.from({ length: 5 }, (_, i) => ({ digest: `untagged-${i}`, tags: [], ageDays: 10 + i })),
        ];
        const expired = evaluateLifecycle(rules, images);
        const gone = (prefix: string) => images.filter((i) => i.digest.startsWith(prefix) && expired.has(i.digest)).map((i) => i.ageDays);
        assert.deepEqual(gone("rel-"), Array.from({ length: 10 }, (_, i) => (30 + i) * 7), "exactly the 10 oldest of 40 releases expire");
        assert.ok(gone("dev-").every((d) => d > 14) && gone("dev-").length === 31, "every dev- image older than 14 days expires, no younger one");
        assert.ok(gone("pr-").every((d) => d > 14) && gone("pr-").length === 31, "every pr- image older than 14 days expires");
        assert.deepEqual(gone("untagged-"), [], "untagged images younger than 14 days stay");
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
