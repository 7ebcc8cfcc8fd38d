/**
 * Several stacks in dependency order (plan/stacks.ts): a stack's StackReferences are answered with the
 * outputs planned for the stacks they name, which are planned first; outputs from an earlier plan's JSON
 * (--stack-outputs) replace those plans; the JSON lists each stack's dependencies; and the outage drill
 * reports which stacks can deploy. Runs with the empty pack: the policies are not what is tested here.
 */
import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as os from "os";
import * as path from "path";
import { PolicySession } from "../../plan/analyzer/session";
import { EMPTY_POLICY_PACK, projectStack, projectStacks } from "../../plan/engine/program";
import { planJson, readStackOutputs } from "../../plan/report/json";
import { drillSummary } from "../../plan/report/text";
import { planInOrder, StackPlan } from "../../plan/stacks";

describe("planning stacks in dependency order", () => {
    let session: PolicySession;
    const stacks = projectStacks();
    before(async () => {
        session = await PolicySession.start(EMPTY_POLICY_PACK);
    });
    after(() => session?.close());

    let edgeFirst: StackPlan[];
    before(async () => {
        edgeFirst = await planInOrder(["active-active-edge"], projectStack, { policyPack: EMPTY_POLICY_PACK, session, projectStacks: stacks });
    });

    it("a single stack's plan plans the stacks it references first, each once, and lists their names as its dependencies", () => {
        assert.deepEqual(edgeFirst.map((p) => p.stack),
            ["active-active-global", "active-active-us-east-1", "active-active-eu-west-1", "active-active-ap-southeast-2", "active-active-edge"]);
        const json = edgeFirst.map((p) => planJson(p.result!));
        assert.deepEqual(json.find((j) => j.stack === "active-active-edge")!.dependencies,
            ["active-active-global", "active-active-us-east-1", "active-active-eu-west-1", "active-active-ap-southeast-2"]);
        assert.deepEqual(json.find((j) => j.stack === "active-active-eu-west-1")!.dependencies, ["active-active-global"]);
    });

    it("answers each StackReference with the planned outputs of the stack it names", () => {
        const edge = edgeFirst.find((p) => p.stack === "active-active-edge")!.result!;
        const lbArn = edgeFirst.find((p) => p.stack === "active-active-eu-west-1")!.result!.stackOutputs.loadBalancerArn;
        const group = edge.resources.find((r) => r.name === "app-eu-west-1-endpoints")!;
        assert.equal(group.wireInputs.endpointConfigurations[0].endpointId, lbArn);
        assert.match(lbArn, /^arn:aws:elasticloadbalancing:eu-west-1:/);
    });

    it("--stack-outputs: outputs from an earlier plan's JSON answer the references, so only the stack itself is planned", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "plan-outputs-")), "plan.json");
        fs.writeFileSync(file, JSON.stringify(edgeFirst.map((p) => planJson(p.result!))));
        const again = await planInOrder(["active-active-edge"], projectStack,
            { policyPack: EMPTY_POLICY_PACK, session, projectStacks: stacks, knownOutputs: readStackOutputs(file) });
        assert.deepEqual(again.map((p) => p.stack), ["active-active-edge"]);
        const group = again[0].result!.resources.find((r) => r.name === "app-eu-west-1-endpoints")!;
        assert.match(group.wireInputs.endpointConfigurations[0].endpointId, /^arn:aws:elasticloadbalancing:eu-west-1:/);
    });

    it("--region-down: the drill says which stacks can still deploy", async () => {
        const plans = await planInOrder(["active-active-edge", "fargate-microservices-eu-west-1", "fargate-microservices-us-east-1"], projectStack,
            { policyPack: EMPTY_POLICY_PACK, session, projectStacks: stacks, regionDown: "us-east-1" });
        const blocked = plans.filter((p) => p.blockedByRegion).map((p) => p.stack).sort();
        assert.deepEqual(blocked, ["active-active-global", "active-active-us-east-1", "fargate-microservices-us-east-1"]);
        assert.ok(plans.find((p) => p.stack === "active-active-edge")!.result, "the edge stack plans with us-east-1 down");
        const text = drillSummary("us-east-1", plans);
        assert.match(text, /can deploy \(4\): active-active-eu-west-1, active-active-ap-southeast-2, active-active-edge, fargate-microservices-eu-west-1/);
        assert.match(text, /cannot deploy, they touch us-east-1 \(3\)/);
    });
});
