import * as assert from "node:assert/strict";
import { EksPlatform, EksPlatformArgs } from "../components/eks";
import { createRegionalProviders } from "../components/regions";
import { assertInputError, jsonInput, MockRun, runProgram } from "./harness";

const BASE: EksPlatformArgs = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"],
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    supportCheckDate: "2026-11-22",
    // Applied from a CI runner outside the VPC, as the shipped EKS stacks are (issue 18).
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
};

const platform = (name: string, args: Partial<EksPlatformArgs>) => runProgram(() => {
    const providers = createRegionalProviders("aws", ["us-east-1"]);
    new EksPlatform(name, { ...BASE, ...args }, { provider: providers["us-east-1"] });
});

describe("EksPlatform Fargate profiles", () => {
    let run: MockRun;
    before(async () => {
        run = await platform("fp", {
            karpenter: false, externalSecrets: false, loadBalancerController: false,
            fargateProfiles: [
                { name: "batch", selectors: [{ namespace: "batch", labels: { "compute": "fargate" } }, { namespace: "reports" }] },
                { name: "system", selectors: [{ namespace: "kube-system" }] },
            ],
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("C8: each profile selects its namespaces and labels and runs pods in the private subnets only", () => {
        const profiles = run.ofType("aws:eks/fargateProfile:FargateProfile").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(profiles.map((p) => [p.inputs.fargateProfileName, p.inputs.subnetIds, p.inputs.selectors]), [
            ["batch", BASE.privateSubnetIds, [{ namespace: "batch", labels: { compute: "fargate" } }, { namespace: "reports" }]],
            ["system", BASE.privateSubnetIds, [{ namespace: "kube-system" }]],
        ]);
        assert.equal(profiles[0].inputs.clusterName, run.ofType("aws:eks/cluster:Cluster")[0].wireOutputs.name);
    });

    it("gives every profile its own pod execution role, assumable only by EKS Fargate for this cluster's profiles", () => {
        for (const name of ["batch", "system"]) {
            const role = run.named(`fp-fargate-${name}-pods`, "aws:iam/role:Role");
            assert.equal(run.named(`fp-fargate-${name}`, "aws:eks/fargateProfile:FargateProfile").inputs.podExecutionRoleArn, role.wireOutputs.arn);
            const trust = jsonInput(role, "assumeRolePolicy");
            assert.deepEqual(trust.Statement, [{
                Effect: "Allow", Principal: { Service: "eks-fargate-pods.amazonaws.com" }, Action: "sts:AssumeRole",
                Condition: { ArnLike: { "aws:SourceArn": `arn:aws:eks:us-east-1:123456789012:fargateprofile/${run.ofType("aws:eks/cluster:Cluster")[0].wireOutputs.name}/*` } },
            }]);
            const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === role.wireOutputs.name);
            assert.deepEqual(attachments.map((a) => a.inputs.policyArn), ["arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"]);
        }
    });

    it("runs CoreDNS on Fargate when a profile covers kube-system, after the profiles exist", () => {
        const coredns = run.named("fp-coredns", "aws:eks/addon:Addon");
        assert.deepEqual(JSON.parse(coredns.inputs.configurationValues), { computeType: "Fargate" });
        const profileUrns = run.ofType("aws:eks/fargateProfile:FargateProfile").map((p) => p.urn);
        assert.deepEqual(profileUrns.filter((u) => !coredns.dependencies.includes(u)), []);
    });

    it("leaves CoreDNS on nodes when no profile covers kube-system", async () => {
        const other = await platform("np", { karpenter: false, externalSecrets: false, loadBalancerController: false,
            fargateProfiles: [{ name: "apps", selectors: [{ namespace: "kube-system", labels: { app: "metrics" } }] }] });
        assert.equal(other.error, undefined, String(other.error));
        assert.equal(other.named("np-coredns", "aws:eks/addon:Addon").inputs.configurationValues, undefined);
    });

    it("refuses profiles with Auto Mode and malformed selectors, before anything is created", async () => {
        assertInputError(await platform("bad", { autoMode: true, fargateProfiles: [{ name: "apps", selectors: [{ namespace: "apps" }] }] }),
            "fargateProfiles", "autoMode", "does not use Fargate profiles");
        assertInputError(await platform("bad", { fargateProfiles: [{ name: "apps", selectors: [] }] }), "fargateProfiles[0].selectors", "has 0 selectors", "1 to 5");
        assertInputError(await platform("bad", { fargateProfiles: [{ name: "apps", selectors: [{ namespace: "Apps_1" }] }] }),
            "fargateProfiles[0].selectors[0].namespace", '"Apps_1"', "lowercase");
        assertInputError(await platform("bad", { fargateProfiles: [{ name: "a", selectors: [{ namespace: "a" }] }, { name: "a", selectors: [{ namespace: "b" }] }] }),
            "fargateProfiles", 'profile name "a"', "unique");
    });
});
