import { EKS_ADDON_VERSIONS } from "../components/eks/versions";
import * as assert from "node:assert/strict";
import { addonNames, commonChecks, POD_TRUST, roleOf, runEksStack, T, trust, view } from "./eks-stack";
import { jsonInput, MockRun, RecordedResource } from "./harness";

describe("eks-platform stack (Karpenter mode)", () => {
    const REGIONS = ["us-east-1", "eu-west-1"];
    let run: MockRun;
    before(async () => {
        run = await runEksStack("eks-platform");
        assert.equal(run.error, undefined, String((run.error as Error)?.stack ?? run.error));
    });

    commonChecks("eks-platform", REGIONS, () => run);

    it("C6: Auto Mode is off: no compute, storage or load-balancing config on the cluster, one cluster policy", () => {
        for (const region of REGIONS) {
            const c = view(run, region).one(T.cluster).inputs;
            assert.equal(c.computeConfig, undefined);
            assert.equal(c.storageConfig, undefined);
            assert.equal(c.kubernetesNetworkConfig, undefined);
            const policies = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.name.startsWith(`eks-${region}-cluster-`)).map((a) => a.inputs.policyArn);
            assert.deepEqual(policies, ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
        }
    });

    it("C7: the eks-pod-identity-agent add-on runs, and every component that calls AWS has a Pod Identity association", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.ok(addonNames(v).includes("eks-pod-identity-agent"));
            const viaAddons = v.of(T.addon).flatMap((a) => (a.inputs.podIdentityAssociations ?? []).map((p: any) => p.serviceAccount)).sort();
            assert.deepEqual(viaAddons, ["aws-node", "cloudwatch-agent", "ebs-csi-controller-sa"]);
            const direct = v.of(T.podIdentity).map((p) => `${p.inputs.namespace}/${p.inputs.serviceAccount}`).sort();
            assert.deepEqual(direct, ["external-secrets/external-secrets", "kube-system/aws-load-balancer-controller", "kube-system/karpenter"]);
            for (const p of v.of(T.podIdentity)) {
                assert.deepEqual(trust(roleOf(run, p.inputs.roleArn)), POD_TRUST);
            }
        }
    });

    it("C9: Graviton by default: arm64 Bottlerocket node groups on Graviton types; the NodePool allows arm64 and amd64", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            for (const ng of v.of(T.nodeGroup)) {
                assert.equal(ng.inputs.amiType, "BOTTLEROCKET_ARM_64");
                assert.ok(ng.inputs.instanceTypes.every((t: string) => /^[a-z]\d+g\./.test(t)), `${ng.name}: ${ng.inputs.instanceTypes}`);
            }
            const arch = v.one(T.nodePool).inputs.spec.template.spec.requirements.find((q: any) => q.key === "kubernetes.io/arch");
            assert.deepEqual(arch.values, ["arm64", "amd64"]);
        }
    });

    it("C12: a fixed-size on-demand system node group and Karpenter (Spot through its NodePool); no self-managed nodes", () => {
        assert.deepEqual(run.ofType("aws:autoscaling/group:Group"), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            const groups = v.of(T.nodeGroup).map((g) => [g.name, g.inputs.capacityType, g.inputs.scalingConfig, g.inputs.taints ?? []]);
            assert.deepEqual(groups, [
                [`eks-${region}-system`, "ON_DEMAND", { minSize: 3, maxSize: 6, desiredSize: 3 }, []],
            ]);
            // Nothing else scales it, so Pulumi owns its size (issue 18 row 6).
            assert.ok(v.of(T.nodeGroup).every((g) => !g.ignoreChanges.includes("scalingConfig.desiredSize")));
            const karpenter = v.of(T.release).find((r) => r.inputs.name === "karpenter")!;
            assert.equal(karpenter.inputs.values.settings.clusterName, `eks-platform-${region}`);
            assert.match(karpenter.inputs.values.settings.interruptionQueue, /^eks-.*-karpenter-interruption-0000000$/);
            const nodeEntry = v.of("aws:eks/accessEntry:AccessEntry").find((e) => e.inputs.type === "EC2_LINUX")!;
            assert.equal(nodeEntry.inputs.principalArn, `arn:aws:iam::123456789012:role/eks-${region}-karpenter-node-0000000`);
        }
    });

    it("C12: Karpenter's interruption queue is fed by the five EventBridge rules and readable only by its controller", () => {
        const v = view(run, "us-east-1");
        const rules = v.of("aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(r.inputs.eventPattern)["detail-type"][0]).sort();
        assert.deepEqual(rules, ["AWS Health Event", "EC2 Capacity Reservation Instance Interruption Warning",
            "EC2 Instance Rebalance Recommendation", "EC2 Instance State-change Notification", "EC2 Spot Instance Interruption Warning"]);
        const queue = v.one("aws:sqs/queue:Queue");
        assert.deepEqual([queue.inputs.messageRetentionSeconds, queue.inputs.sqsManagedSseEnabled], [300, true]);
        const arn = "arn:aws:sqs:us-east-1:123456789012:eks-us-east-1-karpenter-interruption-0000000";
        assert.ok(v.of("aws:cloudwatch/eventTarget:EventTarget").every((t) => t.inputs.arn === arn));
        const controller = jsonInput(run.named("eks-us-east-1-karpenter-controller-policy"), "policy");
        const sqs = controller.Statement.find((s: any) => s.Sid === "AllowInterruptionQueueActions");
        assert.deepEqual(sqs.Resource, arn);
        const launch = controller.Statement.find((s: any) => s.Sid === "AllowScopedEC2InstanceActionsWithTags");
        assert.deepEqual(launch.Condition.StringEquals, {
            "aws:RequestTag/kubernetes.io/cluster/eks-platform-us-east-1": "owned", "aws:RequestTag/eks:eks-cluster-name": "eks-platform-us-east-1",
        });
        assert.ok(run.named("eks-us-east-1-karpenter-controller-policy").inputs.policy.length < 10240, "fits an inline role policy");
    });

    it("C13: vpc-cni, kube-proxy, coredns and aws-ebs-csi-driver are managed add-ons at pinned versions, ordered around the nodes", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.deepEqual(addonNames(v), ["amazon-cloudwatch-observability", "aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
            const byName: { [addon: string]: RecordedResource } = Object.fromEntries(v.of(T.addon).map((a) => [a.inputs.addonName, a]));
            // The versions pinned for 1.35 in versions.ts, not EKS's default of the day (issue 18 row 13).
            for (const [addon, version] of Object.entries(EKS_ADDON_VERSIONS["1.35"])) {
                assert.equal(byName[addon].inputs.addonVersion, version, addon);
            }
            assert.equal(byName["coredns"].inputs.addonVersion, "v1.13.2-eksbuild.1");
            const system = v.of(T.nodeGroup)[0];
            assert.ok(system.dependencies.includes(byName["vpc-cni"].urn), "nodes wait for the CNI");
            assert.ok(byName["coredns"].dependencies.includes(system.urn), "CoreDNS waits for nodes");
            assert.ok(v.of(T.addon).every((a) => a.inputs.resolveConflictsOnCreate === "OVERWRITE"));
        }
        assert.deepEqual(run.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion"), [], "no version is read from EKS's default");
    });

    it("C14: Bottlerocket on node groups and Karpenter nodes, IMDSv2 only and encrypted gp3 OS and data volumes", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            for (const lt of v.of(T.launchTemplate)) {
                assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
                assert.deepEqual(lt.inputs.blockDeviceMappings.map((b: any) => [b.deviceName, b.ebs.volumeSize, b.ebs.encrypted, b.ebs.volumeType]),
                    [["/dev/xvda", 6, "true", "gp3"], ["/dev/xvdb", 50, "true", "gp3"]]);
            }
            const nc = v.one(T.nodeClass).inputs.spec;
            assert.deepEqual(nc.amiSelectorTerms, [{ alias: "bottlerocket@v1.56.0" }]);
            assert.deepEqual(nc.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
            assert.ok(nc.blockDeviceMappings.every((b: any) => b.ebs.encrypted === true));
            assert.deepEqual(nc.subnetSelectorTerms, v.privateSubnets.map((s) => ({ id: s.id })));
        }
    });

    it("C15: node groups run in the private subnets of all 3 zones", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            for (const ng of v.of(T.nodeGroup)) {
                assert.deepEqual([...ng.inputs.subnetIds].sort(), v.privateSubnets.map((s) => s.id).sort());
            }
        }
    });

    it("V2: Karpenter ≥ 1.0 with the v1 API: CRD chart first, NodePool and EC2NodeClass v1, no v1alpha5 Provisioner", () => {
        assert.deepEqual(run.resources.filter((r) => /Provisioner|v1alpha5|v1beta1/.test(r.type)), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            const crd = v.of(T.release).find((r) => r.inputs.name === "karpenter-crd")!;
            const ctl = v.of(T.release).find((r) => r.inputs.name === "karpenter")!;
            assert.deepEqual([crd.inputs.chart, crd.inputs.version], ["oci://public.ecr.aws/karpenter/karpenter-crd", "1.14.1"]);
            assert.deepEqual([ctl.inputs.chart, ctl.inputs.version, ctl.inputs.skipCrds], ["oci://public.ecr.aws/karpenter/karpenter", "1.14.1", true]);
            assert.ok(ctl.dependencies.includes(crd.urn));
            const pool = v.one(T.nodePool);
            assert.deepEqual(pool.inputs.spec.template.spec.nodeClassRef, { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" });
            assert.deepEqual(pool.inputs.spec.disruption, { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] });
            assert.equal(pool.inputs.spec.template.spec.expireAfter, "720h");
            assert.deepEqual(pool.inputs.spec.limits, { cpu: "1000", memory: "4000Gi" });
            assert.ok(pool.dependencies.includes(v.one(T.nodeClass).urn));
        }
    });

    it("in-cluster releases wait for the cluster's capacity; charts with Services wait for the LB controller's webhook", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            const system = v.of(T.nodeGroup).find((g) => g.name.endsWith("-system"))!;
            const coredns = v.of(T.addon).find((a) => a.inputs.addonName === "coredns")!;
            const lbc = v.of(T.release).find((r) => r.inputs.name === "aws-load-balancer-controller")!;
            for (const r of v.of(T.release)) {
                assert.ok(r.dependencies.includes(system.urn) && r.dependencies.includes(coredns.urn), `${r.name} does not wait for nodes`);
            }
            assert.deepEqual(lbc.inputs.values, { clusterName: `eks-platform-${region}`, region, vpcId: `eks-${region}-network-vpc-id`,
                replicaCount: 2, serviceAccount: { create: true, name: "aws-load-balancer-controller" } });
            for (const name of ["external-secrets", "argocd"]) {
                assert.ok(v.of(T.release).find((r) => r.inputs.name === name)!.dependencies.includes(lbc.urn), `${name} does not wait for the LBC`);
            }
            assert.deepEqual(v.of(T.release).map((r) => `${r.inputs.name}@${r.inputs.version}`).sort(),
                ["argocd@10.1.1", "aws-load-balancer-controller@3.5.0", "external-secrets@2.9.0", "karpenter-crd@1.14.1", "karpenter@1.14.1"]);
        }
    });
});
