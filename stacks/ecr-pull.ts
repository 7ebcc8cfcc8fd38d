import * as pulumi from "@pulumi/pulumi";
import { EcrPull, EcrPullArgs } from "../components";
import { createRegionalProviders } from "../components/regions";
import { ArgumentErrors } from "../components/validation";
import { requireSection, StackConfig } from "./config";

/**
 * The ecr-pull architecture: ECR pulls for a Kubernetes cluster outside EKS (K3s, kubeadm, on premises). The
 * `aws-containers:ecr-pull` section holds EcrPull's arguments; the cluster's kubeconfig is the secret
 * `aws-containers:kubeconfig` (never in the section, so it is never in plain text), else the ambient one
 * (KUBECONFIG, ~/.kube/config). IAM, and IAM Roles Anywhere, which is regional, go through the home region's provider.
 */
/** The `aws-containers:ecr-pull` section: EcrPull's arguments but the kubeconfig, which is a secret of its own. */
export type EcrPullSection = Omit<EcrPullArgs, "kubeconfig">;

export function buildEcrPull(cfg: StackConfig) {
    const section = requireSection<EcrPullSection>(cfg, "ecr-pull");
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    errors.require(!("kubeconfig" in section), "aws-containers:ecr-pull.kubeconfig",
        "does not belong in the section, in plain text; set the secret aws-containers:kubeconfig instead");
    errors.throwIfAny();
    const aws = createRegionalProviders("aws", [cfg.homeRegion], cfg.providers)[cfg.homeRegion];
    const pull = new EcrPull("ecr-pull", {
        ...section,
        kubeconfig: cfg.config.getSecret("kubeconfig"),
        // Always the component's own provider, so no object of it lands on a default provider by accident.
        kubeContext: section.kubeContext ?? "default",
    }, { provider: aws });
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
