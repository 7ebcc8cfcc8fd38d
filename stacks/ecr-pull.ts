import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EcrPull, EcrPullArgs } from "../components";
import { checkKeys } from "../components/ecr-pull/args";
import { createRegionalProviders } from "../components/regions";
import { ArgumentErrors, show } from "../components/validation";
import { requireSection, StackConfig } from "./config";

/** Where the cluster is: a kubeconfig from the secret `aws-containers:kubeconfig`, else the ambient one (KUBECONFIG, ~/.kube/config). */
export interface ClusterSection {
    /** Context of the kubeconfig to use. @default its current-context */
    readonly context?: string;
}

/** The `aws-containers:ecr-pull` section. */
export interface EcrPullSection {
    readonly cluster?: ClusterSection;
    readonly pull: EcrPullArgs;
}

/**
 * The ecr-pull architecture: ECR pulls for a Kubernetes cluster outside EKS (K3s, kubeadm, on premises). The
 * cluster is reached through an explicit Kubernetes provider; IAM (and IAM Roles Anywhere, which is regional)
 * goes through the provider of the home region.
 */
export function buildEcrPull(cfg: StackConfig) {
    const section = requireSection<EcrPullSection>(cfg, "ecr-pull");
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    checkKeys(errors, "aws-containers:ecr-pull", section, ["cluster", "pull"]);
    checkKeys(errors, "aws-containers:ecr-pull.cluster", section.cluster, ["context"]);
    errors.require(section.pull !== undefined && typeof section.pull === "object", "aws-containers:ecr-pull.pull",
        `${show(section.pull ?? "(unset)")} is not a map of EcrPull arguments`);
    errors.throwIfAny();
    const aws = createRegionalProviders("aws", [cfg.homeRegion], cfg.providers)[cfg.homeRegion];
    // A secret in the stack's config (pulumi config set --secret), so the kubeconfig never appears in plain text.
    const kubeconfig = cfg.config.getSecret("kubeconfig");
    const cluster = new k8s.Provider("cluster", {
        kubeconfig,
        context: section.cluster?.context,
        enableServerSideApply: true,
    });
    const pull = new EcrPull("ecr-pull", section.pull, { providers: [aws, cluster] });
    return {
        namespace: pull.namespace,
        secretName: pull.secretName,
        pullServiceAccountName: pull.pullServiceAccountName,
        schedule: pull.schedule,
        registryServers: pull.registryServers,
        policyArn: pull.policyArn,
        roleArn: pull.roleArn,
        instanceProfileName: pull.instanceProfileName,
        trustAnchorArn: pull.trustAnchorArn,
        profileArn: pull.profileArn,
        node: {
            iamPolicy: pull.nodePolicyJson,
            credentialProviderConfig: pull.credentialProviderConfigYaml,
            k3sConfig: pull.k3sConfigYaml,
            k3sRegistries: pull.k3sRegistriesYaml,
            credentialHelperDockerConfig: pull.credentialHelperDockerConfigJson,
        },
    };
}
