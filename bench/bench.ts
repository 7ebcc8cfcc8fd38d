/**
 * `npm run bench [-- --policy-pack DIR] [--runs N]`: plans a synthetic platform (program.ts) of
 * growing size (regions × services) and prints, per size, resources, wall time, peak memory, the
 * program's time and the time the policy pack adds. A benchmark to read, not a timed test.
 *
 * Every size runs in fresh processes in three ways: the whole plan as `npm run plan` runs it (the pack
 * starts first and analyses while the program runs), the program alone in the mock runtime, and the
 * plan with a pack that has no policies (empty-pack/). The pack's cost is the difference of the
 * plan's and the program's wall times, so it counts everything the pack costs: its start, the
 * competition for cores while both run, and the analysis left when the program ends. The empty pack's
 * difference is the part of that cost that is the analyzer protocol itself (the pack's start, its gRPC
 * server and request decoding, the client), which no policy can avoid. Each way runs `--runs` times
 * (default 3), in turn, and the fastest counts, since interference only ever adds time.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { PolicySession } from "../plan/analyzer/session";
import type * as MockEngine from "../plan/engine/mock-engine";
import { DEFAULT_POLICY_PACK, EMPTY_POLICY_PACK, REPO_ROOT } from "../plan/engine/program";
import { deferUnusedSdkModules } from "../plan/pack/lazy-sdk";
import type * as Plan from "../plan/plan";
import type * as Summary from "../plan/report/summary";
import type * as BenchProgram from "./program";
import type * as VsCdk from "./vs-cdk";

const SIZES: [regions: number, services: number][] = [[1, 5], [1, 20], [2, 20], [3, 25], [4, 30], [6, 30], [6, 40]];
/** Linear: a straight line through all sizes misses none by more than this share of its wall time. */
const MAX_LINEAR_MISS = 0.1;

/** The plan, the program alone, or the floor: as many plain resources with the empty pack (program.ts). */
type Mode = "plan" | "program" | "floor";

interface Measurement {
    resources: number;
    violations: number;
    /** From the process's start to the plan's (or the program's) end. */
    wallMs: number;
    /** Loading the program's modules and running it. */
    programMs: number;
    /** Plan only: the policy work left once the program ended, and how long the pack took to start. */
    policyMs: number;
    packStartMs: number;
    peakRssMb: number;
    /** CPU of this process (all its threads) and, for a plan, of the pack's process, in ms. */
    cpuMs: number;
    packCpuMs: number;
}

/** User + system CPU of process `pid` so far, in ms, from /proc (Linux); 0 where it cannot be read. */
function processCpuMs(pid: number): number {
    try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
        // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return 0;
    }
}

const ownCpuMs = () => {
    const { user, system } = process.cpuUsage();
    return Math.round((user + system) / 1000);
};

/** The synthetic platform, loaded when it runs (its components' load is the program's time). */
function program(regions: number, services: number): () => unknown {
    return () => (require("./program") as typeof BenchProgram).syntheticPlatform(regions, services);
}

/** `count` plain resources, loaded when it runs. */
function floorProgram(count: number): () => unknown {
    return () => (require("./program") as typeof BenchProgram).plainResources(count);
}

/** One size, one way, in this process: prints the measurement as JSON. */
async function measure(mode: Mode, regions: number, services: number, policyPack: string): Promise<Measurement> {
    // For the floor, `regions` is the number of resources.
    const spec = mode === "floor"
        ? { project: "bench", stack: `floor-${regions}`, config: {}, program: floorProgram(regions) }
        : { project: "bench", stack: `r${regions}-s${services}`, config: {}, program: program(regions, services) };
    if (mode === "floor") {
        policyPack = EMPTY_POLICY_PACK;
    }
    const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
    // As the CLI does, before the SDK loads.
    deferUnusedSdkModules();
    if (mode === "program") {
        const { runProgram } = require("../plan/engine/mock-engine") as typeof MockEngine;
        const started = performance.now();
        const run = await runProgram(spec.program, spec);
        if (run.error !== undefined) {
            throw run.error;
        }
        const wallMs = Math.round(performance.now());
        return { resources: run.workload.length, violations: 0, wallMs, programMs: Math.round(wallMs - started),
            policyMs: 0, packStartMs: 0, peakRssMb: peakRssMb(), cpuMs: ownCpuMs(), packCpuMs: 0 };
    }
    // As the CLI does: the pack first, then the plan's modules.
    const session = PolicySession.launch(policyPack);
    try {
        const { planProgram } = require("../plan/plan") as typeof Plan;
        const { deployed } = require("../plan/report/summary") as typeof Summary;
        const result = await planProgram(spec, { policyPack, session });
        return { resources: deployed(result).length, violations: result.violations.length, wallMs: Math.round(performance.now()),
            programMs: result.timings.programMs, policyMs: result.timings.policyMs, packStartMs: result.timings.policyStartMs,
            peakRssMb: peakRssMb(), cpuMs: ownCpuMs(), packCpuMs: processCpuMs(session.packProcessId) };
    } finally {
        session.close();
    }
}

/** One fresh process measuring one size one way. */
function measureInChild(mode: Mode, size: string, policyPack: string): Measurement {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, "--measure", mode, size, "--policy-pack", policyPack],
        { cwd: REPO_ROOT, encoding: "utf8" });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    if (child.status !== 0 || !line.startsWith("{")) {
        console.error(`size ${size} (${mode}) failed:\n${child.stderr}`);
        process.exit(2);
    }
    return JSON.parse(line) as Measurement;
}

/**
 * The fastest of `runs` plans, of `runs` plans with the empty pack and of `runs` programs alone at one
 * size. The three ways take turns, so that a slow spell of the machine weighs on all alike.
 */
function fastest(size: string, policyPack: string, runs: number): { plan: Measurement; empty: Measurement; alone: Measurement } {
    let plan: Measurement | undefined;
    let empty: Measurement | undefined;
    let alone: Measurement | undefined;
    const faster = (best: Measurement | undefined, m: Measurement) => (best === undefined || m.wallMs < best.wallMs ? m : best);
    for (let i = 0; i < runs; i++) {
        plan = faster(plan, measureInChild("plan", size, policyPack));
        empty = faster(empty, measureInChild("plan", size, EMPTY_POLICY_PACK));
        alone = faster(alone, measureInChild("program", size, policyPack));
    }
    return { plan: plan!, empty: empty!, alone: alone! };
}

/** Least-squares line through (resources, wall ms). */
function fitLine(points: [number, number][]): { intercept: number; slope: number } {
    const n = points.length;
    const mx = points.reduce((s, [x]) => s + x, 0) / n;
    const my = points.reduce((s, [, y]) => s + y, 0) / n;
    const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
    return { intercept: my - slope * mx, slope };
}

function main(): void {
    const argv = process.argv.slice(2);
    const option = (flag: string) => (argv.indexOf(flag) >= 0 ? argv[argv.indexOf(flag) + 1] : undefined);
    const complete = fs.existsSync(path.join(DEFAULT_POLICY_PACK, "index.ts"));
    const packArg = option("--policy-pack");
    const policyPack = packArg !== undefined ? path.resolve(packArg)
        : complete ? DEFAULT_POLICY_PACK : path.join(REPO_ROOT, "test", "fixtures", "policy-pack");
    const measuring = argv.indexOf("--measure");
    if (measuring >= 0) {
        // regions×services, or for the floor the number of resources.
        const [r, s] = argv[measuring + 2].split("x").map(Number);
        measure(argv[measuring + 1] as Mode, r, s, policyPack).then((m) => {
            console.log(JSON.stringify(m));
            process.exit(0);
        }, (err) => {
            console.error(err);
            process.exit(2);
        });
        return;
    }
    if (argv.includes("--vs-cdk")) {
        (require("./vs-cdk") as typeof VsCdk).versusCdk(argv, policyPack);
        return;
    }
    const runs = Number(option("--runs") ?? 3);
    if (!Number.isInteger(runs) || runs < 1) {
        console.error(`--runs ${option("--runs")}: give a whole number of runs per size, 1 or more`);
        process.exit(2);
    }
    console.log(`policy pack: ${path.relative(REPO_ROOT, policyPack)}; fastest of ${runs} runs per size and way`);
    console.log("regions × services  resources  program ms  plan wall ms  alone wall ms  pack adds ms  adds/program  " +
        "empty pack adds  left after ms  pack start ms  peak RSS MB");
    const walls: [number, number][] = [];
    for (const [r, s] of SIZES) {
        const { plan, empty, alone } = fastest(`${r}x${s}`, policyPack, runs);
        if (plan.resources !== alone.resources || empty.resources !== alone.resources) {
            console.error(`size ${r}x${s}: the plan has ${plan.resources} resources, the plan with the empty pack ` +
                `${empty.resources}, the program alone ${alone.resources}`);
            process.exit(2);
        }
        walls.push([plan.resources, plan.wallMs]);
        const added = plan.wallMs - alone.wallMs;
        const share = added / alone.programMs;
        const protocol = empty.wallMs - alone.wallMs;
        console.log([
            `${r} × ${s}`.padEnd(18), String(plan.resources).padStart(10), String(alone.programMs).padStart(11),
            String(plan.wallMs).padStart(13), String(alone.wallMs).padStart(14), String(added).padStart(13),
            share.toFixed(2).padStart(13),
            `${protocol} (${(protocol / alone.programMs).toFixed(2)})`.padStart(16),
            String(plan.policyMs).padStart(14), String(plan.packStartMs).padStart(14), String(plan.peakRssMb).padStart(12),
        ].join(" "));
    }
    console.log("program ms: loading the program's modules and running it, without the pack. Wall times run from the");
    console.log("process's start. pack adds: plan wall − alone wall. left after: the policy work once the program ended.");
    console.log("adds/program: what the pack adds as a share of the program's time (the target of the plan's speed is");
    console.log("--vs-cdk's, beside AWS CDK: issue 22 retired this share, which measured the pack against the program).");
    console.log("empty pack adds: the same, planning with a pack that has no policies (bench/empty-pack), and its");
    console.log("share of the program's time: the analyzer protocol's own cost, which the pack's policies add to.");
    const { intercept, slope } = fitLine(walls);
    const miss = Math.max(...walls.map(([x, y]) => Math.abs(y - (intercept + slope * x)) / y));
    console.log(`plan wall ≈ ${Math.round(intercept)} ms + ${slope.toFixed(2)} ms × resources; the line misses no size by more than ` +
        `${(miss * 100).toFixed(1)}%: ${miss <= MAX_LINEAR_MISS ? "plan time grows linearly" : "NOT linear"} ` +
        `(linear: within ${MAX_LINEAR_MISS * 100}%).`);
}

main();
