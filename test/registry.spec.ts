import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, ContainerRegistryArgs, imageReference } from "../components/registry";
import { assertInputError, jsonInput, MockRun, runProgram } from "./harness";

const WORKLOAD_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

describe("ContainerRegistry (C3)", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => new ContainerRegistry("reg", {
            homeRegion: "us-east-1",
            regions: WORKLOAD_REGIONS,
            repositories: [{ name: "shop/orders" }, { name: "shop/payments", pullAccountIds: ["210987654321"] }],
        }));
        assert.equal(run.error, undefined, String(run.error));
    });

    const repos = () => run.ofType("aws:ecr/repository:Repository");

    it("C3: every repository scans on push, has immutable tags and KMS encryption", () => {
        assert.deepEqual(repos().map((r) => r.inputs.name).sort(), ["shop/orders", "shop/payments"]);
        for (const r of repos()) {
            assert.deepEqual(r.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.equal(r.inputs.imageTagMutability, "IMMUTABLE");
            assert.deepEqual(r.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
            assert.equal(r.inputs.forceDelete, false);
            assert.equal(r.region, "us-east-1");
        }
    });

    it("C3: registry scanning is configured in every region", () => {
        const scanning = run.ofType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
        assert.deepEqual(scanning.map((s) => s.region).sort(), [...WORKLOAD_REGIONS].sort());
        for (const s of scanning) {
            assert.equal(s.inputs.scanType, "BASIC");
            assert.deepEqual(s.inputs.rules, [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }]);
        }
    });

    it("C3: every repository has a lifecycle policy expiring untagged, dev- and surplus tagged images", () => {
        const policies = run.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.deepEqual(policies.map((p) => p.inputs.repository).sort(), ["shop/orders", "shop/payments"]);
        const doc = jsonInput(policies[0], "policy");
        assert.deepEqual(doc.rules.map((r: any) => [r.rulePriority, r.selection]), [
            [1, { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }],
            [2, { tagStatus: "tagged", tagPrefixList: ["dev-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }],
            [3, { tagStatus: "tagged", tagPrefixList: ["v"], countType: "imageCountMoreThan", countNumber: 30 }],
            [4, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 30 }],
        ]);
        assert.ok(doc.rules.every((r: any) => r.action.type === "expire"));
    });

    it("C3: replication names exactly the workload regions other than the home one, for these repositories", () => {
        const [config] = run.ofType("aws:ecr/replicationConfiguration:ReplicationConfiguration");
        assert.equal(config.region, "us-east-1");
        const [rule] = config.inputs.replicationConfiguration.rules;
        assert.deepEqual(rule.destinations.map((d: any) => d.region).sort(), ["ap-southeast-2", "eu-west-1"]);
        assert.ok(rule.destinations.every((d: any) => d.registryId === "123456789012"));
        assert.deepEqual(rule.repositoryFilters, [
            { filter: "shop/orders", filterType: "PREFIX_MATCH" }, { filter: "shop/payments", filterType: "PREFIX_MATCH" },
        ]);
    });

    it("C3: replicated repositories get the same lifecycle, encryption and immutability through creation templates", () => {
        const templates = run.ofType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate");
        assert.deepEqual(templates.map((t) => t.region).sort(), ["ap-southeast-2", "eu-west-1"]);
        const policy = run.ofType("aws:ecr/lifecyclePolicy:LifecyclePolicy")[0].inputs.policy;
        for (const t of templates) {
            assert.deepEqual(t.inputs.appliedFors, ["REPLICATION"]);
            assert.equal(t.inputs.imageTagMutability, "IMMUTABLE");
            assert.deepEqual(t.inputs.encryptionConfigurations, [{ encryptionType: "KMS" }]);
            assert.equal(t.inputs.lifecyclePolicy, policy);
        }
    });

    it("D9: repositories survive removal from the program", () => {
        assert.ok(repos().every((r) => r.retainOnDelete));
    });

    it("D2: every child is on the provider of its region, created by the component", () => {
        const component = run.named("reg", "aws-containers:registry:ContainerRegistry");
        for (const r of run.descendantsOf(component.urn).filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
            const provider = run.byUrn(r.providerUrn!)!;
            assert.equal(provider.parent, component.urn);
            assert.equal(provider.inputs.region, r.region);
        }
    });

    it("grants cross-account pulls only where asked, with pull actions only", () => {
        const [policy] = run.ofType("aws:ecr/repositoryPolicy:RepositoryPolicy");
        assert.equal(policy.inputs.repository, "shop/payments");
        const doc = jsonInput(policy, "policy");
        assert.deepEqual(doc.Statement[0].Principal, { AWS: ["arn:aws:iam::210987654321:root"] });
        assert.deepEqual(doc.Statement[0].Action, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]);
    });

    it("ENHANCED scanning scans continuously; cross-account replication adds destinations", async () => {
        const enhanced = await runProgram(() => new ContainerRegistry("e", {
            homeRegion: "eu-west-1", scanType: "ENHANCED", repositories: [{ name: "app" }],
            replicationAccounts: [{ accountId: "210987654321", regions: ["eu-west-1"] }],
        }));
        const [scan] = enhanced.ofType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
        assert.deepEqual(enhanced.ofType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"), [], "no replica region, no template");
        assert.equal(scan.inputs.scanType, "ENHANCED");
        assert.equal(scan.inputs.rules[0].scanFrequency, "CONTINUOUS_SCAN");
        const [config] = enhanced.ofType("aws:ecr/replicationConfiguration:ReplicationConfiguration");
        assert.deepEqual(config.inputs.replicationConfiguration.rules[0].destinations, [{ region: "eu-west-1", registryId: "210987654321" }]);
    });

    it("C3: replicas of a mutable-tag repository are created mutable, so overwritten tags still replicate", async () => {
        const mixed = await runProgram(() => new ContainerRegistry("m", {
            homeRegion: "us-east-1", regions: ["us-east-1", "eu-west-1"],
            repositories: [{ name: "app" }, { name: "scratch", mutableTags: true }],
        }));
        assert.deepEqual(mixed.ofType("aws:ecr/repository:Repository").map((r) => [r.inputs.name, r.inputs.imageTagMutability]),
            [["app", "IMMUTABLE"], ["scratch", "MUTABLE"]]);
        const [template] = mixed.ofType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate");
        assert.equal(template.inputs.imageTagMutability, "MUTABLE");
    });

    it("D4: image references are deterministic per region, with ':' before a tag and '@' before a digest", async () => {
        const ctx = { accountId: pulumi.output("123456789012"), region: pulumi.output("eu-west-1"),
            partition: pulumi.output("aws"), dnsSuffix: pulumi.output("amazonaws.com") };
        const value = (o: pulumi.Output<string>) => new Promise<string>((resolve) => o.apply(resolve));
        assert.equal(await value(imageReference(ctx, "shop/orders", "1.8.1")), "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:1.8.1");
        assert.equal(await value(imageReference(ctx, "shop/orders", `sha256:${"a".repeat(64)}`)),
            `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders@sha256:${"a".repeat(64)}`);
    });

    describe("bad input: a clear error and nothing registered", () => {
        const base: ContainerRegistryArgs = { homeRegion: "us-east-1", repositories: [{ name: "app" }] };
        const attempt = (args: Partial<ContainerRegistryArgs>) => runProgram(() => new ContainerRegistry("bad", { ...base, ...args }));

        it("an empty repository name", async () => {
            assertInputError(await attempt({ repositories: [{ name: "" }] }), "repositories[0].name", `""`, "not a valid ECR repository name");
        });
        it("an invalid repository name", async () => {
            assertInputError(await attempt({ repositories: [{ name: "Shop/API" }] }), "repositories[0].name", `"Shop/API"`, "lowercase");
        });
        it("no repositories", async () => {
            assertInputError(await attempt({ repositories: [] }), "repositories", "at least one repository");
        });
        it("release prefixes that overlap expiring ones, or repeat", async () => {
            const run = await attempt({ expiringTagPrefixes: ["dev-"], releaseTagPrefixes: ["dev", "v", "v"] });
            assertInputError(run, "releaseTagPrefixes[0]", `"dev" overlaps the expiring prefix "dev-"`);
            assertInputError(run, "releaseTagPrefixes", `prefix "v" appears more than once`);
        });

        it("a lifecycle rule keeping fewer than 1 image", async () => {
            assertInputError(await attempt({ keepTaggedCount: 0 }), "keepTaggedCount", "0", "at least 1");
        });
        it("an unknown workload region", async () => {
            assertInputError(await attempt({ regions: ["us-east-1", "eu-west-9"] }), "regions[1]", `"eu-west-9"`, "commercial regions");
        });
        it("a duplicate workload region", async () => {
            assertInputError(await attempt({ regions: ["us-east-1", "us-east-1"] }), "regions", `"us-east-1"`, "more than once");
        });
        it("an unknown scan type", async () => {
            assertInputError(await attempt({ scanType: "DEEP" }), "scanType", `"DEEP"`, "BASIC, ENHANCED");
        });
    });
});
