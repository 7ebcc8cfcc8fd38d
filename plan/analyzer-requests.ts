import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { RecordedResource } from "./mock-engine";

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

/** What analyses a stack while its program runs. */
export interface AnalysisSink {
    add(r: PlannedResource): void;
    outputs(r: PlannedResource): void;
}

/**
 * The resources of a stack as the engine sees them: what the program registered, plus the default
 * provider the engine creates for every package that custom resources use without an explicit provider
 * (`default_<version>`, configured from the stack's `<pkg>:*` config). Fed one registration at a time,
 * so analysis can start while the program still runs, as in the engine.
 */
export class PlannedStack {
    private readonly defaults = new Map<string, PlannedResource>();
    private readonly byUrn = new Map<string, RecordedResource>();

    constructor(private readonly id: StackIdentity) {}

    /** Records `r`; returns what the engine would analyze now: a new default provider first, then `r`. */
    add(r: RecordedResource): PlannedResource[] {
        this.byUrn.set(r.urn, r);
        const before = this.defaults.size;
        const planned = this.planned(r);
        return this.defaults.size > before ? [this.defaults.get(planned.providerUrn!)!, planned] : [planned];
    }

    /** `r` as the engine holds it: on its default provider when it names none. */
    planned(r: RecordedResource): PlannedResource {
        if (!r.custom || r.provider || r.type.startsWith("pulumi:providers:")) {
            return r;
        }
        const provider = this.defaultProvider(r.type.split(":")[0], r.version);
        return { ...r, provider: `${provider.urn}::${provider.id}`, providerUrn: provider.urn, region: r.region ?? provider.region };
    }

    /**
     * The mock run's callbacks that give `sink` each registration as the engine would analyze it, and
     * each resource again when its outputs are registered later.
     */
    feed(sink: AnalysisSink): { onResource(r: RecordedResource): void; onOutputs(r: RecordedResource): void } {
        return {
            onResource: (r) => this.add(r).forEach((planned) => sink.add(planned)),
            onOutputs: (r) => sink.outputs(this.planned(r)),
        };
    }

    lookup(urn: string): PlannedResource | undefined {
        const r = this.byUrn.get(urn);
        return r ? this.planned(r) : this.defaults.get(urn);
    }

    /** Every resource in registration order, default providers after the stack (the engine adds them first). */
    all(recorded: RecordedResource[]): PlannedResource[] {
        const planned = recorded.map((r) => this.planned(r));
        const stack = planned.filter((r) => r.type === "pulumi:pulumi:Stack");
        return [...stack, ...this.defaults.values(), ...planned.filter((r) => r.type !== "pulumi:pulumi:Stack")];
    }

    private defaultProvider(pkg: string, version: string | undefined): PlannedResource {
        const name = version ? `default_${version.replace(/[.+-]/g, "_")}` : "default";
        const urn = `urn:pulumi:${this.id.stack}::${this.id.project}::pulumi:providers:${pkg}::${name}`;
        let provider = this.defaults.get(urn);
        if (!provider) {
            const inputs: Record<string, any> = Object.fromEntries(Object.entries(this.id.config)
                .filter(([k]) => k.startsWith(`${pkg}:`))
                .map(([k, v]) => [k.slice(pkg.length + 1), v]));
            if (version) {
                inputs.version = version;
            }
            provider = {
                type: `pulumi:providers:${pkg}`, name, urn, custom: true, region: pkg === "aws" ? inputs.region : undefined,
                inputs, wireInputs: inputs, wireOutputs: inputs, id: `${name}-id`,
                protect: false, retainOnDelete: false, deleteBeforeReplace: false, deleteBeforeReplaceDefined: false,
                ignoreChanges: [], dependencies: [], propertyDependencies: {}, aliases: [], additionalSecretOutputs: [],
            };
            this.defaults.set(urn, provider);
        }
        return provider;
    }
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
    constructor(private readonly lookup: (urn: string) => PlannedResource | undefined) {}

    /** The provider of a custom resource as the engine describes it: type, URN, name and inputs. */
    private provider(r: PlannedResource): analyzerpb.AnalyzerProviderResource | undefined {
        const provider = r.providerUrn && r.provider ? this.lookup(r.providerUrn) : undefined;
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
        return this.describe(new analyzerpb.AnalyzeRequest(), r, r.wireInputs);
    }

    /** `AnalyzeStack`: every resource with its outputs, parent, dependencies and property dependencies. */
    analyzeStack(resources: PlannedResource[]): analyzerpb.AnalyzeStackRequest {
        return new analyzerpb.AnalyzeStackRequest().setResourcesList(resources.map((r) => this.stackResource(r)));
    }

    /**
     * The wire form of `analyzeStack([r])`. Concatenated in the stack's order these are the wire form of
     * `analyzeStack` of the stack, so each can be encoded as its resource registers, not all at the end.
     */
    stackEntry(r: PlannedResource): Buffer {
        return Buffer.from(this.analyzeStack([r]).serializeBinary());
    }

    private stackResource(r: PlannedResource): analyzerpb.AnalyzerResource {
        const res = this.describe(new analyzerpb.AnalyzerResource(), r, r.wireOutputs);
        res.setParent(r.parent ?? "");
        res.setDependenciesList(r.dependencies);
        for (const [key, urns] of Object.entries(r.propertyDependencies)) {
            const deps = new analyzerpb.AnalyzerPropertyDependencies();
            deps.setUrnsList(urns);
            res.getPropertydependenciesMap().set(key, deps);
        }
        return res;
    }

    /** What both messages share: identity, properties, options and provider. */
    private describe<M extends analyzerpb.AnalyzeRequest | analyzerpb.AnalyzerResource>(msg: M, r: PlannedResource, props: Record<string, any>): M {
        msg.setType(r.type);
        msg.setName(r.name);
        msg.setUrn(r.urn);
        msg.setProperties(struct(props));
        msg.setOptions(options(r));
        const provider = this.provider(r);
        if (provider) {
            msg.setProvider(provider);
        }
        return msg;
    }
}
