import { ECS_TASK_TYPES, taskContainers } from "./ecs";
import { IAM_ROLE_TYPES } from "./eks";
import { KARPENTER_NODECLASS_TYPES, KUBERNETES_SECRET_TYPES, podSpecOf, WORKLOAD_TYPES } from "./kubernetes";
import { INSTANCE_TYPES, LAUNCH_CONFIGURATION_TYPES, LAUNCH_TEMPLATE_TYPES } from "./network";
import { ConfigError, resourcePolicy } from "./lib/policy";
import { arr, asList, get, isUnknown, json, num, obj, str, strings, Value } from "./lib/values";

/** Security baseline: IMDSv2, encryption at rest, secrets, least privilege. */

export const LOG_GROUP_TYPES = ["aws:cloudwatch/logGroup:LogGroup"] as const;
export const SQS_QUEUE_TYPES = ["aws:sqs/queue:Queue"] as const;
export const DYNAMODB_TABLE_TYPES = ["aws:dynamodb/table:Table"] as const;
export const IAM_ROLE_POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"] as const;
export const IAM_ATTACHMENT_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
] as const;
// aws.iam.RolePoliciesExclusive only names a role's inline policies; their documents are aws.iam.RolePolicy
// resources, judged themselves.

export const secImdsv2 = resourcePolicy<{ maxHopLimit: number }>({
    name: "sec-imdsv2",
    description: "Nodes and launch templates must require IMDSv2 (httpTokens required) with a small hop limit.",
    enforcementLevel: "mandatory",
    types: [...LAUNCH_TEMPLATE_TYPES, ...LAUNCH_CONFIGURATION_TYPES, ...INSTANCE_TYPES, ...KARPENTER_NODECLASS_TYPES],
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

const SECRET_NAME_PATTERNS = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_?KEY", "PRIVATE_?KEY", "ACCESS_?KEY", "CREDENTIAL", "SIGNING_?KEY"];
/**
 * Name endings that make a secret-looking name a reference or a setting rather than the secret itself
 * (DB_SECRET_ARN, SECRET_NAME, OAUTH_TOKEN_ENDPOINT, PASSWORD_MIN_LENGTH, API_KEY_HEADER). Their values are
 * still checked by shape.
 */
const REFERENCE_SUFFIXES = [
    "ARN", "NAME", "ID", "IDS", "ENDPOINT", "URL", "URI", "HOST", "PORT", "HEADER", "PARAM", "PARAMETER", "PATH", "FILE",
    "REGION", "LENGTH", "MIN_LENGTH", "MAX_LENGTH", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES", "SECONDS", "MINUTES", "ENABLED",
    "TYPE", "VERSION", "FORMAT", "ALGORITHM", "PREFIX", "KEY_ID", "ROTATION_DAYS",
];
/**
 * Values that are secrets by their shape, whatever the variable is called: AWS access key IDs, PEM private
 * keys, tokens with a documented prefix (GitHub, GitLab, Slack, Stripe, npm, Google API keys), JWTs, and
 * connection strings or URLs that carry a password.
 */
const SECRET_VALUE_SHAPES: readonly RegExp[] = [
    /^(AKIA|ASIA)[A-Z0-9]{16}$/,
    /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/,
    /^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}$/, /^github_pat_[A-Za-z0-9_]{22,}$/, /^glpat-[A-Za-z0-9_-]{20,}$/,
    /^xox[abprs]-[A-Za-z0-9-]{10,}$/, /^(sk|rk)_live_[A-Za-z0-9]{16,}$/, /^npm_[A-Za-z0-9]{36}$/, /^AIza[A-Za-z0-9_-]{35}$/,
    /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/,
    /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:[^\s@/]+@/i, // scheme://user:password@host (the user may be empty)
    /(^|;)\s*(password|pwd)\s*=\s*[^;\s]+/i, // Server=...;Password=...
];

/** True when a value could be a secret: not empty, not a number or boolean, not a placeholder to be resolved at run time. */
function couldBeSecret(value: string): boolean {
    const v = value.trim();
    return v !== "" && !/^-?\d+(\.\d+)?$/.test(v) && !/^(true|false|yes|no|on|off)$/i.test(v) && !/^\$\{[^}]*\}$/.test(v);
}

/** Compiles the configured name patterns; a pattern that is no regular expression is a config error naming it. */
function namePatterns(patterns: string[]): RegExp[] {
    return patterns.map((p) => {
        try {
            return new RegExp(p, "i");
        } catch (e) {
            throw new ConfigError("sec-no-plaintext-secrets", "namePatterns", p, `is not a regular expression (${(e as Error).message})`);
        }
    });
}

export function isPlaintextSecret(name: string, value: string, patterns: RegExp[], allowed: string[]): boolean {
    if (allowed.includes(name)) {
        return false;
    }
    if (SECRET_VALUE_SHAPES.some((shape) => shape.test(value))) {
        return true;
    }
    const upper = name.toUpperCase();
    const reference = REFERENCE_SUFFIXES.some((suffix) => upper.endsWith(`_${suffix}`) || upper === suffix);
    return !reference && couldBeSecret(value) && patterns.some((p) => p.test(name));
}

function plaintextSecrets(env: Value, patterns: RegExp[], allowed: string[]): string[] {
    return (arr(env) ?? [])
        .filter((e) => typeof get(e, "value") === "string")
        .map((e) => ({ name: str(get(e, "name")) ?? "", value: str(get(e, "value")) ?? "" }))
        .filter(({ name, value }) => isPlaintextSecret(name, value, patterns, allowed))
        .map(({ name }) => name);
}

/** Kubernetes Secret types whose data Kubernetes itself fills in (a service account token). */
const GENERATED_SECRET_TYPES = ["kubernetes.io/service-account-token"];

interface SecretsConfig {
    namePatterns: string[];
    allowedNames: string[];
}

export const secNoPlaintextSecrets = resourcePolicy<SecretsConfig>({
    name: "sec-no-plaintext-secrets",
    description: "Secrets must come from Secrets Manager or SSM (ECS secrets, Kubernetes secretKeyRef from a synced store), never as plaintext values in the program.",
    enforcementLevel: "mandatory",
    types: [...ECS_TASK_TYPES, ...WORKLOAD_TYPES, ...KUBERNETES_SECRET_TYPES],
    config: {
        namePatterns: {
            type: "array", items: { type: "string", format: "regex" }, default: SECRET_NAME_PATTERNS,
            description: "Case-insensitive regular expressions for secret-looking variable names (checked when the pack is configured).",
        },
        allowedNames: { type: "array", items: { type: "string" }, default: [], description: "Variable names exempt from the check." },
    },
    validateConfig: (c) => {
        namePatterns(c.namePatterns ?? []);
    },
    check: (r, c) => {
        const patterns = namePatterns(c.namePatterns);
        if ((KUBERNETES_SECRET_TYPES as readonly string[]).includes(r.type)) {
            const type = r.props["type"];
            if (isUnknown(type) || (typeof type === "string" && GENERATED_SECRET_TYPES.includes(type))) {
                return [];
            }
            // A Secret's data and stringData given in the program sit in its source and state in plain text.
            const keys = ["data", "stringData"].flatMap((field) => Object.entries(obj(r.props[field]) ?? {})
                .filter(([, v]) => typeof v === "string" && v !== "").map(([k]) => k));
            return keys.length === 0 ? [] : [`Kubernetes Secret ${r.name} holds literal values (${keys.join(", ")}); sync it from Secrets Manager (External Secrets Operator) instead.`];
        }
        const containers: Value[] = [];
        if ((ECS_TASK_TYPES as readonly string[]).includes(r.type)) {
            const list = taskContainers(r);
            containers.push(...(list === "unknown" ? [] : list ?? []));
        } else {
            const spec = podSpecOf(r);
            containers.push(...(arr(get(spec, "containers")) ?? []), ...(arr(get(spec, "initContainers")) ?? []));
        }
        return containers.flatMap((ctr) => plaintextSecrets(get(ctr, "environment") ?? get(ctr, "env"), patterns, c.allowedNames)
            .map((name) => `${r.name}: container ${str(get(ctr, "name")) ?? "?"} sets ${name} as a plaintext environment value.`));
    },
});

/** Allow statements granting every action on every resource: Action * (or *:*), or NotAction (all but a few) on *. */
function adminStatements(document: Value): number {
    const statement = get(document, "Statement");
    return asList(statement).filter((s) => get(s, "Effect") === "Allow" &&
        (asList(get(s, "Action")).some((a) => a === "*" || a === "*:*") || get(s, "NotAction") !== undefined) &&
        asList(get(s, "Resource")).some((x) => x === "*")).length;
}

export const secLeastPrivilege = resourcePolicy<{ forbiddenManagedPolicies: string[] }>({
    name: "sec-least-privilege-roles",
    description: "IAM roles (task, execution and every other) must not allow every action (*, or NotAction) on every resource (*).",
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
        } else if (r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" || r.type === "aws:iam/policyAttachment:PolicyAttachment") {
            arns.push(r.props["policyArn"]);
        } else if (r.type === "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive") {
            arns.push(...(strings(r.props["policyArns"]) ?? []));
        } else {
            documents.push(json(r.props["policy"]));
        }
        const out: string[] = [];
        if (documents.some((d) => adminStatements(d) > 0)) {
            out.push(`${r.name} allows action * (or NotAction) on resource *.`);
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
