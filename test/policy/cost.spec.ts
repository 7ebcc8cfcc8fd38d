import * as assert from "node:assert/strict";
import { costMonthlyBudget } from "../../policy/cost/budget";
import { expectStack, TestResource, validateStack } from "./harness";

/** One NAT gateway and its address in us-east-1: 730 h × $0.045 + 100 GB × $0.045 + 730 h × $0.005 = $41.00 a month. */
const stack = (): TestResource[] => [
    { type: "aws:ec2/natGateway:NatGateway", name: "nat", region: "us-east-1", props: { allocationId: "eip-1", subnetId: "subnet-1" } },
    { type: "aws:ec2/eip:Eip", name: "nat-ip", region: "us-east-1", props: { domain: "vpc" } },
];
const OVER = (budget: string, over: string) => [["nat", `Stack test is estimated at $41.00/month (fixed $36.50, usage-based $4.50), ${over} over its budget of ${budget}. ` +
    "Largest: 1 NAT gateway $37.35, 1 Elastic IP $3.65."]] as [string, string][];

describe("policy: cost-monthly-budget", () => {
    it("is advisory by default and reports nothing without a budget", async () => {
        assert.equal(costMonthlyBudget.enforcementLevel, "advisory");
        await expectStack(costMonthlyBudget, stack(), []);
    });

    it("fires over the stack's budget and not under it", async () => {
        await expectStack(costMonthlyBudget, stack(), OVER("$40.00", "$1.00"), { budgets: { test: 40 } });
        await expectStack(costMonthlyBudget, stack(), [], { budgets: { test: 41 } });
        await expectStack(costMonthlyBudget, stack(), [], { budgets: { test: 50 } });
    });

    it("applies monthlyBudget to stacks without their own budget", async () => {
        await expectStack(costMonthlyBudget, stack(), OVER("$30.00", "$11.00"), { monthlyBudget: 30, budgets: { prod: 1000 } });
        await expectStack(costMonthlyBudget, stack(), [], { monthlyBudget: 30, budgets: { test: 100 } });
        await expectStack(costMonthlyBudget, stack(), [], { budgets: { prod: 10 } });
    });

    it("estimates with the usage assumptions of its config", async () => {
        // Without the 100 GB processed the stack costs $36.50.
        await expectStack(costMonthlyBudget, stack(), [], { budgets: { test: 40 }, usage: { natGatewayGb: 0 } });
    });

    it("reports an invalid budget or usage key instead of ignoring it", async () => {
        const outcome = await validateStack(costMonthlyBudget, stack(), { budgets: { test: -5 }, monthlyBudget: "a lot", usage: { natGatwayGb: 1 } });
        assert.equal(outcome.messages.length, 1);
        assert.match(outcome.messages[0], /^cost-monthly-budget config is invalid:\n- monthlyBudget: "a lot" is not an amount of USD ≥ 0\n- budgets\.test: -5 is not an amount of USD ≥ 0\n- usage\.natGatwayGb: unknown key; allowed: /);
    });
});
