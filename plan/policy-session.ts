import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient, AnalyzerInfo, Diagnostic, PolicyPackConfig } from "./analyzer-client";
import { AnalyzerRequests, PlannedResource, StackIdentity } from "./analyzer-requests";
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
 * (`--all`, the benchmark), configuring the pack for each as the engine does for each preview.
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
     * Runs the pack over a stack as `pulumi preview --policy-pack` does: `Configure` with the reconciled
     * policy config, `ConfigureStack`, `Analyze` for every resource (concurrently), then `AnalyzeStack`.
     */
    async analyze(resources: PlannedResource[], id: StackIdentity, userConfig?: PolicyPackConfig): Promise<Violation[]> {
        await this.client.configure(reconcilePolicyConfig(this.info, userConfig));
        await this.client.configureStack(stackConfigureRequest(id));
        const requests = new AnalyzerRequests(resources);
        const perResource = await mapConcurrent(resources, ANALYZE_CONCURRENCY,
            // The engine attributes every Analyze diagnostic to the analyzed resource.
            async (r) => (await this.client.analyze(requests.analyze(r))).map((d) => violation(d, r.urn)));
        const urns = new Set(resources.map((r) => r.urn));
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        // AnalyzeStack diagnostics keep a URN of the stack; any other goes to the root stack resource.
        const stackWide = (await this.client.analyzeStack(requests.analyzeStack()))
            .map((d) => violation(d, urns.has(d.urn) ? d.urn : root));
        return [...perResource.flat(), ...stackWide].filter((v): v is Violation => v !== undefined);
    }

    close(): void {
        this.client.close();
        this.process.stop();
    }
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

async function mapConcurrent<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
