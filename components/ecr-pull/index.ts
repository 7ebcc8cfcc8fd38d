import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { EcrPullArgs, PULL_SERVICE_ACCOUNT, resolveEcrPullArgs } from "./args";
import { createIdentity, pullPolicyDocument } from "./credentials";
import { nodeConfig } from "./node-config";
import { createRefresher, PodCredentials, rolesAnywhereConfig } from "./refresher";

export { AWS_CLI_IMAGE, CREDENTIAL_SOURCES, EcrPullArgs, EcrPullCredentials, EcrPullRegistry, KUBECTL_IMAGE, PULL_SERVICE_ACCOUNT,
    resolveEcrPullArgs } from "./args";
export { PULL_ACTIONS, pullPolicyDocument } from "./credentials";

/**
 * ECR pulls for a Kubernetes cluster that is not EKS (K3s, kubeadm, other clouds, on premises), where
 * nothing refreshes ECR's 12-hour tokens. In the cluster (the component's Kubernetes provider): a CronJob in
 * a namespace of its own that writes a `kubernetes.io/dockerconfigjson` Secret with a token per registry
 * into every target namespace, RBAC for that one Secret name only, an `ecr-pull` ServiceAccount per target
 * namespace that carries the Secret, and a one-off Job that `pulumi up` waits for. In AWS (the component's
 * AWS provider): a pull policy limited to the named repositories and the identity the refresher uses. It
 * also outputs the node-level alternative's files (kubelet credential provider, K3s) for node provisioning.
 */
export class EcrPull extends pulumi.ComponentResource {
    /** The refresher's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** Name of the pull Secret in every target namespace. */
    public readonly secretName: pulumi.Output<string>;
    /** The ServiceAccount workloads use to inherit the Secret: `ecr-pull`. */
    public readonly pullServiceAccountName: pulumi.Output<string>;
    /** The CronJob's schedule (UTC). */
    public readonly schedule: pulumi.Output<string>;
    /** Registry hosts the Secret holds tokens for, `<account>.dkr.ecr.<region>.amazonaws.com`. */
    public readonly registryServers: pulumi.Output<string[]>;
    /** The managed pull policy: attach it to whatever else pulls (e.g. node roles for the credential provider). */
    public readonly policyArn: pulumi.Output<string>;
    /** The same policy as a document, for node IAM set up outside this program. */
    public readonly nodePolicyJson: pulumi.Output<string>;
    /** Role the refresher uses (instanceProfile without nodeRoleName, or rolesAnywhere); empty otherwise. */
    public readonly roleArn: pulumi.Output<string>;
    /** instanceProfile without nodeRoleName: the instance profile to give the nodes; empty otherwise. */
    public readonly instanceProfileName: pulumi.Output<string>;
    /** rolesAnywhere: the trust anchor and profile ARNs (also in the refresher's AWS config); empty otherwise. */
    public readonly trustAnchorArn: pulumi.Output<string>;
    public readonly profileArn: pulumi.Output<string>;
    /** Node-level pattern: kubelet CredentialProviderConfig for ecr-credential-provider. */
    public readonly credentialProviderConfigYaml: pulumi.Output<string>;
    /** Node-level pattern: /etc/rancher/k3s/config.yaml lines. */
    public readonly k3sConfigYaml: pulumi.Output<string>;
    /** Node-level pattern: /etc/rancher/k3s/registries.yaml. */
    public readonly k3sRegistriesYaml: pulumi.Output<string>;
    /** Node-level pattern: docker config for amazon-ecr-credential-helper. */
    public readonly credentialHelperDockerConfigJson: pulumi.Output<string>;

    constructor(name: string, args: EcrPullArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveEcrPullArgs(args);
        super("aws-containers:ecr-pull:EcrPull", name, args, opts);
        const ctx = awsContext(this);
        const { policy, identity } = createIdentity(name, a, ctx.partition, this);

        const creds: PodCredentials = {
            accessKey: identity.accessKey,
            awsConfig: identity.trustAnchor && identity.profile && identity.role
                ? rolesAnywhereConfig(identity.trustAnchor.arn, identity.profile.arn, identity.role.arn, ctx.region) : undefined,
        };
        const awsReady = [policy, ...[identity.role, identity.instanceProfile, identity.profile, identity.accessKey].filter((r): r is NonNullable<typeof r> => r !== undefined)];
        // Its own provider when told which cluster (a secret kubeconfig, as the stacks pass it); else the inherited one.
        const provider = a.ownProvider
            ? new k8s.Provider(`${name}-cluster`, { kubeconfig: args.kubeconfig, context: a.kubeContext, enableServerSideApply: true }, { parent: this })
            : undefined;
        createRefresher(name, a, creds, { parent: this, provider }, awsReady);

        const node = nodeConfig(a.registries);
        this.namespace = pulumi.output(a.namespace);
        this.secretName = pulumi.output(a.secretName);
        this.pullServiceAccountName = pulumi.output(PULL_SERVICE_ACCOUNT);
        this.schedule = pulumi.output(a.schedule);
        this.registryServers = pulumi.output(a.registries.map((r) => r.server));
        this.policyArn = policy.arn;
        this.nodePolicyJson = ctx.partition.apply((p) => JSON.stringify(pullPolicyDocument(a.registries, p)));
        this.roleArn = identity.role?.arn ?? pulumi.output("");
        this.instanceProfileName = identity.instanceProfile?.name ?? pulumi.output("");
        this.trustAnchorArn = identity.trustAnchor?.arn ?? pulumi.output("");
        this.profileArn = identity.profile?.arn ?? pulumi.output("");
        this.credentialProviderConfigYaml = pulumi.output(node.credentialProviderConfigYaml);
        this.k3sConfigYaml = pulumi.output(node.k3sConfigYaml);
        this.k3sRegistriesYaml = pulumi.output(node.k3sRegistriesYaml);
        this.credentialHelperDockerConfigJson = pulumi.output(node.credentialHelperDockerConfigJson);
        this.registerOutputs({
            namespace: this.namespace, secretName: this.secretName, pullServiceAccountName: this.pullServiceAccountName,
            schedule: this.schedule, registryServers: this.registryServers, policyArn: this.policyArn, nodePolicyJson: this.nodePolicyJson,
            roleArn: this.roleArn, instanceProfileName: this.instanceProfileName, trustAnchorArn: this.trustAnchorArn, profileArn: this.profileArn,
            credentialProviderConfigYaml: this.credentialProviderConfigYaml, k3sConfigYaml: this.k3sConfigYaml,
            k3sRegistriesYaml: this.k3sRegistriesYaml, credentialHelperDockerConfigJson: this.credentialHelperDockerConfigJson,
        });
    }
}
