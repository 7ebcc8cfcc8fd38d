import type { StackValidationPolicy } from "@pulumi/policy";
import * as assert from "node:assert/strict";
import {
    deployContainerDefinitionShape, deployCustomResourceSchema, deployEcrLifecycleRules, deployEksEndpointReachable, deployIamDocuments,
    deployNodeGroupScaled, deployReadinessPolicies, deployStateMachineValid,
} from "../../policy/deploy-readiness";
import { plan, planned } from "../deploy-readiness/plans";
import { TestResource, validateResource, validateStack } from "./harness";

/** Plain @pulumi/aws and @pulumi/kubernetes resources as a user's own program would declare them. */
const raw = {
    taskDefinition: (containers: object[]): TestResource => ({ type: "aws:ecs/taskDefinition:TaskDefinition", name: "app-td",
        props: { family: "app", containerDefinitions: JSON.stringify(containers), cpu: "256", memory: "512", requiresCompatibilities: ["FARGATE"] } }),
    rolePolicy: (statement: object): TestResource => ({ type: "aws:iam/rolePolicy:RolePolicy", name: "app-policy",
        props: { role: "app", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } }),
    stateMachine: (definition: object): TestResource => ({ type: "aws:sfn/stateMachine:StateMachine", name: "app-sm",
        props: { roleArn: "arn:aws:iam::123456789012:role/sm", definition: JSON.stringify(definition) } }),
    lifecycle: (rules: object[]): TestResource => ({ type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", name: "app-lifecycle",
        props: { repository: "app", policy: JSON.stringify({ rules }) } }),
    cluster: (endpointPublicAccess: boolean): TestResource => ({ type: "aws:eks/cluster:Cluster", name: "app-cluster",
        props: { name: "app", vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess } } }),
    release: (chart: string): TestResource => ({ type: "kubernetes:helm.sh/v3:Release", name: chart, props: { chart, version: "1.0.0" } }),
    nodeGroup: (min: number, desired: number, max: number): TestResource => ({ type: "aws:eks/nodeGroup:NodeGroup", name: "app-spot",
        props: { clusterName: "app", scalingConfig: { minSize: min, desiredSize: desired, maxSize: max }, subnetIds: ["subnet-a"] } }),
};
const rule = (priority: number, selection: object) => ({ rulePriority: priority, selection, action: { type: "expire" } });

describe("policy: deploy readiness (issue 18) on a program of plain resources", () => {
    it("a container definition with an unknown key", async () => {
        const ok = await validateResource(deployContainerDefinitionShape, raw.taskDefinition([{ name: "app", image: "nginx", essential: true }]));
        assert.deepEqual(ok.messages, []);
        const bad = await validateResource(deployContainerDefinitionShape, raw.taskDefinition([{ name: "app", image: "nginx", healthcheck: {} }]));
        assert.equal(bad.messages.length, 1);
        assert.match(bad.messages[0], /app-td container 0: healthcheck is not a member of ContainerDefinition/);
    });

    it("an IAM action that does not exist", async () => {
        const bad = await validateResource(deployIamDocuments, raw.rolePolicy({ Effect: "Allow", Action: ["s3:GetObjects"], Resource: "*" }));
        assert.deepEqual(bad.messages, ["app-policy.policy statement 0: s3:GetObjects is not an IAM action of s3"]);
        const ok = await validateResource(deployIamDocuments, raw.rolePolicy({ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }));
        assert.deepEqual(ok.messages, []);
    });

    it("an invalid state machine", async () => {
        const bad = await validateResource(deployStateMachineValid, raw.stateMachine({ StartAt: "a", States: { a: { Type: "Pass", Next: "missing" } } }));
        assert.ok(bad.messages.length > 0 && bad.messages.every((m) => m.startsWith("State machine app-sm:")), JSON.stringify(bad.messages));
        const ok = await validateResource(deployStateMachineValid, raw.stateMachine({ StartAt: "a", States: { a: { Type: "Pass", End: true } } }));
        assert.deepEqual(ok.messages, []);
    });

    it("a lifecycle rule that can never match (an earlier rule claims everything it selects), and a two-prefix list", async () => {
        const shadowed = await validateResource(deployEcrLifecycleRules, raw.lifecycle([
            rule(1, { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 5 }),
            rule(2, { tagStatus: "tagged", tagPrefixList: ["dev-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }),
        ]));
        assert.deepEqual(shadowed.messages, ["app-lifecycle: rule 2 can never expire an image (earlier rules claim every image it selects, or it selects none)."]);
        const both = await validateResource(deployEcrLifecycleRules, raw.lifecycle([
            rule(1, { tagStatus: "tagged", tagPrefixList: ["dev-", "pr-"], countType: "sinceImagePushed", countUnit: "days", countNumber: 7 }),
        ]));
        assert.match(both.messages[0], /selects only images tagged with every one of these prefixes/);
    });

    it("custom resources against their CRDs", async () => {
        const nodeClass = (spec: object): TestResource => ({ type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", name: "default",
            props: { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" }, spec } });
        const good = { role: "r", amiSelectorTerms: [{ alias: "al2023@v20260304" }], subnetSelectorTerms: [{ id: "subnet-0a" }], securityGroupSelectorTerms: [{ id: "sg-0a" }] };
        assert.deepEqual((await validateResource(deployCustomResourceSchema, nodeClass(good))).messages, []);
        const bad = await validateResource(deployCustomResourceSchema, nodeClass({ ...good, amiSelectorTerms: [{ alias: "al2023" }] }));
        assert.ok(bad.messages.some((m) => m.includes("'alias' is improperly formatted")), JSON.stringify(bad.messages));
    });

    it("row 1: Kubernetes resources applied through a private-only endpoint of a cluster in the stack", async () => {
        const bad = await validateStack(deployEksEndpointReachable, [raw.cluster(false), raw.release("karpenter")]);
        assert.equal(bad.messages.length, 1);
        assert.match(bad.messages[0], /app-cluster has a private-only endpoint, yet the stack applies 1 Kubernetes resources/);
        assert.deepEqual((await validateStack(deployEksEndpointReachable, [raw.cluster(true), raw.release("karpenter")])).messages, []);
        assert.deepEqual((await validateStack(deployEksEndpointReachable, [raw.cluster(false)])).messages, [], "nothing applied through it");
    });

    it("row 6: a node group at 0 that nothing scales", async () => {
        const bad = await validateStack(deployNodeGroupScaled, [raw.cluster(true), raw.nodeGroup(0, 0, 10)]);
        assert.deepEqual(bad.messages, ["Node group app-spot has desiredSize 0 and nothing in the stack scales it (no Cluster Autoscaler): it stays empty."]);
        assert.deepEqual((await validateStack(deployNodeGroupScaled, [raw.nodeGroup(0, 0, 10), raw.release("cluster-autoscaler")])).messages, []);
        assert.deepEqual((await validateStack(deployNodeGroupScaled, [raw.nodeGroup(1, 1, 10)])).messages, []);
    });
});

describe("policy: deploy readiness is silent on every shipped stack and example", () => {
    for (const name of planned()) {
        it(name, async function () {
            this.timeout(600_000);
            const run = await plan(name);
            const resources: TestResource[] = run.workload.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
            const messages: string[] = [];
            for (const policy of deployReadinessPolicies) {
                if ("validateResource" in policy) {
                    for (const r of resources) messages.push(...(await validateResource(policy, r)).messages);
                } else {
                    messages.push(...(await validateStack(policy as StackValidationPolicy, resources)).messages);
                }
            }
            assert.deepEqual(messages, []);
        });
    }
});
