/**
 * The node-level pattern, as files a platform team feeds to node provisioning (cloud-init, Ansible, an AMI
 * build): nothing here runs in the cluster. The kubelet fetches ECR credentials itself through the
 * `ecr-credential-provider` exec plugin (kubernetes/cloud-provider-aws; kubelet credential providers are
 * stable since Kubernetes 1.26), using the node's AWS identity, which needs the pull policy.
 */
import * as yaml from "js-yaml";
import { ResolvedRegistry } from "./args";

/** Where the K3s files below put the plugin and its config (passed to the kubelet explicitly, so any K3s release honours them). */
export const K3S_CREDENTIAL_PROVIDER_DIR = "/var/lib/rancher/credentialprovider";

export interface NodeConfig {
    /** kubelet `--image-credential-provider-config` file (kubelet.config.k8s.io/v1 CredentialProviderConfig), any distribution. */
    readonly credentialProviderConfigYaml: string;
    /** Lines for /etc/rancher/k3s/config.yaml: the two kubelet flags pointing at the plugin and its config. */
    readonly k3sConfigYaml: string;
    /** /etc/rancher/k3s/registries.yaml: every ECR endpoint as a mirror of itself, over HTTPS (the seed's K3s recipe). */
    readonly k3sRegistriesYaml: string;
    /**
     * ~/.docker/config.json `credHelpers` for amazon-ecr-credential-helper (`docker-credential-ecr-login`), for
     * Docker, nerdctl and other clients on the nodes. containerd's CRI plugin, which the kubelet pulls through,
     * does not call docker credential helpers: pods get their credentials from the kubelet plugin above.
     */
    readonly credentialHelperDockerConfigJson: string;
}

export function nodeConfig(registries: readonly ResolvedRegistry[]): NodeConfig {
    const servers = registries.map((r) => r.server);
    const providerConfig = {
        apiVersion: "kubelet.config.k8s.io/v1",
        kind: "CredentialProviderConfig",
        providers: [{
            name: "ecr-credential-provider",
            // Only this component's registries, not every *.dkr.ecr.* host, so other pulls never invoke the plugin.
            matchImages: servers,
            // Tokens last 12 hours; the plugin reports each token's expiry, this is the fallback.
            defaultCacheDuration: "6h",
            apiVersion: "credentialprovider.kubelet.k8s.io/v1",
        }],
    };
    const k3sConfig = {
        "kubelet-arg": [
            `image-credential-provider-config=${K3S_CREDENTIAL_PROVIDER_DIR}/config.yaml`,
            `image-credential-provider-bin-dir=${K3S_CREDENTIAL_PROVIDER_DIR}/bin`,
        ],
    };
    const mirrors: { [server: string]: { endpoint: string[] } } = {};
    for (const server of servers) {
        mirrors[server] = { endpoint: [`https://${server}`] };
    }
    const helpers: { [server: string]: string } = {};
    for (const server of servers) {
        helpers[server] = "ecr-login";
    }
    return {
        credentialProviderConfigYaml: yaml.dump(providerConfig, { lineWidth: -1 }),
        k3sConfigYaml: yaml.dump(k3sConfig, { lineWidth: -1 }),
        k3sRegistriesYaml: yaml.dump({ mirrors }, { lineWidth: -1 }),
        credentialHelperDockerConfigJson: JSON.stringify({ credHelpers: helpers }, null, 2),
    };
}
