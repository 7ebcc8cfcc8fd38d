/**
 * The requests the Pulumi engine sends an analyzer, built from what the mock engine recorded and
 * encoded straight to protobuf bytes (protobuf-wire.ts); and the stack's resources as the engine holds
 * them, default providers included.
 */
import type { RecordedResource } from "../engine/mock-engine";
import { ProtobufWriter } from "./protobuf-wire";

/**
 * The SDK's signatures of special values in the wire form (`specialSigKey` and `specialResourceSig` of
 * @pulumi/pulumi/runtime/rpc): kept here because that module loads much of the SDK's runtime, ~0.1 s of
 * the analysis worker's CPU for two strings. A test holds them equal to the SDK's.
 */
export const WIRE_SIGNATURE = { key: "4dabf18193072939515e22adb298388d", resource: "5cf8f73096256a8f31e491e813e4eb8e" } as const;

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

/** Seconds in a Go duration string ("1h30m", "90s"), as the engine parses custom timeouts. */
export function durationSeconds(duration: string | undefined): number {
    const units: { [unit: string]: number } = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    let total = 0;
    for (const [, amount, unit] of (duration ?? "").matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
        total += Number(amount) * units[unit];
    }
    return total;
}

// Field numbers of pulumi/proto/pulumi/analyzer.proto and google/protobuf/struct.proto, in the order
// protoc's serializers write them, which these encoders keep so that their bytes are the SDK's own.
const REQUEST = { type: 1, properties: 2, urn: 3, name: 4, options: 5, provider: 6, parent: 7, dependencies: 8, propertyDependencies: 9 };
const OPTIONS = { protect: 1, ignoreChanges: 2, deleteBeforeReplace: 3, deleteBeforeReplaceDefined: 4, additionalSecretOutputs: 5, aliases: 6, customTimeouts: 7, parent: 8 };
const TIMEOUTS = { create: 1, update: 2, delete: 3 };
const PROVIDER = { type: 1, properties: 2, urn: 3, name: 4 };
const STACK_RESOURCES = 1;
const MAP_KEY = 1;
const MAP_VALUE = 2;
const VALUE = { null: 1, number: 2, string: 3, bool: 4, struct: 5, list: 6 };
const LIST_VALUES = 1;

/**
 * Builds the wire form of the requests for one planned stack; providers are looked up by URN. The
 * encoding is the one `serializeBinary` of the SDK's generated messages gives, byte for byte (a test
 * holds it to that), written directly (protobuf-wire.ts).
 */
export class AnalyzerRequests {
    private readonly w = new ProtobufWriter();
    /**
     * Each provider's encoded field, by URN: every resource's requests carry their provider, which a
     * stack's resources share and which never changes once registered.
     */
    private readonly providerFields = new Map<string, Buffer>();

    constructor(private readonly lookup: (urn: string) => PlannedResource | undefined) {}

    /** `Analyze`: the resource's inputs before it is created, with its options and provider. */
    analyze(r: PlannedResource): Buffer {
        return this.encode(() => this.describe(r, r.wireInputs));
    }

    /**
     * `AnalyzeStack` with `r` alone: the resource's outputs, parent, dependencies and property
     * dependencies. A repeated field is encoded as its elements one after another, so these entries
     * concatenated in the stack's order are the request for the whole stack: each can be encoded as its
     * resource registers, not all at the end.
     */
    stackEntry(r: PlannedResource): Buffer {
        return this.encode(() => this.stackResource(r));
    }

    /** Writes one message; one that fails is dropped, so that the next starts clean. */
    private encode(write: () => void): Buffer {
        try {
            write();
            return this.w.finish();
        } catch (err) {
            this.w.reset();
            throw err;
        }
    }

    private stackResource(r: PlannedResource): void {
        const w = this.w;
        w.begin(STACK_RESOURCES);
        this.describe(r, r.wireOutputs);
        if (r.parent) {
            w.stringField(REQUEST.parent, r.parent);
        }
        strings(w, REQUEST.dependencies, r.dependencies);
        for (const key of Object.keys(r.propertyDependencies).sort()) {
            w.begin(REQUEST.propertyDependencies);
            w.stringField(MAP_KEY, key);
            w.begin(MAP_VALUE);
            strings(w, 1, r.propertyDependencies[key]);
            w.end();
            w.end();
        }
        w.end();
    }

    /** What both messages share: identity, properties, options and provider. */
    private describe(r: PlannedResource, props: Record<string, any>): void {
        const w = this.w;
        stringIfSet(w, REQUEST.type, r.type);
        structField(w, REQUEST.properties, props);
        stringIfSet(w, REQUEST.urn, r.urn);
        stringIfSet(w, REQUEST.name, r.name);
        options(w, r);
        const field = r.providerUrn && r.provider ? this.providerField(r.providerUrn) : undefined;
        if (field) {
            w.raw(field);
        }
    }

    /** The provider of a custom resource as the engine describes it: type, URN, name and inputs. */
    private providerField(urn: string): Buffer | undefined {
        let field = this.providerFields.get(urn);
        const provider = field === undefined ? this.lookup(urn) : undefined;
        if (provider) {
            const w = new ProtobufWriter();
            w.begin(REQUEST.provider);
            stringIfSet(w, PROVIDER.type, provider.type);
            structField(w, PROVIDER.properties, provider.wireInputs);
            stringIfSet(w, PROVIDER.urn, provider.urn);
            stringIfSet(w, PROVIDER.name, provider.name);
            w.end();
            field = w.finish();
            this.providerFields.set(urn, field);
        }
        return field;
    }
}

function options(w: ProtobufWriter, r: PlannedResource): void {
    w.begin(REQUEST.options);
    boolIfSet(w, OPTIONS.protect, r.protect);
    strings(w, OPTIONS.ignoreChanges, r.ignoreChanges);
    boolIfSet(w, OPTIONS.deleteBeforeReplace, r.deleteBeforeReplace);
    boolIfSet(w, OPTIONS.deleteBeforeReplaceDefined, r.deleteBeforeReplaceDefined);
    strings(w, OPTIONS.additionalSecretOutputs, r.additionalSecretOutputs);
    strings(w, OPTIONS.aliases, r.aliases);
    w.begin(OPTIONS.customTimeouts);
    for (const phase of ["create", "update", "delete"] as const) {
        const seconds = durationSeconds(r.customTimeouts?.[phase]);
        if (seconds !== 0) {
            w.doubleField(TIMEOUTS[phase], seconds);
        }
    }
    w.end();
    if (r.parent) {
        w.stringField(OPTIONS.parent, r.parent);
    }
    w.end();
}

/** proto3 leaves empty strings and `false` out. */
function stringIfSet(w: ProtobufWriter, field: number, value: string): void {
    if (value.length > 0) {
        w.stringField(field, value);
    }
}

function boolIfSet(w: ProtobufWriter, field: number, value: boolean): void {
    if (value) {
        w.boolField(field, true);
    }
}

function strings(w: ProtobufWriter, field: number, values: readonly string[]): void {
    for (const v of values) {
        w.stringField(field, v);
    }
}

/**
 * A `google.protobuf.Struct` of wire-form `props` as the engine marshals them for an analyzer: unknowns
 * and secrets keep their wire form, resource references become the resource's ID (custom) or URN,
 * internal `__` keys are dropped.
 */
function structField(w: ProtobufWriter, field: number, props: Record<string, any>): void {
    w.begin(field);
    structFields(w, props);
    w.end();
}

/** A Struct's `fields` map, its keys sorted as google-protobuf's map serializer sorts them. */
function structFields(w: ProtobufWriter, obj: Record<string, any>): void {
    for (const key of Object.keys(obj).sort()) {
        const v = obj[key];
        if (key.startsWith("__") || v === undefined) {
            continue;
        }
        w.begin(1);
        w.stringField(MAP_KEY, key);
        valueField(w, MAP_VALUE, v);
        w.end();
    }
}

/** A `google.protobuf.Value` of a wire-form value (see `structField`). */
function valueField(w: ProtobufWriter, field: number, v: any): void {
    w.begin(field);
    if (v === null || v === undefined) {
        w.varintField(VALUE.null, 0);
    } else if (typeof v === "string") {
        w.stringField(VALUE.string, v);
    } else if (typeof v === "number") {
        w.doubleField(VALUE.number, v);
    } else if (typeof v === "boolean") {
        w.boolField(VALUE.bool, v);
    } else if (Array.isArray(v)) {
        w.begin(VALUE.list);
        for (const x of v) {
            valueField(w, LIST_VALUES, x);
        }
        w.end();
    } else if (typeof v === "object") {
        if (v[WIRE_SIGNATURE.key] === WIRE_SIGNATURE.resource) {
            w.stringField(VALUE.string, v.id || v.urn);
        } else {
            w.begin(VALUE.struct);
            structFields(w, v);
            w.end();
        }
    } else {
        throw new Error(`a property value of type ${typeof v} has no protobuf Value`);
    }
    w.end();
}
