import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { ResolvedEksArgs } from "./args";
import { CHARTS, helmRelease, InCluster } from "./charts";
import { createInterruptionQueue } from "./karpenter-interruption";
import { karpenterControllerPolicy } from "./karpenter-policy";
import { createNodeRole, volumeLayout } from "./node-groups";
import { createNodePool, KARPENTER_NODE_CLASS } from "./node-pool";
import { podIdentity } from "./pod-identity";

export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

export interface KarpenterParts {
    readonly nodeRole: aws.iam.Role;
    readonly queue: aws.sqs.Queue;
    readonly release: k8s.helm.v3.Release;
    readonly nodeClass: k8s.apiextensions.CustomResource;
    readonly nodePool: k8s.apiextensions.CustomResource;
}

/**
 * Karpenter v1 (checklist C12, V2): its node role with an EC2_LINUX access entry (API authentication mode),
 * the interruption queue, the controller role through Pod Identity, the CRD chart then the controller chart
 * (pinned), and a default EC2NodeClass and NodePool.
 */
export function createKarpenter(
    name: string,
    a: ResolvedEksArgs,
    cluster: aws.eks.Cluster,
    ctx: AwsContext,
    where: InCluster,
    parent: pulumi.Resource,
): KarpenterParts {
    const nodeRole = createNodeRole(`${name}-node`, `Karpenter nodes of ${a.clusterName}`, ctx, parent);
    // A separate role from the managed node groups': EKS already made their access entry itself.
    const nodeAccess = new aws.eks.AccessEntry(`${name}-node`, { clusterName: cluster.name, principalArn: nodeRole.arn, type: "EC2_LINUX" }, { parent });
    const queue = createInterruptionQueue(`${name}-interruption`, parent);
    const controller = podIdentity(`${name}-controller`, {
        clusterName: cluster.name,
        namespace: CHARTS.karpenter.namespace,
        serviceAccount: KARPENTER_SERVICE_ACCOUNT,
        description: `Karpenter controller of ${a.clusterName} through Pod Identity`,
        inline: karpenterControllerPolicy({ ctx, clusterName: a.clusterName, clusterArn: cluster.arn, nodeRoleArn: nodeRole.arn, queueArn: queue.arn }),
    }, parent);

    const crds = helmRelease(`${name}-crd`, CHARTS.karpenterCrd, {}, where, parent);
    // Values: charts/karpenter/values.yaml (settings.clusterName, settings.interruptionQueue is the queue name).
    const release = helmRelease(`${name}`, CHARTS.karpenter, {
        settings: { clusterName: cluster.name, clusterEndpoint: cluster.endpoint, interruptionQueue: queue.name },
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        replicas: 2,
        controller: { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } },
    }, where, parent, { skipCrds: true, dependsOn: [crds, controller.association, nodeAccess] });

    const nodeClass = new k8s.apiextensions.CustomResource(`${name}-node-class`, {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: KARPENTER_NODE_CLASS.name },
        spec: {
            // An alias term must be the only AMI term; the AMI family follows from it (EC2NodeClass CRD v1.14.1 CEL rules).
            amiSelectorTerms: [{ alias: `${a.amiFamily === "BOTTLEROCKET" ? "bottlerocket" : "al2023"}@${a.karpenterAmiVersion}` }],
            role: nodeRole.name,
            subnetSelectorTerms: pulumi.output(a.privateSubnetIds).apply((ids) => ids.map((id) => ({ id }))),
            securityGroupSelectorTerms: [{ id: cluster.vpcConfig.clusterSecurityGroupId }],
            // Hop limit 1 keeps pods away from the node role's credentials; they use Pod Identity.
            metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            blockDeviceMappings: volumeLayout(a.amiFamily, 50).map((v) => ({
                deviceName: v.deviceName,
                ebs: { volumeSize: `${v.sizeGiB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
            })),
        },
    }, { parent, provider: where.provider, dependsOn: [release] });
    const nodePool = createNodePool(`${name}-node-pool`, "default", a.nodePool, KARPENTER_NODE_CLASS, a.zones,
        { provider: where.provider, dependsOn: [nodeClass] }, parent);
    return { nodeRole, queue, release, nodeClass, nodePool };
}
