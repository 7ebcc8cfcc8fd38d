import { containersOf, ECS_TASK_DEFINITION_TYPES } from "./ecs";
import { IAM_ROLE_TYPES } from "./eks";
import { KARPENTER_NODECLASS_TYPES, podSpecOf, WORKLOAD_TYPES } from "./kubernetes";
import { LAUNCH_TEMPLATE_TYPES } from "./network";
import { resourcePolicy } from "./lib/policy";
import { arr, asList, get, isUnknown, json, num, str, Value } from "./lib/values";

/** Security baseline: IMDSv2, encryption at rest, secrets, least privilege. */

export const INSTANCE_TYPES = ["aws:ec2/instance:Instance"] as const;
export const LOG_GROUP_TYPES = ["aws:cloudwatch/logGroup:LogGroup"] as const;
export const SQS_QUEUE_TYPES = ["aws:sqs/queue:Queue"] as const;
export const DYNAMODB_TABLE_TYPES = ["aws:dynamodb/table:Table"] as const;
export const IAM_ROLE_POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"] as const;
export const IAM_ATTACHMENT_TYPES = ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] as const;

export const secImdsv2 = resourcePolicy<{ maxHopLimit: number }>({
    name: "sec-imdsv2",
    description: "Nodes and launch templates must require IMDSv2 (httpTokens required) with a small hop limit.",
    enforcementLevel: "mandatory",
    types: [...LAUNCH_TEMPLATE_TYPES, ...INSTANCE_TYPES, ...KARPENTER_NODECLASS_TYPES],
    config: {
        maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 2, description: "Highest httpPutResponseHopLimit accepted (2 lets containers on the host reach IMDS)." },
    },
    check: (r, c) => {
        const karpenter = r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
        const options = karpenter ? get(r.props, "spec", "metadataOptions") : r.props["metadataOptions"];
        const tokens = get(options, "httpTokens");
        const hops = get(options, "httpPutResponseHopLimit");
        const out: string[] = [];
        // Karpenter v1 defaults to httpTokens required and a hop limit of 1; EC2 defaults to optional.
        if (!isUnknown(tokens) && (tokens ?? (karpenter ? "required" : "optional")) !== "required") {
            out.push(`${r.name} does not require IMDSv2 (metadataOptions.httpTokens is ${str(tokens) ?? "unset"}).`);
        }
        const hopLimit = num(hops);
        if (hopLimit !== undefined && hopLimit > c.maxHopLimit) {
            out.push(`${r.name} allows an IMDS hop limit of ${hopLimit}; at most ${c.maxHopLimit}.`);
        }
        return out;
    },
});

export const secLogEncryption = resourcePolicy({
    name: "sec-log-encryption",
    description: "CloudWatch log groups must be encrypted with a customer managed KMS key (kmsKeyId).",
    enforcementLevel: "mandatory",
    types: LOG_GROUP_TYPES,
    config: {},
    check: (r) => r.props["kmsKeyId"] === undefined || r.props["kmsKeyId"] === "" ? [`Log group ${r.name} has no kmsKeyId.`] : [],
});

export const secSqsEncryption = resourcePolicy<{ requireKms: boolean }>({
    name: "sec-sqs-encryption",
    description: "SQS queues must be encrypted at rest (SSE-SQS or SSE-KMS).",
    enforcementLevel: "mandatory",
    types: SQS_QUEUE_TYPES,
    config: {
        requireKms: { type: "boolean", default: false, description: "Demand SSE-KMS (kmsMasterKeyId) rather than accepting SSE-SQS." },
    },
    check: (r, c) => {
        const kms = r.props["kmsMasterKeyId"];
        const sse = r.props["sqsManagedSseEnabled"];
        if (isUnknown(kms) || (typeof kms === "string" && kms !== "")) {
            return [];
        }
        if (c.requireKms) {
            return [`Queue ${r.name} has no kmsMasterKeyId.`];
        }
        // New queues get SSE-SQS unless it is switched off (SQS developer guide, "Encryption at rest").
        return sse === false ? [`Queue ${r.name} turns off server-side encryption.`] : [];
    },
});

export const secDynamodbEncryption = resourcePolicy({
    name: "sec-dynamodb-encryption",
    description: "DynamoDB tables must be encrypted with AWS KMS (serverSideEncryption.enabled), not only the AWS owned key.",
    enforcementLevel: "mandatory",
    types: DYNAMODB_TABLE_TYPES,
    config: {},
    check: (r) => {
        const enabled = get(r.props, "serverSideEncryption", "enabled");
        return enabled === true || isUnknown(enabled) ? [] : [`DynamoDB table ${r.name} does not enable KMS server-side encryption.`];
    },
});

const SECRET_NAME_PATTERNS = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_?KEY", "PRIVATE_?KEY", "ACCESS_?KEY", "CREDENTIAL"];

function plaintextSecrets(env: Value, patterns: RegExp[], allowed: string[]): string[] {
    return (arr(env) ?? [])
        .filter((e) => typeof get(e, "value") === "string")
        .map((e) => ({ name: str(get(e, "name")) ?? "", value: str(get(e, "value")) ?? "" }))
        .filter(({ name, value }) => !allowed.includes(name) && (patterns.some((p) => p.test(name)) || /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value)))
        .map(({ name }) => name);
}

export const secNoPlaintextSecrets = resourcePolicy<{ namePatterns: string[]; allowedNames: string[] }>({
    name: "sec-no-plaintext-secrets",
    description: "Secrets must come from Secrets Manager or SSM (ECS secrets, Kubernetes secretKeyRef), never as plaintext environment values.",
    enforcementLevel: "mandatory",
    types: [...ECS_TASK_DEFINITION_TYPES, ...WORKLOAD_TYPES],
    config: {
        namePatterns: { type: "array", items: { type: "string" }, default: SECRET_NAME_PATTERNS, description: "Case-insensitive regular expressions for secret-looking variable names." },
        allowedNames: { type: "array", items: { type: "string" }, default: [], description: "Variable names exempt from the check." },
    },
    check: (r, c) => {
        const patterns = c.namePatterns.map((p) => new RegExp(p, "i"));
        const containers: Value[] = [];
        if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
            const list = containersOf(r);
            containers.push(...(list === "unknown" ? [] : list ?? []));
        } else {
            const spec = podSpecOf(r);
            containers.push(...(arr(get(spec, "containers")) ?? []), ...(arr(get(spec, "initContainers")) ?? []));
        }
        return containers.flatMap((ctr) => plaintextSecrets(get(ctr, "environment") ?? get(ctr, "env"), patterns, c.allowedNames)
            .map((name) => `${r.name}: container ${str(get(ctr, "name")) ?? "?"} sets ${name} as a plaintext environment value.`));
    },
});

/** Allow statements granting every action on every resource. */
function adminStatements(document: Value): number {
    const statement = get(document, "Statement");
    return asList(statement).filter((s) => get(s, "Effect") === "Allow" &&
        asList(get(s, "Action")).some((a) => a === "*" || a === "*:*") &&
        asList(get(s, "Resource")).some((x) => x === "*")).length;
}

export const secLeastPrivilege = resourcePolicy<{ forbiddenManagedPolicies: string[] }>({
    name: "sec-least-privilege-roles",
    description: "IAM roles (task, execution and every other) must not allow every action (*) on every resource (*).",
    enforcementLevel: "mandatory",
    types: [...IAM_ROLE_TYPES, ...IAM_ROLE_POLICY_TYPES, ...IAM_ATTACHMENT_TYPES],
    config: {
        forbiddenManagedPolicies: {
            type: "array", items: { type: "string" }, default: ["AdministratorAccess"],
            description: "AWS managed policy names (any partition) that grant * on * and may not be attached.",
        },
    },
    check: (r, c) => {
        const forbidden = (arn: Value): boolean => typeof arn === "string" && c.forbiddenManagedPolicies.some((n) => arn.endsWith(`:policy/${n}`));
        const documents: Value[] = [];
        const arns: Value[] = [];
        if (r.type === "aws:iam/role:Role") {
            documents.push(...(arr(r.props["inlinePolicies"]) ?? []).map((p) => json(get(p, "policy"))));
            arns.push(...(arr(r.props["managedPolicyArns"]) ?? []));
        } else if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
            arns.push(r.props["policyArn"]);
        } else {
            documents.push(json(r.props["policy"]));
        }
        const out: string[] = [];
        if (documents.some((d) => adminStatements(d) > 0)) {
            out.push(`${r.name} allows action * on resource *.`);
        }
        if (arns.some(forbidden)) {
            out.push(`${r.name} attaches ${c.forbiddenManagedPolicies.join(" or ")}.`);
        }
        return out;
    },
});

export const securityPolicies = [
    secImdsv2, secLogEncryption, secSqsEncryption, secDynamodbEncryption, secNoPlaintextSecrets, secLeastPrivilege,
];
