import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./harness";

/**
 * The package as an npm user gets it: `npm pack` (which builds it through "prepack"), the tarball
 * installed into an empty project with its peer dependencies, and test/fixtures/consumer compiled
 * there with `strict` and `moduleResolution: node16` and run under Pulumi's mock runtime.
 *
 * The install is offline-friendly: the scratch project's lockfile is the repository's own (the
 * dependencies the consumer does not need are pruned by npm), plus an entry for the tarball, so
 * `npm ci --prefer-offline` takes every package from the cache the repository's `npm ci` filled.
 */

interface PackResult { filename: string; integrity: string; files: { path: string }[] }
interface Registered { type: string; name: string; custom: boolean; region?: string; inputs: Record<string, any> }

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
    try {
        return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err: any) {
        throw new Error(`${cmd} ${args.join(" ")} failed in ${cwd}:\n${err.stdout ?? ""}\n${err.stderr ?? err.message}`);
    }
}

/** Runs `npm pack` in `dir` into `dest` and returns npm's report of the tarball. */
export function npmPack(dir: string, dest: string): PackResult {
    const stdout = run(NPM, ["pack", "--json", "--pack-destination", dest], dir);
    // Some npm versions print the prepack script's banner on stdout too; the report is the JSON array after it.
    const [result] = JSON.parse(stdout.slice(stdout.search(/^\[/m))) as PackResult[];
    return result;
}

/** The scratch project's package.json and lockfile: the tarball, its peers and what compiling needs. */
function writeScratchProject(dir: string, tarball: string, pack: PackResult): void {
    const repoPkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const repoLock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8"));
    const from = (name: string) => repoPkg.peerDependencies[name] ?? repoPkg.devDependencies[name];
    const dependencies: Record<string, string> = { "aws-containers": `file:${tarball}` };
    for (const name of [...Object.keys(repoPkg.peerDependencies), "typescript", "@types/node"]) {
        dependencies[name] = from(name);
    }
    const root = { name: "consumer", version: "1.0.0", private: true, dependencies };
    const packages: Record<string, any> = { "": root };
    for (const [key, entry] of Object.entries<any>(repoLock.packages)) {
        if (key.startsWith("node_modules/") && !entry.link) {
            // These are the repository's dev dependencies; here they are the project's own.
            const { dev, devOptional, peer, ...rest } = entry;
            packages[key] = rest;
        }
    }
    packages["node_modules/aws-containers"] = {
        version: repoPkg.version, resolved: `file:${tarball}`, integrity: pack.integrity, license: repoPkg.license,
        dependencies: repoPkg.dependencies, peerDependencies: repoPkg.peerDependencies, engines: repoPkg.engines,
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(root, null, 2));
    fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages }, null, 2));
}

describe("the published package, used from outside the repository", function () {
    this.timeout(600_000);
    let tmp: string;
    let consumer: string;
    let pack: PackResult;
    let files: string[];
    let resources: Registered[];

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-package-"));
        pack = npmPack(REPO_ROOT, tmp);
        files = pack.files.map((f) => f.path).sort();
        consumer = path.join(tmp, "consumer");
        fs.mkdirSync(consumer);
        writeScratchProject(consumer, `../${pack.filename}`, pack);
        for (const f of ["index.ts", "tsconfig.json"]) {
            fs.copyFileSync(path.join(REPO_ROOT, "test", "fixtures", "consumer", f), path.join(consumer, f));
        }
        run(NPM, ["ci", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"], consumer);
        run(process.execPath, [path.join("node_modules", "typescript", "bin", "tsc"), "-p", "."], consumer);
        const out = path.join(tmp, "registered.json");
        run(process.execPath, [path.join("bin", "index.js")], consumer, { CONSUMER_OUT: out });
        resources = JSON.parse(fs.readFileSync(out, "utf8"));
    });

    after(() => {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("packs the compiled library with declarations, source maps, README and the Apache-2.0 LICENSE", () => {
        for (const f of ["LICENSE", "README.md", "package.json", "bin/components/index.js", "bin/components/index.d.ts",
            "bin/components/index.js.map", "bin/components/microservices/index.js", "bin/policy/eks-calendar.js", "bin/policy/lib/fargate.js"]) {
            assert.ok(files.includes(f), `${f} is not in the tarball`);
        }
        const license = fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8");
        assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
        assert.match(license, /END OF TERMS AND CONDITIONS/);
    });

    it("leaves out tests, the plan, stacks, examples, docs, CI and workflows", () => {
        const outside = files.filter((f) => !/^(bin\/components\/|components\/|bin\/policy\/(eks-calendar|lib\/fargate)\.|policy\/(eks-calendar|lib\/fargate)\.ts$|schemas\/[^/]+\.schema\.json$)/.test(f)
            && !["LICENSE", "README.md", "package.json"].includes(f));
        assert.deepEqual(outside, []);
    });

    it("every relative require of the compiled code resolves to a file in the tarball", () => {
        const installed = path.join(consumer, "node_modules", "aws-containers");
        const missing: string[] = [];
        for (const f of files.filter((p) => p.endsWith(".js"))) {
            const source = fs.readFileSync(path.join(installed, f), "utf8");
            for (const [, spec] of source.matchAll(/require\("(\.[^"]+)"\)/g)) {
                const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), spec));
                if (![`${target}.js`, `${target}/index.js`].some((t) => files.includes(t))) {
                    missing.push(`${f} -> ${spec}`);
                }
            }
        }
        assert.deepEqual(missing, []);
    });

    it("resolves for TypeScript's node, node16 and bundler module resolution, to the declarations", () => {
        const ts = require(path.join(consumer, "node_modules", "typescript")) as typeof import("typescript");
        const from = path.join(consumer, "index.ts");
        const modes: [string, import("typescript").CompilerOptions][] = [
            ["node", { moduleResolution: ts.ModuleResolutionKind.Node10, module: ts.ModuleKind.CommonJS }],
            ["node16", { moduleResolution: ts.ModuleResolutionKind.Node16, module: ts.ModuleKind.Node16 }],
            ["bundler", { moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext }],
        ];
        for (const [mode, options] of modes) {
            const resolved = ts.resolveModuleName("aws-containers", from, options, ts.sys).resolvedModule;
            assert.equal(resolved?.resolvedFileName, path.join(consumer, "node_modules", "aws-containers", "bin", "components", "index.d.ts"), mode);
        }
    });

    it("loads with require and with import from an ES module, exposing every component", () => {
        const names = ["RegionalNetwork", "ContainerRegistry", "FargateMicroservices", "QueueBatch", "EksPlatform", "ActiveActive",
            "EcsCluster", "FargateTaskDefinition", "EcsService", "createRegionalProviders"];
        const script = `const m = NAMES.filter((n) => typeof mod[n] !== "function"); if (m.length) { console.error(m.join(",")); process.exit(1); }`;
        fs.writeFileSync(path.join(consumer, "check.cjs"), `const mod = require("aws-containers"); const NAMES = ${JSON.stringify(names)}; ${script}`);
        fs.writeFileSync(path.join(consumer, "check.mjs"), `import * as mod from "aws-containers"; import { FargateMicroservices } from "aws-containers"; const NAMES = ${JSON.stringify(names)}; if (mod.FargateMicroservices !== FargateMicroservices) process.exit(2); ${script}`);
        run(process.execPath, ["check.cjs"], consumer);
        run(process.execPath, ["check.mjs"], consumer);
    });

    it("runs the consumer: every component the README names registers, with its children", () => {
        const types = new Set(resources.map((r) => r.type));
        for (const t of ["network:RegionalNetwork", "registry:ContainerRegistry", "microservices:FargateMicroservices", "batch:QueueBatch",
            "eks:EksPlatform", "global:ActiveActive", "ecs:EcsCluster", "ecs:FargateTaskDefinition", "ecs:EcsService"]) {
            assert.ok(types.has(`aws-containers:${t}`), `no aws-containers:${t} registered`);
        }
        const providers = resources.filter((r) => r.type === "pulumi:providers:aws" && r.name.startsWith("consumer-"));
        assert.deepEqual(providers.map((p) => p.inputs.region).sort(), ["eu-west-1", "us-east-1"]);
        assert.equal(resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").length, 2);
    });

    it("runs the consumer: the children carry the components' defaults", () => {
        const one = (type: string, name?: string) => {
            const found = resources.filter((r) => r.type === type && (!name || r.name.includes(name)));
            assert.ok(found.length > 0, `no ${type}${name ? ` named like ${name}` : ""}`);
            return found[0];
        };
        const repo = one("aws:ecr/repository:Repository");
        assert.deepEqual([repo.inputs.name, repo.inputs.imageTagMutability, repo.inputs.imageScanningConfiguration?.scanOnPush],
            ["shop/orders", "IMMUTABLE", true]);
        const orders = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name.startsWith("shop-orders"));
        assert.ok(orders, "no task definition for the orders service");
        const [container] = JSON.parse(orders.inputs.containerDefinitions);
        assert.equal(container.image, "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/orders:1.8.1");
        assert.equal(orders.inputs.runtimePlatform.cpuArchitecture, "ARM64");
        assert.equal(orders.region, "us-east-1");
        const queue = one("aws:sqs/queue:Queue", "jobs-queue");
        assert.equal(queue.inputs.sqsManagedSseEnabled, true);
        assert.ok(queue.inputs.visibilityTimeoutSeconds > 60, "the visibility timeout exceeds the default processing time");
        const cluster = one("aws:eks/cluster:Cluster");
        assert.deepEqual([cluster.inputs.vpcConfig.endpointPublicAccess, cluster.inputs.vpcConfig.endpointPrivateAccess, cluster.inputs.vpcConfig.publicAccessCidrs],
            [true, true, ["203.0.113.0/24"]]);
        assert.deepEqual(cluster.inputs.encryptionConfig.resources, ["secrets"]);
        const accelerator = one("aws:globalaccelerator/accelerator:Accelerator");
        assert.equal(accelerator.region, "us-west-2");
        assert.equal(one("aws:ecs/cluster:Cluster", "tools").region, "us-east-1");
    });
});
