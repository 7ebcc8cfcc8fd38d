import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, createRegionalProviders, FargateMicroservices, QueueBatch, RegionalNetwork } from "../components";
import { COMMERCIAL_REGIONS, partitionRegions } from "../components/regions";
import { MockRun, runProgram, runStack } from "./harness";

/** The reasons of an argument error, one line each, exactly as the message lists them. */
function reasons(run: MockRun): string[] {
    const err = run.error as { errors?: { reason: string }[]; message?: string } | undefined;
    assert.ok(err?.errors, `expected an argument error, got ${String(err?.message ?? "success")}`);
    return err.errors!.map((e) => e.reason);
}

function assertNothingRegistered(run: MockRun): void {
    assert.deepEqual(run.workload.map((r) => r.urn), [], "resources were registered before validation failed");
}

const SERVICE = { name: "web", repository: "shop/web", tag: "1.0.0", paths: ["/*"], priority: 10 };

describe("strict inputs (issue 17)", () => {
    describe("stack config is checked against schemas/stack.schema.json before anything is created", () => {
        it("names every misspelt key of the fargate-microservices config with its path and the key it probably meant", async () => {
            const { stackConfig } = await import("./harness");
            const section = JSON.parse(stackConfig("fargate-microservices")["aws-containers:microservices"]);
            const { natGateways, ...network } = section.network;
            const { deletionProtection, logRetentionInDays, ...rest } = section;
            const misspelt = { ...rest, network: { ...network, natGateway: natGateways }, deletionProtecton: deletionProtection, logRetentionDays: logRetentionInDays };
            const bad = await runStack("fargate-microservices", { microservices: misspelt, regoins: ["us-east-1"] });
            assert.deepEqual(reasons(bad).sort(), [
                'aws-containers:microservices.deletionProtecton: is not a known key; did you mean "deletionProtection"?',
                'aws-containers:microservices.logRetentionDays: is not a known key; did you mean "logRetentionInDays"?',
                'aws-containers:microservices.network.natGateway: is not a known key; did you mean "natGateways"?',
                'aws-containers:regoins: is not a known key; did you mean "aws-containers:regions"?',
            ]);
            assert.match(String((bad.error as Error).message), /^stack fargate-microservices config has invalid arguments:\n {2}- /);
            assertNothingRegistered(bad);
        });

        it("checks types and enumerations at any depth, every problem at once, and keeps the 0.2 message for a 0.1 name", async () => {
            const bad = await runStack("registry", {
                architecture: "lambda",
                registry: { repositories: [{ name: "shop/orders", mutableTags: "yes" }], kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/x" },
            });
            assert.deepEqual(reasons(bad), [
                'aws-containers:architecture: "lambda" is not allowed; allowed: "registry", "fargate-microservices", "eks-platform", "eks-auto-mode", "sqs-batch", "active-active", "ecr-pull"',
                'aws-containers:registry.kmsKeyArn: was renamed to repositoryKmsKeyArn in 0.2; write repositoryKmsKeyArn instead (see CHANGELOG.md)',
                'aws-containers:registry.repositories[0].mutableTags: "yes" is not true or false',
            ]);
            assertNothingRegistered(bad);
        });
    });

    describe("components refuse unknown arguments, nested specs included", () => {
        const provider = () => createRegionalProviders("p", ["eu-west-1"])["eu-west-1"];

        it("RegionalNetwork: a misspelt argument names the one meant", async () => {
            const run = await runProgram(() => new RegionalNetwork("n", { natGateway: "none" } as any, { provider: provider() }));
            assert.deepEqual(reasons(run), ['natGateway: is not a known key; did you mean "natGateways"?']);
            assertNothingRegistered(run);
        });

        it("FargateMicroservices: an unknown key of a service and of its scaling, with their paths; far-off keys list what is allowed", async () => {
            const run = await runProgram(() => new FargateMicroservices("m", {
                vpcId: "vpc-1", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"],
                services: [{ ...SERVICE, scaling: { maxCapacty: 4 }, zzz: 1 } as any],
            }, { provider: provider() }));
            const all = reasons(run);
            assert.ok(all.includes('services[0].scaling.maxCapacty: is not a known key; did you mean "maxCapacity"?'), all.join("\n"));
            const far = all.find((r) => r.startsWith("services[0].zzz: "));
            assert.ok(far?.startsWith("services[0].zzz: is not a known key; allowed: appProtocol, capacityProviderStrategy, "), far);
            assertNothingRegistered(run);
        });

        it("QueueBatch: a renamed key keeps its 0.2 message and is reported once", async () => {
            const run = await runProgram(() => new QueueBatch("b", {
                vpcId: "vpc-1", privateSubnetIds: ["a", "b"], worker: { image: "nginx:1", minTasks: 1 },
            } as any, { provider: provider() }));
            const all = reasons(run).filter((r) => r.startsWith("worker.minTasks"));
            assert.deepEqual(all, ["worker.minTasks: was renamed to minCapacity in 0.2; write minCapacity instead (see CHANGELOG.md)"]);
            assertNothingRegistered(run);
        });

        it("every exported component has its arguments in schemas/components.schema.json", async () => {
            const { getPulumiComponents } = await import("@pulumi/pulumi/provider/experimental");
            const components = await import("../components");
            const { loadSchema } = await import("../components/schema");
            assert.deepEqual(Object.keys(loadSchema("components.schema.json").properties).sort(),
                getPulumiComponents(components).map((c) => c.name).sort());
        });
    });

    describe("regions", () => {
        it("are the commercial partition's: no ISO, ISO-E, GovCloud, China or European Sovereign Cloud region", () => {
            for (const r of ["eu-isoe-west-1", "eusc-de-east-1", "us-gov-west-1", "cn-north-1", "us-iso-east-1", "us-isob-east-1", "us-isof-south-1"]) {
                assert.ok(!COMMERCIAL_REGIONS.includes(r), r);
            }
            assert.ok(COMMERCIAL_REGIONS.includes("eu-west-1") && COMMERCIAL_REGIONS.includes("mx-central-1"));
            assert.deepEqual(partitionRegions("aws-eusc"), ["eusc-de-east-1"]);
        });

        it("a region of another partition says which, and how to allow it; a bad name lists the nearest three, not all", async () => {
            const run = await runProgram(() => createRegionalProviders("x", ["eu-isoe-west-1", "us-middle-1"]));
            assert.deepEqual(reasons(run), [
                'regions[0]: "eu-isoe-west-1" is a region of partition "aws-iso-e", not one of the AWS commercial regions (partition "aws"); ' +
                'set providers.partition to "aws-iso-e" to deploy there (with that partition\'s account and credentials)',
                'regions[1]: unknown region "us-middle-1"; allowed: the AWS commercial regions (partition "aws"); nearest: us-east-1, us-west-1, us-east-2',
            ]);
            assert.deepEqual(run.ofType("pulumi:providers:aws"), []);
        });

        it("a partition setting allows that partition's regions", async () => {
            const run = await runProgram(() => createRegionalProviders("gov", ["us-gov-west-1"], { partition: "aws-us-gov" }));
            assert.equal(run.error, undefined, String(run.error));
            assert.equal(run.named("gov-us-gov-west-1").inputs.region, "us-gov-west-1");
        });

        it("ContainerRegistry names homeRegion as written, not homeRegion[0]", async () => {
            const run = await runProgram(() => new ContainerRegistry("r", { homeRegion: "eu-wset-1", repositories: [{ name: "shop/web" }] }));
            assert.deepEqual(reasons(run), ['homeRegion: unknown region "eu-wset-1"; allowed: the AWS commercial regions (partition "aws"); nearest: eu-west-1, eu-west-2, eu-west-3']);
            assertNothingRegistered(run);
        });

        it("a listener priority clash names every service that has the priority", async () => {
            const run = await runProgram(() => new FargateMicroservices("m", {
                vpcId: "vpc-1", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"],
                services: [SERVICE, { ...SERVICE, name: "api", paths: ["/api/*"] }, { ...SERVICE, name: "admin", paths: ["/admin/*"] }],
            }, { provider: createRegionalProviders("p", ["eu-west-1"])["eu-west-1"] }));
            assert.deepEqual(reasons(run), ['services: listener rule priority 10 is used by services "web" and "api" and "admin"; priorities must be unique']);
        });
    });

    describe("a regional component without a region", () => {
        it("fails once, before anything is registered, saying how to give it one", async () => {
            const run = await runProgram(() => new RegionalNetwork("n", {}));
            assert.equal(String((run.error as Error).message), 'RegionalNetwork "n" has no region: pass its region\'s provider with { provider }');
            assert.deepEqual(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.urn), []);
        });

        it("is accepted on the default provider when the stack sets aws:region, as real Pulumi configures it", async () => {
            const run = await runProgram(() => { new RegionalNetwork("n", { azCount: 2 }); }, { config: { "aws:region": "eu-west-1" } });
            assert.equal(run.error, undefined, String(run.error));
            assert.equal(run.ofType("aws:ec2/vpc:Vpc").length, 1);
        });

        it("is accepted with the provider passed down by a parent, or in opts.providers", async () => {
            const run = await runProgram(() => {
                const p = createRegionalProviders("p", ["eu-west-1"])["eu-west-1"];
                new RegionalNetwork("listed", { azCount: 2 }, { providers: [p] });
                const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { providers: [p] });
                new RegionalNetwork("child", { azCount: 2 }, { parent });
            });
            assert.equal(run.error, undefined, String(run.error));
            assert.equal(run.ofType("aws:ec2/vpc:Vpc").length, 2);
        });
    });
});
