import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as os from "os";
import * as path from "path";
import { COMMERCIAL_REGIONS } from "../../components/regions";
import { PRICES, PriceRow, REGION_FACTORS } from "../../policy/cost/prices";
import { PlanResult, planProgram } from "../../plan/plan";
import { userProgram } from "../../plan/engine/program";
import { costDiff, costJson, estimatePlan, loadBaseline, loadUsage } from "../../plan/report/cost";
import { PlanInputError } from "../../plan/plan-error";
import { costMonthlyBudget } from "../../policy/cost/budget";
import { TestResource, urnOf, validateStack } from "../policy/harness";
import { FIXTURE_PACK, FIXTURES } from "./packs";
import { plan } from "./run-plan";

const PROGRAM = path.join(FIXTURES, "cost-program");
const DAY = "2026-12-01";

/**
 * The small fixed program's estimate, computed by hand from policy/cost/prices.ts (us-east-1 prices;
 * eu-central-1 at its fallback factor 1.15) and the default usage assumptions: [resource, price, kind, USD/month].
 */
const HAND: [string, string, "fixed" | "usage", number][] = [
    ["nat-0", "ipv4.hour", "fixed", 730 * 0.005], // 3.65
    ["nat-0", "nat.hour", "fixed", 730 * 0.045], // 32.85
    ["nat-0", "nat.gb", "usage", 100 * 0.045], // 4.50: natGatewayGb 100
    ["nat-frankfurt", "nat.hour", "fixed", 730 * 0.045 * 1.15], // 37.7775
    ["nat-frankfurt", "nat.gb", "usage", 100 * 0.045 * 1.15], // 5.175
    ["cluster", "cloudwatch.metric", "usage", 3 * 20 * 0.30], // 18.00: 3 tasks × 20 metrics
    ["web", "fargate.linux.arm.vcpu", "fixed", 2 * 0.5 * 730 * 0.03238], // 23.6374: 2 on-demand tasks
    ["web", "fargate.linux.arm.gb", "fixed", 2 * 1 * 730 * 0.00356], // 5.1976
    ["web", "fargate.linux.arm.vcpu", "fixed", 1 * 0.5 * 730 * 0.03238 * 0.3], // 3.54561: 1 Spot task at 70% off
    ["web", "fargate.linux.arm.gb", "fixed", 1 * 1 * 730 * 0.00356 * 0.3], // 0.77964
    ["current", "eks.cluster.standard", "fixed", 730 * 0.10], // 73.00
    ["legacy", "eks.cluster.extended", "fixed", 730 * 0.60], // 438.00
    ["nodes", "ec2.m7g.large", "fixed", 2 * 730 * 0.0816], // 119.136
    ["nodes", "ebs.gp3.gb", "fixed", 2 * 20 * 0.08], // 3.20
    ["alb", "alb.hour", "fixed", 730 * 0.0225], // 16.425
    ["alb", "alb.lcu", "usage", 1 * 730 * 0.008], // 5.84
    ["alb", "ipv4.hour", "fixed", 2 * 730 * 0.005], // 7.30: one address per subnet
    ["nlb", "nlb.hour", "fixed", 730 * 0.0225], // 16.425: internal, so no public address
    ["nlb", "nlb.lcu", "usage", 1 * 730 * 0.006], // 4.38
    ["ecr-api", "vpce.interface.hour", "fixed", 2 * 730 * 0.01], // 14.60
    ["ecr-api", "vpce.interface.gb", "usage", 10 * 0.01], // 0.10
    ["logs", "logs.ingest", "usage", 5 * 0.50], // 2.50
    ["logs", "logs.storage", "usage", 5 * 1 * 0.03], // 0.15: 30 days retained
    ["key", "kms.key", "fixed", 1.00],
    ["key", "kms.requests", "usage", 10 * 0.03], // 0.30: 100,000 requests
    ["health", "route53.healthCheck.aws", "fixed", 0.50],
    ["health", "route53.healthCheck.awsFeature", "fixed", 3 * 1.00], // HTTPS, fast interval, latency
    ["table", "dynamodb.ondemand.write", "usage", 10 * 0.625], // 6.25
    ["table", "dynamodb.ondemand.read", "usage", 50 * 0.125], // 6.25
    ["table", "dynamodb.storage", "usage", 10 * 0.25], // 2.50
    ["table", "dynamodb.pitr", "usage", 10 * 0.20], // 2.00
    ["queue", "sqs.standard", "usage", 1 * 0.40],
    ["pipeline", "sfn.transitions", "usage", 100 * 0.025], // 2.50
    ["repo", "ecr.storage", "usage", 5 * 0.10], // 0.50
];
const HAND_FIXED = 800.02375;
const HAND_USAGE = 61.345;

describe("cost: the price table", () => {
    it("names a source and the day it was read for every price", () => {
        for (const [key, row] of Object.entries(PRICES) as [string, PriceRow][]) {
            assert.match(row.source, /^https:\/\/aws\.amazon\.com\//, key);
            assert.match(row.read, /^\d{4}-\d{2}-\d{2}$/, key);
            assert.ok(row.usEast1 > 0, key);
            // A confirmed price read elsewhere than the AWS page says where.
            assert.ok(!row.confirmed || row.via === undefined || /^https:\/\//.test(row.via), key);
            for (const [region, p] of Object.entries(row.regions ?? {})) {
                assert.ok(COMMERCIAL_REGIONS.includes(region) && p.usd > 0, `${key} ${region}`);
            }
        }
    });

    it("has a stated fallback factor for exactly the regions the package accepts", () => {
        assert.deepEqual(Object.keys(REGION_FACTORS).sort(), [...COMMERCIAL_REGIONS].sort());
        for (const [region, f] of Object.entries(REGION_FACTORS)) {
            assert.ok(f.factor >= 1 && f.basis.length > 10, region);
        }
    });
});

describe("cost: the estimate of a small fixed program", () => {
    let result: PlanResult;
    before(async () => {
        result = await planProgram(userProgram(PROGRAM, "small"), { policyPack: FIXTURE_PACK });
    });

    it("matches the hand computation line by line", () => {
        const estimate = estimatePlan(result, loadUsage(undefined, DAY));
        const lines = estimate.items.map((i) => [i.name, i.price, i.kind, i.monthly] as const);
        assert.equal(lines.length, HAND.length, JSON.stringify(lines, null, 1));
        for (const [name, price, kind, monthly] of HAND) {
            const match = lines.filter(([n, p, k, m]) => n === name && p === price && k === kind && Math.abs(m - monthly) < 1e-9);
            assert.equal(match.length, 1, `${name} ${price} ${kind} ${monthly}: got ${JSON.stringify(lines.filter(([n]) => n === name))}`);
        }
        assert.ok(Math.abs(estimate.fixed - HAND_FIXED) < 1e-6, `fixed ${estimate.fixed}`);
        assert.ok(Math.abs(estimate.usageBased - HAND_USAGE) < 1e-6, `usage ${estimate.usageBased}`);
        assert.deepEqual(estimate.unpriced, []);
    });

    it("marks what is not a price read for its region as unconfirmed", () => {
        const estimate = estimatePlan(result, loadUsage(undefined, DAY));
        const unconfirmed = (name: string) => estimate.items.filter((i) => i.name === name).map((i) => i.confirmed);
        assert.deepEqual(unconfirmed("nat-frankfurt"), [false, false]);
        assert.deepEqual(unconfirmed("nat-0"), [true, true, true]);
        // The Spot lines rest on a discount assumption, not a read price.
        assert.deepEqual(estimate.items.filter((i) => i.name === "web").map((i) => i.confirmed), [true, true, false, false]);
        const json = costJson(estimate);
        assert.deepEqual(json.byRegion["eu-central-1"], { total: 42.95, fixed: 37.78, usage: 5.18 });
        assert.equal(json.byRegion.global.total, 3.5);
        assert.equal(json.byType["aws:eks/cluster:Cluster"].total, 511);
    });

    it("is the estimate the pack's budget policy computes from the same resources", async () => {
        // The plan's resources as the policy harness hands them to a stack policy (its URNs are of stack "test").
        const urns = new Map(result.resources.map((r) => [r.urn, urnOf(r.type, r.name)]));
        const resources: TestResource[] = result.resources.filter((r) => !r.type.startsWith("pulumi:providers:")).map((r) => ({
            type: r.type, name: r.name, region: r.region, props: JSON.parse(JSON.stringify(r.wireInputs)),
            parent: r.parent === undefined ? undefined : urns.get(r.parent),
            propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((u) => urns.get(u)!)])),
        }));
        const usage = { date: DAY };
        const over = await validateStack(costMonthlyBudget, resources, { budgets: { test: 861 }, usage });
        assert.equal(over.messages.length, 1);
        assert.match(over.messages[0], /^Stack test is estimated at \$861\.37\/month \(fixed \$800\.02, usage-based \$61\.3\d\), \$0\.37 over its budget of \$861\.00\. Largest: 2 EKS clusters \$511\.00, /);
        assert.deepEqual((await validateStack(costMonthlyBudget, resources, { budgets: { test: 862 }, usage })).messages, []);
    });

    it("applies a usage file's overrides, per service too", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-usage-"));
        const file = path.join(dir, "usage.yaml");
        fs.writeFileSync(file, "natGatewayGb: 1000\nservices:\n  web: { tasks: 10, spotShare: 0 }\n");
        const estimate = estimatePlan(result, loadUsage(file, DAY));
        fs.rmSync(dir, { recursive: true, force: true });
        const monthly = (name: string, price: string) => estimate.items.filter((i) => i.name === name && i.price === price).map((i) => i.monthly);
        assert.deepEqual(monthly("nat-0", "nat.gb").map((m) => +m.toFixed(6)), [45]);
        assert.deepEqual(monthly("web", "fargate.linux.arm.vcpu").map((m) => +m.toFixed(6)), [+(10 * 0.5 * 730 * 0.03238).toFixed(6)]);
        assert.equal(estimate.usage.natGatewayGb, 1000);
    });
});

describe("cost: usage files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-usage-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("rejects unknown keys and bad values, naming each", () => {
        const file = write("bad.json", JSON.stringify({
            natGatwayGb: 10, albLcus: -1, fargateSpotDiscount: 2, nodePool: { instanceType: "x9.huge", count: 3 }, services: { web: { replicas: 2 } },
        }));
        assert.throws(() => loadUsage(file, DAY), (err: Error) => {
            assert.ok(err instanceof PlanInputError);
            assert.match(err.message, /usage\.natGatwayGb: unknown key; allowed: hoursPerMonth, /);
            assert.match(err.message, /usage\.albLcus: -1 is not a number ≥ 0/);
            assert.match(err.message, /usage\.fargateSpotDiscount: 2 is not a share between 0 and 1/);
            assert.match(err.message, /usage\.nodePool\.instanceType: "x9\.huge" is not an instance type of the price table; known: m7g\.large, /);
            assert.match(err.message, /usage\.nodePool\.count: unknown key; allowed: instanceType, nodes, spotShare/);
            assert.match(err.message, /usage\.services\.web\.replicas: unknown key; allowed: tasks, spotShare/);
            return true;
        });
    });

    it("reads YAML and JSON alike, and says when a file is not either", () => {
        assert.equal(loadUsage(write("u.yaml", "albLcus: 3\ndate: 2027-01-05\n"), DAY).albLcus, 3);
        assert.equal(loadUsage(write("u.json", '{"albLcus": 4}'), DAY).albLcus, 4);
        assert.throws(() => loadUsage(write("broken.yaml", "albLcus: [1\n"), DAY), /--usage .*broken\.yaml is not a readable YAML or JSON file/);
        assert.throws(() => loadUsage(write("date.yaml", "date: tomorrow\n"), DAY), /usage\.date: "tomorrow" is not a day as YYYY-MM-DD/);
    });
});

describe("cost: the difference against a baseline", () => {
    const item = (urn: string, type: string, region: string, monthly: number) => ({ urn, type, region, monthly });
    const NAT = "aws:ec2/natGateway:NatGateway";

    it("names the resources that were added or removed, per region and type", () => {
        const before = { total: 32.85, items: [item("a", NAT, "eu-west-1", 32.85)] };
        const after = { total: 98.55 + 5, items: [item("a", NAT, "eu-west-1", 32.85), item("b", NAT, "eu-west-1", 32.85), item("c", NAT, "eu-west-1", 32.85),
            item("k", "aws:kms/key:Key", "us-east-1", 5)] };
        assert.deepEqual(costDiff(before, after), [
            "Against the baseline: $32.85 → $103.55/month (+$70.70)",
            "  +$65.70/month: 2 NAT gateways in eu-west-1",
            "  +$5.00/month: 1 KMS key in us-east-1",
        ]);
        assert.deepEqual(costDiff(after, before).slice(1), ["  -$65.70/month: 2 fewer NAT gateways in eu-west-1", "  -$5.00/month: 1 fewer KMS key in us-east-1"]);
        assert.deepEqual(costDiff(before, before), ["Against the baseline: $32.85 → $32.85/month (+$0.00)", "  no change in cost"]);
    });

    it("refuses a file that is not a plan with a cost estimate", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-baseline-"));
        const file = path.join(dir, "old.json");
        fs.writeFileSync(file, JSON.stringify({ stack: "dev", resources: [] }));
        assert.throws(() => loadBaseline(file), /--baseline .*old\.json is not the --json output of a plan with a cost estimate/);
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("npm run plan with --usage and --baseline", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cost-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("prints the estimate with its assumptions, and the change against an earlier plan", async () => {
        // The fixture pack's EKS version check flags the 1.32 cluster; this test is about cost.
        const advisory = path.join(tmp, "advisory.json");
        fs.writeFileSync(advisory, JSON.stringify({ all: "advisory" }));
        const usage = path.join(tmp, "usage.yaml");
        fs.writeFileSync(usage, "natGatewayGb: 200\ndate: 2026-12-01\n");
        const baseline = path.join(tmp, "small.json");
        const small = await plan("--program", PROGRAM, "small", "--policy-pack", FIXTURE_PACK, "--policy-config", advisory, "--usage", usage, "--json", baseline);
        assert.equal(small.status, 0, small.stderr);
        assert.match(small.stdout, /\nMonthly cost estimate: \$\d[\d,]*\.\d\d \(fixed \$[\d,.]+, usage-based \$[\d,.]+\)/);
        assert.match(small.stdout, /\n {4}natGatewayGb: 200 /);
        const doc = JSON.parse(fs.readFileSync(baseline, "utf8"));
        assert.equal(doc.cost.assumptions.natGatewayGb, 200);
        assert.equal(doc.cost.byType["aws:ec2/natGateway:NatGateway"].usage, +(200 * 0.045 + 200 * 0.045 * 1.15).toFixed(2));

        const large = await plan("--program", PROGRAM, "large", "--policy-pack", FIXTURE_PACK, "--policy-config", advisory, "--usage", usage, "--baseline", baseline);
        assert.equal(large.status, 0, large.stderr);
        // Two more NAT gateways: 2 × (730 h × $0.045 + 200 GB × $0.045), and their two addresses: 2 × 730 h × $0.005.
        assert.match(large.stdout, /\n {2}\+\$83\.70\/month: 2 NAT gateways in us-east-1\n {2}\+\$7\.30\/month: 2 Elastic IPs in us-east-1\n/);
        assert.match(large.stdout, /Against the baseline: \$[\d,.]+ → \$[\d,.]+\/month \(\+\$91\.00\)/);
    });

    it("exits 2 naming the bad key of a usage file", async () => {
        const usage = path.join(tmp, "bad.yaml");
        fs.writeFileSync(usage, "natGatewayGB: 200\n");
        const run = await plan("--program", PROGRAM, "small", "--policy-pack", FIXTURE_PACK, "--usage", usage);
        assert.equal(run.status, 2);
        assert.match(run.stderr, /^error: --usage .*bad\.yaml is not valid:\n {2}usage\.natGatewayGB: unknown key; allowed: /);
    });
});
