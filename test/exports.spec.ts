import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as root from "../components";
import { ContainerRegistry } from "../components";
import { assertInputError, REPO_ROOT, runProgram } from "./harness";

const COMPONENTS_DIR = path.join(REPO_ROOT, "components");

/** Every .ts module under components/, recursively. */
function modules(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? modules(full) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
    });
}

/** The ComponentResource classes a module exports, by export name. */
function componentClasses(file: string): [string, Function][] {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(file) as Record<string, unknown>;
    return Object.entries(mod).filter((e): e is [string, Function] =>
        typeof e[1] === "function" && e[1].prototype instanceof pulumi.ComponentResource);
}

/** The TypeScript blocks of the README, in order. */
function readmeExamples(): string[] {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

describe("the public API: the package root", () => {
    const rootExports = root as unknown as Record<string, unknown>;

    it("exports every component class of every folder, as the same constructor", () => {
        const found = modules(COMPONENTS_DIR).flatMap(componentClasses);
        const names = [...new Set(found.map(([n]) => n))].sort();
        // The ten of the "done when" list are among them, so the walk itself cannot come up short.
        for (const n of ["ActiveActive", "ContainerRegistry", "EcsCluster", "EcsService", "EksPlatform", "FargateMicroservices",
            "FargateTaskDefinition", "QueueBatch", "RegionalNetwork"]) {
            assert.ok(names.includes(n), `${n} was not found under components/ (found: ${names.join(", ")})`);
        }
        for (const [name, cls] of found) {
            assert.equal(typeof rootExports[name], "function", `${name} is not exported from components/index.ts`);
            assert.equal(rootExports[name], cls, `${name} from the root is not the class of its folder`);
        }
        assert.equal(typeof rootExports.createRegionalProviders, "function");
    });

    it("exports every name the README's examples import or construct", () => {
        const examples = readmeExamples();
        assert.ok(examples.length >= 2, "the README has its TypeScript examples");
        const importsOf = (code: string) => [...code.matchAll(/import \{([^}]+)\} from "aws-containers"/g)].flatMap((m) => m[1].split(",").map((s) => s.trim()));
        assert.ok(importsOf(examples[0]).length >= 3, `the first example imports from aws-containers: ${examples[0]}`);
        const imported = examples.flatMap(importsOf);
        const constructed = examples.flatMap((e) => [...e.matchAll(/new ([A-Z][A-Za-z]+)\(/g)].map((m) => m[1]));
        assert.ok(constructed.includes("FargateMicroservices"), "the README constructs FargateMicroservices");
        for (const name of [...imported, ...constructed]) {
            assert.ok(rootExports[name] !== undefined, `${name} (used in the README) is not exported from the package root`);
        }
    });

    it("the Args and spec types users write are exported (checked by the compiler)", () => {
        // Each line fails to compile if the type is missing from the root; the values make the test use them.
        const spec: root.MicroserviceSpec = { name: "orders", repository: "shop/orders", tag: "1.8.1", internal: true };
        const args: Pick<root.FargateMicroservicesArgs, "services"> = { services: [spec] };
        const worker: root.QueueWorkerArgs = { image: "public.ecr.aws/x/worker:1" };
        const stage: root.PipelineStageArgs = { name: "one", repository: "batch/one", tag: "1" };
        const pool: root.NodePoolSpec = { cpuArchitectures: ["arm64"] };
        const group: root.NodeGroupSpec = { minCapacity: 1, maxCapacity: 2, desiredCapacity: 1 };
        const image: root.ImageSource = { repository: "a/b", tag: "1" };
        assert.deepEqual([args.services.length, worker.image, stage.tag, pool.cpuArchitectures, group.desiredCapacity, image.tag],
            [1, "public.ecr.aws/x/worker:1", "1", ["arm64"], 1, "1"]);
        assert.deepEqual(root.CPU_ARCHITECTURES, ["arm64", "x86_64"]);
    });
});

describe("multi-region components never ignore provider settings silently", () => {
    const base = { homeRegion: "us-east-1", regions: ["us-east-1", "eu-west-1"], repositories: [{ name: "shop/orders" }] };

    it("ContainerRegistry refuses a provider in opts, which it would not use, and names providerSettings", async () => {
        const run = await runProgram(() => {
            const provider = new (require("@pulumi/aws").Provider)("aws-us-east-1", { region: "us-east-1" });
            new ContainerRegistry("reg", base, { provider });
        });
        assertInputError(run, "opts.provider", "spans regions", "providerSettings");
    });

    it("ContainerRegistry builds its providers from providerSettings, under their stable names", async () => {
        const run = await runProgram(() => new ContainerRegistry("reg", {
            ...base, providerSettings: { assumeRoleArn: "arn:aws:iam::123456789012:role/deployer", allowedAccountIds: ["123456789012"] },
        }));
        assert.equal(run.error, undefined, String(run.error));
        const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws");
        assert.deepEqual(providers.map((p) => p.name).sort(), ["reg-eu-west-1", "reg-us-east-1"]);
        for (const p of providers) {
            assert.deepEqual(JSON.parse(String(p.inputs.allowedAccountIds)), ["123456789012"]);
            assert.match(JSON.stringify(p.inputs.assumeRoles), /role\/deployer/);
        }
    });

    it("an argument of 0.1 is refused with its new name", async () => {
        const run = await runProgram(() => new ContainerRegistry("reg", { ...base, regions: undefined, workloadRegions: ["eu-west-1"] } as never));
        assertInputError(run, "workloadRegions", "renamed to regions");
    });
});
