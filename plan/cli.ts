/**
 * `npm run plan -- <stack> [options]`: the offline plan. Runs a stack in Pulumi's mock runtime, then the
 * policy pack over it through the Analyzer protocol. Exit 0: clean or advisory only; 1: mandatory
 * violations; 2: bad input (unknown stack, invalid config, a failing program or pack).
 *
 * package.json runs it with three V8 flags. `--stack-trace-limit=0`: the SDK captures a stack trace for
 * each internal promise, two thirds of a resource's cost. `--interrupt-budget=300000` (~4.4× the
 * default): a program runs for seconds, and at the default V8 spends more CPU optimising its warm
 * functions than it saves. `--max-semi-space-size=64`: a larger young generation, so fewer of the
 * short-lived objects each resource makes survive into the old one. Together they make a 216-resource
 * stack plan in ~1.85 s rather than ~2.15 s, and 2,400 resources run ~15% faster (`npm run bench`).
 */
import * as fs from "fs";
import * as path from "path";
import { PolicySession } from "./analyzer/session";
import { DEFAULT_POLICY_PACK, projectStack, projectStacks, userProgram } from "./engine/program";
import type * as PackConfig from "./pack/config";
import { deferUnusedSdkModules } from "./pack/lazy-sdk";
import type { PolicyPackConfig } from "./pack/types";
import type { PlanResult } from "./plan";
import type * as Stacks from "./stacks";
import { PlanInputError } from "./plan-error";
import type * as JsonReport from "./report/json";
import type * as Summary from "./report/summary";
import type * as TextReport from "./report/text";
import type * as Cost from "./report/cost";
import { checkPictureOptions, writePictures } from "./report/outputs";

const USAGE = `usage: npm run plan -- <stack> [options]
       npm run plan -- --all [options]
       npm run plan -- --program DIR [stack] [options]

  <stack>               a stack of this project: stacks/Pulumi.<stack>.yaml
  --all                 plan every stack of this project
  --program DIR         plan your own Pulumi program (Pulumi.yaml and one Pulumi.<stack>.yaml)
  --policy-pack DIR     the CrossGuard pack to run (default: policy/)
  --policy-config FILE  per-policy enforcement levels and settings (JSON, as --policy-pack-config)
  --json FILE           also write the plan as JSON (an array of plans with --all)
  --usage FILE          usage assumptions for the cost estimate (YAML or JSON; see policy/cost/usage.ts)
  --baseline FILE       an earlier --json plan: print how the monthly cost changed against it
  --diagram FILE        also write the architecture diagram: FILE.mmd Mermaid text, FILE.svg rendered (needs chromium)
  --markdown FILE       also write the pull-request report (summary, violations, diagram) as markdown
  --no-typecheck        run a --program without type-checking it first
  --stack-outputs FILE  answer StackReferences from an earlier plan's --json (else the stacks
                        referenced are planned first; outputs of stacks nobody plans stay unknown)
  --region-down REGION  outage drill: everything in REGION fails as an unreachable endpoint would;
                        reports which stacks can still deploy
  --debug               full stack traces and the pack's stderr
Relative paths are relative to the directory npm run was started in.
Exit status: 0 clean or advisory only, 1 mandatory violations, 2 bad input.`;

interface CliArgs {
    stack?: string;
    all: boolean;
    program?: string;
    policyPack: string;
    policyConfig?: string;
    json?: string;
    usage?: string;
    baseline?: string;
    // Picture outputs (plan/report/outputs.ts).
    diagram?: string;
    markdown?: string;
    stackOutputs?: string;
    regionDown?: string;
    debug: boolean;
    typecheck: boolean;
}

/** A path as the user wrote it, from where they ran `npm run plan` (npm runs scripts in the package root). */
function fromCwd(p: string): string {
    return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

function parseArgs(argv: string[]): CliArgs {
    const args: CliArgs = { all: false, debug: false, typecheck: true, policyPack: DEFAULT_POLICY_PACK };
    const valueOf = (flag: string, i: number) => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) {
            throw new PlanInputError(`${flag} needs a value\n${USAGE}`);
        }
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        switch (a) {
            case "--all": args.all = true; break;
            case "--debug": args.debug = true; break;
            case "--no-typecheck": args.typecheck = false; break;
            case "--program": args.program = fromCwd(valueOf(a, i++)); break;
            case "--policy-pack": args.policyPack = fromCwd(valueOf(a, i++)); break;
            case "--policy-config": args.policyConfig = fromCwd(valueOf(a, i++)); break;
            case "--json": args.json = fromCwd(valueOf(a, i++)); break;
            case "--usage": args.usage = fromCwd(valueOf(a, i++)); break;
            case "--baseline": args.baseline = fromCwd(valueOf(a, i++)); break;
            case "--diagram": args.diagram = fromCwd(valueOf(a, i++)); break;
            case "--markdown": args.markdown = fromCwd(valueOf(a, i++)); break;
            case "--stack-outputs": args.stackOutputs = fromCwd(valueOf(a, i++)); break;
            case "--region-down": args.regionDown = valueOf(a, i++); break;
            case "-h": case "--help": console.log(USAGE); process.exit(0); break;
            default:
                if (a.startsWith("-") || args.stack !== undefined) {
                    throw new PlanInputError(`unexpected argument "${a}"\n${USAGE}`);
                }
                args.stack = a;
        }
    }
    if (args.all ? args.stack !== undefined || args.program !== undefined : args.stack === undefined && args.program === undefined) {
        throw new PlanInputError(`name one stack, or --all, or --program DIR\n${USAGE}`);
    }
    checkPictureOptions(args);
    return args;
}

function report(err: unknown, debug: boolean): void {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${message}`);
    const cause = (err as { cause?: unknown }).cause;
    if (debug) {
        console.error((err as Error).stack ?? "");
        if (cause instanceof Error) {
            console.error(`caused by: ${cause.stack}`);
        }
    } else if (!(err instanceof PlanInputError) || cause !== undefined) {
        console.error("(run with --debug for the full stack trace)");
    }
}

async function main(argv: string[]): Promise<number> {
    const args = parseArgs(argv);
    if (args.debug) {
        Error.stackTraceLimit = Infinity;
    }
    // The pack starts first, while this process loads the plan's and the program's modules (~1 s):
    // the engine, too, starts analyzers as the preview begins. Several stacks share the one pack,
    // configured afresh for each as the engine would.
    const session = PolicySession.launch(args.policyPack, { debug: args.debug });
    deferUnusedSdkModules();
    const { planInOrder } = require("./stacks") as typeof Stacks;
    const { exitCode } = require("./report/summary") as typeof Summary;
    const { drillSummary, formatPlan } = require("./report/text") as typeof TextReport;
    const { planJson, readStackOutputs } = require("./report/json") as typeof JsonReport;
    let plans: Stacks.StackPlan[] = [];
    const results: PlanResult[] = [];
    const costs = new Map<PlanResult, unknown>();
    const costTexts = new Map<PlanResult, string[]>();
    let status = 0;
    const many = () => args.all || plans.length > 1;
    try {
        const { loadPolicyConfig } = require("./pack/config") as typeof PackConfig;
        const policyConfig: PolicyPackConfig | undefined = args.policyConfig ? loadPolicyConfig(args.policyConfig) : undefined;
        // Cost: the usage file and the baseline are read before any plan, so bad input stops at once.
        const cost = require("./report/cost") as typeof Cost;
        const usage = cost.loadUsage(args.usage);
        const baseline = args.baseline ? cost.loadBaseline(args.baseline) : undefined;
        const knownOutputs = args.stackOutputs ? readStackOutputs(args.stackOutputs) : undefined;
        const options = { policyPack: args.policyPack, policyConfig, session, debug: args.debug, regionDown: args.regionDown, knownOutputs };
        const onPlan = (p: Stacks.StackPlan) => {
            if (p.result) {
                const result = p.result;
                const e = cost.estimatePlan(result, usage);
                const estimate = cost.costJson(e);
                const before = baseline?.get(result.stack) ?? (baseline?.size === 1 && !args.all ? [...baseline.values()][0] : undefined);
                const diff = !baseline ? [] : before ? cost.costDiff(before, estimate) : [`No baseline for stack ${result.stack} in ${args.baseline}`];
                console.log(formatPlan(result, [cost.formatCost(e), diff]));
                costs.set(result, estimate);
                costTexts.set(result, [...cost.formatCost(e), ...diff]);
                results.push(result);
                status = Math.max(status, exitCode(result));
            } else if (p.blockedByRegion) {
                console.log(`${p.stack}: cannot deploy while ${p.blockedByRegion} is down`);
            } else {
                status = 2;
                if (args.all || p.stack !== (args.stack ?? "")) {
                    report(p.error, args.debug);
                }
            }
            console.log("");
        };
        if (args.program) {
            plans = await planInOrder([args.stack ?? ""], () => userProgram(args.program!, args.stack, { typecheck: args.typecheck }), { ...options, projectStacks: [], onPlan });
        } else {
            const stacks = projectStacks();
            plans = await planInOrder(args.all ? stacks : [args.stack!], projectStack, { ...options, projectStacks: stacks, onPlan });
        }
        const wanted = plans.find((p) => p.stack === (args.program ? plans[0].stack : args.stack));
        if (!args.all && !args.regionDown && wanted?.error !== undefined) {
            throw wanted.error;
        }
        if (args.regionDown) {
            console.log(drillSummary(args.regionDown, plans));
        }
    } finally {
        session.close();
    }
    if (args.json) {
        const withCost = (r: PlanResult) => ({ ...planJson(r), cost: costs.get(r) });
        const doc = many() ? results.map(withCost) : withCost(results[0]);
        fs.writeFileSync(args.json, JSON.stringify(doc, null, 2) + "\n");
        console.log(`wrote ${args.json}`);
    }
    // The diagram and the markdown report, after the plans so that a failed render loses none.
    for (const file of await writePictures(results, args, (r) => costTexts.get(r))) {
        console.log(`wrote ${file}`);
    }
    return status;
}

main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (err) => {
        report(err, process.argv.includes("--debug"));
        process.exit(2);
    },
);
