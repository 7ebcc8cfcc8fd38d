import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { MockRun, RecordedResource } from "./mock-engine";

/**
 * Turns what the mock engine recorded into the requests the Pulumi engine sends an analyzer: its step
 * generator's `Analyze` (a resource's inputs, options and provider) and `AnalyzeResources`'s
 * `AnalyzeStack` (every resource's outputs, parent, dependencies and property dependencies).
 */

/** A resource of the planned stack: one the program registered, or a default provider the engine adds. */
export type PlannedResource = RecordedResource;

export interface StackIdentity {
    readonly project: string;
    readonly stack: string;
    /** Stack config (`pkg:key` → string): the engine builds default providers from it. */
    readonly config: { [key: string]: string };
}

/**
 * Adds the default provider the engine would create for every package that custom resources use
 * without an explicit provider (`default_<version>`, configured from the stack's `<pkg>:*` config).
 */
export function withDefaultProviders(run: MockRun, id: StackIdentity): PlannedResource[] {
    const added = new Map<string, PlannedResource>();
    const resources = run.resources.map((r) => {
        if (!r.custom || r.provider || r.type.startsWith("pulumi:providers:")) {
            return r;
        }
        const pkg = r.type.split(":")[0];
        const name = r.version ? `default_${r.version.replace(/[.+-]/g, "_")}` : "default";
        const urn = `urn:pulumi:${id.stack}::${id.project}::pulumi:providers:${pkg}::${name}`;
        if (!added.has(urn)) {
            const inputs: Record<string, any> = Object.fromEntries(Object.entries(id.config)
                .filter(([k]) => k.startsWith(`${pkg}:`))
                .map(([k, v]) => [k.slice(pkg.length + 1), v]));
            if (r.version) {
                inputs.version = r.version;
            }
            added.set(urn, {
                type: `pulumi:providers:${pkg}`, name, urn, custom: true, region: pkg === "aws" ? inputs.region : undefined,
                inputs, wireInputs: inputs, wireOutputs: inputs, id: `${name}-id`,
                protect: false, retainOnDelete: false, deleteBeforeReplace: false, deleteBeforeReplaceDefined: false,
                ignoreChanges: [], dependencies: [], propertyDependencies: {}, aliases: [], additionalSecretOutputs: [],
            });
        }
        const provider = added.get(urn)!;
        return { ...r, provider: `${urn}::${provider.id}`, providerUrn: urn, region: r.region ?? provider.region };
    });
    // The engine registers a default provider before the first resource that uses it.
    const stack = resources.filter((r) => r.type === "pulumi:pulumi:Stack");
    return [...stack, ...added.values(), ...resources.filter((r) => r.type !== "pulumi:pulumi:Stack")];
}

/**
 * A property value as the engine marshals it for an analyzer: unknowns and secrets keep their wire
 * form, resource references become the resource's ID (custom) or URN, internal `__` keys are dropped.
 */
export function analyzerValue(v: any): any {
    if (Array.isArray(v)) {
        return v.map(analyzerValue);
    }
    if (v === null || typeof v !== "object") {
        return v;
    }
    if (v[specialSigKey] === specialResourceSig) {
        return v.id || v.urn;
    }
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")).map(([k, x]) => [k, analyzerValue(x)]));
}

/** A property value for the plan's report: like `analyzerValue`, with secrets masked and unknowns named. */
export function reportValue(v: any): any {
    if (v === unknownValue) {
        return "(unknown)";
    }
    if (Array.isArray(v)) {
        return v.map(reportValue);
    }
    if (v === null || typeof v !== "object") {
        return v;
    }
    if (v[specialSigKey] === specialSecretSig) {
        return "[secret]";
    }
    if (v[specialSigKey] === specialResourceSig) {
        return v.urn;
    }
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")).map(([k, x]) => [k, reportValue(x)]));
}

/** Seconds in a Go duration string ("1h30m", "90s"), as the engine parses custom timeouts. */
export function durationSeconds(duration: string | undefined): number {
    const units: { [unit: string]: number } = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    let total = 0;
    for (const [, amount, unit] of (duration ?? "").matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
        total += Number(amount) * units[unit];
    }
    return total;
}

function options(r: PlannedResource): analyzerpb.AnalyzerResourceOptions {
    const opts = new analyzerpb.AnalyzerResourceOptions();
    opts.setProtect(r.protect);
    opts.setIgnorechangesList(r.ignoreChanges);
    opts.setDeletebeforereplace(r.deleteBeforeReplace);
    opts.setDeletebeforereplacedefined(r.deleteBeforeReplaceDefined);
    opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
    opts.setAliasesList(r.aliases);
    opts.setParent(r.parent ?? "");
    const timeouts = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(durationSeconds(r.customTimeouts?.create));
    timeouts.setUpdate(durationSeconds(r.customTimeouts?.update));
    timeouts.setDelete(durationSeconds(r.customTimeouts?.delete));
    opts.setCustomtimeouts(timeouts);
    return opts;
}

function struct(props: Record<string, any>): Struct {
    return Struct.fromJavaScript(analyzerValue(props));
}

/** Builds the requests for one planned stack; providers are looked up by URN. */
export class AnalyzerRequests {
    private readonly byUrn: Map<string, PlannedResource>;

    constructor(private readonly resources: PlannedResource[]) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    }

    /** The provider of a custom resource as the engine describes it: type, URN, name and inputs. */
    private provider(r: PlannedResource): analyzerpb.AnalyzerProviderResource | undefined {
        const provider = r.providerUrn && r.provider ? this.byUrn.get(r.providerUrn) : undefined;
        if (!provider) {
            return undefined;
        }
        const p = new analyzerpb.AnalyzerProviderResource();
        p.setType(provider.type);
        p.setUrn(provider.urn);
        p.setName(provider.name);
        p.setProperties(struct(provider.wireInputs));
        return p;
    }

    /** `Analyze`: the resource's inputs before it is created. */
    analyze(r: PlannedResource): analyzerpb.AnalyzeRequest {
        const req = new analyzerpb.AnalyzeRequest();
        req.setType(r.type);
        req.setName(r.name);
        req.setUrn(r.urn);
        req.setProperties(struct(r.wireInputs));
        req.setOptions(options(r));
        const provider = this.provider(r);
        if (provider) {
            req.setProvider(provider);
        }
        return req;
    }

    /** `AnalyzeStack`: every resource with its outputs, parent, dependencies and property dependencies. */
    analyzeStack(): analyzerpb.AnalyzeStackRequest {
        const req = new analyzerpb.AnalyzeStackRequest();
        req.setResourcesList(this.resources.map((r) => {
            const res = new analyzerpb.AnalyzerResource();
            res.setType(r.type);
            res.setName(r.name);
            res.setUrn(r.urn);
            res.setProperties(struct(r.wireOutputs));
            res.setOptions(options(r));
            const provider = this.provider(r);
            if (provider) {
                res.setProvider(provider);
            }
            res.setParent(r.parent ?? "");
            res.setDependenciesList(r.dependencies);
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                const deps = new analyzerpb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                res.getPropertydependenciesMap().set(key, deps);
            }
            return res;
        }));
        return req;
    }
}
