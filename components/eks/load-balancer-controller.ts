import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, helmRelease, InCluster } from "./charts";
import { LOAD_BALANCER_CONTROLLER_POLICY } from "./load-balancer-controller-policy";
import { podIdentity } from "./pod-identity";

export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The AWS Load Balancer Controller (ALB for Ingress, NLB for Services) with its role through Pod Identity.
 * `region` and `vpcId` are set because pods cannot reach IMDS on nodes with hop limit 1
 * (helm/aws-load-balancer-controller/values.yaml).
 */
export function createLoadBalancerController(
    name: string,
    args: { cluster: aws.eks.Cluster; clusterName: string; region: pulumi.Input<string>; vpcId: pulumi.Input<string> },
    where: InCluster,
    parent: pulumi.Resource,
): k8s.helm.v3.Release {
    const identity = podIdentity(name, {
        clusterName: args.cluster.name,
        namespace: CHARTS.loadBalancerController.namespace,
        serviceAccount: LBC_SERVICE_ACCOUNT,
        description: `AWS Load Balancer Controller of ${args.clusterName} through Pod Identity`,
        inline: LOAD_BALANCER_CONTROLLER_POLICY,
    }, parent);
    return helmRelease(name, CHARTS.loadBalancerController, {
        clusterName: args.cluster.name,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: 2,
        serviceAccount: { create: true, name: LBC_SERVICE_ACCOUNT },
    }, where, parent, { dependsOn: [identity.association] });
}
