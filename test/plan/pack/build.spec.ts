import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, userProgram } from "../../../plan/engine/program";
import { compilePlanModules, compilePolicyPack, NotCompiled } from "../../../plan/pack/build";
import { PlanResult, planProgram } from "../../../plan/plan";
import { BAD_PROGRAM_MANDATORY, FIXTURE_PACK, FIXTURES, PACK } from "../packs";

/**
 * A copy of the fixture pack outside the repository, as `--policy-pack DIR` may name: its own
 * tsconfig.json, and a node_modules that links only @pulumi to the project's (so its compile cache
 * lands in the copy, not in the project's node_modules).
 */
function packOutsideRepo(): string {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-pack-")), "pack");
    // Without the compile cache that plans with the fixture pack leave in its node_modules.
    fs.cpSync(FIXTURE_PACK, dir, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
    const tsconfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "tsconfig.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, include: ["**/*.ts"] }));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
    return dir;
}

/** What a plan found, without timings: what must not depend on how the pack runs. */
const outcome = (r: PlanResult) => ({ resources: r.resources, violations: r.violations, policyPack: r.policyPack });

describe("the policy pack compiled to JavaScript (plan/pack/build.ts)", () => {
    let dir: string;
    before(() => {
        dir = packOutsideRepo();
    });
    after(() => dir && fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

    describe("the content-addressed cache", () => {
        let first: ReturnType<typeof compilePolicyPack>;
        let again: ReturnType<typeof compilePolicyPack>;
        before(() => {
            first = compilePolicyPack(dir);
            again = compilePolicyPack(dir);
        });

        it("compiles into <pack>/node_modules/.cache/aws-containers-plan/<hash>/pack, mirroring the pack", () => {
            assert.equal(first.built, true);
            const root = path.join(dir, "node_modules", ".cache", "aws-containers-plan");
            assert.equal(path.dirname(path.dirname(first.dir)), root);
            assert.deepEqual(fs.readdirSync(first.dir).sort(), ["PulumiPolicy.yaml", "index.js", "package.json"]);
            assert.equal(fs.readFileSync(path.join(first.dir, "PulumiPolicy.yaml"), "utf8"),
                fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
            const source = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
            assert.deepEqual(JSON.parse(fs.readFileSync(path.join(first.dir, "package.json"), "utf8")), { ...source, main: "index.js" });
            assert.equal(first.preload, path.join(path.dirname(first.dir), "preload.js"));
            assert.ok(fs.existsSync(first.preload));
            // Nothing of an interrupted or concurrent build is left next to it.
            assert.deepEqual(fs.readdirSync(root), [path.basename(path.dirname(first.dir))]);
        });

        it("reuses the compiled pack while no source changed", () => {
            assert.deepEqual(again, { ...first, built: false });
        });

        it("compiles again when a source changes, and when a source is added", () => {
            fs.appendFileSync(path.join(dir, "index.ts"), "\n// changed\n");
            const changed = compilePolicyPack(dir);
            assert.equal(changed.built, true);
            assert.notEqual(changed.dir, first.dir);
            assert.match(fs.readFileSync(path.join(changed.dir, "index.js"), "utf8"), /\/\/ changed/);

            fs.mkdirSync(path.join(dir, "lib"));
            fs.writeFileSync(path.join(dir, "lib", "extra.ts"), "export const EXTRA = 1;\n");
            const added = compilePolicyPack(dir);
            assert.equal(added.built, true);
            assert.notEqual(added.dir, changed.dir);
            assert.ok(fs.existsSync(path.join(added.dir, "lib", "extra.js")));
            assert.deepEqual(compilePolicyPack(dir), { ...added, built: false });
        });

        it("refuses a pack importing a file outside it (it then runs through ts-node), naming the import", () => {
            const copy = packOutsideRepo();
            try {
                fs.appendFileSync(path.join(copy, "index.ts"), "\nimport \"../outside\";\n");
                assert.throws(() => compilePolicyPack(copy),
                    (err: unknown) => err instanceof NotCompiled && /index\.ts imports "\.\.\/outside", which is not a TypeScript source inside the pack/.test(err.message));
            } finally {
                fs.rmSync(path.dirname(copy), { recursive: true, force: true });
            }
        });

        it("refuses a pack whose program is not TypeScript", () => {
            const copy = packOutsideRepo();
            try {
                fs.writeFileSync(path.join(copy, "package.json"), JSON.stringify({ name: "js-pack", main: "index.js" }));
                fs.writeFileSync(path.join(copy, "index.js"), "");
                assert.throws(() => compilePolicyPack(copy), (err: unknown) => err instanceof NotCompiled && /index\.js\) is not TypeScript/.test(err.message));
            } finally {
                fs.rmSync(path.dirname(copy), { recursive: true, force: true });
            }
        });
    });

    describe("plans alike compiled and through ts-node", () => {
        const badProgram = () => userProgram(path.join(FIXTURES, "bad-program"));
        let compiled: PlanResult;
        let tsNode: PlanResult;
        before(async () => {
            compiled = await planProgram(badProgram(), { policyPack: PACK, compilePack: true });
            tsNode = await planProgram(badProgram(), { policyPack: PACK, compilePack: false });
        });

        it(`the project's pack (${path.relative(REPO_ROOT, PACK)}) compiles, and finds the same resources and violations`, () => {
            assert.doesNotThrow(() => compilePolicyPack(PACK));
            assert.ok(compiled.violations.some((v) => v.enforcementLevel === "mandatory"));
            assert.deepEqual(outcome(compiled), outcome(tsNode));
        });

        it("a pack outside the repository (--policy-pack DIR) runs compiled with the fixture pack's results", async () => {
            const outside = packOutsideRepo();
            try {
                const copy = await planProgram(badProgram(), { policyPack: outside });
                const original = await planProgram(badProgram(), { policyPack: FIXTURE_PACK, compilePack: false });
                assert.ok(fs.existsSync(path.join(outside, "node_modules", ".cache", "aws-containers-plan")));
                assert.deepEqual(copy.violations.map((v) => v.policyName).sort(),
                    Object.values(BAD_PROGRAM_MANDATORY["plan-fixture"]).sort());
                assert.deepEqual(outcome(copy), outcome(original));
            } finally {
                fs.rmSync(path.dirname(outside), { recursive: true, force: true });
            }
        });
    });
});

describe("the analysis worker's modules compiled to JavaScript (compilePlanModules)", () => {
    const entry = path.join(REPO_ROOT, "plan", "analyzer", "worker.ts");

    it("compiles the worker and every plan module it imports or requires into the project's cache", () => {
        const worker = compilePlanModules(entry);
        assert.equal(path.basename(worker), "worker.js");
        assert.ok(worker.startsWith(path.join(REPO_ROOT, "node_modules", ".cache", "aws-containers-plan", "plan-")));
        // The compiled plan/, in the same folders as the sources.
        const plan = path.dirname(path.dirname(worker));
        assert.equal(path.basename(plan), "plan");
        for (const module of ["analyzer/stack-analysis.js", "analyzer/client.js", "analyzer/grpc-connection.js", "analyzer/requests.js",
            "pack/process.js", "plan-error.js", "analyzer/protobuf-wire.js"]) {
            assert.ok(fs.existsSync(path.join(plan, module)), `${module} compiled`);
        }
        // From there its packages resolve as from plan/, and it loads without ts-node.
        assert.equal(typeof (require(worker) as { serve?: unknown }).serve, "function");
        require(path.join(plan, "analyzer", "stack-analysis.js"));
        // It loads nothing of the program's side (mock runtime, config readers and their YAML parser).
        const loaded = Object.keys(require.cache).filter((f) => f.startsWith(plan + path.sep)).map((f) => path.relative(plan, f).split(path.sep).join("/"));
        assert.deepEqual(loaded.filter((m) => ["engine/mock-engine.js", "engine/stack-config.js", "plan.js"].includes(m)), []);
        assert.ok(loaded.includes("analyzer/protobuf-wire.js"));
    });

    it("reuses the output while the sources are unchanged", () => {
        assert.equal(compilePlanModules(entry), compilePlanModules(entry));
    });

    it("refuses a module outside plan/", () => {
        assert.throws(() => compilePlanModules(path.join(REPO_ROOT, "components", "index.ts")), NotCompiled);
    });
});
