import { spawnSync } from "child_process";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, userProgram } from "../../../plan/engine/program";
import { PlanResult, planProgram } from "../../../plan/plan";
import { BAD_PROGRAM_MANDATORY, FIXTURE_PACK, FIXTURES, PACK } from "../packs";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const cache = require("../../../plan/pack/compile-cache.js") as {
    compiled(filename: string, source: string): { js: string; cached: boolean; entry: string };
    CACHE: string;
};
const HOOK = path.join(REPO_ROOT, "plan", "pack", "compile-cache.js");

/**
 * A copy of the fixture pack outside the repository, as `--policy-pack DIR` may name: its own
 * tsconfig.json, and a node_modules that links only @pulumi to the project's.
 */
function packOutsideRepo(): string {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-pack-")), "pack");
    fs.cpSync(FIXTURE_PACK, dir, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
    const tsconfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "tsconfig.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, include: ["**/*.ts"] }));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
    return dir;
}

/** Runs `file` in a fresh node with the compile cache preloaded: its stdout, or the failure. */
function runWithHook(file: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const child = spawnSync(process.execPath, ["-r", HOOK, file, ...args], { cwd: path.dirname(file), encoding: "utf8" });
    return { status: child.status, stdout: child.stdout.trim(), stderr: child.stderr };
}

/** What a plan found, without timings: what must not depend on how the pack runs. */
const outcome = (r: PlanResult) => ({ resources: r.resources, violations: r.violations, policyPack: r.policyPack });

describe("TypeScript from the content-addressed compile cache (plan/pack/compile-cache.js)", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-cache-"));
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true } }));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("transpiles a module once, into the project's node_modules/.cache, and reads it back while it is unchanged", () => {
        const file = path.join(dir, "a.ts");
        const source = `export const answer: number = 42;\n// ${Date.now()} ${Math.random()}\n`;
        const first = cache.compiled(file, source);
        const again = cache.compiled(file, source);
        assert.equal(first.cached, false);
        assert.equal(again.cached, true);
        assert.equal(again.entry, first.entry);
        assert.equal(path.dirname(first.entry), path.join(REPO_ROOT, "node_modules", ".cache", "aws-containers-plan", "ts"));
        assert.match(first.js, /exports\.answer = 42;/);
        assert.doesNotMatch(first.js, /: number/);
        assert.equal(again.js, first.js);
        // Nothing of the write is left beside it.
        assert.deepEqual(fs.readdirSync(cache.CACHE).filter((f) => f.endsWith(".tmp")), []);
    });

    it("never runs stale output: a changed source is transpiled again and the new code runs", () => {
        const file = path.join(dir, "main.ts");
        fs.writeFileSync(file, `import { v } from "./dep";\nconst n: number = v;\nconsole.log(n);\n`);
        fs.writeFileSync(path.join(dir, "dep.ts"), `export const v: number = ${Date.now()};\n`);
        const before = runWithHook(file);
        assert.equal(before.status, 0, before.stderr);
        const stamp = Date.now() + 1;
        fs.writeFileSync(path.join(dir, "dep.ts"), `export const v: number = ${stamp};\n`);
        const after = runWithHook(file);
        assert.equal(after.status, 0, after.stderr);
        assert.equal(after.stdout, String(stamp));
        assert.notEqual(before.stdout, after.stdout);
    });

    it("transpiles again when the tsconfig.json (or a config it extends) changes", () => {
        const file = path.join(dir, "c.ts");
        const source = `export class C { x = 1; }\n// ${Math.random()}\n`;
        const es2022 = cache.compiled(file, source);
        fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "ES2015" } }));
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "./base.json", compilerOptions: { module: "commonjs" } }));
        // A fresh process reads the configs anew (one process caches them per folder).
        const probe = path.join(dir, "probe.js");
        fs.writeFileSync(probe, `const c = require(${JSON.stringify(HOOK)}).compiled(${JSON.stringify(file)}, ${JSON.stringify(source)});
console.log(JSON.stringify(c));\n`);
        const es2015 = JSON.parse(spawnSync(process.execPath, [probe], { encoding: "utf8" }).stdout) as typeof es2022;
        assert.equal(es2015.cached, false);
        assert.notEqual(es2015.entry, es2022.entry);
        // ES2015 has no class fields: the field moves into a constructor.
        assert.match(es2022.js, /x = 1;/);
        assert.match(es2015.js, /this\.x = 1;/);
        fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "ES2022" } }));
        const changedBase = JSON.parse(spawnSync(process.execPath, [probe], { encoding: "utf8" }).stdout) as typeof es2022;
        assert.notEqual(changedBase.entry, es2015.entry);
    });

    it("reports a syntax error with the file, line and column", () => {
        const file = path.join(dir, "broken.ts");
        fs.writeFileSync(file, "export const a = 1;\nconst = 2;\n");
        const run = runWithHook(file);
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /broken\.ts:2:\d+: Variable declaration expected/);
    });

    it("a plan's process loads no typescript, ts-node, source-map-support, arborist or Automation API once the cache is warm", () => {
        const probe = path.join(dir, "probe.js");
        fs.writeFileSync(probe, `require(${JSON.stringify(path.join(REPO_ROOT, "plan", "pack", "lazy-sdk.ts"))}).deferUnusedSdkModules();
require(${JSON.stringify(path.join(REPO_ROOT, "plan", "plan.ts"))});
require(${JSON.stringify(path.join(REPO_ROOT, "stacks"))});
require(${JSON.stringify(path.join(REPO_ROOT, "plan", "analyzer", "worker.ts"))});
require(${JSON.stringify(path.join(REPO_ROOT, "plan", "analyzer", "stack-analysis.ts"))});
console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/](typescript|ts-node|source-map-support|@npmcli[\\\\/]arborist|execa|@logdna|normalize-package-data)[\\\\/]/.test(f))));\n`);
        runWithHook(probe);
        const warm = runWithHook(probe);
        assert.equal(warm.status, 0, warm.stderr);
        assert.deepEqual(JSON.parse(warm.stdout), []);
    });
});

describe("the policy pack through the compile cache and through ts-node", () => {
    const badProgram = () => userProgram(path.join(FIXTURES, "bad-program"));
    let compiled: PlanResult;
    let tsNode: PlanResult;
    before(async () => {
        compiled = await planProgram(badProgram(), { policyPack: PACK, compilePack: true });
        tsNode = await planProgram(badProgram(), { policyPack: PACK, compilePack: false });
    });

    it(`the project's pack (${path.relative(REPO_ROOT, PACK)}) finds the same resources and violations either way`, () => {
        assert.ok(compiled.violations.some((v) => v.enforcementLevel === "mandatory"));
        assert.deepEqual(outcome(compiled), outcome(tsNode));
    });

    it("a pack outside the repository (--policy-pack DIR) runs with the fixture pack's results", async () => {
        const outside = packOutsideRepo();
        try {
            const copy = await planProgram(badProgram(), { policyPack: outside });
            const original = await planProgram(badProgram(), { policyPack: FIXTURE_PACK, compilePack: false });
            assert.deepEqual(copy.violations.map((v) => v.policyName).sort(),
                Object.values(BAD_PROGRAM_MANDATORY["plan-fixture"]).sort());
            assert.deepEqual(outcome(copy), outcome(original));
        } finally {
            fs.rmSync(path.dirname(outside), { recursive: true, force: true });
        }
    });
});

describe("V8's code from the code cache (plan/pack/code-cache.js)", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-v8-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /**
     * A module that reports what Node gives a CommonJS module, the cache entries of its text and its
     * dependency's, and a value of that dependency, required and imported (`import()` is in a module
     * of its own, which Node compiles: see MAY_IMPORT in code-cache.js).
     */
    function writeProbe(value: number): string {
        const file = path.join(dir, "main.js");
        fs.writeFileSync(path.join(dir, "dep.js"), `exports.value = ${value};\n`);
        fs.writeFileSync(path.join(dir, "dynamic.js"), "module.exports = () => import(\"./dep.js\");\n");
        fs.writeFileSync(file, `const fs = require("fs");
const codeCache = require(${JSON.stringify(path.join(REPO_ROOT, "plan", "pack", "code-cache.js"))});
const entry = (f) => fs.existsSync(codeCache.entryOf(f, fs.readFileSync(f, "utf8")));
require("./dynamic")().then((dynamic) => console.log(JSON.stringify({
    value: require("./dep").value, dynamic: dynamic.value, dirname: __dirname, filename: __filename, main: require.main === module,
    resolved: require.resolve("./dep"), paths: Array.isArray(require.resolve.paths("x")), cached: require.cache[__filename] === module,
    thisIsExports: this === module.exports,
    entries: [__filename, require.resolve("./dep"), require.resolve("./dynamic")].map(entry),
})));
`);
        return file;
    }

    it("runs a module as Node would: require, resolve, main, cache, import(), __dirname, this", () => {
        const file = writeProbe(1);
        const run = runWithHook(file);
        assert.equal(run.status, 0, run.stderr);
        const r = JSON.parse(run.stdout);
        assert.deepEqual({ ...r, entries: undefined }, {
            value: 1, dynamic: 1, dirname: dir, filename: file, main: true, resolved: path.join(dir, "dep.js"), paths: true,
            cached: true, thisIsExports: true, entries: undefined,
        });
    });

    it("keeps each module's compiled code for the next start, and never runs stale code: an edited module runs its new text", () => {
        const file = writeProbe(1);
        const first = runWithHook(file);
        assert.equal(first.status, 0, first.stderr);
        // Serialized when the first run ended: the module's code and its dependency's.
        const second = runWithHook(file);
        assert.equal(second.status, 0, second.stderr);
        assert.deepEqual(JSON.parse(second.stdout).entries, [true, true, false]);
        fs.writeFileSync(path.join(dir, "dep.js"), "exports.value = 2;\n");
        const edited = runWithHook(file);
        assert.equal(edited.status, 0, edited.stderr);
        const r = JSON.parse(edited.stdout);
        assert.equal(r.value, 2);
        assert.equal(r.dynamic, 2);
        // The edited text has no entry until this run ends; the unchanged module still has its own.
        assert.deepEqual(r.entries, [true, false, false]);
    });

    it("leaves a module with ES module syntax to Node, which runs it as without the cache", () => {
        const file = path.join(dir, "esm.js");
        fs.writeFileSync(file, "export const a = 1;\nconsole.log(`ran ${a}`);\n");
        const plain = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8" });
        const run = runWithHook(file);
        assert.equal(run.status, plain.status, run.stderr);
        assert.equal(run.stdout, plain.stdout.trim());
    });
});
