import * as assert from "node:assert/strict";
import type { RecordedResource } from "../../plan/engine/mock-engine";
import {
    aslProblems, containerDefinitionProblems, customResourceProblems, helmValuesProblems, iamDocumentProblems,
    karpenterPolicyProblems, lifecyclePolicyProblems, providerFieldProblems, runTaskProblems,
} from "./checks";

/** A recorded resource with just a type, a name and inputs: what each check reads. */
function resource(type: string, name: string, inputs: Record<string, any>): RecordedResource {
    return { type, name, inputs, urn: `urn:pulumi:test::p::${type}::${name}`, custom: true, protect: false, retainOnDelete: false,
        deleteBeforeReplace: false, ignoreChanges: [], dependencies: [], propertyDependencies: {} } as unknown as RecordedResource;
}

const includes = (problems: string[], ...fragments: string[]) => {
    for (const f of fragments) {
        assert.ok(problems.some((p) => p.includes(f)), `no problem mentions ${JSON.stringify(f)}: ${JSON.stringify(problems)}`);
    }
};

/** Each deploy-readiness check fails on a document AWS, Kubernetes or the chart would refuse or ignore. */
describe("deploy readiness: every check fails on a known-bad document", () => {
    it("ECS ContainerDefinition: an unknown member, a wrong type and a value outside an enum", () => {
        const td = resource("aws:ecs/taskDefinition:TaskDefinition", "bad-td", { containerDefinitions: JSON.stringify([{
            name: "app", image: "nginx", essential: "yes", healthcheck: { command: ["CMD", "true"] },
            portMappings: [{ containerPort: 80, protocol: "http" }],
        }]) });
        const problems = containerDefinitionProblems(td);
        includes(problems, "healthcheck is not a member of ContainerDefinition", `"yes" is not a boolean`, `"http" is not one of tcp, udp`);
    });

    it("RunTask: a misspelt Parameters member and a launch type ECS does not have", () => {
        const sm = resource("aws:sfn/stateMachine:StateMachine", "bad-sm", { definition: JSON.stringify({ StartAt: "run", States: { run: {
            Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true,
            Parameters: { Cluster: "c", TaskDefinition: "td", LaunchType: "SPOT", NetworkConfig: {} },
        } } }) });
        includes(runTaskProblems(sm), "NetworkConfig is not a member of RunTaskRequest", `"SPOT" is not one of EC2, FARGATE`);
    });

    it("Amazon States Language: a Next that names no state", () => {
        const sm = resource("aws:sfn/stateMachine:StateMachine", "bad-asl", { definition: JSON.stringify({ StartAt: "a", States: {
            a: { Type: "Pass", Next: "nowhere" },
        } }) });
        assert.ok(aslProblems(sm).length > 0);
    });

    it("ELBv2, ECS, ECR provider fields: a protocol, an interval and a tag mutability the APIs do not accept", () => {
        includes(providerFieldProblems(resource("aws:lb/targetGroup:TargetGroup", "bad-tg", { protocol: "HTTP2", healthCheck: { interval: 1 } })),
            `"HTTP2" is not one of`, "1 is below 5");
        includes(providerFieldProblems(resource("aws:ecr/repository:Repository", "bad-repo", { name: "x", imageTagMutability: "LOCKED" })), `"LOCKED" is not one of`);
        includes(providerFieldProblems(resource("aws:ecs/service:Service", "bad-svc", { capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 5000 }] })),
            "5000 is above 1000");
    });

    it("IAM: an action that does not exist, a * -only action on an ARN (row 9), a wrong resource type and an unknown condition key", () => {
        const problems = iamDocumentProblems({ Version: "2012-10-17", Statement: [
            { Sid: "typo", Effect: "Allow", Action: "ecs:RunTasks", Resource: "*" },
            { Sid: "row9", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "arn:aws:logs:us-east-1:123456789012:log-group:x" },
            { Sid: "type", Effect: "Allow", Action: "ecs:RunTask", Resource: "arn:aws:ecs:us-east-1:123456789012:cluster/c" },
            { Sid: "cond", Effect: "Allow", Action: "ecs:RunTask", Resource: "*", Condition: { ArnEquals: { "ecs:clusterArn": "x" } } },
            { Sid: "ok", Effect: "Allow", Action: ["ecs:RunTask"], Resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/f:*" },
        ] }, "bad-policy");
        includes(problems, "ecs:RunTasks is not an IAM action", "logs:DescribeLogGroups supports no resource types", "is one of its resource types (task-definition)",
            "condition key ecs:clusterArn");
        assert.equal(problems.filter((p) => p.includes("statement ok")).length, 0, "a family:* ARN is a task-definition resource");
    });

    it("Karpenter controller policy: ec2:RebootInstances is not in the v1.14.1 template (row 8)", () => {
        const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:TerminateInstances", "ec2:RebootInstances"], Resource: "*" }] });
        assert.deepEqual(karpenterPolicyProblems(policy, "bad"), ["bad: ec2:RebootInstances is not in Karpenter's v1.14.1 CloudFormation template"]);
    });

    it("Karpenter CRDs: an unknown field (schema) and an alias not in family@version form combined with another term (CEL)", () => {
        const problems = customResourceProblems("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "bad-nc", {
            apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "x" },
            spec: { role: "r", amiSelectorTerms: [{ alias: "bottlerocket" }, { id: "ami-0123456789abcdef0" }], subnetSelectorTerms: [{ id: "subnet-0a" }],
                securityGroupSelectorTerms: [{ id: "sg-0a" }], imdsHopLimit: 1 },
        });
        includes(problems, "additional properties (imdsHopLimit)", "'alias' is improperly formatted", "'alias' is mutually exclusive");
        const pool = customResourceProblems("kubernetes:karpenter.sh/v1:NodePool", "bad-pool", {
            apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "x" },
            spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "d" }, requirements: [] } },
                disruption: { consolidationPolicy: "WhenIdle" } },
        });
        assert.ok(pool.length > 0, "WhenIdle is not a v1 consolidation policy");
    });

    it("External Secrets CRD: a ClusterSecretStore with an AWS service that does not exist", () => {
        const problems = customResourceProblems("kubernetes:external-secrets.io/v1:ClusterSecretStore", "bad-store", {
            apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "x" },
            spec: { provider: { aws: { service: "SecretsVault", region: "us-east-1" } } },
        });
        assert.ok(problems.some((p) => p.includes("/spec/provider/aws/service")), JSON.stringify(problems));
    });

    it("Helm values: a key the pinned chart does not have", () => {
        const release = resource("kubernetes:helm.sh/v3:Release", "bad-release", {
            chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", values: { settings: { clusterNmae: "c" }, replicas: 2 },
        });
        assert.deepEqual(helmValuesProblems(release), ["bad-release: settings.clusterNmae is not a value of oci://public.ecr.aws/karpenter/karpenter@1.14.1 (no clusterNmae under it in values.yaml)"]);
        assert.ok(helmValuesProblems(resource("kubernetes:helm.sh/v3:Release", "unknown", { chart: "argo-cd", version: "10.9.0", values: { a: 1 } }))[0]
            .includes("no vendored values.yaml"));
    });

    it("ECR lifecycle: a two-prefix list that matches only images with both (row 2), and a rule that can never match", () => {
        const twoPrefixes = JSON.stringify({ rules: [
            { rulePriority: 1, selection: { tagStatus: "tagged", tagPrefixList: ["dev-", "pr-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
        ] });
        includes(lifecyclePolicyProblems("old", twoPrefixes), "selects only images tagged with every one of these prefixes");
        const dead = JSON.stringify({ rules: [
            { rulePriority: 1, selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 10 }, action: { type: "expire" } },
            { rulePriority: 2, selection: { tagStatus: "tagged", tagPrefixList: ["dev-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
        ] });
        includes(lifecyclePolicyProblems("dead", dead), "rule 2 expires nothing");
    });
});
