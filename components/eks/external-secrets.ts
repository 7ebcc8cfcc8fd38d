import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { CHARTS, helmRelease, InCluster } from "./charts";
import { podIdentity } from "./pod-identity";

export const ESO_SERVICE_ACCOUNT = "external-secrets";
export const CLUSTER_SECRET_STORE = "aws-secrets-manager";

/**
 * External Secrets Operator reading Secrets Manager secrets under one name prefix only, through Pod
 * Identity, plus a ClusterSecretStore that uses the controller's own credentials. Read actions per the ESO
 * docs (docs/provider/aws-secrets-manager.md); no ListSecrets, which cannot be scoped to a prefix.
 */
export function createExternalSecrets(
    name: string,
    args: { cluster: aws.eks.Cluster; clusterName: string; secretsPrefix: string; ctx: AwsContext },
    where: InCluster,
    parent: pulumi.Resource,
): k8s.helm.v3.Release {
    const { ctx } = args;
    const identity = podIdentity(name, {
        clusterName: args.cluster.name,
        namespace: CHARTS.externalSecrets.namespace,
        serviceAccount: ESO_SERVICE_ACCOUNT,
        description: `External Secrets Operator of ${args.clusterName}: Secrets Manager under ${args.secretsPrefix}`,
        inline: {
            Version: "2012-10-17",
            Statement: [{
                Sid: "ReadSecretsUnderPrefix",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:GetResourcePolicy"],
                Resource: pulumi.interpolate`arn:${ctx.partition}:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${args.secretsPrefix}*`,
            }],
        },
    }, parent);
    const release = helmRelease(name, CHARTS.externalSecrets, {
        installCRDs: true,
        serviceAccount: { create: true, name: ESO_SERVICE_ACCOUNT },
    }, where, parent, { dependsOn: [identity.association] });
    // external-secrets.io/v1 (served by the 2.x charts); without `auth` the provider uses the pod's credentials.
    new k8s.apiextensions.CustomResource(`${name}-store`, {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: CLUSTER_SECRET_STORE },
        spec: { provider: { aws: { service: "SecretsManager", region: ctx.region } } },
    }, { parent, provider: where.provider, dependsOn: [release] });
    return release;
}
