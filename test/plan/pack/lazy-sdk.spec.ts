import { spawnSync } from "child_process";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../../plan/engine/program";
import { lazy } from "../../../plan/pack/lazy-sdk";

const HOOK = path.join(REPO_ROOT, "plan", "pack", "compile-cache.js");

/** Runs `script` in a fresh node with the compile cache preloaded and the SDKs' unused modules deferred; its stdout as JSON. */
function probe(script: string): any {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-lazy-"));
    try {
        const file = path.join(dir, "probe.js");
        fs.writeFileSync(file, `require(${JSON.stringify(path.join(REPO_ROOT, "plan", "pack", "lazy-sdk.ts"))}).deferUnusedSdkModules();
module.paths.unshift(${JSON.stringify(path.join(REPO_ROOT, "node_modules"))});
const loaded = (pattern) => Object.keys(require.cache).filter((f) => pattern.test(f)).map((f) => f.split("node_modules/").pop());
(async () => { ${script} })().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });\n`);
        const child = spawnSync(process.execPath, ["-r", HOOK, file], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(child.status, 0, child.stderr);
        return JSON.parse(child.stdout.trim().split("\n").pop()!);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the SDKs' modules a plan does not use load on first use (plan/pack/lazy-sdk.ts)", () => {
    it("a namespace stand-in answers __esModule without loading, and loads on the first read, key test or listing", () => {
        let loads = 0;
        const real = { Service: "the class", __esModule: true };
        const ns = lazy(() => (loads++, real)) as Record<string, unknown>;
        assert.equal(ns.__esModule, true);
        assert.equal(loads, 0);
        assert.equal(ns.Service, "the class");
        assert.ok("Service" in ns);
        assert.deepEqual(Object.keys(ns), ["Service", "__esModule"]);
        assert.equal(loads, 1);
    });

    it("a function stand-in is wrapped by __importDefault as a CommonJS module and loads when called", () => {
        let loads = 0;
        const fn = lazy(() => (loads++, (x: number) => x * 2), "function") as any;
        // TypeScript's __importDefault: a module without __esModule is wrapped as { default: module }.
        const imported = fn && fn.__esModule ? fn : { default: fn };
        assert.equal(loads, 0);
        assert.equal(imported.default(21), 42);
        assert.equal(loads, 1);
    });

    it("@pulumi/pulumi loads without its Automation API and function serialization's packages, which still load when used", () => {
        const r = probe(`
            const pulumi = require("@pulumi/pulumi");
            const before = loaded(/node_modules[\\\\/](execa|@logdna|tmp|normalize-package-data|@npmcli[\\\\/]arborist|typescript)[\\\\/]/);
            const stackClass = typeof pulumi.automation.LocalWorkspace;
            return { before, stackClass, after: loaded(/[\\\\/]execa[\\\\/]/).length > 0, config: typeof pulumi.Config };`);
        assert.deepEqual(r.before, []);
        assert.equal(r.stackClass, "function");
        assert.equal(r.after, true);
        assert.equal(r.config, "function");
    });

    it("@pulumi/aws loads only the namespaces a program reads, and registers a namespace's resource module when it loads", () => {
        const r = probe(`
            const aws = require("@pulumi/aws");
            const rpc = require("@pulumi/pulumi/runtime/rpc");
            const namespaces = () => loaded(/@pulumi[\\\\/]aws[\\\\/][a-z0-9]+[\\\\/]index\\.js$/);
            const before = namespaces();
            const registeredBefore = rpc.getResourceModule("aws", "ecs/service") !== undefined;
            const serviceClass = typeof aws.ecs.Service;
            return { before, registeredBefore, serviceClass, after: namespaces(),
                registeredAfter: rpc.getResourceModule("aws", "ecs/service") !== undefined,
                ecsKeys: Object.keys(aws.ecs).includes("TaskDefinition"), region: typeof aws.getRegion, provider: typeof aws.Provider };`);
        // types/ is loaded by the index's enums; no service namespace is.
        assert.deepEqual(r.before.filter((f: string) => !f.includes("/types/")), []);
        assert.equal(r.registeredBefore, false);
        assert.equal(r.serviceClass, "function");
        assert.deepEqual(r.after.filter((f: string) => !f.includes("/types/")), ["@pulumi/aws/ecs/index.js"]);
        assert.equal(r.registeredAfter, true);
        assert.equal(r.ecsKeys, true);
        assert.equal(r.region, "function");
        assert.equal(r.provider, "function");
    });
});

describe("the pack process's preload (plan/pack/preload.ts)", () => {
    /** Whether `cmd/run-policy-pack/index.js`'s `require("source-map-support/register")` loads the package. */
    function sourceMapsInPack(nodeArgs: string[]): { loaded: boolean } {
        const script = `
const Module = require("module");
const main = require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js");
const parent = new Module(main);
parent.filename = main;
parent.paths = Module._nodeModulePaths(require("path").dirname(main));
Module._load("source-map-support/register", parent, false);
console.log(JSON.stringify({ loaded: Object.keys(require.cache).some((f) => /source-map-support/.test(f)) }));`;
        const child = spawnSync(process.execPath, [...nodeArgs, "-r", HOOK, "-r", path.join(REPO_ROOT, "plan", "pack", "preload.ts"), "-e", script],
            { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(child.status, 0, child.stderr);
        return JSON.parse(child.stdout.trim());
    }

    it("keeps source-map-support out of a pack started without --debug, whose errors carry no frames to map", () => {
        assert.equal(sourceMapsInPack([]).loaded, false);
    });

    it("lets the SDK register it in a pack started with --debug (Node's --enable-source-maps)", () => {
        assert.equal(sourceMapsInPack(["--enable-source-maps"]).loaded, true);
    });
});
