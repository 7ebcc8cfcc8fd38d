import { spawnSync } from "child_process";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../../plan/engine/program";

/**
 * Outside --debug the mock engine lightens the SDK's `debuggablePromise` and gives it no callsites for
 * source positions (mock-engine.ts). Run in a
 * fresh process, since the first run without --debug lightens it for the rest of the process: a
 * stack planned with the SDK's own bookkeeping and then with the lighter one registers the same
 * resources, in the same order, with the same inputs.
 */
describe("the SDK's promise bookkeeping and source positions outside --debug (plan/engine/mock-engine.ts)", () => {
    it("registers the same resources in the same order as with the SDK's own debuggablePromise and callsites", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-promises-"));
        try {
            const probe = path.join(dir, "probe.js");
            fs.writeFileSync(probe, `
const { runProgram } = require(${JSON.stringify(path.join(REPO_ROOT, "plan", "engine", "mock-engine.ts"))});
const { projectStack } = require(${JSON.stringify(path.join(REPO_ROOT, "plan", "engine", "program.ts"))});
const debuggable = require(require.resolve("@pulumi/pulumi/runtime/debuggable", { paths: [${JSON.stringify(REPO_ROOT)}] }));
const { Resource } = require(require.resolve("@pulumi/pulumi", { paths: [${JSON.stringify(REPO_ROOT)}] }));
(async () => {
    const runs = [];
    for (const debug of [true, false]) {
        const spec = projectStack("fargate-microservices-us-east-1");
        const before = debuggable.debuggablePromise;
        const callsites = Resource.callsites;
        const run = await runProgram(spec.program, { ...spec, debug });
        if (run.error) throw run.error;
        runs.push({ replaced: before !== debuggable.debuggablePromise, noCallsites: callsites !== Resource.callsites && Resource.callsites().length === 0,
            resources: run.resources.map((r) => [r.urn, r.wireInputs]) });
    }
    console.log(JSON.stringify(runs));
})().catch((err) => { console.error(err); process.exit(2); });
`);
            const child = spawnSync(process.execPath, ["--stack-trace-limit=0", "-r", path.join(REPO_ROOT, "plan", "pack", "compile-cache.js"), probe],
                { cwd: REPO_ROOT, encoding: "utf8" });
            assert.equal(child.status, 0, child.stderr);
            const [full, light] = JSON.parse(child.stdout.trim().split("\n").pop()!) as { replaced: boolean; noCallsites: boolean; resources: [string, unknown][] }[];
            assert.equal(full.replaced, false);
            assert.equal(light.replaced, true);
            // Nor does it capture a stack trace per resource for source positions nobody reads.
            assert.equal(full.noCallsites, false);
            assert.equal(light.noCallsites, true);
            assert.ok(full.resources.length > 100);
            assert.deepEqual(light.resources, full.resources);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
