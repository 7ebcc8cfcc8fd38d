import * as assert from "node:assert/strict";
import { EksPlatform, EksPlatformArgs } from "../components/eks";
import { supportedVersions, supportStatus } from "../components/eks/versions";
import { createRegionalProviders } from "../components/regions";
import { assertInputError, MockRun, runProgram } from "./harness";

const CHECK_DATE = "2026-11-22";
const BASE: EksPlatformArgs = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    privateSubnetIds: ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"],
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    supportCheckDate: CHECK_DATE,
    publicAccessCidrs: ["203.0.113.0/24"],
};

/** Add-on versions for 1.31, which versions.ts does not pin (illustrative values in EKS's format). */
const ADDONS_1_31 = {
    "vpc-cni": "v1.19.6-eksbuild.7", "kube-proxy": "v1.31.10-eksbuild.2", "coredns": "v1.11.4-eksbuild.22",
    "eks-pod-identity-agent": "v1.3.9-eksbuild.3", "aws-ebs-csi-driver": "v1.51.1-eksbuild.1", "amazon-cloudwatch-observability": "v4.6.0-eksbuild.1",
};

function runPlatform(args: Partial<EksPlatformArgs>): Promise<MockRun> {
    return runProgram(() => {
        const providers = createRegionalProviders("aws", ["us-east-1"]);
        new EksPlatform("bad", { ...BASE, ...args }, { provider: providers["us-east-1"] });
    });
}

describe("EKS version calendar (V1)", () => {
    it("V1: classifies a version by the check date against standard and extended support end days", () => {
        assert.equal(supportStatus("1.35", CHECK_DATE)!.status, "standard");
        assert.equal(supportStatus("1.34", "2026-12-02")!.status, "standard", "the last day of standard support is still standard");
        assert.equal(supportStatus("1.34", "2026-12-03")!.status, "extended");
        assert.equal(supportStatus("1.31", CHECK_DATE)!.status, "extended");
        assert.equal(supportStatus("1.31", "2026-11-27")!.status, "unsupported");
        assert.equal(supportStatus("1.20", CHECK_DATE), undefined);
        assert.deepEqual(supportedVersions(CHECK_DATE), ["1.31", "1.32", "1.33", "1.34", "1.35", "1.36"]);
    });
});

describe("EksPlatform on a version in extended support", () => {
    it("V1: accepts a version past standard but within extended support and reports it as extended", async () => {
        const run = await runProgram(() => {
            const providers = createRegionalProviders("aws", ["us-east-1"]);
            const platform = new EksPlatform("old", { ...BASE, kubernetesVersion: "1.31", extendedSupport: true, addonVersions: ADDONS_1_31 }, { provider: providers["us-east-1"] });
            return { supportStatus: platform.supportStatus, nativeSidecars: platform.nativeSidecars };
        });
        assert.equal(run.error, undefined, String(run.error));
        assert.deepEqual(run.outputs, { supportStatus: "extended", nativeSidecars: true });
        const cluster = run.ofType("aws:eks/cluster:Cluster")[0];
        assert.deepEqual([cluster.inputs.version, cluster.inputs.upgradePolicy], ["1.31", { supportType: "EXTENDED" }]);
    });
});

describe("EksPlatform argument errors (nothing registered)", () => {
    it("V1: rejects a version past extended support, naming the end day and the supported versions", async () => {
        const run = await runPlatform({ kubernetesVersion: "1.29" });
        assertInputError(run, "kubernetesVersion", `"1.29" left extended support on 2026-03-23`, "checked on 2026-11-22",
            "supported on that day: 1.31, 1.32, 1.33, 1.34, 1.35, 1.36");
    });

    it("V1: rejects a version the calendar does not know", async () => {
        const run = await runPlatform({ kubernetesVersion: "1.37" });
        assertInputError(run, "kubernetesVersion", `"1.37" is not in the EKS version calendar`, "1.35, 1.36");
    });

    it("C6: rejects Auto Mode together with Karpenter", async () => {
        const run = await runPlatform({ autoMode: true, karpenter: true });
        assertInputError(run, "karpenter", "true together with autoMode", "leave karpenter unset or false");
    });

    it("C6: rejects managed node groups together with Auto Mode", async () => {
        const run = await runPlatform({ autoMode: true, systemNodeGroup: { minCapacity: 2 } });
        assertInputError(run, "systemNodeGroup", "Auto Mode replaces managed node groups");
    });

    it("C12: rejects a node group whose minimum is above its maximum", async () => {
        const run = await runPlatform({ systemNodeGroup: { minCapacity: 5, maxCapacity: 3 } });
        assertInputError(run, "systemNodeGroup.minCapacity", "5 is above maxCapacity 3", "minCapacity must be ≤ maxCapacity");
    });

    it("C15: rejects subnets that are all in one availability zone", async () => {
        const run = await runPlatform({ availabilityZones: ["us-east-1a", "us-east-1a", "us-east-1a"] });
        assertInputError(run, "availabilityZones", `["us-east-1a","us-east-1a","us-east-1a"] spans 1 availability zone`,
            "at least 2 zones");
    });

    it("rejects an unknown node OS and a public endpoint open to the world", async () => {
        const run = await runPlatform({ amiFamily: "UBUNTU", publicAccessCidrs: ["0.0.0.0/0"] });
        assertInputError(run, "amiFamily", `"UBUNTU" is not an AMI family; allowed: BOTTLEROCKET, AL2023`);
        assertInputError(run, "publicAccessCidrs[0]", `"0.0.0.0/0" is not an IPv4 CIDR narrower than 0.0.0.0/0`);
    });

    it("row 1: a public endpoint needs the CIDRs Pulumi runs from; a private one takes none", async () => {
        const none = await runPlatform({ publicAccessCidrs: [] });
        assertInputError(none, "publicAccessCidrs", "is empty while endpointPublicAccess is true", "CI runners");
        const both = await runPlatform({ endpointPublicAccess: false });
        assertInputError(both, "publicAccessCidrs", `["203.0.113.0/24"] is set while endpointPublicAccess is false`);
        const anywhere = await runPlatform({ publicAccessCidrs: ["0.0.0.0/0"], allowPublicAccessFromAnywhere: true });
        assert.equal(anywhere.error, undefined, String(anywhere.error));
        const cluster = anywhere.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
        assert.deepEqual(cluster.inputs.vpcConfig.publicAccessCidrs, ["0.0.0.0/0"]);
        const privateOnly = await runPlatform({ endpointPublicAccess: false, publicAccessCidrs: undefined });
        const vpc = privateOnly.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!.inputs.vpcConfig;
        assert.equal(vpc.endpointPublicAccess, false);
        assert.equal(vpc.endpointPrivateAccess, true);
        assert.equal(vpc.publicAccessCidrs, undefined);
    });

    it("row 13: add-ons are pinned per Kubernetes version; an unpinned version needs addonVersions, checked by name and format", async () => {
        const unpinned = await runPlatform({ kubernetesVersion: "1.34" });
        assertInputError(unpinned, "addonVersions", "has no version for vpc-cni, kube-proxy", "on Kubernetes 1.34", "describe-addon-versions");
        const bad = await runPlatform({ addonVersions: { "coredns": "latest", "traefik": "v1.0.0-eksbuild.1" } });
        assertInputError(bad, "addonVersions.coredns", `"latest" is not an EKS add-on version`);
        assertInputError(bad, "addonVersions.traefik", "is not an add-on this cluster installs");
        const override = await runPlatform({ addonVersions: { "coredns": "v1.13.1-eksbuild.1" } });
        const addons = override.resources.filter((r) => r.type === "aws:eks/addon:Addon");
        assert.equal(addons.find((a) => a.inputs.addonName === "coredns")!.inputs.addonVersion, "v1.13.1-eksbuild.1");
        assert.equal(addons.find((a) => a.inputs.addonName === "vpc-cni")!.inputs.addonVersion, "v1.21.1-eksbuild.3");
    });

    it("row 6: a managed node group must have nodes (nothing scales it up from 0); a Spot group defaults to 1", async () => {
        const empty = await runPlatform({ spotNodeGroup: { enabled: true, minCapacity: 0 } });
        assertInputError(empty, "spotNodeGroup.minCapacity", "0 is not a whole number ≥ 1", "Karpenter does not resize managed groups");
        const spot = await runPlatform({ spotNodeGroup: { enabled: true } });
        const group = spot.resources.find((r) => r.name === "bad-spot" && r.type === "aws:eks/nodeGroup:NodeGroup")!;
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 1, maxSize: 10, desiredSize: 1 });
        assert.ok(!group.ignoreChanges.includes("scalingConfig.desiredSize"));
    });

    it("row 12: Karpenter's EC2NodeClass pins the OS's AMI release by default, never @latest", async () => {
        for (const [amiFamily, alias] of [["BOTTLEROCKET", "bottlerocket@v1.56.0"], ["AL2023", "al2023@v20260304"]]) {
            const run = await runPlatform({ amiFamily });
            const nodeClass = run.resources.find((r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")!;
            assert.deepEqual(nodeClass.inputs.spec.amiSelectorTerms, [{ alias }]);
        }
    });

    it("C14: rejects a Karpenter AMI version that is not the OS's release tag (the alias would resolve no AMI)", async () => {
        const bottlerocket = await runPlatform({ karpenterAmiVersion: "1.51.0" });
        assertInputError(bottlerocket, "karpenterAmiVersion", `"1.51.0" is not an AMI version of BOTTLEROCKET`, `"latest" or a release tag such as "v1.51.0"`);
        // A Bottlerocket tag left behind when switching to AL2023.
        const al2023 = await runPlatform({ amiFamily: "AL2023", karpenterAmiVersion: "v1.51.0" });
        assertInputError(al2023, "karpenterAmiVersion", `"v1.51.0" is not an AMI version of AL2023`, `"v20260828"`);
    });

    it("C6: rejects an Auto Mode node lifetime beyond 21 days", async () => {
        const run = await runPlatform({ autoMode: true, nodePool: { expireAfter: "720h" } });
        assertInputError(run, "nodePool.expireAfter", `"720h" is beyond Auto Mode's 21-day node lifetime`);
    });
});

describe("EKS calendar shared with the policy pack (V1)", () => {
    it("V1: the component and the pack classify every calendar version alike on every boundary day", async () => {
        const { supportPhase, EKS_CALENDAR } = await import("../policy/eks-calendar");
        for (const row of EKS_CALENDAR) {
            for (const day of [row.endOfStandardSupport, row.endOfExtendedSupport, "2026-11-22"]) {
                const ours = supportStatus(row.version, day)!.status;
                const pack = supportPhase(row.version, day, EKS_CALENDAR);
                assert.equal(ours === "unsupported" ? "ended" : ours, pack, `${row.version} on ${day}`);
            }
        }
    });
});
