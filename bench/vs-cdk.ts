/**
 * `npm run bench -- --vs-cdk [--runs N]`: the plan side by side with AWS CDK. For 1×5, 3×10 and 6×20
 * (regions × services) it plans the synthetic platform (program.ts, with the project's pack) and
 * synthesizes the same architecture as a CDK app with cdk-nag's AwsSolutions checks (cdk/app.js),
 * CDK's built-in CloudFormation validation off (`CDK_VALIDATION=false`, its lean mode) and, with
 * `--cdk-validation`, also on. The two take turns, each in a fresh process, `--runs` times (default 5),
 * the one to go first alternating; it prints both tools' median CPU (user + system, the plan's
 * policy pack process included) and wall time and the ratio plan ÷ CDK. Beside them the floor: as
 * many plain resources planned with the pack that has no policies (bench.ts `--measure floor`), what
 * the SDK's mock runtime and the analyzer protocol cost with no component and no policy, ÷ CDK. The CDK app's packages (cdk/
 * package.json, pinned) are installed into cdk/node_modules the first time this runs, never by the
 * project's `npm ci`. A benchmark to read, not a timed test; Linux only (it reads /proc).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { REPO_ROOT } from "../plan/engine/program";

const SIZES: [regions: number, services: number][] = [[1, 5], [3, 10], [6, 20]];
const CDK_DIR = path.join(__dirname, "cdk");
/** The targets (issue 22), printed per size, never asserted: the plan at most CDK's lean mode. */
const MAX_RATIO = 1.0;

interface Run {
    resources: number;
    cpuMs: number;
    wallMs: number;
    peakRssMb: number;
}

/** Children's CPU of this process so far (waited-for children and theirs), in ms, from /proc (Linux). */
function childrenCpuMs(): number {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // cutime and cstime, fields 16 and 17 of stat(5), in clock ticks (100 per second).
    return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Runs `args` with node, timing it from spawn to exit; returns its last stdout line as JSON with the times. */
function timed(args: string[], env: NodeJS.ProcessEnv, cwd: string): { json: Record<string, number>; cpuMs: number; wallMs: number } {
    const cpu = childrenCpuMs();
    const start = performance.now();
    const child = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - start;
    const line = child.stdout.trim().split("\n").pop() ?? "";
    if (child.status !== 0 || !line.startsWith("{")) {
        console.error(`node ${args.join(" ")} failed (${child.status}):\n${child.stderr.slice(-4000)}`);
        process.exit(2);
    }
    return { json: JSON.parse(line) as Record<string, number>, cpuMs: childrenCpuMs() - cpu, wallMs };
}

/** One plan, as `npm run bench` measures it: the pack's process is not this child's child to wait for, so it reports that CPU. */
function planRun(size: string, policyPack: string): Run {
    const args = [...process.execArgv, path.join(__dirname, `bench${path.extname(__filename)}`), "--measure", "plan", size, "--policy-pack", policyPack];
    const { json, cpuMs, wallMs } = timed(args, process.env, REPO_ROOT);
    // The kernel counts the child's CPU (all its threads); the pack's, read by the child before it stopped
    // the pack (which it does not wait for, so the kernel does not count it here), is added.
    return { resources: json.resources, cpuMs: cpuMs + json.packCpuMs, wallMs, peakRssMb: json.peakRssMb };
}

/** The floor (bench.ts `--measure floor`): `resources` plain resources planned with the pack that has no policies. */
function floorRun(resources: number): Run {
    const args = [...process.execArgv, path.join(__dirname, `bench${path.extname(__filename)}`), "--measure", "floor", String(resources)];
    const { json, cpuMs, wallMs } = timed(args, process.env, REPO_ROOT);
    return { resources: json.resources, cpuMs: cpuMs + json.packCpuMs, wallMs, peakRssMb: json.peakRssMb };
}

function cdkRun(size: string, validation: boolean): Run {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-cdk-"));
    try {
        const env = { ...process.env, CDK_VALIDATION: validation ? "true" : "false" };
        const { json, cpuMs, wallMs } = timed([path.join(CDK_DIR, "app.js"), size, out], env, CDK_DIR);
        return { resources: json.resources, cpuMs, wallMs, peakRssMb: json.peakRssMb ?? 0 };
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}

/** cdk/node_modules from cdk/package-lock.json, installed on the first run. */
function installCdk(): void {
    if (fs.existsSync(path.join(CDK_DIR, "node_modules", "aws-cdk-lib", "package.json"))
        && fs.existsSync(path.join(CDK_DIR, "node_modules", "cdk-nag", "package.json"))) {
        return;
    }
    console.log(`installing the CDK app's packages into ${path.relative(REPO_ROOT, CDK_DIR)}/node_modules (once)…`);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: CDK_DIR, stdio: "inherit" });
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function versusCdk(argv: string[], policyPack: string): void {
    const at = argv.indexOf("--runs");
    const runs = at >= 0 ? Number(argv[at + 1]) : 5;
    if (!Number.isInteger(runs) || runs < 1) {
        console.error(`--runs ${argv[at + 1]}: give a whole number of runs per size, 1 or more`);
        process.exit(2);
    }
    const modes = argv.includes("--cdk-validation") ? [false, true] : [false];
    installCdk();
    const version = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(CDK_DIR, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
    console.log(`plan (pack ${path.relative(REPO_ROOT, policyPack)}) vs aws-cdk-lib ${version("aws-cdk-lib")} synth + cdk-nag ${version("cdk-nag")} ` +
        `AwsSolutions; medians of ${runs} alternating runs; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
    console.log("size    CDK validation  plan res  CDK res  plan CPU s  CDK CPU s  CPU ratio  plan wall s  CDK wall s  wall ratio  " +
        "plan peak RSS MB  floor CPU ratio  floor wall ratio");
    for (const [r, s] of SIZES) {
        const size = `${r}x${s}`;
        for (const validation of modes) {
            const plan: Run[] = [];
            const cdk: Run[] = [];
            const floor: Run[] = [];
            for (let i = 0; i < runs; i++) {
                // Each goes first in turn, so that a slow spell of the machine weighs on all alike; the
                // first round starts with the plan, whose resource count the floor takes.
                const turns = [() => plan.push(planRun(size, policyPack)), () => cdk.push(cdkRun(size, validation)),
                    () => floor.push(floorRun(plan[0].resources))];
                [0, 1, 2].forEach((k) => turns[(k + i) % 3]());
            }
            const [pc, cc, pw, cw, fc, fw] = [median(plan.map((p) => p.cpuMs)), median(cdk.map((c) => c.cpuMs)),
                median(plan.map((p) => p.wallMs)), median(cdk.map((c) => c.wallMs)),
                median(floor.map((f) => f.cpuMs)), median(floor.map((f) => f.wallMs))];
            const ratio = (a: number, b: number) => `${(a / b).toFixed(2)} ${validation || a / b <= MAX_RATIO ? "   " : "NO "}`;
            console.log([
                `${r}×${s}`.padEnd(7), (validation ? "on" : "off").padEnd(15), String(plan[0].resources).padStart(8),
                String(cdk[0].resources).padStart(8), (pc / 1000).toFixed(2).padStart(11), (cc / 1000).toFixed(2).padStart(10),
                ratio(pc, cc).padStart(10), (pw / 1000).toFixed(2).padStart(12), (cw / 1000).toFixed(2).padStart(11),
                ratio(pw, cw).padStart(11), String(median(plan.map((p) => p.peakRssMb))).padStart(17),
                (fc / cc).toFixed(2).padStart(16), (fw / cw).toFixed(2).padStart(17),
            ].join(" "));
        }
    }
    console.log("res: the plan's resources (Pulumi's, as its summary counts them) and the CloudFormation resources CDK synthesizes.");
    console.log(`ratio: plan ÷ CDK; "NO" where the plan takes more than ${MAX_RATIO}× CDK's lean mode (validation off), the issue's target.`);
    console.log("floor ratio: as many plain resources (log groups, no components) planned with the pack that has no policies,");
    console.log("÷ CDK: what the SDK's runtime and the analyzer protocol cost by themselves, below which no plan of that size goes.");
    console.log(`load average afterwards ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}: on a busy machine the ratios are noisy; re-run when it is idle.`);
}
