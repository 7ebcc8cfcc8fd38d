/**
 * The analysis of one stack through the pack's Analyzer service, in the worker thread (worker.ts
 * loads this module once the pack's process is spawned: its gRPC and protobuf modules load meanwhile).
 */
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { reconcilePolicyConfig } from "../pack/config";
import type { AnalyzerInfo, PolicyPackConfig } from "../pack/types";
import { AnalyzerClient, Diagnostic } from "./client";
import type { Violation } from "./messages";
import { AnalyzerRequests, PlannedResource, StackIdentity } from "./requests";

export { AnalyzerClient } from "./client";

/** How many `Analyze` calls are in flight at once: enough to keep the pack busy, few enough to stay fair. */
const ANALYZE_CONCURRENCY = 64;

/** The analysis of one stack: `Configure`, `ConfigureStack`, `Analyze` per resource, then `AnalyzeStack`. */
export class StackAnalysis {
    private readonly byUrn = new Map<string, PlannedResource>();
    private readonly requests = new AnalyzerRequests((urn) => this.byUrn.get(urn));
    private readonly perResource: Promise<Violation[]>[] = [];
    /** Each resource's part of the `AnalyzeStack` request, encoded as it registers (see `stackRequest`). */
    private readonly stackEntries = new Map<string, Buffer>();
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
        this.stackEntries.set(r.urn, this.requests.stackEntry(r));
    }

    /** Outputs registered after the resource itself (a component's `registerOutputs`, the stack's outputs). */
    outputs(urn: string, wireOutputs: Record<string, any>): void {
        const r = this.byUrn.get(urn);
        if (r) {
            const updated = { ...r, wireOutputs };
            this.byUrn.set(urn, updated);
            this.stackEntries.set(urn, this.requests.stackEntry(updated));
        }
    }

    /**
     * The wire form of `AnalyzeStack` over `resources`, from the entries encoded while the program ran:
     * only joining them is left once it ends. A resource never `add`ed is encoded now.
     */
    stackRequest(resources: PlannedResource[]): Buffer {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const requests = new AnalyzerRequests((urn) => byUrn.get(urn));
        return Buffer.concat(resources.map((r) => this.stackEntries.get(r.urn) ?? requests.stackEntry(r)));
    }

    /**
     * `AnalyzeStack` over the final resources, `urns` in order: those `add`ed as last updated, the rest
     * from `unposted`. A diagnostic's URN outside the stack goes to the root stack.
     */
    async end(urns: readonly string[], unposted: readonly PlannedResource[] = []): Promise<Violation[]> {
        const client = await this.begun;
        const perResource = (await Promise.all(this.perResource)).flat();
        const late = new Map(unposted.map((r) => [r.urn, r]));
        const resources = urns.map((urn) => {
            const r = this.byUrn.get(urn) ?? late.get(urn);
            if (r === undefined) {
                throw new Error(`AnalyzeStack: ${urn} was neither analyzed nor given`);
            }
            return r;
        });
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const inStack = new Set(urns);
        const diagnostics = await client.analyzeStack(this.stackRequest(resources));
        return [...perResource, ...defined(diagnostics.map((d) => violation(d, inStack.has(d.urn) ? d.urn : root)))];
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
