/**
 * The CI workflows against the stacks: preview.yml previews every stack of stacks/; deploy.yml deploys
 * each exactly once, in waves that follow active-active's deploymentOrder (canary region first), every
 * wave after the one before it, and validates each region's wave before the next.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as assert from "node:assert/strict";
import * as path from "path";
import { listStacks } from "../plan/engine/stack-config";
import { REPO_ROOT, runStack, STACKS_DIR } from "./harness";

const workflow = (file: string) => yaml.load(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", file), "utf8")) as any;
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe("CI workflows", () => {
    const deploy = workflow("deploy.yml");
    const waves: { job: string; region?: string; stacks: string[] }[] = [
        { job: "global", stacks: words(deploy.jobs.global.with.stacks) },
        { job: "canary", region: deploy.jobs.canary.with.region, stacks: words(deploy.jobs.canary.with.stacks) },
        ...deploy.jobs.regions.strategy.matrix.include.map((w: any) => ({ job: "regions", region: w.region, stacks: words(w.stacks) })),
        { job: "edge", stacks: words(deploy.jobs.edge.with.stacks) },
    ];

    it("preview.yml previews every stack of stacks/", () => {
        assert.deepEqual([...workflow("preview.yml").jobs.preview.strategy.matrix.stack].sort(), listStacks(STACKS_DIR));
    });

    it("deploy.yml deploys every stack of stacks/ exactly once: the registry on its own, then the waves", () => {
        assert.match(JSON.stringify(deploy.jobs.registry), /\/registry"/);
        const all = ["registry", ...waves.flatMap((w) => w.stacks)];
        assert.deepEqual([...all].sort(), listStacks(STACKS_DIR));
        assert.equal(new Set(all).size, all.length);
    });

    it("waves run one after another: registry, global, canary, the remaining regions (bounded), edge", () => {
        assert.deepEqual([deploy.jobs.global.needs, deploy.jobs.canary.needs, deploy.jobs.regions.needs, deploy.jobs.edge.needs],
            ["registry", "global", "canary", "regions"]);
        assert.equal(deploy.jobs.regions.strategy["max-parallel"], 2);
        assert.equal(deploy.jobs.regions.strategy["fail-fast"], true);
        for (const w of waves.filter((x) => x.region)) {
            assert.ok(w.stacks.every((s) => s.endsWith(`-${w.region}`)), `wave ${w.region} holds another region's stack: ${w.stacks}`);
        }
    });

    it("the region waves follow active-active-global's deploymentOrder, canary first", async () => {
        const run = await runStack("active-active-global");
        assert.equal(run.error, undefined, String(run.error));
        const order = run.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.wireOutputs.deploymentOrder as string[];
        const activeActive = waves.flatMap((w) => w.stacks).filter((s) => /^active-active-/.test(s) && !/-(global|edge)$/.test(s));
        assert.deepEqual(activeActive, order.map((r) => `active-active-${r}`));
        assert.equal(waves[1].region, order[0]);
        assert.equal(deploy.env.CANARY_REGION, order[0]);
    });

    it("every region wave is validated by release/cli.ts before the next wave starts", () => {
        const wave = workflow("deploy-wave.yml");
        const steps = wave.jobs.wave.steps as { name?: string; run?: string; if?: string }[];
        const up = steps.findIndex((s) => s.name === "pulumi up");
        const validate = steps.findIndex((s) => s.run?.includes("release/cli.ts --region"));
        assert.ok(up >= 0 && validate > up, "validation runs after the stacks' pulumi up");
        assert.equal(steps[validate].if, "inputs.region != ''");
        assert.match(steps[validate].run!, /--timeout-minutes \d+/);
    });
});
