import {
    secAlbDropInvalidHeaders, secDynamodbPitr, secEcrImmutableTags, secEcrNoPublicAccess, secEcsExecLogging, secEcsNonRootUser, secEcsReadonlyRoot,
    secKmsRotation, secLbAccessLogs, secLbDeletionProtection, secLbTlsPolicy, secLogRetention, secSqsDeadLetterQueue, secSqsQueuePolicy,
    secStepFunctionsObservability, secVpcFlowLogs,
} from "../../policy/peer";
import { APP_CONTAINER, fixtures, taskDefinition } from "./fixtures";
import { expectResource, expectStack, variant } from "./harness";

/** The advisory peer rules (policy/README.md maps them to cdk-nag, Checkov and awsguard): sound resource, one change. */

const everyone = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"] }] });

describe("policy: peer rules (advisory)", () => {
    it("ECR: no public repository or registry policy; immutable tags", async () => {
        await expectResource(secEcrNoPublicAccess, fixtures.repositoryPolicy(), []);
        await expectResource(secEcrNoPublicAccess, variant(fixtures.repositoryPolicy(), "props.policy", everyone), ["orders-pull allows every principal (*) without a condition."]);
        await expectResource(secEcrNoPublicAccess, { ...variant(fixtures.repositoryPolicy(), "props.policy", everyone), type: "aws:ecr/registryPolicy:RegistryPolicy" },
            ["orders-pull allows every principal (*) without a condition."]);
        const conditioned = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage"], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }] });
        await expectResource(secEcrNoPublicAccess, variant(fixtures.repositoryPolicy(), "props.policy", conditioned), []);
        await expectResource(secEcrImmutableTags, fixtures.repository(), []);
        await expectResource(secEcrImmutableTags, variant(fixtures.repository(), "props.imageTagMutability", undefined), ["registry-shop-orders has imageTagMutability MUTABLE; use IMMUTABLE."]);
    });

    it("ALB: TLS 1.2+ policy, invalid headers dropped, access logs, deletion protection", async () => {
        await expectResource(secLbTlsPolicy, fixtures.listener(), []);
        await expectResource(secLbTlsPolicy, variant(fixtures.listener(), "props.sslPolicy", undefined),
            ["Listener shop-https uses ELBSecurityPolicy-2016-08, which accepts TLS versions before 1.2."]);
        await expectResource(secLbTlsPolicy, variant(fixtures.listener(), "props.sslPolicy", "ELBSecurityPolicy-FS-1-2-Res-2020-10"), []);
        await expectResource(secAlbDropInvalidHeaders, fixtures.loadBalancer(), []);
        await expectResource(secAlbDropInvalidHeaders, variant(fixtures.loadBalancer(), "props.dropInvalidHeaderFields", undefined), ["Load balancer shop-alb does not drop invalid header fields."]);
        await expectResource(secAlbDropInvalidHeaders, variant(variant(fixtures.loadBalancer(), "props.dropInvalidHeaderFields", undefined), "props.loadBalancerType", "network"), []);
        await expectResource(secLbAccessLogs, fixtures.loadBalancer(), []);
        await expectResource(secLbAccessLogs, variant(fixtures.loadBalancer(), "props.accessLogs", undefined), ["Load balancer shop-alb writes no access logs."]);
        await expectResource(secLbAccessLogs, variant(fixtures.loadBalancer(), "props.accessLogs.enabled", false), ["Load balancer shop-alb writes no access logs."]);
        await expectResource(secLbDeletionProtection, fixtures.loadBalancer(), []);
        await expectResource(secLbDeletionProtection, variant(fixtures.loadBalancer(), "props.enableDeletionProtection", false), ["Load balancer shop-alb does not enable deletion protection."]);
    });

    it("SQS: TLS-only, non-public queue policies; a dead-letter queue on consumed queues", async () => {
        await expectResource(secSqsQueuePolicy, fixtures.queuePolicy(), []);
        const doc = JSON.parse(fixtures.queuePolicy().props.policy);
        await expectResource(secSqsQueuePolicy, variant(fixtures.queuePolicy(), "props.policy", JSON.stringify({ ...doc, Statement: doc.Statement.slice(1) })),
            ["Queue policy of jobs-policy does not deny requests without TLS (aws:SecureTransport false)."]);
        await expectResource(secSqsQueuePolicy, variant(fixtures.queuePolicy(), "props.policy", JSON.stringify({ ...doc, Statement: [...doc.Statement, { Effect: "Allow", Principal: "*", Action: "sqs:SendMessage" }] })),
            ["Queue policy of jobs-policy allows every principal (*) without a condition."]);
        await expectResource(secSqsQueuePolicy, fixtures.queue(), []);
        const queues = [fixtures.queue(), fixtures.deadLetterQueue()];
        await expectStack(secSqsDeadLetterQueue, queues, []);
        await expectStack(secSqsDeadLetterQueue, [variant(fixtures.queue(), "props.redrivePolicy", undefined), fixtures.deadLetterQueue()],
            [["jobs", "Queue jobs has no dead-letter queue (redrivePolicy)."], ["jobs-dlq", "Queue jobs-dlq has no dead-letter queue (redrivePolicy)."]]);
        // A queue that only receives EventBridge events (Karpenter's interruption queue) needs none.
        const events = { type: "aws:cloudwatch/eventTarget:EventTarget", name: "interruption", props: { rule: "spot", arn: fixtures.deadLetterQueue().props.arn } };
        await expectStack(secSqsDeadLetterQueue, [fixtures.deadLetterQueue(), events], []);
    });

    it("Data: DynamoDB point-in-time recovery, log retention, KMS rotation, Step Functions logging and tracing, VPC flow logs", async () => {
        await expectResource(secDynamodbPitr, fixtures.table(), []);
        await expectResource(secDynamodbPitr, variant(fixtures.table(), "props.pointInTimeRecovery", undefined), ["DynamoDB table state does not enable point-in-time recovery."]);
        await expectResource(secLogRetention, fixtures.logGroup(), []);
        await expectResource(secLogRetention, variant(fixtures.logGroup(), "props.retentionInDays", undefined), ["Log group orders-logs never expires its logs."]);
        await expectResource(secKmsRotation, fixtures.kmsKey(), []);
        await expectResource(secKmsRotation, variant(fixtures.kmsKey(), "props.enableKeyRotation", undefined), ["KMS key logs-key does not rotate its key material."]);
        await expectResource(secKmsRotation, variant(variant(fixtures.kmsKey(), "props.enableKeyRotation", undefined), "props.customerMasterKeySpec", "RSA_2048"), []);
        await expectResource(secStepFunctionsObservability, fixtures.stateMachine(), []);
        await expectResource(secStepFunctionsObservability, variant(fixtures.stateMachine(), "props.tracingConfiguration", undefined), ["State machine pipeline does not trace executions with X-Ray."]);
        await expectResource(secStepFunctionsObservability, variant(fixtures.stateMachine(), "props.loggingConfiguration.level", "OFF"), ["State machine pipeline does not log executions."]);
        await expectStack(secVpcFlowLogs, [fixtures.vpc(), fixtures.flowLog()], []);
        await expectStack(secVpcFlowLogs, [fixtures.vpc()], [["net-vpc", "VPC net-vpc has no flow log."]]);
    });

    it("ECS hardening: read-only root filesystem, non-root user, ECS Exec logging", async () => {
        await expectResource(secEcsReadonlyRoot, fixtures.taskDefinition(), []);
        await expectResource(secEcsReadonlyRoot, taskDefinition([{ ...APP_CONTAINER, readonlyRootFilesystem: false }]), ["Container app of orders-td has a writable root filesystem."]);
        await expectResource(secEcsReadonlyRoot, fixtures.daemonTaskDefinition(), []);
        await expectResource(secEcsNonRootUser, fixtures.taskDefinition(), []);
        await expectResource(secEcsNonRootUser, taskDefinition([{ ...APP_CONTAINER, user: "0:0" }]), ["Container app of orders-td runs as root."]);
        await expectResource(secEcsNonRootUser, taskDefinition([{ ...APP_CONTAINER, user: "1000:1000" }]), []);
        await expectResource(secEcsExecLogging, fixtures.ecsCluster(), []);
        await expectResource(secEcsExecLogging, variant(fixtures.ecsCluster(), "props.configuration", { executeCommandConfiguration: { logging: "NONE" } }),
            ["ECS cluster shop-us-east-1-cluster does not log ECS Exec sessions."]);
    });
});
