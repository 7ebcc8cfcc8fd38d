import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { ContainerRegistry } from "../components";
import { AWS_CLI_IMAGE, EcrPull, EcrPullArgs, KUBECTL_IMAGE } from "../components/ecr-pull";
import { APPLY_SCRIPT, TOKEN_SCRIPT } from "../components/ecr-pull/scripts";
import { jsonInput, MockRun, RecordedResource, runProgram, typeCounts } from "./harness";
import { k8sSchemaErrors } from "./k8s-schema";

const PARTNER_ROLE = "arn:aws:iam::210987654321:role/ecr-pull-partners";
const REGISTRIES = [
    { accountId: "123456789012", region: "us-east-1", repositories: ["shop/orders", "shop/storefront"] },
    { accountId: "123456789012", region: "eu-west-1", repositories: ["shop/orders"] },
    { accountId: "210987654321", region: "us-west-2", repositories: ["vendor/agent"], assumeRoleArn: PARTNER_ROLE },
];
const BASE: EcrPullArgs = { registries: REGISTRIES, namespaces: ["shop", "batch"] };
const SECRET_RULE = { apiGroups: [""], resources: ["secrets"], resourceNames: ["ecr-pull-credentials"], verbs: ["get", "create", "patch"] };
const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUexample\n-----END CERTIFICATE-----\n";
const SIGNING_IMAGE = "registry.example.com/platform/aws-cli-rolesanywhere:2.37.5-1.7.1";

/** Runs EcrPull in the cluster account's us-east-1 with an explicit Kubernetes provider, as a stack would. */
function runPull(args: EcrPullArgs): Promise<MockRun> {
    return runProgram(() => {
        const provider = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
        const cluster = new k8s.Provider("k3s", { kubeconfig: "{}", enableServerSideApply: true });
        const pull = new EcrPull("pull", args, { providers: [provider, cluster] });
        return { schedule: pull.schedule, k3sRegistriesYaml: pull.k3sRegistriesYaml, credentialProviderConfigYaml: pull.credentialProviderConfigYaml,
            k3sConfigYaml: pull.k3sConfigYaml, credentialHelperDockerConfigJson: pull.credentialHelperDockerConfigJson, nodePolicyJson: pull.nodePolicyJson };
    });
}

const kubernetesObjects = (run: MockRun) => run.resources.filter((r) => r.type.startsWith("kubernetes:"));
const ofKind = (run: MockRun, kind: string) => run.resources.filter((r) => r.type.endsWith(`:${kind}`) && r.type.startsWith("kubernetes:"));
const at = (r: RecordedResource) => `${r.inputs.metadata.namespace ?? "(cluster)"}/${r.inputs.metadata.name}`;

describe("EcrPull: in-cluster refresher for fixed namespaces", () => {
    let run: MockRun;
    before(async () => {
        run = await runPull(BASE);
        assert.equal(run.error, undefined, String(run.error));
    });

    it("creates exactly the refresher, RBAC and ServiceAccounts, and the instance-profile identity", () => {
        assert.deepEqual(typeCounts(run.workload), {
            "aws-containers:ecr-pull:EcrPull": 1,
            "aws:iam/instanceProfile:InstanceProfile": 1,
            "aws:iam/policy:Policy": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
            "kubernetes:batch/v1:CronJob": 1,
            "kubernetes:batch/v1:Job": 1,
            "kubernetes:core/v1:ConfigMap": 1,
            "kubernetes:core/v1:Namespace": 1,
            "kubernetes:core/v1:ServiceAccount": 3,
            "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
        });
    });

    it("parents every child to the component, with the AWS children on its AWS provider (us-east-1)", () => {
        const [component] = run.ofType("aws-containers:ecr-pull:EcrPull");
        const children = run.workload.filter((r) => r !== component);
        assert.deepEqual(children.filter((r) => r.parent !== component.urn).map((r) => r.name), []);
        assert.deepEqual(children.filter((r) => r.type.startsWith("aws:") && r.region !== "us-east-1").map((r) => r.name), []);
        assert.ok(kubernetesObjects(run).every((r) => r.provider?.includes("pulumi:providers:kubernetes::k3s")));
    });

    it("RBAC: a Role per target namespace allowing only get, create and patch of the one Secret name, bound to the refresher", () => {
        const roles = ofKind(run, "Role");
        assert.deepEqual(roles.map(at).sort(), ["batch/ecr-pull-refresher", "shop/ecr-pull-refresher"]);
        for (const role of roles) {
            assert.deepEqual(role.inputs.rules, [SECRET_RULE]);
        }
        const bindings = ofKind(run, "RoleBinding");
        assert.deepEqual(bindings.map(at).sort(), ["batch/ecr-pull-refresher", "shop/ecr-pull-refresher"]);
        for (const b of bindings) {
            assert.deepEqual(b.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ecr-pull-refresher" });
            assert.deepEqual(b.inputs.subjects, [{ kind: "ServiceAccount", name: "ecr-pull-refresher", namespace: "ecr-pull" }]);
        }
        assert.deepEqual([...ofKind(run, "ClusterRole"), ...ofKind(run, "ClusterRoleBinding")], []);
    });

    it("ServiceAccounts: ecr-pull in each target namespace carrying the Secret, and the refresher's own in its namespace", () => {
        const accounts = ofKind(run, "ServiceAccount");
        assert.deepEqual(accounts.map(at).sort(), ["batch/ecr-pull", "ecr-pull/ecr-pull-refresher", "shop/ecr-pull"]);
        for (const sa of accounts.filter((a) => a.inputs.metadata.name === "ecr-pull")) {
            assert.deepEqual(sa.inputs.imagePullSecrets, [{ name: "ecr-pull-credentials" }]);
            assert.equal(sa.inputs.automountServiceAccountToken, false);
        }
        assert.deepEqual(ofKind(run, "Namespace").map((n) => n.inputs.metadata.name), ["ecr-pull"]);
    });

    it("schedule: every 8 hours by default, UTC, one run at a time, with bounded history and retries", () => {
        const [cron] = ofKind(run, "CronJob");
        assert.equal(at(cron), "ecr-pull/ecr-pull-refresher");
        const { jobTemplate, ...spec } = cron.inputs.spec;
        assert.deepEqual(spec, {
            schedule: "0 */8 * * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 5,
        });
        assert.equal(jobTemplate.spec.backoffLimit, 3);
        assert.equal(jobTemplate.spec.activeDeadlineSeconds, 600);
        assert.deepEqual(cron.inputs.metadata.annotations, {
            "aws-containers.io/refreshes-secret": "ecr-pull-credentials", "aws-containers.io/target-namespaces": "shop,batch",
        });
        assert.equal(run.outputs!.schedule, "0 */8 * * *");
    });

    it("the refresh pod: token step on the pinned AWS CLI image, apply step on the pinned kubectl image, hardened, tokens in memory", () => {
        const pod = ofKind(run, "CronJob")[0].inputs.spec.jobTemplate.spec.template.spec;
        assert.equal(pod.serviceAccountName, "ecr-pull-refresher");
        assert.equal(pod.restartPolicy, "Never");
        assert.deepEqual(pod.initContainers.map((c: any) => [c.name, c.image, c.command]), [["token", AWS_CLI_IMAGE, ["/bin/bash", "/etc/ecr-pull/token.sh"]]]);
        assert.deepEqual(pod.containers.map((c: any) => [c.name, c.image, c.command]), [["apply", KUBECTL_IMAGE, ["/bin/bash", "/etc/ecr-pull/apply.sh"]]]);
        assert.deepEqual(pod.containers[0].env, [
            { name: "HOME", value: "/tmp" }, { name: "DOCKERCONFIG_NAME", value: "ecr-pull-credentials" }, { name: "TARGET_NAMESPACES", value: "shop batch" },
        ]);
        assert.equal(pod.initContainers[0].envFrom, undefined);
        for (const c of [...pod.initContainers, ...pod.containers]) {
            assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        }
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "work").emptyDir, { medium: "Memory", sizeLimit: "1Mi" });
    });

    it("the scripts and the registry list come from a ConfigMap: one line per registry, the role to assume or -", () => {
        const [config] = ofKind(run, "ConfigMap");
        assert.deepEqual(config.inputs.data, {
            "token.sh": TOKEN_SCRIPT,
            "apply.sh": APPLY_SCRIPT,
            "registries": "123456789012.dkr.ecr.us-east-1.amazonaws.com us-east-1 -\n" +
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com eu-west-1 -\n" +
                `210987654321.dkr.ecr.us-west-2.amazonaws.com us-west-2 ${PARTNER_ROLE}\n`,
        });
    });

    it("the first Secret: a one-off Job with the CronJob's spec, after the RBAC, the ServiceAccounts and the IAM it needs", () => {
        const [job] = ofKind(run, "Job");
        const [cron] = ofKind(run, "CronJob");
        assert.deepEqual(job.inputs.spec, cron.inputs.spec.jobTemplate.spec);
        assert.equal(job.inputs.metadata.namespace, "ecr-pull");
        assert.equal(job.inputs.metadata.annotations["pulumi.com/replaceUnready"], "true");
        const needed = [...ofKind(run, "RoleBinding"), ...ofKind(run, "ServiceAccount"), ...ofKind(run, "ConfigMap"),
            ...run.ofType("aws:iam/policy:Policy"), ...run.ofType("aws:iam/instanceProfile:InstanceProfile")].map((r) => r.urn);
        assert.deepEqual(needed.filter((u) => !job.dependencies.includes(u)), []);
        assert.deepEqual(run.ofType("kubernetes:core/v1:Secret"), [], "no token is stored in Pulumi state");
    });

    it("IAM: GetAuthorizationToken on *, the pull actions on exactly the named repositories, AssumeRole on the partner's role", () => {
        const [policy] = run.ofType("aws:iam/policy:Policy");
        assert.deepEqual(jsonInput(policy, "policy"), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "GetAuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                {
                    Sid: "PullNamedRepositories", Effect: "Allow", Action: PULL_ACTIONS,
                    Resource: [
                        "arn:aws:ecr:us-east-1:123456789012:repository/shop/orders",
                        "arn:aws:ecr:us-east-1:123456789012:repository/shop/storefront",
                        "arn:aws:ecr:eu-west-1:123456789012:repository/shop/orders",
                    ],
                },
                { Sid: "AssumeRegistryRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [PARTNER_ROLE] },
            ],
        });
        assert.deepEqual(JSON.parse(run.outputs!.nodePolicyJson as string), jsonInput(policy, "policy"));
    });

    it("instanceProfile: a role only EC2 can assume, with the pull policy, in an instance profile for the nodes", () => {
        const [role] = run.ofType("aws:iam/role:Role");
        assert.deepEqual(jsonInput(role, "assumeRolePolicy"), {
            Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
        });
        const [attachment] = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(attachment.inputs.role, role.inputs.name ?? `${role.name}-0000000`);
        assert.equal(attachment.inputs.policyArn, `arn:aws:iam:us-east-1:123456789012:pull-pull`);
        assert.equal(run.ofType("aws:iam/instanceProfile:InstanceProfile")[0].inputs.role, attachment.inputs.role);
        assert.deepEqual([...run.ofType("aws:iam/user:User"), ...run.ofType("aws:iam/accessKey:AccessKey")], [], "no long-lived key");
    });

    it("node-level files: kubelet credential provider for exactly these registries, K3s flags and mirrors, credential-helper config", () => {
        assert.equal(run.outputs!.credentialProviderConfigYaml, [
            "apiVersion: kubelet.config.k8s.io/v1", "kind: CredentialProviderConfig", "providers:", "  - name: ecr-credential-provider",
            "    matchImages:", "      - 123456789012.dkr.ecr.us-east-1.amazonaws.com", "      - 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            "      - 210987654321.dkr.ecr.us-west-2.amazonaws.com", "    defaultCacheDuration: 6h", "    apiVersion: credentialprovider.kubelet.k8s.io/v1", "",
        ].join("\n"));
        assert.equal(run.outputs!.k3sConfigYaml, "kubelet-arg:\n  - image-credential-provider-config=/var/lib/rancher/credentialprovider/config.yaml\n" +
            "  - image-credential-provider-bin-dir=/var/lib/rancher/credentialprovider/bin\n");
        assert.match(run.outputs!.k3sRegistriesYaml as string, /^mirrors:\n {2}123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com:\n {4}endpoint:\n {6}- https:\/\/123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\n/);
        assert.deepEqual(JSON.parse(run.outputs!.credentialHelperDockerConfigJson as string), { credHelpers: {
            "123456789012.dkr.ecr.us-east-1.amazonaws.com": "ecr-login", "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
            "210987654321.dkr.ecr.us-west-2.amazonaws.com": "ecr-login",
        } });
    });

    it("every Kubernetes object is valid against the Kubernetes OpenAPI schema", () => {
        assert.equal(kubernetesObjects(run).length, 11);
        assert.deepEqual(kubernetesObjects(run).flatMap(k8sSchemaErrors), []);
    });

    it("the schema check catches a value Kubernetes would refuse (so the check above can fail)", () => {
        const cron = structuredClone(ofKind(run, "CronJob")[0]);
        cron.inputs.spec.concurrencyPolicy = "Sometimes";
        cron.inputs.spec.jobTemplate.spec.backoffLimit = "3";
        assert.deepEqual(k8sSchemaErrors(cron), [
            "pull-cronjob/spec/concurrencyPolicy: must be equal to one of the allowed values",
            "pull-cronjob/spec/jobTemplate/spec/backoffLimit: must be integer",
        ]);
    });
});

describe("EcrPull: every namespace with a label", () => {
    let run: MockRun;
    before(async () => {
        run = await runPull({ registries: REGISTRIES.slice(0, 1), namespaceSelector: "ecr-pull=enabled", refreshIntervalHours: 6 });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("RBAC: one ClusterRole with the one Secret name plus list on namespaces, bound to the refresher; no Roles", () => {
        const [role] = ofKind(run, "ClusterRole");
        assert.equal(role.inputs.metadata.name, "ecr-pull-refresher");
        assert.deepEqual(role.inputs.rules, [SECRET_RULE, { apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }]);
        const [binding] = ofKind(run, "ClusterRoleBinding");
        assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ecr-pull-refresher" });
        assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: "ecr-pull-refresher", namespace: "ecr-pull" }]);
        assert.deepEqual([...ofKind(run, "Role"), ...ofKind(run, "RoleBinding")], []);
    });

    it("the refresher selects namespaces by label at every run; only its own ServiceAccount exists (namespace owners add ecr-pull)", () => {
        const [cron] = ofKind(run, "CronJob");
        assert.equal(cron.inputs.spec.schedule, "0 */6 * * *");
        assert.deepEqual(cron.inputs.spec.jobTemplate.spec.template.spec.containers[0].env[2], { name: "NAMESPACE_SELECTOR", value: "ecr-pull=enabled" });
        assert.equal(cron.inputs.metadata.annotations["aws-containers.io/target-namespace-selector"], "ecr-pull=enabled");
        assert.deepEqual(ofKind(run, "ServiceAccount").map(at), ["ecr-pull/ecr-pull-refresher"]);
        assert.deepEqual(kubernetesObjects(run).flatMap(k8sSchemaErrors), []);
    });
});

describe("EcrPull: refresh interval and names", () => {
    it("runs every 10 hours when asked, and names its Secret and namespace as given; createNamespaces makes the targets", async () => {
        const run = await runPull({ ...BASE, refreshIntervalHours: 10, secretName: "ecr", namespace: "platform-ecr", createNamespaces: true });
        assert.equal(run.error, undefined, String(run.error));
        assert.equal(ofKind(run, "CronJob")[0].inputs.spec.schedule, "0 */10 * * *");
        assert.deepEqual(ofKind(run, "Namespace").map((n) => n.inputs.metadata.name).sort(), ["batch", "platform-ecr", "shop"]);
        assert.deepEqual(ofKind(run, "Role")[0].inputs.rules[0].resourceNames, ["ecr"]);
        assert.deepEqual(ofKind(run, "RoleBinding")[0].inputs.subjects[0].namespace, "platform-ecr");
        assert.ok(ofKind(run, "Namespace").filter((n) => n.inputs.metadata.name !== "platform-ecr").every((n) => n.retainOnDelete));
    });
});

describe("EcrPull: credential options", () => {
    it("instanceProfile, new profile, initialRefresh false: no first-run Job (nodes get the profile after this update)", async () => {
        const run = await runPull({ ...BASE, initialRefresh: false });
        assert.equal(run.error, undefined, String(run.error));
        assert.deepEqual(ofKind(run, "Job"), []);
        assert.equal(ofKind(run, "CronJob").length, 1);
    });

    it("instanceProfile with nodeRoleName: attaches the pull policy to that node role and creates no role", async () => {
        const run = await runPull({ ...BASE, credentials: { source: "instanceProfile", nodeRoleName: "k3s-nodes" } });
        assert.equal(run.error, undefined, String(run.error));
        const [attachment] = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(attachment.inputs.role, "k3s-nodes");
        assert.deepEqual([...run.ofType("aws:iam/role:Role"), ...run.ofType("aws:iam/instanceProfile:InstanceProfile"),
            ...run.ofType("aws:iam/accessKey:AccessKey")], []);
    });

    it("rolesAnywhere: a trust anchor on the CA bundle, a role only that anchor (and CN) may use, a profile, and the signing helper's config", async () => {
        const run = await runPull({
            ...BASE, awsCliImage: SIGNING_IMAGE,
            credentials: { source: "rolesAnywhere", certificateBundlePem: CA_PEM, certificateCommonName: "ecr-pull-refresher", certificateSecretName: "refresher-cert" },
        });
        assert.equal(run.error, undefined, String(run.error));
        const [anchor] = run.ofType("aws:rolesanywhere/trustAnchor:TrustAnchor");
        assert.deepEqual(anchor.inputs.source, { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: CA_PEM } });
        const [role] = run.ofType("aws:iam/role:Role");
        assert.deepEqual(jsonInput(role, "assumeRolePolicy"), {
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow", Principal: { Service: "rolesanywhere.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:rolesanywhere:us-east-1:123456789012:pull-anchor" },
                    StringEquals: { "aws:PrincipalTag/x509Subject/CN": "ecr-pull-refresher" } },
            }],
        });
        const [profile] = run.ofType("aws:rolesanywhere/profile:Profile");
        assert.deepEqual(profile.inputs.roleArns, ["arn:aws:iam::123456789012:role/pull-rolesanywhere-0000000"]);
        assert.equal(profile.inputs.durationSeconds, 900);
        const config = ofKind(run, "ConfigMap")[0].inputs.data["aws-config"];
        assert.equal(config, "[default]\nregion = us-east-1\ncredential_process = aws_signing_helper credential-process " +
            "--certificate /var/run/secrets/rolesanywhere/tls.crt --private-key /var/run/secrets/rolesanywhere/tls.key " +
            "--trust-anchor-arn arn:aws:rolesanywhere:us-east-1:123456789012:pull-anchor --profile-arn arn:aws:rolesanywhere:us-east-1:123456789012:pull-profile " +
            "--role-arn arn:aws:iam::123456789012:role/pull-rolesanywhere-0000000 --region us-east-1\n");
        const pod = ofKind(run, "CronJob")[0].inputs.spec.jobTemplate.spec.template.spec;
        assert.equal(pod.initContainers[0].image, SIGNING_IMAGE);
        assert.deepEqual(pod.initContainers[0].env.find((e: any) => e.name === "AWS_CONFIG_FILE"), { name: "AWS_CONFIG_FILE", value: "/etc/ecr-pull/aws-config" });
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "certificate").secret, { secretName: "refresher-cert", defaultMode: 0o440 });
        assert.deepEqual([...run.ofType("aws:iam/accessKey:AccessKey"), ...run.ofType("aws:iam/instanceProfile:InstanceProfile")], []);
        assert.deepEqual(kubernetesObjects(run).flatMap(k8sSchemaErrors), []);
    });

    it("rolesAnywhere with an AWS Private CA: the trust anchor's source is the CA", async () => {
        const pca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
        const run = await runPull({ ...BASE, awsCliImage: SIGNING_IMAGE, credentials: { source: "rolesAnywhere", acmPcaArn: pca, certificateSecretName: "refresher-cert" } });
        assert.equal(run.error, undefined, String(run.error));
        assert.deepEqual(run.ofType("aws:rolesanywhere/trustAnchor:TrustAnchor")[0].inputs.source, { sourceType: "AWS_ACM_PCA", sourceData: { acmPcaArn: pca } });
    });

    it("accessKey (last resort): an IAM user with only the pull policy, its key in a Kubernetes Secret the token step reads", async () => {
        const run = await runPull({ ...BASE, credentials: { source: "accessKey" } });
        assert.equal(run.error, undefined, String(run.error));
        const [user] = run.ofType("aws:iam/user:User");
        assert.equal(user.inputs.path, "/ecr-pull/");
        const [attachment] = run.ofType("aws:iam/userPolicyAttachment:UserPolicyAttachment");
        assert.equal(attachment.inputs.policyArn, "arn:aws:iam:us-east-1:123456789012:pull-pull");
        const [secret] = ofKind(run, "Secret");
        assert.equal(at(secret), "ecr-pull/ecr-pull-aws-credentials");
        // The Kubernetes provider marks Secret data secret: in state it is encrypted, never plain text.
        assert.equal(secret.wireInputs.stringData["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        // The mock gives the key its ID and no secret; the dependency shows the secret comes from the key too.
        const [key] = run.ofType("aws:iam/accessKey:AccessKey");
        assert.deepEqual(secret.wireInputs.stringData.value, { AWS_ACCESS_KEY_ID: key.id });
        assert.deepEqual(secret.propertyDependencies.stringData, [key.urn]);
        const pod = ofKind(run, "CronJob")[0].inputs.spec.jobTemplate.spec.template.spec;
        assert.deepEqual(pod.initContainers[0].envFrom, [{ secretRef: { name: "ecr-pull-aws-credentials" } }]);
        assert.deepEqual(run.ofType("aws:iam/role:Role"), []);
        assert.ok(ofKind(run, "Job")[0].dependencies.includes(secret.urn));
        assert.deepEqual(kubernetesObjects(run).flatMap(k8sSchemaErrors), []);
    });
});

describe("EcrPull: cross-account pulls, registry and cluster accounts in one program", () => {
    const REGISTRY_ACCOUNT = "111111111111";
    const CLUSTER_ACCOUNT = "123456789012";
    const REGISTRY_ROLE = `arn:aws:iam::${REGISTRY_ACCOUNT}:role/ecr-pull-from-clusters`;
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            // Registry account: the repositories, one with a repository policy for the cluster account, and a role it may assume.
            const registry = new ContainerRegistry("reg", {
                homeRegion: "us-east-1",
                repositories: [{ name: "shop/orders", pullAccountIds: [CLUSTER_ACCOUNT] }, { name: "vendor/agent" }],
                providerSettings: { allowedAccountIds: [REGISTRY_ACCOUNT] },
            });
            const registryProvider = new aws.Provider("aws-registry", { region: "us-east-1", allowedAccountIds: [REGISTRY_ACCOUNT] });
            const role = new aws.iam.Role("ecr-pull-from-clusters", {
                name: "ecr-pull-from-clusters",
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${CLUSTER_ACCOUNT}:root` }, Action: "sts:AssumeRole" }] }),
            }, { provider: registryProvider });
            new aws.iam.RolePolicy("ecr-pull-from-clusters", {
                role: role.name,
                policy: JSON.stringify({ Version: "2012-10-17", Statement: [
                    { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
                    { Effect: "Allow", Action: PULL_ACTIONS, Resource: `arn:aws:ecr:us-east-1:${REGISTRY_ACCOUNT}:repository/vendor/agent` },
                ] }),
            }, { provider: registryProvider });
            // Cluster account: the refresher names the other account's registry by its full URI.
            const clusterProvider = new aws.Provider("aws-cluster", { region: "us-east-1", allowedAccountIds: [CLUSTER_ACCOUNT] });
            const cluster = new k8s.Provider("k3s", { kubeconfig: "{}" });
            new EcrPull("pull", {
                namespaces: ["shop"],
                registries: [
                    { accountId: REGISTRY_ACCOUNT, region: "us-east-1", repositories: ["shop/orders"] },
                    { accountId: REGISTRY_ACCOUNT, region: "eu-west-1", repositories: ["vendor/agent"], assumeRoleArn: REGISTRY_ROLE },
                ],
            }, { providers: [clusterProvider, cluster] });
            return { repositoryUrls: registry.repositoryUrls };
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    it("repository policy path: the registry lets the cluster account pull, and the cluster's policy grants exactly those actions on that ARN", () => {
        const [repoPolicy] = run.ofType("aws:ecr/repositoryPolicy:RepositoryPolicy");
        assert.equal(repoPolicy.inputs.repository, "shop/orders");
        const [statement] = jsonInput(repoPolicy, "policy").Statement;
        assert.deepEqual(statement.Principal, { AWS: [`arn:aws:iam::${CLUSTER_ACCOUNT}:root`] });
        const [policy] = run.ofType("aws:iam/policy:Policy");
        const doc = jsonInput(policy, "policy");
        const pull = doc.Statement.find((s: any) => s.Sid === "PullNamedRepositories");
        assert.deepEqual(pull.Resource, [`arn:aws:ecr:us-east-1:${REGISTRY_ACCOUNT}:repository/shop/orders`]);
        assert.deepEqual([...statement.Action].sort(), pull.Action, "the registry allows every action the cluster side uses");
    });

    it("assume-role path: the cluster side may only assume the registry account's role, which holds the pull permissions", () => {
        const doc = jsonInput(run.ofType("aws:iam/policy:Policy")[0], "policy");
        assert.deepEqual(doc.Statement.find((s: any) => s.Sid === "AssumeRegistryRoles"),
            { Sid: "AssumeRegistryRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [REGISTRY_ROLE] });
        assert.ok(!JSON.stringify(doc).includes("vendor/agent"), "no pull grant of its own on the assumed registry");
        const [role] = run.ofType("aws:iam/role:Role").filter((r) => r.name === "ecr-pull-from-clusters");
        assert.equal(`arn:aws:iam::${REGISTRY_ACCOUNT}:role/${role.inputs.name}`, REGISTRY_ROLE);
        assert.deepEqual(jsonInput(role, "assumeRolePolicy").Statement[0].Principal, { AWS: `arn:aws:iam::${CLUSTER_ACCOUNT}:root` });
    });

    it("the token step uses full registry URIs with the registry's account, and the role for the assumed one", () => {
        assert.equal(ofKind(run, "ConfigMap")[0].inputs.data.registries,
            `${REGISTRY_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com us-east-1 -\n${REGISTRY_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com eu-west-1 ${REGISTRY_ROLE}\n`);
    });
});

describe("EcrPull: bad input, refused before anything is created", () => {
    const cases: [string, EcrPullArgs, string, string][] = [
        ["an interval over 10 hours", { ...BASE, refreshIntervalHours: 12 }, "refreshIntervalHours",
            "12 is outside the refresh window; give a whole number of hours from 6 to 10 (ECR tokens expire after 12 hours)"],
        ["an interval under 6 hours", { ...BASE, refreshIntervalHours: 5 }, "refreshIntervalHours",
            "5 is outside the refresh window; give a whole number of hours from 6 to 10 (ECR tokens expire after 12 hours)"],
        ["a fractional interval", { ...BASE, refreshIntervalHours: 7.5 }, "refreshIntervalHours",
            "7.5 is outside the refresh window; give a whole number of hours from 6 to 10 (ECR tokens expire after 12 hours)"],
        ["an empty target list", { registries: REGISTRIES, namespaces: [] }, "namespaces",
            "got []; give at least one target namespace, or a namespaceSelector"],
        ["a namespace pattern", { registries: REGISTRIES, namespaces: ["shop-*"] }, "namespaces[0]",
            "\"shop-*\" is not a namespace name (a DNS label: up to 63 lowercase letters, digits and -; no patterns or wildcards)"],
        ["both namespaces and a selector", { ...BASE, namespaceSelector: "team=shop" }, "namespaces",
            "and namespaceSelector are both given; give one of them"],
        ["a set-based selector", { registries: REGISTRIES, namespaceSelector: "team in (shop,batch)" }, "namespaceSelector",
            "\"team in (shop,batch)\": term \"team in (shop\" has an invalid label key \"team in (shop\""],
        ["a region that is not a region", { ...BASE, registries: [{ accountId: "123456789012", region: "us-east-9", repositories: ["shop/orders"] }] },
            "registries[0].region", "unknown region \"us-east-9\"; allowed: the AWS commercial regions (partition \"aws\"); nearest: us-east-1, us-east-2, ap-east-1"],
        ["no registries", { ...BASE, registries: [] }, "registries", "got []; give at least one registry"],
        ["a registry without repositories", { ...BASE, registries: [{ accountId: "123456789012", region: "us-east-1", repositories: [] }] },
            "registries[0].repositories", "is empty; name at least one repository the cluster pulls"],
        ["a short account ID", { ...BASE, registries: [{ accountId: "12345", region: "us-east-1", repositories: ["shop/orders"] }] },
            "registries[0].accountId", "\"12345\" is not a 12-digit AWS account ID"],
        ["a role in another account", { ...BASE, registries: [{ ...REGISTRIES[2], assumeRoleArn: "arn:aws:iam::123456789012:role/x" }] },
            "registries[0].assumeRoleArn", "\"arn:aws:iam::123456789012:role/x\" is not an IAM role ARN in the registry's account \"210987654321\" (arn:aws:iam::210987654321:role/NAME)"],
        ["the same registry twice", { ...BASE, registries: [REGISTRIES[0], REGISTRIES[0]] }, "registries",
            "account and region \"123456789012/us-east-1\" appear more than once; list a registry once with all its repositories"],
        ["an unknown argument", { ...BASE, schedule: "0 * * * *" } as EcrPullArgs, "schedule",
            "is not a known key; allowed: awsCliImage, createNamespaces, credentials, initialRefresh, kubeContext, kubeconfig, kubectlImage, namespace, namespaceSelector, namespaces, refreshIntervalHours, registries, secretName"],
        ["an unknown registry key", { ...BASE, registries: [{ ...REGISTRIES[0], repo: "x" } as any] }, "registries[0].repo",
            "is not a known key; allowed: accountId, assumeRoleArn, region, repositories"],
        ["an unknown credential source", { ...BASE, credentials: { source: "irsa" } }, "credentials.source",
            "\"irsa\" is not a credential source; allowed: instanceProfile, rolesAnywhere, accessKey"],
        ["a key of another source", { ...BASE, credentials: { source: "accessKey", nodeRoleName: "nodes" } }, "credentials.nodeRoleName",
            "does not apply to source \"accessKey\""],
        ["rolesAnywhere without a certificate Secret", { ...BASE, awsCliImage: SIGNING_IMAGE, credentials: { source: "rolesAnywhere", certificateBundlePem: CA_PEM } },
            "credentials.certificateSecretName", "\"(unset)\" is not a Secret name; rolesAnywhere needs the kubernetes.io/tls Secret holding the refresher's certificate"],
        ["rolesAnywhere on the stock AWS CLI image", { ...BASE, credentials: { source: "rolesAnywhere", certificateBundlePem: CA_PEM, certificateSecretName: "c" } },
            "awsCliImage", `rolesAnywhere needs an image with the AWS CLI and aws_signing_helper; ${AWS_CLI_IMAGE} has no aws_signing_helper`],
        ["an image without a tag", { ...BASE, kubectlImage: "registry.k8s.io/kubectl" }, "kubectlImage",
            "\"registry.k8s.io/kubectl\" is not a full image URI with a tag or digest (registry/repository:tag)"],
        ["the refresher in a target namespace", { ...BASE, namespace: "shop" }, "namespace",
            "\"shop\" is also a target namespace; the refresher runs in a namespace of its own"],
    ];
    for (const [what, args, path, reason] of cases) {
        it(`refuses ${what}, naming ${path}`, async () => {
            const run = await runPull(args);
            const err = run.error as { errors?: { propertyPath: string; reason: string }[]; message?: string };
            assert.ok(err?.errors, `expected an InputPropertiesError, got ${String(run.error)}`);
            const match = err.errors.find((e) => e.propertyPath === path);
            assert.ok(match, `no error at ${path}: ${JSON.stringify(err.errors)}`);
            if (reason.endsWith("(")) {
                assert.ok(match.reason.startsWith(`${path}: ${reason}`), match.reason);
            } else {
                assert.equal(match.reason, `${path}: ${reason}`);
            }
            assert.match(err.message!, /^EcrPull has invalid arguments:\n/);
            assert.deepEqual(run.workload.map((r) => r.urn), [], "resources were registered before validation failed");
        });
    }
});
