import * as assert from "node:assert/strict";
import { jsonInput, MockRun, RecordedResource, runStack , stackConfig } from "./harness";

// Shared by the two eks-platform stack specs (Karpenter mode and Auto Mode): helpers and the assertions
// both modes must pass, each run once per spec file.

/** The check day is fixed so that V1 assertions do not change with the calendar. */
export const CHECK_DATE = "2026-11-22";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Runs `stack` with its own config plus a fixed support check date. */
export async function runEksStack(stack: string): Promise<MockRun> {
    const section = JSON.parse(stackConfig(stack)[`aws-containers:${stack}`]);
    return runStack(stack, { [stack]: { ...section, platform: { ...section.platform, supportCheckDate: CHECK_DATE } } });
}

export const T = {
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
export function view(run: MockRun, region: string) {
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

export const addonNames = (v: ReturnType<typeof view>) => v.of(T.addon).map((a) => a.inputs.addonName).sort();
export const roleOf = (run: MockRun, arn: string): RecordedResource => run.ofType(T.role).find((r) => arn.endsWith(`:role/${r.name}-0000000`))!;
export const trust = (role: RecordedResource) => jsonInput(role, "assumeRolePolicy").Statement;
export const POD_TRUST = [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }];
const ZONES: { [region: string]: string[] } = {
    "us-east-1": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "eu-west-1": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    "us-west-2": ["us-west-2a", "us-west-2b", "us-west-2c"],
    "eu-central-1": ["eu-central-1a", "eu-central-1b", "eu-central-1c"],
};

/** Assertions both modes share: the control plane, the region of every child, in-cluster wiring. */
export function commonChecks(stack: string, regions: string[], getRun: () => MockRun) {
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

    it("secures the control plane: private endpoint plus a public one for the runner's CIDRs only, API access entries, every log type, KMS secrets, no self-managed add-ons", () => {
        const run = getRun();
        for (const region of regions) {
            const v = view(run, region);
            const c = v.one(T.cluster).inputs;
            assert.equal(c.name, `${stack}-${region}`);
            assert.equal(c.vpcConfig.endpointPrivateAccess, true);
            // Reachable from the CI runner that applies the in-cluster resources, and only from there (issue 18 row 1).
            assert.equal(c.vpcConfig.endpointPublicAccess, true);
            assert.deepEqual(c.vpcConfig.publicAccessCidrs, ["203.0.113.0/24"]);
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
            assert.equal(cw.inputs.addonVersion, "v5.3.0-eksbuild.1");
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
            assert.deepEqual([...v.one(T.cluster).inputs.vpcConfig.subnetIds].sort(), v.privateSubnets.map((s) => s.id).sort());
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

