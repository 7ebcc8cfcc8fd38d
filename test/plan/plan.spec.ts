import * as assert from "node:assert/strict";
import * as path from "path";
import { PolicySession } from "../../plan/analyzer/session";
import { EMPTY_POLICY_PACK, projectStacks, REPO_ROOT, userProgram } from "../../plan/engine/program";
import { PlanResult, planProgram, planStack } from "../../plan/plan";
import { PlanInputError } from "../../plan/plan-error";
import { planJson } from "../../plan/report/json";
import { deployed, exitCode, summarize } from "../../plan/report/summary";
import { FIXTURE_PACK, FIXTURES, PACK } from "./packs";

describe(`offline plan of every project stack (pack ${path.relative(REPO_ROOT, PACK)})`, () => {
    let session: PolicySession;
    before(async () => {
        session = await PolicySession.start(PACK);
    });
    after(() => session?.close());

    for (const stack of projectStacks()) {
        describe(stack, () => {
            let result: PlanResult;
            before(async () => {
                result = await planStack(stack, { policyPack: PACK, session });
            });

            it("plans with exit status 0 and no mandatory violation", () => {
                assert.deepEqual(result.violations.filter((v) => v.enforcementLevel === "mandatory"), []);
                assert.equal(exitCode(result), 0);
            });

            it("D2: puts every custom resource in a region through its provider", () => {
                const regionless = deployed(result).filter((r) => r.custom && r.region === undefined).map((r) => r.urn);
                assert.deepEqual(regionless, []);
                assert.equal(summarize(result).resources, deployed(result).length);
            });
        });
    }
});

describe("offline plan with the fixture pack", () => {
    let fixturePack: PolicySession;
    before(async () => {
        fixturePack = await PolicySession.start(FIXTURE_PACK);
    });
    after(() => fixturePack?.close());

    describe("the Analyzer protocol (fixture pack probes)", () => {
        const REPO = "aws:ecr/repository:Repository";
        let result: PlanResult;
        const probes = (name: string) => result.violations.filter((v) => v.policyName === name)
            .map((v) => ({ urn: v.urn, seen: JSON.parse(v.message.split("\n").slice(1).join("\n")) }));
        before(async () => {
            result = await planProgram(userProgram(path.join(FIXTURES, "bad-program")), {
                policyPack: FIXTURE_PACK,
                session: fixturePack,
                policyConfig: {
                    "probe-resource": { enforcementLevel: "advisory", properties: { types: [REPO] } },
                    "probe-stack": { enforcementLevel: "advisory", properties: { types: [REPO, "aws:ecr/lifecyclePolicy:LifecyclePolicy"] } },
                },
            });
        });

        it("Analyze gets the engine's URN, inputs, options and the default provider with its region", () => {
            const [probe] = probes("probe-resource");
            const urn = "urn:pulumi:dev::bad-program::aws:ecr/repository:Repository::unscanned";
            assert.equal(probe.urn, urn);
            assert.equal(probe.seen.urn, urn);
            assert.equal(probe.seen.name, "unscanned");
            assert.deepEqual(probe.seen.props.imageScanningConfiguration, { scanOnPush: false });
            assert.deepEqual(probe.seen.opts, {
                protect: true,
                ignoreChanges: ["tags"],
                deleteBeforeReplace: true,
                aliases: ["urn:pulumi:dev::bad-program::aws:ecr/repository:Repository::legacy-unscanned"],
                additionalSecretOutputs: ["registryId"],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 1200 },
                parent: "urn:pulumi:dev::bad-program::pulumi:pulumi:Stack::bad-program-dev",
            });
            assert.match(probe.seen.provider.urn, /^urn:pulumi:dev::bad-program::pulumi:providers:aws::default_7_\d+_\d+$/);
            assert.equal(probe.seen.provider.type, "pulumi:providers:aws");
            assert.equal(probe.seen.provider.region, "eu-west-1");
        });

        it("AnalyzeStack gets outputs, parents, dependencies and property dependencies", () => {
            const byUrn = new Map(probes("probe-stack").map((p) => [p.urn, p.seen]));
            const repo = byUrn.get("urn:pulumi:dev::bad-program::aws:ecr/repository:Repository::unscanned");
            assert.equal(repo.props.repositoryUrl, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bad/unscanned");
            assert.equal(repo.parent, "urn:pulumi:dev::bad-program::pulumi:pulumi:Stack::bad-program-dev");
            assert.equal(repo.provider.region, "eu-west-1");
            const key = "urn:pulumi:dev::bad-program::aws:kms/key:Key::bad-key";
            assert.deepEqual(repo.dependencies, [key]);
            assert.deepEqual(repo.propertyDependencies.encryptionConfigurations, [key]);
            const lifecycle = byUrn.get("urn:pulumi:dev::bad-program::aws:ecr/lifecyclePolicy:LifecyclePolicy::unscanned-lifecycle");
            assert.deepEqual(lifecycle.propertyDependencies.repository, ["urn:pulumi:dev::bad-program::aws:ecr/repository:Repository::unscanned"]);
        });

        it("reports the four deliberate faults as mandatory and the probes as advisory", () => {
            assert.deepEqual(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName).sort(),
                ["ecr-scan-on-push", "eks-version-supported", "fargate-task-size", "no-app-mesh"]);
            assert.deepEqual([...new Set(result.violations.filter((v) => v.enforcementLevel === "advisory").map((v) => v.policyName))].sort(),
                ["probe-resource", "probe-stack"]);
            assert.deepEqual(summarize(result), { resources: 10, regions: 1, mandatory: 4, advisory: 3 });
        });

        it("writes the --json shape: resources with region, parent and inputs; violations; summary", () => {
            const json = planJson(result);
            const repo = json.resources.find((r) => r.name === "unscanned")!;
            assert.deepEqual({ ...repo, inputs: undefined }, {
                urn: "urn:pulumi:dev::bad-program::aws:ecr/repository:Repository::unscanned",
                type: "aws:ecr/repository:Repository", name: "unscanned", region: "eu-west-1", custom: true,
                parent: "urn:pulumi:dev::bad-program::pulumi:pulumi:Stack::bad-program-dev",
                provider: repo.provider, inputs: undefined,
            });
            assert.equal(repo.inputs.name, "bad/unscanned");
            assert.equal(json.stack, "dev");
            assert.deepEqual(json.summary, summarize(result));
            assert.equal(json.violations.length, result.violations.length);
        });
    });

    describe("policy config and user programs", () => {
        it("--policy-config lowers one policy to advisory, the others stay mandatory", async () => {
            const result = await planProgram(userProgram(path.join(FIXTURES, "bad-program")), {
                policyPack: FIXTURE_PACK, session: fixturePack, policyConfig: { "ecr-scan-on-push": { enforcementLevel: "advisory" } },
            });
            assert.deepEqual(result.violations.map((v) => `${v.enforcementLevel} ${v.policyName}`).sort(), [
                "advisory ecr-scan-on-push", "mandatory eks-version-supported", "mandatory fargate-task-size", "mandatory no-app-mesh",
            ]);
        });

        it("rejects policy config for a policy the pack does not have, or against its schema", async () => {
            const program = userProgram(path.join(FIXTURES, "bad-program"));
            await assert.rejects(planProgram(program, { policyPack: FIXTURE_PACK, session: fixturePack, policyConfig: { "ecr-scan": { enforcementLevel: "advisory" } } }),
                (err: Error) => err instanceof PlanInputError && /"ecr-scan", not a policy of pack plan-fixture; its policies: ecr-immutable-tags/.test(err.message));
            await assert.rejects(planProgram(program, { policyPack: FIXTURE_PACK, session: fixturePack, policyConfig: { "ecr-immutable-tags": { properties: { allowMutable: "x" } } } }),
                (err: Error) => err instanceof PlanInputError && /ecr-immutable-tags: allowMutable: "x" is not of type array/.test(err.message));
        });

        it("plans the example program that imports the package by name, in both its regions", async () => {
            const result = await planProgram(userProgram(path.join(REPO_ROOT, "examples", "shop-network")), { policyPack: PACK });
            assert.equal(exitCode(result), 0);
            assert.equal(result.project, "shop-network");
            const vpcs = deployed(result).filter((r) => r.type === "aws:ec2/vpc:Vpc");
            assert.deepEqual(vpcs.map((r) => r.region).sort(), ["eu-west-1", "us-east-1"]);
            assert.deepEqual(Object.keys(result.outputs!.vpcIds as object).sort(), ["eu-west-1", "us-east-1"]);
        });

        it("plans the GPU, EFS, NLB and Fargate profile example with no mandatory violation", async () => {
            const result = await planProgram(userProgram(path.join(REPO_ROOT, "examples", "gpu-and-efs")), { policyPack: PACK });
            assert.equal(exitCode(result), 0);
            const count = (type: string) => deployed(result).filter((r) => r.type === type).length;
            assert.deepEqual([count("aws:efs/fileSystem:FileSystem"), count("aws:efs/mountTarget:MountTarget"), count("aws:efs/accessPoint:AccessPoint")], [2, 6, 2]);
            assert.deepEqual([count("aws:ec2/vpcEndpointService:VpcEndpointService"), count("aws:eks/fargateProfile:FargateProfile"),
                count("aws:appautoscaling/scheduledAction:ScheduledAction")], [1, 1, 2]);
            const template = deployed(result).find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && r.name === "ml-instances")!;
            assert.equal(template.inputs.imageId, "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id");
        });

        it("plans with the benchmark's empty pack: the protocol runs, and no policy reports the bad program's faults", async () => {
            const empty = await PolicySession.start(EMPTY_POLICY_PACK);
            try {
                assert.equal(empty.info.name, "bench-empty");
                assert.deepEqual(empty.info.policies, []);
                const result = await planProgram(userProgram(path.join(FIXTURES, "bad-program")), { policyPack: EMPTY_POLICY_PACK, session: empty });
                assert.deepEqual(result.violations, []);
                assert.equal(exitCode(result), 0);
                assert.ok(deployed(result).some((r) => r.type === "aws:ecr/repository:Repository"));
            } finally {
                empty.close();
            }
        });

        it("the benchmark's floor plans exactly as many plain resources as it is asked for, on one provider, judged by nothing", async () => {
            const { plainResources } = require("../../bench/program") as typeof import("../../bench/program");
            const result = await planProgram({ project: "bench", stack: "floor-40", config: {}, program: () => plainResources(40) },
                { policyPack: EMPTY_POLICY_PACK });
            const planned = deployed(result);
            assert.equal(planned.length, 40);
            assert.ok(planned.every((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.region === "us-east-1"));
            assert.deepEqual(result.violations, []);
        });
    });
});
