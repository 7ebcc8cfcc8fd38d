/**
 * `npm run bench [-- --policy-pack DIR]`: plans synthetic programs of growing size (regions × services)
 * built from the project's components, each in a fresh process, and prints resources, wall time, peak
 * memory, program time and policy time. A benchmark to read, not a timed test.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ContainerRegistry, createRegionalProviders, RegionalNetwork } from "../components";
import { FargateMicroservices, MicroserviceSpec } from "../components/microservices";
import { MOCK_ACCOUNT_ID } from "./fixtures";
import { DEFAULT_POLICY_PACK, planProgram } from "./plan";
import { REPO_ROOT } from "./program";
import { deployed } from "./report";

const SIZES: [regions: number, services: number][] = [[1, 5], [1, 20], [2, 20], [3, 25], [4, 30], [6, 30], [6, 40]];
/** The targets, printed per size (never asserted in tests). */
const MAX_POLICY_SHARE = 0.5;
const LINEAR_FROM = 1000;
const MAX_SPREAD = 1.5;
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1"];

/** Service `i` of a platform: every fourth is internal (Service Connect only), the rest behind the ALB. */
function service(i: number): MicroserviceSpec {
    const name = `service-${i}`;
    const common = { name, repository: `bench/${name}`, imageTag: "1.0.0", port: 8080 };
    return i % 4 === 3 ? { ...common, internal: true }
        : { ...common, paths: [`/${name}`, `/${name}/*`], priority: 100 + i, scaling: { minCapacity: 2, maxCapacity: 10 } };
}

/**
 * The fargate-microservices architecture at scale: per region a RegionalNetwork and a FargateMicroservices
 * with `services` services, and one ContainerRegistry holding each service's repository, replicated to all.
 */
function syntheticProgram(regions: number, services: number) {
    const used = REGIONS.slice(0, regions);
    const specs = Array.from({ length: services }, (_, i) => service(i));
    return () => {
        for (const [region, provider] of Object.entries(createRegionalProviders("bench", used))) {
            const net = new RegionalNetwork(`bench-${region}`, { natGateways: "perAz" }, { provider });
            new FargateMicroservices(`bench-${region}`, {
                services: specs, certificateArn: `arn:aws:acm:${region}:${MOCK_ACCOUNT_ID}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
                vpcId: net.vpcId, publicSubnetIds: net.publicSubnetIds, privateSubnetIds: net.privateSubnetIds,
            }, { provider });
        }
        new ContainerRegistry("bench-registry", {
            homeRegion: used[0],
            workloadRegions: used,
            repositories: specs.map((s) => ({ name: s.repository! })),
        });
        return {};
    };
}

interface Measurement {
    regions: number;
    services: number;
    resources: number;
    violations: number;
    wallMs: number;
    programMs: number;
    policyMs: number;
    analysisMs: number;
    policyStartMs: number;
    peakRssMb: number;
}

/** One size in this process: plan it and print the measurement as JSON. */
async function measure(regions: number, services: number, policyPack: string): Promise<void> {
    const started = Date.now();
    const result = await planProgram({ project: "bench", stack: `r${regions}-s${services}`, config: {},
        program: syntheticProgram(regions, services) }, { policyPack });
    const m: Measurement = {
        regions, services,
        resources: deployed(result).length,
        violations: result.violations.length,
        wallMs: Date.now() - started,
        programMs: result.timings.programMs,
        policyMs: result.timings.policyMs,
        analysisMs: result.timings.analysisMs,
        policyStartMs: result.timings.policyStartMs,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(m));
}

function main(): void {
    const argv = process.argv.slice(2);
    const packArg = argv.indexOf("--policy-pack");
    const complete = fs.existsSync(path.join(DEFAULT_POLICY_PACK, "index.ts"));
    const policyPack = packArg >= 0 ? path.resolve(argv[packArg + 1])
        : complete ? DEFAULT_POLICY_PACK : path.join(REPO_ROOT, "test", "fixtures", "policy-pack");
    const size = argv.indexOf("--size");
    if (size >= 0) {
        const [r, s] = argv[size + 1].split("x").map(Number);
        measure(r, s, policyPack).then(() => process.exit(0), (err) => {
            console.error(err);
            process.exit(2);
        });
        return;
    }
    console.log(`policy pack: ${path.relative(REPO_ROOT, policyPack)}${complete || packArg >= 0 ? "" : " (policy/ has no program yet)"}`);
    console.log("regions × services  resources   wall ms  program ms  pack start  policy ms  (analysis)  policy/program  ms/resource  peak RSS MB");
    const measured: Measurement[] = [];
    for (const [r, s] of SIZES) {
        const child = spawnSync(process.execPath, [...process.execArgv, __filename, "--size", `${r}x${s}`, "--policy-pack", policyPack],
            { cwd: REPO_ROOT, encoding: "utf8" });
        const line = child.stdout.trim().split("\n").pop() ?? "";
        if (child.status !== 0 || !line.startsWith("{")) {
            console.error(`size ${r}x${s} failed:\n${child.stderr}`);
            process.exit(2);
        }
        const m = JSON.parse(line) as Measurement;
        measured.push(m);
        const ratio = m.policyMs / m.programMs;
        console.log([
            `${r} × ${s}`.padEnd(18), String(m.resources).padStart(10), String(m.wallMs).padStart(9),
            String(m.programMs).padStart(11), String(m.policyStartMs).padStart(11), String(m.policyMs).padStart(10),
            `(${m.analysisMs})`.padStart(11), `${ratio.toFixed(2)} ${ratio < MAX_POLICY_SHARE ? "ok " : "NO "}`.padStart(15),
            (m.wallMs / m.resources).toFixed(2).padStart(12), String(m.peakRssMb).padStart(12),
        ].join(" "));
    }
    console.log("pack start: when the pack was ready to analyze, from the plan's start (the program runs meanwhile).");
    console.log("policy ms: time spent on the pack after the program finished: waiting for it to start, if it was");
    console.log("not ready yet, then the analysis calls, shown in parentheses.");
    console.log(`policy/program: "ok" when the pack adds less than ${MAX_POLICY_SHARE} of the program's time.`);
    const large = measured.filter((m) => m.resources >= LINEAR_FROM);
    const perResource = large.map((m) => m.wallMs / m.resources);
    const spread = Math.max(...perResource) / Math.min(...perResource);
    console.log(`ms/resource from ${LINEAR_FROM} resources (the pack's fixed start amortised): ` +
        `${Math.min(...perResource).toFixed(2)} to ${Math.max(...perResource).toFixed(2)}, max/min ${spread.toFixed(2)}: ` +
        `${spread <= MAX_SPREAD ? "roughly flat, so plan time grows linearly" : "NOT flat"} (flat: max/min ≤ ${MAX_SPREAD}).`);
}

main();
