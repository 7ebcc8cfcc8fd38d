/**
 * The policy side of a plan, run in a worker thread (see session.ts): it serves the pack its
 * bootstrap spawned, and sends it `Analyze` for each resource the main thread posts, while the program
 * keeps the main thread busy. So the pack analyses on the other core as the program runs, as the
 * engine's analyzers do. What crosses the thread boundary is in messages.ts.
 */
import type { ChildProcess } from "child_process";
import type { MessagePort } from "worker_threads";
import { servePolicyPack } from "../pack/process";
import { PlanInputError } from "../plan-error";
import type { WorkerError, WorkerOptions, WorkerReply, WorkerRequest } from "./messages";

export function workerError(err: unknown): WorkerError {
    const e = err instanceof Error ? err : new Error(String(err));
    return { message: e.message, stack: e.stack, planInput: err instanceof PlanInputError };
}

/** Called by the worker's bootstrap (session.ts) with the pack it has just spawned. */
export function serve(port: MessagePort, options: WorkerOptions, packProcess: ChildProcess): void {
    if (options.launch.debug) {
        Error.stackTraceLimit = Infinity;
    }
    const reply = (msg: WorkerReply) => port.postMessage(msg);
    const started = servePolicyPack(packProcess, options.launch);
    // Loaded once the pack's process is spawned: the analyzer client's gRPC and protobuf modules take
    // ~0.3 s to load, which overlap with the pack's own start.
    const { AnalyzerClient, StackAnalysis } = require("./stack-analysis") as typeof import("./stack-analysis");
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
