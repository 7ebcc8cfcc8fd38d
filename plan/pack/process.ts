/**
 * Starting a policy pack's process: checking its folder, deciding how it runs (from the compile cache,
 * compile-cache.js, or through ts-node) with which node arguments, and waiting for it to serve its Analyzer service.
 */
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { PlanInputError } from "../plan-error";

/** How to run a policy pack. */
export interface PackOptions {
    /** Forward the pack's stderr, keep full stack traces, say how the pack runs. @default false */
    readonly debug?: boolean;
    /** Load a TypeScript pack through the compile cache (compile-cache.js), not ts-node. @default true */
    readonly compile?: boolean;
}

/**
 * Checks that `dir` holds a Node.js policy pack whose program exists, so a missing pack is reported as
 * what to fix rather than as a crash of the pack's process.
 */
export function checkPolicyPackDir(dir: string): void {
    if (!fs.existsSync(dir)) {
        throw new PlanInputError(`--policy-pack ${dir} does not exist: name a CrossGuard policy pack folder`);
    }
    const pkgFile = path.join(dir, "package.json");
    const main = fs.existsSync(pkgFile) ? (JSON.parse(fs.readFileSync(pkgFile, "utf8")).main as string | undefined) : undefined;
    const program = [main ?? "index.ts", "index.ts", "index.js"].find((c) => fs.existsSync(path.join(dir, c))) ?? main ?? "index.ts";
    const missing = ["PulumiPolicy.yaml", "package.json", program].filter((f) => !fs.existsSync(path.join(dir, f)));
    if (missing.length > 0) {
        throw new PlanInputError(`the policy pack in ${dir} is not complete: ${missing.join(", ")} ` +
            `${missing.length === 1 ? "does" : "do"} not exist (a pack needs PulumiPolicy.yaml, package.json and ` +
            "the program that constructs its PolicyPack); write them, or pass --policy-pack DIR to run another pack");
    }
}

/**
 * V8's interrupt budget for the pack, ~4.4× Node 20's default (67584). A pack lives for seconds and runs
 * many warm functions a few thousand times each; at the default V8 spends more CPU compiling them with
 * TurboFan than the optimised code saves: about 0.25 s of the pack's ~2.3 s over 2,400 resources
 * (`npm run bench`). package.json's plan script gives the program the same budget for the same reason.
 */
const PACK_INTERRUPT_BUDGET = "--interrupt-budget=300000";

/**
 * How to start a pack as the Pulumi engine does: `run-policy-pack <engine address> .` in the pack's
 * folder, its TypeScript loaded through the compile cache (compile-cache.js), or with `compile: false`
 * through ts-node in transpile-only mode. Decided on the main thread, so the worker can spawn the pack
 * before anything else.
 */
export interface PackLaunch {
    readonly dir: string;
    readonly cwd: string;
    /** Node's arguments: preloads, `run-policy-pack` and its own arguments. */
    readonly args: string[];
    readonly debug: boolean;
}

export function packLaunch(dir: string, options: PackOptions = {}): PackLaunch {
    checkPolicyPackDir(dir);
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir, __dirname] });
    const { cwd, preload, node } = options.compile === false ? tsNodeLaunch(dir) : compiledLaunch(dir, options.debug);
    const args = [PACK_INTERRUPT_BUDGET, ...node, ...preload.flatMap((p) => ["-r", p]), runPolicyPack,
        // @pulumi/policy never dials the engine, so no engine service is needed at this address.
        "127.0.0.1:0", "."];
    if (!options.debug) {
        // The SDK captures a stack trace for each of its internal promises: without them the pack
        // analyses ~3× faster. A policy's error still reports its message; --debug keeps the traces.
        args.unshift("--stack-trace-limit=0");
    }
    return { dir, cwd, args, debug: options.debug ?? false };
}

/**
 * Resolves with the address of the spawned pack's Analyzer service once it prints its port; rejects
 * with what to fix when it exits, cannot be spawned or prints something else first. The pack is
 * killed when this thread exits.
 */
export function servePolicyPack(child: ChildProcess, launch: PackLaunch): Promise<string> {
    const { dir } = launch;
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
        stderr += chunk;
        if (launch.debug) {
            process.stderr.write(chunk);
        }
    });
    const kill = () => child.kill();
    process.once("exit", kill);
    return new Promise((resolve, reject) => {
        const lines = readline.createInterface({ input: child.stdout! });
        const onExit = (code: number | null) => reject(new PlanInputError(
            `the policy pack in ${dir} exited (${code}) before serving; fix it and retry:\n${stderr.trim()}`));
        const onError = (err: Error) => reject(new PlanInputError(`the policy pack in ${dir} could not be started: ${err.message}`));
        child.once("exit", onExit);
        child.once("error", onError);
        lines.once("line", (line) => {
            const port = Number(line.trim());
            if (!Number.isInteger(port) || port <= 0) {
                kill();
                reject(new PlanInputError(`the policy pack in ${dir} printed "${line}" instead of its port: it must not log while it starts`));
                return;
            }
            child.off("exit", onExit);
            child.off("error", onError);
            // Later stdout is the policies' own logging: keep it visible but out of the report.
            lines.on("line", (l) => process.stderr.write(`[policy pack] ${l}\n`));
            resolve(`127.0.0.1:${port}`);
        });
    });
}

/**
 * The pack's own folder, its TypeScript loaded through the plan's compile cache (compile-cache.js:
 * no transpiler while its sources are unchanged) and preload.ts, which keeps the SDK's pack runner
 * from loading typescript and ts-node for nothing.
 */
function compiledLaunch(dir: string, debug: boolean | undefined): { cwd: string; preload: string[]; node: string[] } {
    if (debug) {
        process.stderr.write(`[plan] policy pack ${dir}: its TypeScript runs from the compile cache (${path.dirname(require.resolve("./compile-cache.js"))})\n`);
    }
    return { cwd: dir, preload: [require.resolve("./compile-cache.js"), path.join(__dirname, `preload${path.extname(__filename)}`)],
        node: debug ? ["--enable-source-maps"] : [] };
}

/** The pack's own folder, its TypeScript compiled as it loads (transpile-only, see transpile-only.ts). */
function tsNodeLaunch(dir: string): { cwd: string; preload: string[]; node: string[] } {
    return { cwd: dir, preload: [require.resolve("ts-node/register/transpile-only"), require.resolve("./transpile-only")], node: [] };
}
