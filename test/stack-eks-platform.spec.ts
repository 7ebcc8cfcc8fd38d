import * as assert from "node:assert/strict";
import { loadStackConfig } from "../plan/stack-config";
import { jsonInput, MockRun, RecordedResource, runStack, STACKS_DIR } from "./harness";

/** The check day is fixed so that V1 assertions do not change with the calendar. */
const CHECK_DATE = "2026-11-22";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Runs `stack` with its own config plus a fixed support check date. */
async function runEksStack(stack: string): Promise<MockRun> {
    const section = JSON.parse(loadStackConfig(STACKS_DIR, stack, "aws-containers")["aws-containers:eks-platform"]);
    return runStack(stack, { "eks-platform": { ...section, platform: { ...section.platform, supportCheckDate: CHECK_DATE } } });
}

const T = {
    cluster: "aws:eks/cluster:Cluster",
    addon: "aws:eks/addon:Addon",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    role: "aws:iam/role:Role",
    release: "kubernetes:helm.sh/v3:Release",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
};

/** Helpers over one run, scoped to the platform of one region. */
function view(run: MockRun, region: string) {
    const platform = run.named(`eks-${region}`, "aws-containers:eks:EksPlatform");
    const children = run.descendantsOf(platform.urn);
    const of = (type: string) => children.filter((r) => r.type === type);
    const one = (type: string) => {
        const found = of(type);
        assert.equal(found.length, 1, `expected one ${type} in ${region}, found ${found.length}`);
        return found[0];
    };
    const network = run.descendantsOf(run.named(`eks-${region}-network`).urn);
    const privateSubnets = network.filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags.tier === "private");
    return { platform, children, of, one, privateSubnets };
}

const addonNames = (v: ReturnType<typeof view>) => v.of(T.addon).map((a) => a.inputs.addonName).sort();
const roleOf = (run: MockRun, arn: string): RecordedResource => run.ofType(T.role).find((r) => arn.endsWith(`:role/${r.name}-0000000`))!;
const trust = (role: RecordedResource) => jsonInput(role, "assumeRolePolicy").Statement;
const POD_TRUST = [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }];
const ZONES: { [region: string]: string[] } = {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c"],
    "eu-central-1": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
};

/** Assertions both modes share: the control plane, the region of every child, in-cluster wiring. */
function commonChecks(stack: string, regions: string[], getRun: () => MockRun) {
    it("D2: every AWS child of a region's platform is on that region's provider; in-cluster ones on that cluster's provider", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const aws = run.named(`aws-${region}`, "pulumi:providers:aws");
            const k8s = v.one("pulumi:providers:kubernetes");
            for (const r of v.children.filter((c) => c.custom && !c.type.startsWith("pulumi:providers:"))) {
                const expected = r.type.startsWith("kubernetes:") ? k8s.urn : aws.urn;
                assert.equal(r.providerUrn, expected, `${r.name} (${r.type}) is on ${r.providerUrn}`);
            }
            assert.ok(v.of(T.cluster).every((c) => c.region === region));
            for (const call of run.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion")) {
                assert.ok(regions.includes(call.region!), "add-on versions are looked up through a regional provider");
            }
        }
    });

    it("V1: the cluster runs 1.35, in standard support on the check day, and is upgraded rather than billed for extended support", () => {
        const run = getRun();
        for (const region of regions) {
            const cluster = view(run, region).one(T.cluster);
            assert.equal(cluster.inputs.version, "1.35");
            assert.deepEqual(cluster.inputs.upgradePolicy, { supportType: "STANDARD" });
            const out = (run.outputs!.clusters as any)[region];
            assert.equal(out.supportStatus, "standard");
            assert.equal(out.kubernetesVersion, "1.35");
        }
    });

    it("V3: native sidecars are available on the cluster version (1.29 or later) and reported as such", () => {
        const run = getRun();
        for (const region of regions) {
            assert.equal((run.outputs!.clusters as any)[region].nativeSidecars, true);
            assert.ok(Number(view(run, region).one(T.cluster).inputs.version.split(".")[1]) >= 29);
        }
    });

    it("secures the control plane: private endpoint, API access entries, every log type, KMS secrets, no self-managed add-ons", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const c = v.one(T.cluster).inputs;
            assert.equal(c.name, `${stack}-${region}`);
            assert.equal(c.vpcConfig.endpointPrivateAccess, true);
            assert.equal(c.vpcConfig.endpointPublicAccess, false);
            assert.deepEqual(c.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
            assert.deepEqual(c.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            assert.deepEqual(c.encryptionConfig.resources, ["secrets"]);
            assert.equal(c.encryptionConfig.provider.keyArn, `arn:aws:kms:${region}:123456789012:key/eks-${region}-secrets-key`);
            assert.equal(c.bootstrapSelfManagedAddons, false);
            assert.equal(c.deletionProtection, true);
            const logGroup = v.of("aws:cloudwatch/logGroup:LogGroup").find((l) => l.name === `eks-${region}-control-plane`)!;
            assert.equal(logGroup.inputs.name, `/aws/eks/${stack}-${region}/cluster`);
            assert.equal(logGroup.inputs.retentionInDays, 90);
            assert.ok(v.one(T.cluster).dependencies.includes(logGroup.urn), "the log group exists before EKS would create its own");
            const [entry] = v.of("aws:eks/accessEntry:AccessEntry").filter((e) => e.inputs.type === "STANDARD");
            assert.equal(entry.inputs.principalArn, "arn:aws:iam::123456789012:role/platform-admin");
            const assoc = v.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs;
            assert.equal(assoc.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
            assert.deepEqual(assoc.accessScope, { type: "cluster" });
        }
    });

    it("builds the Kubernetes provider from the cluster: aws eks get-token in the region, kubeconfig kept secret", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const provider = v.one("pulumi:providers:kubernetes");
            assert.ok(provider.dependencies.includes(v.one(T.cluster).urn));
            const secret = provider.inputs.kubeconfig;
            assert.equal(typeof secret, "object");
            assert.ok(SECRET_SIG in secret, "the kubeconfig is a secret");
            const doc = JSON.parse(secret.value);
            assert.deepEqual(doc.users[0].user.exec, {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "aws",
                args: ["--region", region, "eks", "get-token", "--cluster-name", `${stack}-${region}`, "--output", "json"],
            });
            assert.match(doc.clusters[0].cluster.server, new RegExp(`^https://[0-9A-F]{32}\\.gr7\\.${region}\\.eks\\.amazonaws\\.com$`));
        }
    });

    it("pins every Helm chart to an exact version under a fixed release name", () => {
        const run = getRun();
        for (const r of run.ofType(T.release)) {
            assert.match(r.inputs.version, /^\d+\.\d+\.\d+$/, `${r.name} is not pinned`);
            assert.equal(typeof r.inputs.name, "string");
            assert.equal(r.inputs.atomic, true);
        }
    });

    it("C7: no IRSA anywhere: no OIDC provider, every workload role trusts Pod Identity", () => {
        const run = getRun();
        assert.deepEqual(run.ofType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"), []);
        const federated = run.ofType(T.role).filter((r) => JSON.stringify(trust(r)).includes("Federated"));
        assert.deepEqual(federated, []);
    });

    it("C11: Container Insights and container logs through the amazon-cloudwatch-observability add-on with Pod Identity", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const cw = v.of(T.addon).find((a) => a.inputs.addonName === "amazon-cloudwatch-observability")!;
            assert.equal(cw.inputs.addonVersion, "v4.6.0-eksbuild.1");
            const [assoc] = cw.inputs.podIdentityAssociations;
            assert.equal(assoc.serviceAccount, "cloudwatch-agent");
            const role = roleOf(run, assoc.roleArn);
            assert.deepEqual(trust(role), POD_TRUST);
            const attached = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.name.startsWith(`${role.name}-`)).map((a) => a.inputs.policyArn).sort();
            assert.deepEqual(attached, ["arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]);
        }
    });

    it("C15: the cluster uses the private subnets of 3 availability zones, and the NodePool spans those zones", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            assert.deepEqual(v.privateSubnets.map((s) => s.inputs.availabilityZone).sort(), ZONES[region]);
            assert.deepEqual([...v.one(T.cluster).inputs.vpcConfig.subnetIds].sort(), v.privateSubnets.map((s) => `${s.name}-id`).sort());
            const zones = v.one(T.nodePool).inputs.spec.template.spec.requirements.find((q: any) => q.key === "topology.kubernetes.io/zone");
            assert.deepEqual(zones, { key: "topology.kubernetes.io/zone", operator: "In", values: ZONES[region] });
        }
    });

    it("External Secrets reads only the secrets under its prefix, through Pod Identity", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const assoc = v.of(T.podIdentity).find((p) => p.inputs.serviceAccount === "external-secrets")!;
            assert.equal(assoc.inputs.namespace, "external-secrets");
            const policy = jsonInput(run.named(`${roleOf(run, assoc.inputs.roleArn).name}-policy`), "policy");
            assert.deepEqual(policy.Statement[0].Resource, `arn:aws:secretsmanager:${region}:123456789012:secret:platform/*`);
            const store = v.one("kubernetes:external-secrets.io/v1:ClusterSecretStore");
            assert.deepEqual(store.inputs.spec, { provider: { aws: { service: "SecretsManager", region } } });
        }
    });
}

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

    it("C12: managed node groups (on-demand system, tainted Spot) and Karpenter; no self-managed nodes", () => {
        assert.deepEqual(run.ofType("aws:autoscaling/group:Group"), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            const groups = v.of(T.nodeGroup).map((g) => [g.name, g.inputs.capacityType, g.inputs.scalingConfig, g.inputs.taints ?? []]);
            assert.deepEqual(groups, [
                [`eks-${region}-system`, "ON_DEMAND", { minSize: 3, maxSize: 6, desiredSize: 3 }, []],
                [`eks-${region}-spot`, "SPOT", { minSize: 0, maxSize: 10, desiredSize: 0 }, [{ key: "capacity", value: "spot", effect: "NO_SCHEDULE" }]],
            ]);
            assert.ok(v.of(T.nodeGroup).every((g) => g.ignoreChanges.includes("scalingConfig.desiredSize")));
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

    it("C13: vpc-cni, kube-proxy, coredns and aws-ebs-csi-driver are managed add-ons at EKS's default version, ordered around the nodes", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            assert.deepEqual(addonNames(v), ["amazon-cloudwatch-observability", "aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
            const byName: { [addon: string]: RecordedResource } = Object.fromEntries(v.of(T.addon).map((a) => [a.inputs.addonName, a]));
            assert.equal(byName["coredns"].inputs.addonVersion, "v1.13.1-eksbuild.1");
            assert.equal(byName["kube-proxy"].inputs.addonVersion, "v1.35.0-eksbuild.2");
            assert.equal(byName["vpc-cni"].inputs.addonVersion, "v1.20.4-eksbuild.2");
            const system = v.of(T.nodeGroup)[0];
            assert.ok(system.dependencies.includes(byName["vpc-cni"].urn), "nodes wait for the CNI");
            assert.ok(byName["coredns"].dependencies.includes(system.urn), "CoreDNS waits for nodes");
            assert.ok(v.of(T.addon).every((a) => a.inputs.resolveConflictsOnCreate === "OVERWRITE"));
        }
        const calls = run.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion");
        assert.equal(calls.length, 12);
        assert.ok(calls.every((c) => c.args.kubernetesVersion === "1.35" && c.args.mostRecent === undefined));
    });

    it("C14: Bottlerocket on node groups and Karpenter nodes, IMDSv2 only and encrypted gp3 OS and data volumes", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            for (const lt of v.of(T.launchTemplate)) {
                assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 });
                assert.deepEqual(lt.inputs.blockDeviceMappings.map((b: any) => [b.deviceName, b.ebs.volumeSize, b.ebs.encrypted, b.ebs.volumeType]),
                    [["/dev/xvda", 6, "true", "gp3"], ["/dev/xvdb", 50, "true", "gp3"]]);
            }
            const nc = v.one(T.nodeClass).inputs.spec;
            assert.deepEqual(nc.amiSelectorTerms, [{ alias: "bottlerocket@latest" }]);
            assert.deepEqual(nc.metadataOptions, { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" });
            assert.ok(nc.blockDeviceMappings.every((b: any) => b.ebs.encrypted === true));
            assert.deepEqual(nc.subnetSelectorTerms, v.privateSubnets.map((s) => ({ id: `${s.name}-id` })));
        }
    });

    it("C15: node groups run in the private subnets of all 3 zones", () => {
        for (const region of REGIONS) {
            const v = view(run, region);
            for (const ng of v.of(T.nodeGroup)) {
                assert.deepEqual([...ng.inputs.subnetIds].sort(), v.privateSubnets.map((s) => `${s.name}-id`).sort());
            }
        }
    });

    it("V2: Karpenter ≥ 1.0 with the v1 API: CRD chart first, NodePool and EC2NodeClass v1, no v1alpha5 Provisioner", () => {
        assert.deepEqual(run.resources.filter((r) => /Provisioner|v1alpha5|v1beta1/.test(r.type)), []);
        for (const region of REGIONS) {
            const v = view(run, region);
            const crd = v.of(T.release).find((r) => r.inputs.name === "karpenter-crd")!;
            const ctl = v.of(T.release).find((r) => r.inputs.name === "karpenter")!;
            assert.deepEqual([crd.inputs.chart, crd.inputs.version], ["oci://public.ecr.aws/karpenter/karpenter-crd", "1.15.0"]);
            assert.deepEqual([ctl.inputs.chart, ctl.inputs.version, ctl.inputs.skipCrds], ["oci://public.ecr.aws/karpenter/karpenter", "1.15.0", true]);
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
                ["argocd@10.9.0", "aws-load-balancer-controller@3.5.0", "external-secrets@2.10.0", "karpenter-crd@1.15.0", "karpenter@1.15.0"]);
        }
    });
});

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
