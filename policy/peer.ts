import { ECR_REPOSITORY_TYPES, CREATION_TEMPLATE_TYPES } from "./ecr";
import { ECS_CLUSTER_TYPES, ECS_DAEMON_TASK_DEFINITION_TYPES, ECS_TASK_DEFINITION_TYPES, isWindowsTask, taskContainers } from "./ecs";
import { DYNAMODB_TABLE_TYPES, LOG_GROUP_TYPES, SQS_QUEUE_TYPES } from "./security";
import { LISTENER_TYPES, LOAD_BALANCER_TYPES } from "./network";
import { ofTypes, resolve } from "./lib/graph";
import { Finding, resourcePolicy, Res, stackPolicy } from "./lib/policy";
import { anyUnknown, asList, get, isUnknown, json, num, str, Value } from "./lib/values";

/**
 * Rules the peers (cdk-nag, Checkov, @pulumi/awsguard) enforce that a platform team wants and that no
 * checklist item makes mandatory: all advisory. policy/README.md maps each peer rule to ours.
 */

const REPOSITORY_POLICY_TYPES = ["aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy"] as const;
const QUEUE_POLICY_TYPES = ["aws:sqs/queuePolicy:QueuePolicy"] as const;
const REDRIVE_POLICY_TYPES = ["aws:sqs/redrivePolicy:RedrivePolicy"] as const;
const EVENT_TARGET_TYPES = ["aws:cloudwatch/eventTarget:EventTarget"] as const;
const KMS_KEY_TYPES = ["aws:kms/key:Key"] as const;
const STATE_MACHINE_TYPES = ["aws:sfn/stateMachine:StateMachine"] as const;
const VPC_TYPES = ["aws:ec2/vpc:Vpc"] as const;
const FLOW_LOG_TYPES = ["aws:ec2/flowLog:FlowLog"] as const;

/** Allow statements open to anyone: Principal "*" (or AWS "*") with no Condition; undefined when the document is unknown. */
function publicStatements(document: Value): number | undefined {
    if (anyUnknown(document)) return undefined;
    return asList(get(document, "Statement")).filter((s) => {
        const principal = get(s, "Principal");
        const everyone = principal === "*" || asList(get(principal, "AWS")).includes("*");
        return get(s, "Effect") === "Allow" && everyone && get(s, "Condition") === undefined;
    }).length;
}

export const secEcrNoPublicAccess = resourcePolicy({
    name: "sec-ecr-no-public-access",
    description: "ECR repository and registry policies must not allow everyone (Principal *) without a condition.",
    enforcementLevel: "advisory",
    types: REPOSITORY_POLICY_TYPES,
    config: {},
    check: (r) => ((publicStatements(json(r.props["policy"])) ?? 0) > 0 ? [`${r.name} allows every principal (*) without a condition.`] : []),
});

export const secEcrImmutableTags = resourcePolicy({
    name: "sec-ecr-immutable-tags",
    description: "ECR repositories should make image tags immutable, so a deployed tag always names the image that was scanned.",
    enforcementLevel: "advisory",
    types: [...ECR_REPOSITORY_TYPES, ...CREATION_TEMPLATE_TYPES],
    config: {},
    check: (r) => {
        const mutability = r.props["imageTagMutability"];
        if (isUnknown(mutability)) return [];
        const effective = str(mutability) ?? "MUTABLE"; // the ECR default
        return effective.startsWith("IMMUTABLE") ? [] : [`${r.name} has imageTagMutability ${effective}; use IMMUTABLE.`];
    },
});

/** TLS 1.2+ ELB security policies: the TLS13 and TLS-1-2 families, and the FS-1-2 forward-secrecy ones. */
function tls12Policy(name: string): boolean {
    return /TLS13|TLS-1-2|FS-1-2/.test(name);
}

export const secLbTlsPolicy = resourcePolicy({
    name: "sec-lb-tls-policy",
    description: "HTTPS and TLS listeners should use a security policy that allows TLS 1.2 or later only.",
    enforcementLevel: "advisory",
    types: LISTENER_TYPES,
    config: {},
    check: (r) => {
        const protocol = r.props["protocol"];
        const policy = r.props["sslPolicy"];
        if (isUnknown(protocol) || isUnknown(policy) || (protocol !== "HTTPS" && protocol !== "TLS")) return [];
        // Without sslPolicy ELB applies ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
        const effective = str(policy) ?? "ELBSecurityPolicy-2016-08";
        return tls12Policy(effective) ? [] : [`Listener ${r.name} uses ${effective}, which accepts TLS versions before 1.2.`];
    },
});

/** A load balancer's type: application unless it says otherwise (aws.lb.LoadBalancer default). */
function lbType(r: Res): Value {
    return r.props["loadBalancerType"] ?? "application";
}

export const secAlbDropInvalidHeaders = resourcePolicy({
    name: "sec-alb-drop-invalid-headers",
    description: "Application Load Balancers should drop invalid HTTP header fields (dropInvalidHeaderFields), against request smuggling.",
    enforcementLevel: "advisory",
    types: LOAD_BALANCER_TYPES,
    config: {},
    check: (r) => {
        const drop = r.props["dropInvalidHeaderFields"];
        return lbType(r) !== "application" || isUnknown(drop) || drop === true ? [] : [`Load balancer ${r.name} does not drop invalid header fields.`];
    },
});

export const secLbAccessLogs = resourcePolicy({
    name: "sec-lb-access-logs",
    description: "Application and Network Load Balancers should write access logs.",
    enforcementLevel: "advisory",
    types: LOAD_BALANCER_TYPES,
    config: {},
    check: (r) => {
        const enabled = get(r.props, "accessLogs", "enabled");
        const bucket = get(r.props, "accessLogs", "bucket");
        if (lbType(r) === "gateway" || isUnknown(enabled) || isUnknown(bucket)) return [];
        // accessLogs.enabled defaults to true once a bucket is given.
        return typeof bucket === "string" && enabled !== false ? [] : [`Load balancer ${r.name} writes no access logs.`];
    },
});

export const secLbDeletionProtection = resourcePolicy({
    name: "sec-lb-deletion-protection",
    description: "Load balancers should enable deletion protection.",
    enforcementLevel: "advisory",
    types: LOAD_BALANCER_TYPES,
    config: {},
    check: (r) => {
        const protection = r.props["enableDeletionProtection"];
        return isUnknown(protection) || protection === true ? [] : [`Load balancer ${r.name} does not enable deletion protection.`];
    },
});

/** What a queue policy document lacks: a deny of non-TLS access, and no statement open to everyone. */
function queuePolicyProblems(document: Value): string[] {
    if (document === undefined) return [];
    const open = publicStatements(document);
    if (open === undefined) return [];
    const denies = asList(get(document, "Statement")).some((s) => get(s, "Effect") === "Deny" &&
        ["false", false].includes(get(s, "Condition", "Bool", "aws:SecureTransport") as string | boolean));
    return [...(open > 0 ? ["allows every principal (*) without a condition"] : []), ...(denies ? [] : ["does not deny requests without TLS (aws:SecureTransport false)"])];
}

export const secSqsQueuePolicy = resourcePolicy({
    name: "sec-sqs-queue-policy",
    description: "SQS queue policies should deny requests without TLS and must not open the queue to everyone.",
    enforcementLevel: "advisory",
    types: [...SQS_QUEUE_TYPES, ...QUEUE_POLICY_TYPES],
    config: {},
    check: (r) => queuePolicyProblems(json(r.props["policy"])).map((p) => `Queue policy of ${r.name} ${p}.`),
});

export const secSqsDeadLetterQueue = stackPolicy({
    name: "sec-sqs-dead-letter-queue",
    onlyWith: SQS_QUEUE_TYPES[0],
    description: "SQS queues that workers consume should send failed messages to a dead-letter queue (a redrive policy).",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => {
        const queues = ofTypes(resources, SQS_QUEUE_TYPES);
        const redrives = ofTypes(resources, REDRIVE_POLICY_TYPES);
        // Dead-letter queues themselves, and queues that only receive events (EventBridge targets, such as
        // Karpenter's interruption queue), need none.
        const exempt = new Set<Res>();
        let uncertain = false;
        const link = (from: Res, property: string, ref: Value) => {
            const links = resolve(from, property, ref, queues, ["arn"]);
            links.targets.forEach((t) => exempt.add(t));
            uncertain = uncertain || links.unresolved;
        };
        for (const q of [...queues, ...redrives]) {
            const policy = q.props["redrivePolicy"];
            if (policy !== undefined) link(q, "redrivePolicy", isUnknown(policy) ? policy : get(json(policy), "deadLetterTargetArn"));
        }
        for (const t of ofTypes(resources, EVENT_TARGET_TYPES)) {
            link(t, "arn", t.props["arn"]);
        }
        if (uncertain) {
            return []; // which queues are dead-letter queues cannot be told yet
        }
        const redriven = new Set(redrives.flatMap((r) => resolve(r, "queueUrl", r.props["queueUrl"], queues, ["url", "id"]).targets));
        return queues.filter((q) => !exempt.has(q) && !redriven.has(q)).flatMap((q): Finding[] => {
            const own = q.props["redrivePolicy"];
            if (isUnknown(own) || (typeof own === "string" && own !== "") || redrives.some((r) => isUnknown(r.props["queueUrl"]) && (r.propertyDependsOn["queueUrl"] ?? []).length === 0)) return [];
            return [{ urn: q.urn, message: `Queue ${q.name} has no dead-letter queue (redrivePolicy).` }];
        });
    },
});

export const secDynamodbPitr = resourcePolicy({
    name: "sec-dynamodb-pitr",
    description: "DynamoDB tables should enable point-in-time recovery.",
    enforcementLevel: "advisory",
    types: DYNAMODB_TABLE_TYPES,
    config: {},
    check: (r) => {
        const enabled = get(r.props, "pointInTimeRecovery", "enabled");
        return enabled === true || isUnknown(enabled) ? [] : [`DynamoDB table ${r.name} does not enable point-in-time recovery.`];
    },
});

export const secLogRetention = resourcePolicy<{ maxRetentionDays: number }>({
    name: "sec-log-retention",
    description: "CloudWatch log groups should set a retention period rather than keep logs forever.",
    enforcementLevel: "advisory",
    types: LOG_GROUP_TYPES,
    config: {
        maxRetentionDays: { type: "integer", minimum: 1, default: 3653, description: "Longest retention accepted, in days." },
    },
    check: (r, c) => {
        const days = r.props["retentionInDays"];
        if (isUnknown(days)) return [];
        const n = num(days) ?? 0; // 0 or absent: never expire
        return n > 0 && n <= c.maxRetentionDays ? [] : [`Log group ${r.name} ${n === 0 ? "never expires its logs" : `keeps logs ${n} days, above ${c.maxRetentionDays}`}.`];
    },
});

export const secKmsRotation = resourcePolicy({
    name: "sec-kms-rotation",
    description: "Symmetric customer managed KMS keys should rotate their key material (enableKeyRotation).",
    enforcementLevel: "advisory",
    types: KMS_KEY_TYPES,
    config: {},
    check: (r) => {
        const spec = r.props["customerMasterKeySpec"] ?? r.props["keySpec"];
        const rotation = r.props["enableKeyRotation"];
        // Only symmetric encryption keys rotate automatically.
        if (isUnknown(spec) || isUnknown(rotation) || (spec !== undefined && spec !== "SYMMETRIC_DEFAULT")) return [];
        return rotation === true ? [] : [`KMS key ${r.name} does not rotate its key material.`];
    },
});

export const secStepFunctionsObservability = resourcePolicy({
    name: "sec-step-functions-observability",
    description: "Step Functions state machines should log executions to CloudWatch and trace them with X-Ray.",
    enforcementLevel: "advisory",
    types: STATE_MACHINE_TYPES,
    config: {},
    check: (r) => {
        const level = get(r.props, "loggingConfiguration", "level");
        const tracing = get(r.props, "tracingConfiguration", "enabled");
        const out: string[] = [];
        if (!isUnknown(level) && (level === undefined || level === "OFF")) out.push(`State machine ${r.name} does not log executions.`);
        if (!isUnknown(tracing) && tracing !== true) out.push(`State machine ${r.name} does not trace executions with X-Ray.`);
        return out;
    },
});

export const secVpcFlowLogs = stackPolicy({
    name: "sec-vpc-flow-logs",
    onlyWith: VPC_TYPES[0],
    description: "Every VPC should have flow logs.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => {
        const vpcs = ofTypes(resources, VPC_TYPES);
        const covered = new Set<Res>();
        let unresolved = false;
        for (const f of ofTypes(resources, FLOW_LOG_TYPES)) {
            const links = resolve(f, "vpcId", f.props["vpcId"], vpcs, ["id"]);
            links.targets.forEach((v) => covered.add(v));
            unresolved = unresolved || links.unresolved;
        }
        return unresolved ? [] : vpcs.filter((v) => !covered.has(v)).map((v) => ({ urn: v.urn, message: `VPC ${v.name} has no flow log.` }));
    },
});

const ECS_CONTAINER_TASK_TYPES = [...ECS_TASK_DEFINITION_TYPES, ...ECS_DAEMON_TASK_DEFINITION_TYPES];

/** The known containers of a task definition, with their names. */
function namedContainers(r: Res): { name: string; c: Value }[] {
    const list = taskContainers(r);
    return (list === "unknown" ? [] : list ?? []).filter((c) => !isUnknown(c)).map((c, i) => ({ name: str(get(c, "name")) ?? `#${i}`, c }));
}

export const secEcsReadonlyRoot = resourcePolicy({
    name: "sec-ecs-readonly-root",
    description: "ECS containers should run with a read-only root filesystem.",
    enforcementLevel: "advisory",
    types: ECS_CONTAINER_TASK_TYPES,
    config: {},
    check: (r) => {
        // Windows containers do not support readonlyRootFilesystem.
        if (isWindowsTask(r) || isUnknown(get(r.props, "runtimePlatform", "operatingSystemFamily"))) return [];
        return namedContainers(r).filter(({ c }) => !isUnknown(get(c, "readonlyRootFilesystem")) && get(c, "readonlyRootFilesystem") !== true)
            .map(({ name }) => `Container ${name} of ${r.name} has a writable root filesystem.`);
    },
});

export const secEcsNonRootUser = resourcePolicy({
    name: "sec-ecs-non-root-user",
    description: "ECS containers should not run as root; a container that sets user root (or 0) is reported, an unset user is the image's.",
    enforcementLevel: "advisory",
    types: ECS_CONTAINER_TASK_TYPES,
    config: {},
    check: (r) => namedContainers(r).filter(({ c }) => /^(root|0)(:|$)/.test(str(get(c, "user")) ?? ""))
        .map(({ name }) => `Container ${name} of ${r.name} runs as root.`),
});

export const secEcsExecLogging = resourcePolicy({
    name: "sec-ecs-exec-logging",
    description: "ECS clusters should not turn off the logging of ECS Exec sessions (executeCommandConfiguration.logging NONE).",
    enforcementLevel: "advisory",
    types: ECS_CLUSTER_TYPES,
    config: {},
    check: (r) => (get(r.props, "configuration", "executeCommandConfiguration", "logging") === "NONE"
        ? [`ECS cluster ${r.name} does not log ECS Exec sessions.`] : []),
});

export const peerPolicies = [
    secEcrNoPublicAccess, secEcrImmutableTags, secLbTlsPolicy, secAlbDropInvalidHeaders, secLbAccessLogs, secLbDeletionProtection,
    secSqsQueuePolicy, secSqsDeadLetterQueue, secDynamodbPitr, secLogRetention, secKmsRotation, secStepFunctionsObservability,
    secVpcFlowLogs, secEcsReadonlyRoot, secEcsNonRootUser, secEcsExecLogging,
];


