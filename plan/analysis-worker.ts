/**
 * The policy side of a plan, run in a worker thread (see policy-session.ts): it serves the pack its
 * bootstrap spawned, and sends it `Analyze` for each resource the main thread posts, while the program
 * keeps the main thread busy. So the pack analyses on the other core as the program runs, as the
 * engine's analyzers do.
 */
import type { ChildProcess } from "child_process";
import type { MessagePort } from "worker_threads";
import type { AnalyzerInfo, PolicyPackConfig } from "./analyzer-client";
import type { PlannedResource, StackIdentity } from "./analyzer-requests";
import { PackLaunch, servePolicyPack } from "./policy-process";
import { PlanInputError } from "./plan-error";

/** A policy violation attributed to a resource of the planned stack. */
export interface Violation {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    readonly urn: string;
    readonly message: string;
    readonly description: string;
}

/** What the main thread asks; `stack` numbers the stacks one session analyses in turn. */
export type WorkerRequest =
    | { readonly op: "begin"; readonly stack: number; readonly id: StackIdentity; readonly config?: PolicyPackConfig }
    | { readonly op: "resource"; readonly stack: number; readonly resource: PlannedResource }
    | { readonly op: "outputs"; readonly stack: number; readonly urn: string; readonly wireOutputs: Record<string, any> }
    /** The final resources in order, by URN; in full only those never posted as `resource`. */
    | { readonly op: "end"; readonly stack: number; readonly urns: string[]; readonly unposted: PlannedResource[] };

/** An error as it crosses the thread boundary; `planInput` keeps a PlanInputError one. */
export interface WorkerError {
    readonly message: string;
    readonly stack?: string;
    readonly planInput: boolean;
}

export type WorkerReply =
    | { readonly op: "ready"; readonly info: AnalyzerInfo; readonly at: number }
    | { readonly op: "failed"; readonly error: WorkerError }
    | { readonly op: "done"; readonly stack: number; readonly violations?: Violation[]; readonly error?: WorkerError };

export interface WorkerOptions {
    readonly launch: PackLaunch;
    /** Where the worker puts the pack's process ID as soon as it spawns, for the main thread to kill it on exit. */
    readonly packPid: Int32Array;
}

export function workerError(err: unknown): WorkerError {
    const e = err instanceof Error ? err : new Error(String(err));
    return { message: e.message, stack: e.stack, planInput: err instanceof PlanInputError };
}

/** Called by the worker's bootstrap (policy-session.ts) with the pack it has just spawned. */
export function serve(port: MessagePort, options: WorkerOptions, packProcess: ChildProcess): void {
    if (options.launch.debug) {
        Error.stackTraceLimit = Infinity;
    }
    const reply = (msg: WorkerReply) => port.postMessage(msg);
    const started = servePolicyPack(packProcess, options.launch);
    // Loaded once the pack's process is spawned: the analyzer client's gRPC and protobuf modules take
    // ~0.3 s to load, which overlap with the pack's own start.
    const { AnalyzerClient, StackAnalysis } = require("./analysis-stack") as typeof import("./analysis-stack");
    const pack = started.then(async (address) => {
        const client = new AnalyzerClient(address);
        const info = await client.getAnalyzerInfo();
        reply({ op: "ready", info, at: Date.now() });
        return { client, info };
    });
    pack.catch((err) => reply({ op: "failed", error: workerError(err) }));
    const stacks = new Map<number, InstanceType<typeof StackAnalysis>>();
    port.on("message", (msg: WorkerRequest) => {
        if (msg.op === "begin") {
            stacks.set(msg.stack, new StackAnalysis(pack, msg.id, msg.config));
        } else if (msg.op === "resource") {
            stacks.get(msg.stack)!.add(msg.resource);
        } else if (msg.op === "outputs") {
            stacks.get(msg.stack)!.outputs(msg.urn, msg.wireOutputs);
        } else {
            const analysis = stacks.get(msg.stack)!;
            stacks.delete(msg.stack);
            analysis.end(msg.urns, msg.unposted).then(
                (violations) => reply({ op: "done", stack: msg.stack, violations }),
                (err) => reply({ op: "done", stack: msg.stack, error: workerError(err) }));
        }
    });
}
