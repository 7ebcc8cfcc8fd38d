import { secHttpsListeners, secNoPublicIp } from "../../policy/network";
import {
    secDynamodbEncryption, secImdsv2, secLeastPrivilege, secLogEncryption, secNoPlaintextSecrets, secSqsEncryption,
} from "../../policy/security";
import { APP_CONTAINER, fixtures, policyDocument, taskDefinition } from "./fixtures";
import { expectResource, variant } from "./harness";

describe("policy: network and security", () => {
    it("sec: no public IPs on tasks, launch templates or EC2NodeClasses", async () => {
        await expectResource(secNoPublicIp, fixtures.service(), []);
        await expectResource(secNoPublicIp, variant(fixtures.service(), "props.networkConfiguration.assignPublicIp", true), ["ECS service orders-svc assigns public IPs to its tasks."]);
        await expectResource(secNoPublicIp, fixtures.launchTemplate(), []);
        await expectResource(secNoPublicIp, variant(fixtures.launchTemplate(), "props.networkInterfaces", [{ associatePublicIpAddress: "true" }]),
            ["Launch template nodes-lt associates public IP addresses."]);
        await expectResource(secNoPublicIp, variant(fixtures.nodeClass(), "props.spec.associatePublicIPAddress", true), ["EC2NodeClass default-class associates public IP addresses."]);
    });

    it("sec: listeners serve HTTPS; HTTP only redirects (lb and alb aliases)", async () => {
        for (const type of ["aws:lb/listener:Listener", "aws:alb/listener:Listener"]) {
            await expectResource(secHttpsListeners, fixtures.listener(type), []);
            const http = variant(variant(fixtures.listener(type), "props.protocol", "HTTP"), "props.port", 80);
            await expectResource(secHttpsListeners, http, ["Listener shop-https serves plain HTTP instead of redirecting to HTTPS."]);
            await expectResource(secHttpsListeners, variant(http, "props.defaultActions", [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]), []);
            await expectResource(secHttpsListeners, variant(fixtures.listener(type), "props.protocol", undefined),
                ["Listener shop-https serves plain HTTP instead of redirecting to HTTPS."]);
        }
    });

    it("sec: IMDSv2 required with a small hop limit", async () => {
        await expectResource(secImdsv2, fixtures.launchTemplate(), []);
        await expectResource(secImdsv2, fixtures.instance(), []);
        await expectResource(secImdsv2, fixtures.nodeClass(), []);
        await expectResource(secImdsv2, variant(fixtures.launchTemplate(), "props.metadataOptions", undefined),
            ["nodes-lt does not require IMDSv2 (metadataOptions.httpTokens is unset)."]);
        await expectResource(secImdsv2, variant(fixtures.instance(), "props.metadataOptions.httpTokens", "optional"),
            ["bastion does not require IMDSv2 (metadataOptions.httpTokens is optional)."]);
        await expectResource(secImdsv2, variant(fixtures.launchTemplate(), "props.metadataOptions.httpPutResponseHopLimit", 3),
            ["nodes-lt allows an IMDS hop limit of 3; at most 2."]);
        await expectResource(secImdsv2, variant(fixtures.nodeClass(), "props.spec.metadataOptions", undefined), []);
    });

    it("sec: log groups, queues and tables are encrypted at rest", async () => {
        await expectResource(secLogEncryption, fixtures.logGroup(), []);
        await expectResource(secLogEncryption, variant(fixtures.logGroup(), "props.kmsKeyId", undefined), ["Log group orders-logs has no kmsKeyId."]);
        await expectResource(secSqsEncryption, fixtures.queue(), []);
        await expectResource(secSqsEncryption, variant(fixtures.queue(), "props.sqsManagedSseEnabled", false), ["Queue jobs turns off server-side encryption."]);
        await expectResource(secSqsEncryption, fixtures.queue(), ["Queue jobs has no kmsMasterKeyId."], { requireKms: true });
        await expectResource(secSqsEncryption, variant(fixtures.queue(), "props.kmsMasterKeyId", "alias/jobs"), [], { requireKms: true });
        await expectResource(secDynamodbEncryption, fixtures.table(), []);
        await expectResource(secDynamodbEncryption, variant(fixtures.table(), "props.serverSideEncryption", undefined),
            ["DynamoDB table state does not enable KMS server-side encryption."]);
    });

    it("sec: no plaintext secrets in ECS or Kubernetes environments", async () => {
        await expectResource(secNoPlaintextSecrets, fixtures.taskDefinition(), []);
        await expectResource(secNoPlaintextSecrets, taskDefinition([{ ...APP_CONTAINER, environment: [{ name: "DB_PASSWORD", value: "hunter2" }] }]),
            ["orders-td: container app sets DB_PASSWORD as a plaintext environment value."]);
        await expectResource(secNoPlaintextSecrets, taskDefinition([{ ...APP_CONTAINER, environment: [{ name: "AWS_KEY_ID", value: "AKIAABCDEFGHIJKLMNOP" }] }]),
            ["orders-td: container app sets AWS_KEY_ID as a plaintext environment value."]);
        await expectResource(secNoPlaintextSecrets, fixtures.deployment(), []);
        await expectResource(secNoPlaintextSecrets, variant(fixtures.deployment(), "props.spec.template.spec.containers",
            [{ name: "app", image: "orders:1", env: [{ name: "API_TOKEN", value: "abc" }] }]),
            ["orders: container app sets API_TOKEN as a plaintext environment value."]);
        await expectResource(secNoPlaintextSecrets, taskDefinition([{ ...APP_CONTAINER, environment: [{ name: "TOKEN_TTL", value: "60" }] }]), [], { allowedNames: ["TOKEN_TTL"] });
    });

    it("sec: no * action on * resource, no AdministratorAccess", async () => {
        await expectResource(secLeastPrivilege, fixtures.role(), []);
        await expectResource(secLeastPrivilege, fixtures.rolePolicy(), []);
        await expectResource(secLeastPrivilege, fixtures.rolePolicyAttachment(), []);
        await expectResource(secLeastPrivilege, variant(fixtures.role(), "props.inlinePolicies", [{ name: "all", policy: policyDocument("*", "*") }]),
            ["orders-task allows action * (or NotAction) on resource *."]);
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicy(), "props.policy", policyDocument(["s3:GetObject", "*:*"], ["*"])),
            ["orders-exec-secrets allows action * (or NotAction) on resource *."]);
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicy(), "props.policy", policyDocument("s3:*", "arn:aws:s3:::shop-assets/*")), []);
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicyAttachment(), "props.policyArn", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"),
            ["nodes-ssm attaches AdministratorAccess."]);
        await expectResource(secLeastPrivilege, variant(fixtures.role(), "props.managedPolicyArns", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
            ["orders-task attaches AdministratorAccess."]);
    });
});
