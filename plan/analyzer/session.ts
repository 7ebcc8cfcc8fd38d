/** The main thread's side of the analysis: the worker thread that runs the pack and its client. */
import * as path from "path";
import { Worker } from "worker_threads";
import { PackOptions, packLaunch } from "../pack/process";
import type { AnalyzerInfo, PolicyPackConfig } from "../pack/types";
import { PlanInputError } from "../plan-error";
import type { Violation, WorkerError, WorkerOptions, WorkerReply, WorkerRequest } from "./messages";
import { PlannedResource, StackIdentity } from "./requests";

/**
 * One running policy pack and its Analyzer client, both in a worker thread (worker.ts): the
 * program's promise-heavy work keeps the main thread busy, so requests sent from it would wait for the
 * program to end. From the worker they stream to the pack, which analyses on another core meanwhile.
 * A session can analyze several stacks in turn (`--all`, the tests), configuring the pack for each as
 * the engine does for each preview.
 */
export class PolicySession {
    /** Resolves with the pack's self-description once it serves; rejects when it cannot start. */
    readonly ready: Promise<AnalyzerInfo>;
    /** When the session was launched and when the pack was ready to analyze (epoch ms); 0 before. */
    readonly launchedAt = Date.now();
    readyAt = 0;
    private readonly worker: Worker;
    private infoValue?: AnalyzerInfo;
    /** The pack's process ID, written by the worker when it spawns the pack, read here synchronously. */
    private readonly packPid = new Int32Array(new SharedArrayBuffer(4));
    private stacks = 0;
    private readonly pending = new Map<number, { resolve(v: Violation[]): void; reject(err: unknown): void }>();

    /** Starts the pack and waits until it serves. */
    static async start(packDir: string, options: PackOptions = {}): Promise<PolicySession> {
        const session = PolicySession.launch(packDir, options);
        await session.ready.catch((err) => {
            session.close();
            throw err;
        });
        return session;
    }

    /** Starts the pack without waiting for it: analysis requests queue in the worker until it serves. */
    static launch(packDir: string, options: PackOptions = {}): PolicySession {
        return new PolicySession(packDir, options);
    }

    private constructor(packDir: string, options: PackOptions) {
        this.worker = startWorker({ launch: packLaunch(packDir, options), packPid: this.packPid });
        // Also when the process exits before the worker's messages were read (a program that throws).
        process.once("exit", this.killPack);
        this.ready = new Promise((resolve, reject) => {
            this.worker.on("message", (msg: WorkerReply) => {
                if (msg.op === "ready") {
                    [this.infoValue, this.readyAt] = [msg.info, msg.at];
                    resolve(msg.info);
                } else if (msg.op === "failed") {
                    reject(fromWorker(msg.error));
                } else {
                    const stack = this.pending.get(msg.stack);
                    this.pending.delete(msg.stack);
                    msg.error ? stack?.reject(fromWorker(msg.error)) : stack?.resolve(msg.violations ?? []);
                }
            });
            this.worker.on("error", (err) => {
                reject(err);
                this.pending.forEach((stack) => stack.reject(err));
                this.pending.clear();
            });
        });
        this.ready.catch(() => undefined);
    }

    get info(): AnalyzerInfo {
        if (!this.infoValue) {
            throw new Error("the policy pack is not ready yet: await session.ready");
        }
        return this.infoValue;
    }

    /**
     * Starts the analysis of one stack as `pulumi preview --policy-pack` does: `Configure` with the
     * reconciled policy config and `ConfigureStack`; then `Analyze` for each resource `add`ed as it
     * registers and `AnalyzeStack` at `finish`.
     */
    beginStack(id: StackIdentity, userConfig?: PolicyPackConfig): StackAnalysis {
        const stack = this.stacks++;
        const done = new Promise<Violation[]>((resolve, reject) => this.pending.set(stack, { resolve, reject }));
        done.catch(() => undefined);
        this.post({ op: "begin", stack, id: { project: id.project, stack: id.stack, config: id.config }, config: userConfig });
        return new StackAnalysis((msg) => this.post(msg), stack, done);
    }

    /** Stops the pack and the worker (once the pack has started or failed to). */
    close(): void {
        const stop = () => {
            this.killPack();
            process.off("exit", this.killPack);
            void this.worker.terminate();
        };
        this.ready.then(stop, stop);
    }

    /** The pack's process ID once the worker has spawned it, else 0 (the benchmark reads its CPU time). */
    get packProcessId(): number {
        return Atomics.load(this.packPid, 0);
    }

    private readonly killPack = () => {
        try {
            const pid = Atomics.load(this.packPid, 0);
            if (pid !== 0) {
                process.kill(pid);
            }
        } catch {
            // Already gone.
        }
    };

    private post(msg: WorkerRequest): void {
        this.worker.postMessage(msg);
    }
}

/** The analysis of one stack, fed from the main thread. */
export class StackAnalysis {
    /** The resources the worker has: `finish` names them by URN rather than copying them across again. */
    private readonly posted = new Set<string>();

    constructor(private readonly post: (msg: WorkerRequest) => void, private readonly stack: number,
        private readonly done: Promise<Violation[]>) {}

    /** Queues `Analyze` of one resource (the worker sends it as soon as the pack is configured). */
    add(r: PlannedResource): void {
        this.posted.add(r.urn);
        this.post({ op: "resource", stack: this.stack, resource: cloneable(r) });
    }

    /** Outputs `r` registered after it registered (`AnalyzeStack` sends a resource's outputs). */
    outputs(r: PlannedResource): void {
        this.post({ op: "outputs", stack: this.stack, urn: r.urn, wireOutputs: r.wireOutputs });
    }

    /** `AnalyzeStack` over the final resources, after every `Analyze`: all the violations, in that order. */
    finish(resources: PlannedResource[]): Promise<Violation[]> {
        const unposted = resources.filter((r) => !this.posted.has(r.urn)).map(cloneable);
        this.post({ op: "end", stack: this.stack, urns: resources.map((r) => r.urn), unposted });
        return this.done;
    }
}

/** What the requests need: `inputs` may hold SDK objects that cannot cross threads (the wire forms can). */
function cloneable(r: PlannedResource): PlannedResource {
    const { inputs: _inputs, ...rest } = r;
    return { ...rest, inputs: {} };
}

function fromWorker(e: WorkerError): Error {
    const err = e.planInput ? new PlanInputError(e.message) : new Error(e.message);
    err.stack = e.stack;
    return err;
}

/**
 * The worker's bootstrap spawns the pack before the thread loads anything else, so the pack starts
 * while the main thread loads the program's modules; then it loads worker.ts and hands it the
 * pack. Preloads of this process are not passed on, for the same reason; from sources the worker
 * registers the plan's compile cache (pack/compile-cache.js), which loads its modules compiled
 * without a transpiler while they are unchanged. V8 flags such as `--stack-trace-limit` apply to every
 * thread anyway.
 */
function startWorker(options: WorkerOptions): Worker {
    const file = path.join(__dirname, `worker${path.extname(__filename)}`);
    const hook = path.extname(__filename) === ".ts" ? `require(${JSON.stringify(require.resolve("../pack/compile-cache.js"))});` : "";
    const boot = `
const { parentPort, workerData } = require("worker_threads");
const options = workerData.analysisWorker;
const pack = require("child_process").spawn(process.execPath, options.launch.args,
    { cwd: options.launch.cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
Atomics.store(options.packPid, 0, pack.pid || 0);
${hook}
require(${JSON.stringify(file)}).serve(parentPort, options, pack);`;
    return new Worker(boot, { eval: true, workerData: { analysisWorker: options }, execArgv: [] });
}
