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
            const platform = new EksPlatform("old", { ...BASE, kubernetesVersion: "1.31", extendedSupport: true }, { provider: providers["us-east-1"] });
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
