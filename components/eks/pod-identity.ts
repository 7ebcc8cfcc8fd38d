import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createServiceRole, PolicyDocument } from "../iam";

/**
 * Trust for EKS Pod Identity: the `pods.eks.amazonaws.com` principal with `sts:AssumeRole` and
 * `sts:TagSession` (AWS, "Create IAM role with trust policy required by EKS Pod Identity", pod-id-role.html).
 */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** A role that pods of one service account assume through Pod Identity (checklist C7). */
export function podIdentityRole(
    name: string,
    args: { description: string; inline?: PolicyDocument; managedPolicies?: { [key: string]: pulumi.Input<string> } },
    parent: pulumi.Resource,
): aws.iam.Role {
    return createServiceRole(name, {
        service: POD_IDENTITY_PRINCIPAL,
        trustActions: ["sts:TagSession"],
        description: args.description,
        inline: args.inline,
        managedPolicies: args.managedPolicies,
    }, parent);
}

/** A Pod Identity role plus its association with `namespace/serviceAccount` of the cluster. */
export function podIdentity(
    name: string,
    args: {
        clusterName: pulumi.Input<string>;
        namespace: string;
        serviceAccount: string;
        description: string;
        inline?: PolicyDocument;
        managedPolicies?: { [key: string]: pulumi.Input<string> };
    },
    parent: pulumi.Resource,
    dependsOn: pulumi.Resource[] = [],
): { role: aws.iam.Role; association: aws.eks.PodIdentityAssociation } {
    const role = podIdentityRole(name, args, parent);
    const association = new aws.eks.PodIdentityAssociation(name, {
        clusterName: args.clusterName,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        roleArn: role.arn,
    }, { parent, dependsOn });
    return { role, association };
}
