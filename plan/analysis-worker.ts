/**
 * The policy side of a plan, run in a worker thread (see policy-session.ts): it starts the pack, and
 * sends it `Analyze` for each resource the main thread posts, while the program keeps the main thread
 * busy. So the pack analyses on the other core as the program runs, as the engine's analyzers do.
 */
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { parentPort, workerData } from "worker_threads";
import { AnalyzerClient, AnalyzerInfo, Diagnostic, PolicyPackConfig } from "./analyzer-client";
import { AnalyzerRequests, PlannedResource, StackIdentity } from "./analyzer-requests";
import { reconcilePolicyConfig } from "./policy-config";
import { PackOptions, startPolicyPack } from "./policy-process";
import { PlanInputError } from "./stack-config";

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
    | { readonly op: "end"; readonly stack: number; readonly resources: PlannedResource[] };

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

export interface WorkerOptions extends PackOptions {
    readonly packDir: string;
    /** Where the worker puts the pack's process ID as soon as it spawns, for the main thread to kill it on exit. */
    readonly packPid: Int32Array;
}

/** How many `Analyze` calls are in flight at once: enough to keep the pack busy, few enough to stay fair. */
const ANALYZE_CONCURRENCY = 64;

/** The analysis of one stack: `Configure`, `ConfigureStack`, `Analyze` per resource, then `AnalyzeStack`. */
class StackAnalysis {
    private readonly byUrn = new Map<string, PlannedResource>();
    private readonly requests = new AnalyzerRequests((urn) => this.byUrn.get(urn));
    private readonly perResource: Promise<Violation[]>[] = [];
    private readonly begun: Promise<AnalyzerClient>;
    private inFlight = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(pack: Promise<{ client: AnalyzerClient; info: AnalyzerInfo }>, id: StackIdentity, config?: PolicyPackConfig) {
        this.begun = pack.then(async ({ client, info }) => {
            await client.configure(reconcilePolicyConfig(info, config));
            await client.configureStack(stackConfigureRequest(id));
            return client;
        });
        this.begun.catch(() => undefined);
    }

    /** `Analyze` one resource; the engine attributes every diagnostic to the analyzed resource. */
    add(r: PlannedResource): void {
        this.byUrn.set(r.urn, r);
        const violations = this.begun.then((client) => this.limited(() => client.analyze(this.requests.analyze(r))))
            .then((ds) => defined(ds.map((d) => violation(d, r.urn))));
        // Awaited in `end`; a failed pack abandons them, which must not look unhandled.
        violations.catch(() => undefined);
        this.perResource.push(violations);
    }

    /** `AnalyzeStack` over the final resources; a diagnostic's URN outside the stack goes to the root stack. */
    async end(resources: PlannedResource[]): Promise<Violation[]> {
        const client = await this.begun;
        const perResource = (await Promise.all(this.perResource)).flat();
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const diagnostics = await client.analyzeStack(new AnalyzerRequests((urn) => byUrn.get(urn)).analyzeStack(resources));
        return [...perResource, ...defined(diagnostics.map((d) => violation(d, byUrn.has(d.urn) ? d.urn : root)))];
    }

    private async limited<T>(call: () => Promise<T>): Promise<T> {
        if (this.inFlight >= ANALYZE_CONCURRENCY) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        this.inFlight++;
        try {
            return await call();
        } finally {
            this.inFlight--;
            this.waiting.shift()?.();
        }
    }
}

function defined(violations: (Violation | undefined)[]): Violation[] {
    return violations.filter((v): v is Violation => v !== undefined);
}

function violation(d: Diagnostic, urn: string): Violation | undefined {
    if (d.enforcementLevel === "disabled") {
        return undefined;
    }
    return {
        policyName: d.policyName,
        policyPackName: d.policyPackName,
        // A remediation that still reports a violation is mandatory (engine and @pulumi/policy agree).
        enforcementLevel: d.enforcementLevel === "advisory" ? "advisory" : "mandatory",
        urn,
        message: d.message,
        description: d.description,
    };
}

function stackConfigureRequest(id: StackIdentity): analyzerpb.AnalyzerStackConfigureRequest {
    const req = new analyzerpb.AnalyzerStackConfigureRequest();
    req.setStack(id.stack);
    req.setProject(id.project);
    req.setDryRun(true);
    for (const [k, v] of Object.entries(id.config)) {
        req.getConfigMap().set(k, v);
    }
    req.getTagsMap().set("pulumi:project", id.project);
    req.getTagsMap().set("pulumi:runtime", "nodejs");
    return req;
}

export function workerError(err: unknown): WorkerError {
    const e = err instanceof Error ? err : new Error(String(err));
    return { message: e.message, stack: e.stack, planInput: err instanceof PlanInputError };
}

function serve(port: NonNullable<typeof parentPort>, options: WorkerOptions): void {
    const reply = (msg: WorkerReply) => port.postMessage(msg);
    const onSpawn = (pid: number) => Atomics.store(options.packPid, 0, pid);
    const pack = startPolicyPack(options.packDir, { debug: options.debug, compile: options.compile, onSpawn }).then(async (proc) => {
        const client = new AnalyzerClient(proc.address);
        const info = await client.getAnalyzerInfo();
        reply({ op: "ready", info, at: Date.now() });
        return { client, info };
    });
    pack.catch((err) => reply({ op: "failed", error: workerError(err) }));
    const stacks = new Map<number, StackAnalysis>();
    port.on("message", (msg: WorkerRequest) => {
        if (msg.op === "begin") {
            stacks.set(msg.stack, new StackAnalysis(pack, msg.id, msg.config));
        } else if (msg.op === "resource") {
            stacks.get(msg.stack)!.add(msg.resource);
        } else {
            const analysis = stacks.get(msg.stack)!;
            stacks.delete(msg.stack);
            analysis.end(msg.resources).then(
                (violations) => reply({ op: "done", stack: msg.stack, violations }),
                (err) => reply({ op: "done", stack: msg.stack, error: workerError(err) }));
        }
    });
}

if (parentPort && (workerData as { analysisWorker?: WorkerOptions } | undefined)?.analysisWorker) {
    serve(parentPort, (workerData as { analysisWorker: WorkerOptions }).analysisWorker);
}
