import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient, AnalyzerInfo, Diagnostic, PolicyPackConfig } from "./analyzer-client";
import { AnalyzerRequests, PlannedResource, PlannedStack, StackIdentity } from "./analyzer-requests";
import { reconcilePolicyConfig } from "./policy-config";
import { PolicyProcess, startPolicyPack } from "./policy-process";

/** A policy violation attributed to a resource of the planned stack. */
export interface Violation {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    readonly urn: string;
    readonly message: string;
    readonly description: string;
}

/** How many `Analyze` calls are in flight at once: enough to keep the pack busy, few enough to stay fair. */
const ANALYZE_CONCURRENCY = 64;

/**
 * One running policy pack and a client of its Analyzer service. It can analyze several stacks in turn
 * (`--all`, the tests), configuring the pack for each as the engine does for each preview.
 */
export class PolicySession {
    private constructor(private readonly process: PolicyProcess, private readonly client: AnalyzerClient,
        readonly info: AnalyzerInfo) {}

    static async start(packDir: string, options: { debug?: boolean } = {}): Promise<PolicySession> {
        const process = await startPolicyPack(packDir, options);
        const client = new AnalyzerClient(process.address);
        try {
            return new PolicySession(process, client, await client.getAnalyzerInfo());
        } catch (err) {
            client.close();
            process.stop();
            throw err;
        }
    }

    /**
     * Starts the analysis of one stack as `pulumi preview --policy-pack` does: `Configure` with the
     * reconciled policy config and `ConfigureStack`; then `analyze` each resource as it registers and
     * `analyzeStack` once the program is done.
     */
    async beginStack(stack: PlannedStack, id: StackIdentity, userConfig?: PolicyPackConfig): Promise<StackAnalysis> {
        await this.client.configure(reconcilePolicyConfig(this.info, userConfig));
        await this.client.configureStack(stackConfigureRequest(id));
        return new StackAnalysis(this.client, stack);
    }

    close(): void {
        this.client.close();
        this.process.stop();
    }
}

/** The analysis of one stack: `Analyze` calls (at most ANALYZE_CONCURRENCY in flight), then `AnalyzeStack`. */
export class StackAnalysis {
    private readonly requests: AnalyzerRequests;
    private inFlight = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(private readonly client: AnalyzerClient, stack: PlannedStack) {
        this.requests = new AnalyzerRequests((urn) => stack.lookup(urn));
    }

    /** `Analyze` one resource; the engine attributes every diagnostic to the analyzed resource. */
    async analyze(r: PlannedResource): Promise<Violation[]> {
        if (this.inFlight >= ANALYZE_CONCURRENCY) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
        this.inFlight++;
        try {
            return defined((await this.client.analyze(this.requests.analyze(r))).map((d) => violation(d, r.urn)));
        } finally {
            this.inFlight--;
            this.waiting.shift()?.();
        }
    }

    /** `AnalyzeStack` over the final resources; a diagnostic's URN outside the stack goes to the root stack. */
    async analyzeStack(resources: PlannedResource[]): Promise<Violation[]> {
        const urns = new Set(resources.map((r) => r.urn));
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const diagnostics = await this.client.analyzeStack(this.requests.analyzeStack(resources));
        return defined(diagnostics.map((d) => violation(d, urns.has(d.urn) ? d.urn : root)));
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
