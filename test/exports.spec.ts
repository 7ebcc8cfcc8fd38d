import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";
import * as root from "../components";
import { ActiveActive, ContainerRegistry } from "../components";
import { resolveEksArgs } from "../components/eks/args";
import { resolveClusterArgs } from "../components/ecs/cluster";
import { resolveMicroservicesSettings } from "../components/microservices";
import { resolveNetworkArgs } from "../components/network";
import { ArgumentErrors } from "../components/validation";
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

/**
 * Every name a module exports, types included, read from its syntax (a type-checked program of the
 * whole package would take most of a minute): explicit export lists, exported declarations, and
 * `export *` followed into the module it names.
 */
function exportedNames(file: string): Set<string> {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    const names = new Set<string>();
    for (const st of source.statements) {
        if (ts.isExportDeclaration(st)) {
            if (st.exportClause && ts.isNamedExports(st.exportClause)) {
                st.exportClause.elements.forEach((e) => names.add(e.name.text));
            } else if (st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
                const target = path.resolve(path.dirname(file), st.moduleSpecifier.text);
                const resolved = fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts");
                exportedNames(resolved).forEach((n) => names.add(n));
            }
        } else if (ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
            if (ts.isVariableStatement(st)) {
                st.declarationList.declarations.forEach((d) => ts.isIdentifier(d.name) && names.add(d.name.text));
            } else if ((st as ts.DeclarationStatement).name) {
                names.add(((st as ts.DeclarationStatement).name as ts.Identifier).text);
            }
        }
    }
    return names;
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
        const exported = exportedNames(path.join(COMPONENTS_DIR, "index.ts"));
        assert.ok(exported.has("FargateMicroservicesArgs") && exported.has("MicroserviceSpec"), "types are among the names");
        for (const name of [...imported, ...constructed]) {
            assert.ok(exported.has(name), `${name} (used in the README) is not exported from the package root`);
        }
        for (const name of constructed) {
            assert.equal(typeof rootExports[name], "function", `${name} is not a constructor at the package root`);
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

    it("ActiveActive refuses a provider in opts too", async () => {
        const run = await runProgram(() => {
            const provider = new (require("@pulumi/aws").Provider)("aws-us-east-1", { region: "us-east-1" });
            new ActiveActive("edge", {
                regions: ["us-east-1", "eu-west-1"],
                loadBalancerArns: {
                    "us-east-1": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1",
                    "eu-west-1": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/b/2",
                },
            }, { provider });
        });
        assertInputError(run, "opts.provider", "spans regions", "providerSettings");
    });

    it("an argument of 0.1 is refused with its new name", async () => {
        const run = await runProgram(() => new ContainerRegistry("reg", { ...base, regions: undefined, workloadRegions: ["eu-west-1"] } as never));
        assertInputError(run, "workloadRegions", "renamed to regions");
    });
});

describe("0.1 names are refused with their 0.2 name, never ignored", () => {
    /** The property paths of the InputPropertiesError `resolve` throws, with their reasons. */
    const errorsOf = (resolve: () => unknown): { [path: string]: string } => {
        try {
            resolve();
        } catch (err) {
            return Object.fromEntries(((err as { errors?: { propertyPath: string; reason: string }[] }).errors ?? []).map((e) => [e.propertyPath, e.reason]));
        }
        assert.fail("no error was raised");
    };
    const eks = { vpcId: "vpc-1", privateSubnetIds: ["s-1", "s-2"], availabilityZones: ["us-east-1a", "us-east-1b"], supportCheckDate: "2026-12-01" };

    it("EksPlatform: nodeArchitecture, nodeOs, node group sizes and pool architectures", () => {
        const errors = errorsOf(() => resolveEksArgs("x", {
            ...eks, nodeArchitecture: "arm64", nodeOs: "AL2023", systemNodeGroup: { minSize: 3 }, nodePool: { architectures: ["amd64"] },
        } as never));
        assert.match(errors.nodeArchitecture, /renamed to cpuArchitecture/);
        assert.match(errors.nodeOs, /renamed to amiFamily/);
        assert.match(errors["systemNodeGroup.minSize"], /renamed to minCapacity/);
        assert.match(errors["nodePool.architectures"], /renamed to cpuArchitectures/);
    });

    it("EksPlatform: the Kubernetes spelling amd64 is not a CPU architecture", () => {
        const errors = errorsOf(() => resolveEksArgs("x", { ...eks, nodePool: { cpuArchitectures: ["arm64", "amd64"] } }));
        assert.match(errors["nodePool.cpuArchitectures[1]"], /"amd64" is not a CPU architecture; allowed: arm64, x86_64/);
    });

    it("EcsCluster EC2 capacity, FargateMicroservices and RegionalNetwork", () => {
        const ec2 = errorsOf(() => {
            const errors = new ArgumentErrors("EcsCluster");
            resolveClusterArgs({ ec2Capacity: { vpcId: "v", subnetIds: ["s"], minSize: 1, architecture: "arm64" } as never }, errors);
            errors.throwIfAny();
        });
        assert.deepEqual(Object.keys(ec2).sort(), ["ec2Capacity.architecture", "ec2Capacity.minSize", "ec2Capacity.subnetIds"]);
        const ms = errorsOf(() => resolveMicroservicesSettings({
            services: [{ name: "api", repository: "shop/api", imageTag: "1.0", internal: true, desiredCount: 1 } as never],
        }));
        assert.match(ms["services[0].imageTag"], /renamed to tag/);
        assert.match(ms["services[0].desiredCount"], /renamed to desiredCapacity/);
        assert.match(ms["services[0].tag"], /is not an image tag/);
        const net = errorsOf(() => resolveNetworkArgs({ flowLogRetentionInDays: 30 } as never));
        assert.match(net.flowLogRetentionInDays, /renamed to logRetentionInDays/);
    });

    it("an ECS spelling of the architecture is refused where the one spelling is expected", () => {
        const ms = errorsOf(() => resolveMicroservicesSettings({ services: [{ name: "api", image: "nginx:1", internal: true, cpuArchitecture: "ARM64" }] }));
        assert.match(ms["services[0].cpuArchitecture"], /"ARM64" is not a CPU architecture; allowed: arm64, x86_64/);
    });
});
