import {
    c6AutoModeComplete, c7NoIrsaTrust, c9GravitonNodes, c12NoSelfManagedNodes, c14Bottlerocket, secEksControlPlaneLogging,
    secEksEndpoint, secEksSecretsEncryption, v1EksExtendedSupport, v1EksStandardSupport,
} from "../../policy/eks";
import { v2KarpenterV1 } from "../../policy/kubernetes";
import { fixtures } from "./fixtures";
import { expectResource, TestResource, variant } from "./harness";

const AUTO_MODE = (r: TestResource) => [
    ["props.computeConfig", { enabled: true, nodePools: ["general-purpose", "system"] }],
    ["props.storageConfig", { blockStorage: { enabled: true } }],
    ["props.kubernetesNetworkConfig", { elasticLoadBalancing: { enabled: true } }],
    ["props.bootstrapSelfManagedAddons", false],
].reduce((acc, [path, value]) => variant(acc, path as string, value), r);

describe("policy: EKS", () => {
    it("V1: on 2026-11-22 (notes/eks.md), 1.34 is in standard support, 1.31 in extended, 1.28 unsupported", async () => {
        const on = { checkDate: "2026-11-22" };
        await expectResource(v1EksStandardSupport, fixtures.eksCluster(), [], on);
        await expectResource(v1EksExtendedSupport, fixtures.eksCluster(), [], on);
        const v131 = variant(fixtures.eksCluster(), "props.version", "1.31");
        await expectResource(v1EksStandardSupport, v131, ["platform-cluster runs Kubernetes 1.31, past the end of EKS standard support."], on);
        await expectResource(v1EksExtendedSupport, v131, [], on);
        // The end day of extended support (2026-11-26) is still inside it; the day after is not.
        await expectResource(v1EksExtendedSupport, v131, [], { checkDate: "2026-11-26" });
        await expectResource(v1EksExtendedSupport, v131, ["platform-cluster runs Kubernetes 1.31, past the end of EKS extended support."], { checkDate: "2026-11-27" });
        const v128 = variant(fixtures.nodeGroup(), "props.version", "1.28");
        await expectResource(v1EksStandardSupport, v128, [], on);
        await expectResource(v1EksExtendedSupport, v128, ["platform-system runs Kubernetes 1.28, past the end of EKS extended support."], on);
        await expectResource(v1EksExtendedSupport, variant(fixtures.eksCluster(), "props.version", "1.24"), ["platform-cluster runs Kubernetes 1.24, past the end of EKS extended support."], on);
        await expectResource(v1EksStandardSupport, variant(fixtures.eksCluster(), "props.version", "1.36"), [], on);
    });

    it("V1: the calendar is config: a team can supply its own rows", async () => {
        const calendar = [{ version: "1.34", endOfStandardSupport: "2026-01-01", endOfExtendedSupport: "2027-01-01" }];
        await expectResource(v1EksStandardSupport, fixtures.eksCluster(), ["platform-cluster runs Kubernetes 1.34, past the end of EKS standard support."], { checkDate: "2026-11-22", calendar });
    });

    it("C6: Auto Mode needs all three capabilities and no self-managed add-on bootstrap", async () => {
        await expectResource(c6AutoModeComplete, fixtures.eksCluster(), []);
        await expectResource(c6AutoModeComplete, AUTO_MODE(fixtures.eksCluster()), []);
        await expectResource(c6AutoModeComplete, variant(AUTO_MODE(fixtures.eksCluster()), "props.storageConfig", undefined),
            ["Auto Mode cluster platform-cluster: storageConfig.blockStorage.enabled is not true."]);
        await expectResource(c6AutoModeComplete, variant(AUTO_MODE(fixtures.eksCluster()), "props.bootstrapSelfManagedAddons", undefined),
            ["Auto Mode cluster platform-cluster: bootstrapSelfManagedAddons is not false."]);
    });

    it("C7: roles trusting an EKS OIDC provider (IRSA) are flagged; Pod Identity trust passes", async () => {
        const podIdentity = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
        const irsa = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC" } }] });
        await expectResource(c7NoIrsaTrust, variant(fixtures.role(), "props.assumeRolePolicy", podIdentity), []);
        await expectResource(c7NoIrsaTrust, variant(fixtures.role(), "props.assumeRolePolicy", irsa),
            ["Role orders-task trusts an EKS OIDC provider (IRSA); use an EKS Pod Identity association."]);
    });

    it("C9: node groups and NodePools run Graviton", async () => {
        await expectResource(c9GravitonNodes, fixtures.nodeGroup(), []);
        await expectResource(c9GravitonNodes, variant(fixtures.nodeGroup(), "props.amiType", "AL2023_x86_64_STANDARD"),
            ["Node group platform-system uses the AL2023_x86_64_STANDARD AMI type, not an ARM_64 one."]);
        await expectResource(c9GravitonNodes, variant(fixtures.nodeGroup(), "props.instanceTypes", ["m7g.large", "m7i.large"]),
            ["Node group platform-system uses instance types outside the allowed families: m7i.large."]);
        await expectResource(c9GravitonNodes, variant(fixtures.nodeGroup(), "props.instanceTypes", ["m7i.large"]), [], { allowedInstanceFamilies: ["m7i"] });
        await expectResource(c9GravitonNodes, fixtures.nodePool(), []);
        await expectResource(c9GravitonNodes, variant(fixtures.nodePool(), "props.spec.template.spec.requirements", []),
            ["NodePool default-pool does not allow kubernetes.io/arch arm64."]);
        // NotIn excludes architectures and Exists allows every one: both admit arm64 unless arm64 is the one excluded.
        const arch = (operator: string, values?: string[]) => variant(fixtures.nodePool(), "props.spec.template.spec.requirements.0", { key: "kubernetes.io/arch", operator, values });
        await expectResource(c9GravitonNodes, arch("NotIn", ["amd64"]), []);
        await expectResource(c9GravitonNodes, arch("Exists"), []);
        await expectResource(c9GravitonNodes, arch("NotIn", ["arm64"]), ["NodePool default-pool does not allow kubernetes.io/arch arm64."]);
        await expectResource(c9GravitonNodes, arch("In", ["amd64"]), ["NodePool default-pool does not allow kubernetes.io/arch arm64."]);
    });

    it("C12: self-managed node Auto Scaling groups are flagged", async () => {
        await expectResource(c12NoSelfManagedNodes, fixtures.autoscalingGroup(), []);
        await expectResource(c12NoSelfManagedNodes, variant(fixtures.autoscalingGroup(), "props.tags", [{ key: "kubernetes.io/cluster/platform", value: "owned", propagateAtLaunch: true }]),
            ["Auto Scaling group workers is a self-managed EKS node group."]);
    });

    it("C14: Bottlerocket node groups and EC2NodeClasses pass; AL2023 is flagged", async () => {
        await expectResource(c14Bottlerocket, fixtures.nodeGroup(), []);
        await expectResource(c14Bottlerocket, fixtures.nodeClass(), []);
        await expectResource(c14Bottlerocket, variant(fixtures.nodeGroup(), "props.amiType", "AL2023_ARM_64_STANDARD"),
            ["Node group platform-system uses amiType AL2023_ARM_64_STANDARD, not Bottlerocket."]);
        await expectResource(c14Bottlerocket, variant(fixtures.nodeClass(), "props.spec.amiSelectorTerms", [{ alias: "al2023@latest" }]),
            ["EC2NodeClass default-class selects al2023@latest AMIs, not Bottlerocket."]);
    });

    it("V2: Karpenter 1.x with the v1 API passes; a v1alpha5 Provisioner or a 0.x chart is reported", async () => {
        await expectResource(v2KarpenterV1, fixtures.karpenterRelease(), []);
        await expectResource(v2KarpenterV1, variant(fixtures.karpenterRelease(), "props.version", "0.37.0"),
            ["Helm release karpenter installs Karpenter 0.37.0; use 1.0.0 or later."]);
        await expectResource(v2KarpenterV1, { type: "kubernetes:karpenter.sh/v1alpha5:Provisioner", name: "default", props: { apiVersion: "karpenter.sh/v1alpha5", kind: "Provisioner", spec: {} } },
            ["kubernetes:karpenter.sh/v1alpha5:Provisioner default uses a Karpenter API removed in Karpenter 1.0; use karpenter.sh/v1 NodePool and karpenter.k8s.aws/v1 EC2NodeClass."]);
        await expectResource(v2KarpenterV1, variant(fixtures.karpenterRelease(), "props.chart", "cert-manager"), []);
        // helm.v4.Chart registers its inputs (a remote component), so an old Karpenter installed that way is seen too.
        await expectResource(v2KarpenterV1, fixtures.karpenterChart(), []);
        await expectResource(v2KarpenterV1, variant(fixtures.karpenterChart(), "props.version", "0.37.0"),
            ["Helm chart karpenter-chart installs Karpenter 0.37.0; use 1.0.0 or later."]);
    });

    it("sec: secrets are KMS-encrypted", async () => {
        await expectResource(secEksSecretsEncryption, fixtures.eksCluster(), []);
        await expectResource(secEksSecretsEncryption, variant(fixtures.eksCluster(), "props.encryptionConfig", undefined),
            ["EKS cluster platform-cluster does not encrypt secrets with a KMS key."]);
    });

    it("sec: the API endpoint is private or restricted", async () => {
        await expectResource(secEksEndpoint, fixtures.eksCluster(), []);
        const publicEndpoint = variant(fixtures.eksCluster(), "props.vpcConfig.endpointPublicAccess", true);
        await expectResource(secEksEndpoint, publicEndpoint, ["EKS cluster platform-cluster has a public endpoint open to 0.0.0.0/0 (the default)."]);
        await expectResource(secEksEndpoint, variant(publicEndpoint, "props.vpcConfig.publicAccessCidrs", ["203.0.113.0/24"]), []);
        await expectResource(secEksEndpoint, variant(publicEndpoint, "props.vpcConfig.publicAccessCidrs", ["0.0.0.0/0"]),
            ["EKS cluster platform-cluster has a public endpoint open to 0.0.0.0/0."]);
    });

    it("sec: control-plane logging includes api, audit and authenticator", async () => {
        await expectResource(secEksControlPlaneLogging, fixtures.eksCluster(), []);
        await expectResource(secEksControlPlaneLogging, variant(fixtures.eksCluster(), "props.enabledClusterLogTypes", ["api"]),
            ["EKS cluster platform-cluster does not log audit, authenticator."]);
    });
});
