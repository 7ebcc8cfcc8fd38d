import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** An IAM policy document as typed data; serialise with JSON.stringify or pulumi.jsonStringify. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: { Service?: string | string[]; AWS?: pulumi.Input<string> | pulumi.Input<string>[]; Federated?: string } | "*";
    Action: string | string[];
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: { [operator: string]: { [key: string]: pulumi.Input<string> | pulumi.Input<string>[] } };
}

/** Trust policy for roles assumed by an AWS service principal (e.g. `ecs-tasks.amazonaws.com`). */
export function serviceTrustPolicy(service: string | string[], extraActions: string[] = []): string {
    const doc: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", ...extraActions] }],
    };
    return JSON.stringify(doc);
}

/** Serialises a document whose resources may be Outputs. */
export function policyJson(doc: PolicyDocument): pulumi.Output<string> {
    return pulumi.jsonStringify(pulumi.output(doc));
}

/** A role for `service` with an inline policy and managed policy attachments (keyed by a short name), all children of `parent`. */
export function createServiceRole(
    name: string,
    args: { service: string | string[]; trustActions?: string[]; inline?: PolicyDocument; managedPolicies?: { [key: string]: pulumi.Input<string> }; description?: string },
    parent: pulumi.Resource,
): aws.iam.Role {
    const role = new aws.iam.Role(name, {
        description: args.description,
        assumeRolePolicy: serviceTrustPolicy(args.service, args.trustActions),
    }, { parent });
    if (args.inline && args.inline.Statement.length > 0) {
        new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyJson(args.inline) }, { parent });
    }
    attachManagedPolicies(name, role, args.managedPolicies ?? {}, parent);
    return role;
}

/**
 * Attaches managed policies to `role`, keyed by a stable short name so reordering the map never replaces an
 * attachment. Returned so that a resource which needs the permissions in place can depend on them.
 */
export function attachManagedPolicies(
    name: string,
    role: aws.iam.Role,
    policies: { [key: string]: pulumi.Input<string> },
    parent: pulumi.Resource,
): aws.iam.RolePolicyAttachment[] {
    return Object.entries(policies).map(([key, arn]) =>
        new aws.iam.RolePolicyAttachment(`${name}-${key}`, { role: role.name, policyArn: arn }, { parent }));
}
