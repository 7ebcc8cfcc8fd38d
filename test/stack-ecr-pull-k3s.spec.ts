import * as assert from "node:assert/strict";
import { loadStackConfig } from "../plan/engine/stack-config";
import { MockRun, runStack, STACKS_DIR } from "./harness";
import { k8sSchemaErrors } from "./k8s-schema";

const section = () => JSON.parse(loadStackConfig(STACKS_DIR, "ecr-pull-k3s", "aws-containers")["aws-containers:ecr-pull"]);

describe("ecr-pull-k3s stack", () => {
    let run: MockRun;
    before(async () => {
        run = await runStack("ecr-pull-k3s");
        assert.equal(run.error, undefined, String(run.error));
    });

    it("reaches the cluster through the component's own Kubernetes provider: K3s's default context, the ambient kubeconfig", () => {
        const [provider] = run.ofType("pulumi:providers:kubernetes");
        assert.equal(provider.name, "ecr-pull-cluster");
        assert.equal(provider.inputs.context, "default");
        assert.equal(provider.inputs.kubeconfig, undefined);
        assert.equal(provider.inputs.enableServerSideApply, "true");
        const k8sObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(k8sObjects.length > 0 && k8sObjects.every((r) => r.providerUrn === provider.urn));
    });

    it("refreshes every 8 hours in shop and batch, for the three registries, with the instance-profile identity", () => {
        assert.equal(run.outputs!.schedule, "0 */8 * * *");
        assert.deepEqual(run.outputs!.registryServers, ["123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "210987654321.dkr.ecr.us-west-2.amazonaws.com"]);
        assert.deepEqual(run.ofType("kubernetes:core/v1:ServiceAccount").map((s) => `${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`).sort(),
            ["batch/ecr-pull", "ecr-pull/ecr-pull-refresher", "shop/ecr-pull"]);
        const [attachment] = run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.equal(attachment.inputs.role, "k3s-nodes");
        assert.equal(run.outputs!.instanceProfileName, "");
        assert.equal(run.ofType("kubernetes:batch/v1:Job").length, 1);
        assert.ok(run.workload.filter((r) => r.type.startsWith("aws:")).every((r) => r.region === "us-east-1"));
    });

    it("plans only Kubernetes objects that are valid against the Kubernetes OpenAPI schema", () => {
        const objects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.equal(objects.length, 13);
        assert.deepEqual(objects.flatMap(k8sSchemaErrors), []);
    });

    it("takes the kubeconfig from the secret aws-containers:kubeconfig, kept secret", async () => {
        const withConfig = await runStack("ecr-pull-k3s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
        assert.equal(withConfig.error, undefined, String(withConfig.error));
        const [provider] = withConfig.ofType("pulumi:providers:kubernetes");
        assert.equal(provider.wireInputs.kubeconfig["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
        assert.equal(provider.wireInputs.kubeconfig.value, "apiVersion: v1\nkind: Config\n");
    });

    it("refuses a kubeconfig in plain text in the section, and a schedule outside the window, before creating anything", async () => {
        const plainText = await runStack("ecr-pull-k3s", { "ecr-pull": { ...section(), kubeconfig: "apiVersion: v1" } });
        assert.match(String((plainText.error as Error).message),
            /aws-containers:ecr-pull\.kubeconfig: is not a known key; allowed: awsCliImage, createNamespaces, credentials, initialRefresh, kubeContext, kubectlImage, namespace, namespaceSelector, namespaces, refreshIntervalHours, registries, secretName/);
        const tooRare = await runStack("ecr-pull-k3s", { "ecr-pull": { ...section(), refreshIntervalHours: 12 } });
        assert.match(String((tooRare.error as Error).message), /refreshIntervalHours: 12 is outside the refresh window/);
        assert.deepEqual([...plainText.workload, ...tooRare.workload], []);
    });
});
