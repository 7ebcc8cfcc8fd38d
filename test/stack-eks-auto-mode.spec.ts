import * as assert from "node:assert/strict";
import { addonNames, commonChecks, runEksStack, T, view } from "./eks-stack";
import { MockRun } from "./harness";

describe("eks-auto-mode stack (Auto Mode)", () => {
    const REGIONS = ["us-west-2", "eu-central-1"];
    let run: MockRun;
    before(async () => {
        run = await runEksStack("eks-auto-mode");
        assert.equal(run.error, undefined, String((run.error as Error)?.stack ?? run.error));
    });

    commonChecks("eks-auto-mode", REGIONS, () => run);

    it("C6: Auto Mode is on: compute with both built-in pools, block storage and load balancing, and the Auto Mode IAM", () => {
        for (const region of REGIONS) {
            const c = view(run, region).one(T.cluster).inputs;
            assert.deepEqual(c.computeConfig, {
                enabled: true, nodePools: ["general-purpose", "system"], nodeRoleArn: `arn:aws:iam::123456789012:role/eks-${region}-auto-node-0000000`,
            });
            assert.deepEqual(c.storageConfig, { blockStorage: { enabled: true } });
            assert.deepEqual(c.kubernetesNetworkConfig, { elasticLoadBalancing: { enabled: true } });
            assert.equal(c.bootstrapSelfManagedAddons, false);
            const attachments = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
            assert.deepEqual(attachments.filter((a) => a.name.startsWith(`eks-${region}-cluster-`)).map((a) => a.inputs.policyArn.split("/")[1]).sort(),
                ["AmazonEKSBlockStoragePolicy", "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"]);
            assert.deepEqual(attachments.filter((a) => a.name.startsWith(`eks-${region}-auto-node-`)).map((a) => a.inputs.policyArn.split("/")[1]).sort(),
                ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodeMinimalPolicy"]);
        }
    });

    it("C7: Auto Mode runs the Pod Identity agent itself (no add-on); workloads that call AWS still use Pod Identity", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.ok(!addonNames(v).includes("eks-pod-identity-agent"));
            const direct = v.of(T.podIdentity).map((p) => `${p.inputs.namespace}/${p.inputs.serviceAccount}`);
            assert.deepEqual(direct, ["external-secrets/external-secrets"]);
            const viaAddons = v.of(T.addon).flatMap((a) => (a.inputs.podIdentityAssociations ?? []).map((p: any) => p.serviceAccount));
            assert.deepEqual(viaAddons, ["cloudwatch-agent"]);
        }
    });

    it("C9: a custom Auto Mode NodePool admits Graviton (arm64) and amd64, Spot and on-demand, with Auto Mode's labels", () => {
        for (const region of REGIONS) {
            const spec = view(run, region).one(T.nodePool).inputs.spec.template.spec;
            assert.deepEqual(spec.nodeClassRef, { group: "eks.amazonaws.com", kind: "NodeClass", name: "default" });
            assert.deepEqual(spec.requirements.slice(0, 4), [
                { key: "kubernetes.io/arch", operator: "In", values: ["arm64", "amd64"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                { key: "eks.amazonaws.com/instance-category", operator: "In", values: ["c", "m", "r"] },
                { key: "eks.amazonaws.com/instance-generation", operator: "Gt", values: ["5"] },
            ]);
            assert.equal(spec.expireAfter, "336h");
        }
    });

    it("C12: Auto Mode does the autoscaling: no node groups, no self-managed Karpenter, no interruption queue", () => {
        assert.deepEqual(run.ofType("aws:autoscaling/group:Group"), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.deepEqual(v.of(T.nodeGroup), []);
            assert.deepEqual(v.of("aws:sqs/queue:Queue"), []);
            assert.deepEqual(v.of(T.release).map((r) => r.inputs.name), ["external-secrets"]);
            assert.equal(v.one(T.cluster).inputs.computeConfig.enabled, true);
        }
    });

    it("C13: networking, DNS and EBS storage are built into Auto Mode, so only the observability add-on is installed", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.deepEqual(addonNames(v), ["amazon-cloudwatch-observability"]);
            assert.ok(v.one(T.addon).dependencies.includes(v.one(T.cluster).urn));
            assert.equal(v.one(T.cluster).inputs.storageConfig.blockStorage.enabled, true);
        }
    });

    it("C14: Auto Mode picks and patches its own locked-down node AMIs: no launch templates or EC2NodeClass to choose an OS", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.deepEqual(v.of(T.launchTemplate), []);
            assert.deepEqual(v.of(T.nodeClass), []);
            assert.equal(v.one(T.nodePool).inputs.spec.template.spec.nodeClassRef.group, "eks.amazonaws.com");
        }
    });

    it("V2: the custom NodePool uses the karpenter.sh/v1 API; no Karpenter chart and no v1alpha5 Provisioner", () => {
        assert.deepEqual(run.resources.filter((r) => /Provisioner|v1alpha5|v1beta1/.test(r.type)), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.equal(v.one(T.nodePool).inputs.apiVersion, "karpenter.sh/v1");
            assert.deepEqual(v.of(T.release).filter((r) => String(r.inputs.chart).includes("karpenter")), []);
        }
    });

    it("in-cluster resources wait for the cluster, whose compute Auto Mode provides", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            const cluster = v.one(T.cluster);
            for (const r of [...v.of(T.release), v.one(T.nodePool)]) {
                assert.ok(r.dependencies.includes(cluster.urn), `${r.name} does not wait for the cluster`);
            }
        }
    });
});
