/**
 * The AWS side of EcrPull: the least-privilege pull policy, and the identity the refresher Job uses, one
 * per credential source (a node role and instance profile, an IAM Roles Anywhere trust anchor, profile and
 * role, or an IAM user with an access key). Only the chosen source's resources are created.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { attachManagedPolicies, PolicyDocument, policyJson } from "../iam";
import { ResolvedEcrPullArgs, ResolvedRegistry } from "./args";

/** The pull actions on one repository (ECR User Guide, "Private repository policies": what `docker pull` needs). */
export const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/**
 * `ecr:GetAuthorizationToken` on `*` (it has no resource-level permissions) and the pull actions on the named
 * repositories of every registry pulled with these credentials; `sts:AssumeRole` on the registry roles of the
 * others, whose pull permissions live in the registry's account.
 */
export function pullPolicyDocument(registries: readonly ResolvedRegistry[], partition: string): PolicyDocument {
    const direct = registries.filter((r) => r.assumeRoleArn === undefined);
    const assumed = registries.filter((r) => r.assumeRoleArn !== undefined).map((r) => r.assumeRoleArn!);
    const doc: PolicyDocument = { Version: "2012-10-17", Statement: [] };
    if (direct.length > 0) {
        doc.Statement.push({ Sid: "GetAuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
        doc.Statement.push({
            Sid: "PullNamedRepositories",
            Effect: "Allow",
            Action: PULL_ACTIONS,
            Resource: direct.flatMap((r) => r.repositories.map((repo) => `arn:${partition}:ecr:${r.region}:${r.accountId}:repository/${repo}`)),
        });
    }
    if (assumed.length > 0) {
        doc.Statement.push({ Sid: "AssumeRegistryRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: [...new Set(assumed)] });
    }
    return doc;
}

/** What the refresher's pod needs to know about its AWS identity. */
export interface RefresherIdentity {
    /** Role created for the refresher (instance profile or Roles Anywhere); undefined for an IAM user or an existing node role. */
    readonly role?: aws.iam.Role;
    readonly instanceProfile?: aws.iam.InstanceProfile;
    readonly trustAnchor?: aws.rolesanywhere.TrustAnchor;
    readonly profile?: aws.rolesanywhere.Profile;
    /** accessKey only: the key, whose secret is a Pulumi secret output. */
    readonly accessKey?: aws.iam.AccessKey;
    readonly user?: aws.iam.User;
}

/** Creates the managed pull policy and the chosen source's identity, all children of `parent`. */
export function createIdentity(name: string, a: ResolvedEcrPullArgs, partition: pulumi.Output<string>, parent: pulumi.Resource):
    { policy: aws.iam.Policy; identity: RefresherIdentity } {
    const policy = new aws.iam.Policy(`${name}-pull`, {
        description: `Pull the named ECR repositories (${a.registries.map((r) => r.server).join(", ")}) for ${name}`,
        policy: partition.apply((p) => JSON.stringify(pullPolicyDocument(a.registries, p))),
    }, { parent });
    const c = a.credentials;
    switch (c.source) {
        case "instanceProfile": {
            if (c.nodeRoleName !== undefined) {
                new aws.iam.RolePolicyAttachment(`${name}-node-pull`, { role: c.nodeRoleName, policyArn: policy.arn }, { parent });
                return { policy, identity: {} };
            }
            const role = new aws.iam.Role(`${name}-node`, {
                description: `Nodes of a cluster outside EKS that pull from ECR (${name})`,
                assumeRolePolicy: JSON.stringify(trust({ Service: "ec2.amazonaws.com" }, ["sts:AssumeRole"])),
            }, { parent });
            attachManagedPolicies(`${name}-node`, role, { pull: policy.arn }, parent);
            const instanceProfile = new aws.iam.InstanceProfile(`${name}-node`, { role: role.name }, { parent });
            return { policy, identity: { role, instanceProfile } };
        }
        case "rolesAnywhere": {
            const trustAnchor = new aws.rolesanywhere.TrustAnchor(`${name}-anchor`, {
                enabled: true,
                source: c.acmPcaArn !== undefined
                    ? { sourceType: "AWS_ACM_PCA", sourceData: { acmPcaArn: c.acmPcaArn } }
                    : { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: c.certificateBundlePem } },
            }, { parent });
            // IAM Roles Anywhere User Guide, "Trust model": the service principal with these three actions, and
            // aws:SourceArn pinned to the trust anchor so no other anchor in the account can use the role.
            const role = new aws.iam.Role(`${name}-rolesanywhere`, {
                description: `ECR pulls by the ${name} refresher through IAM Roles Anywhere`,
                assumeRolePolicy: policyJson(rolesAnywhereTrust(trustAnchor.arn, c.certificateCommonName)),
            }, { parent });
            attachManagedPolicies(`${name}-rolesanywhere`, role, { pull: policy.arn }, parent);
            const profile = new aws.rolesanywhere.Profile(`${name}-profile`, {
                enabled: true,
                roleArns: [role.arn],
                // The refresher needs the session for seconds; the shortest session the service allows.
                durationSeconds: 900,
            }, { parent });
            return { policy, identity: { role, trustAnchor, profile } };
        }
        case "accessKey": {
            const user = new aws.iam.User(`${name}-refresher`, { path: "/ecr-pull/" }, { parent });
            new aws.iam.UserPolicyAttachment(`${name}-refresher-pull`, { user: user.name, policyArn: policy.arn }, { parent });
            // The one long-lived credential of the component, made only when chosen; its secret is a secret output.
            const accessKey = new aws.iam.AccessKey(`${name}-refresher`, { user: user.name }, { parent });
            return { policy, identity: { user, accessKey } };
        }
    }
}

function trust(principal: { Service: string }, actions: string[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: actions }] };
}

export function rolesAnywhereTrust(trustAnchorArn: pulumi.Input<string>, commonName?: string): PolicyDocument {
    const condition: NonNullable<PolicyDocument["Statement"][number]["Condition"]> = { ArnEquals: { "aws:SourceArn": trustAnchorArn } };
    if (commonName !== undefined) {
        condition.StringEquals = { "aws:PrincipalTag/x509Subject/CN": commonName };
    }
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "rolesanywhere.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            Condition: condition,
        }],
    };
}
