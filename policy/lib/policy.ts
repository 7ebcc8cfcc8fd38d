import {
    EnforcementLevel, PolicyConfigSchema, PolicyProviderResource, PolicyResource, ReportViolation,
    ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { regionOf } from "./regions";
import { Obj, obj, plain } from "./values";

/**
 * The two policy builders of the pack. Each policy is still one exported const with its own name,
 * level and config schema; the builders only keep the plumbing in one place: filtering by an explicit
 * list of types, copying props into plain values (see values.ts), and resolving config defaults.
 */

/** A resource as policies see it: plain props, region resolved, and (in stack policies) its links. */
export interface Res {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Obj;
    /** The AWS region the resource lives in, when known (see regions.ts). */
    readonly region?: string;
    readonly parent?: Res;
    /** URNs this resource depends on, and per input property. */
    readonly dependsOn: readonly string[];
    readonly propertyDependsOn: { readonly [property: string]: readonly string[] };
}

/** A pack config value a policy cannot use; raised when the pack is configured, naming the policy, property and value. */
export class ConfigError extends Error {
    constructor(readonly policy: string, readonly property: string, readonly value: unknown, problem: string) {
        super(`policy ${policy}: ${property} ${JSON.stringify(value)} ${problem}`);
        this.name = "ConfigError";
    }
}

/** The config schema of a policy: its tunables, each with a JSON-schema `default`. */
export type ConfigProperties = { [key: string]: PolicyConfigJSONSchema };

/** Resolves a policy's config: what the pack's config sets, else each property's schema default. */
export function resolveConfig<C>(properties: ConfigProperties, given: object | undefined): C {
    const out: { [key: string]: unknown } = {};
    for (const [key, schema] of Object.entries(properties)) {
        out[key] = schema.default;
    }
    for (const [key, value] of Object.entries(given ?? {})) {
        if (value !== undefined && key !== "enforcementLevel") {
            out[key] = value;
        }
    }
    return out as C;
}

function schemaOf(properties: ConfigProperties): PolicyConfigSchema {
    return { properties };
}

interface PolicyBase {
    readonly name: string;
    /** The requirement, in one sentence; CrossGuard prints it above each violation's detail. */
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** Tunables; a policy without any has `{}`. Enforcement is set per policy through the pack config. */
    readonly config: ConfigProperties;
}

/** What JSON schema cannot say about a config (a string that must compile as a regular expression): throws ConfigError. */
export type ConfigValidator<C> = (config: C) => void;

/** A policy of this pack: CrossGuard's fields, plus the config check the pack runs at Configure. */
export interface PackPolicyExtras {
    /** Throws ConfigError when the given config (the pack config's properties for this policy) cannot be used. */
    readonly validateConfig?: (given: object | undefined) => void;
}

function configValidator<C>(properties: ConfigProperties, validate: ConfigValidator<C> | undefined): PackPolicyExtras {
    return validate ? { validateConfig: (given) => validate(resolveConfig<C>(properties, given)) } : {};
}

export interface ResourcePolicySpec<C> extends PolicyBase {
    /** Every resource type (including aliases) the check applies to. */
    readonly types: readonly string[];
    /** Returns what is wrong, one sentence per finding; nothing when the resource complies or cannot be judged yet. */
    readonly check: (r: Res, config: C) => string[];
    readonly validateConfig?: ConfigValidator<C>;
}

export type PackResourcePolicy = ResourceValidationPolicy & PackPolicyExtras & { readonly types: readonly string[] };

export function resourcePolicy<C>(spec: ResourcePolicySpec<C>): PackResourcePolicy {
    const types = new Set(spec.types);
    const validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!types.has(args.type)) {
            return;
        }
        const config = resolveConfig<C>(spec.config, args.getConfig<object>());
        const props = obj(plain(args.props)) ?? {};
        const r: Res = {
            type: args.type, name: args.name, urn: args.urn, props,
            region: regionOf(props, providerProps(args.provider)),
            dependsOn: [], propertyDependsOn: {},
        };
        for (const message of spec.check(r, config)) {
            report(message);
        }
    };
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        configSchema: schemaOf(spec.config),
        ...configValidator(spec.config, spec.validateConfig),
        types: spec.types,
        validateResource: spec.types.length === 1 ? ofType(spec.types[0], validateResource) : validateResource,
    };
}

/**
 * Tags a validation with the one type it applies to, as `validateResourceOfType` and
 * `validateStackResourcesOfType` do with a resource class: CrossGuard then skips it for other types (a
 * stack without that type) without deserialising the resource (every resource) for it first
 * (@pulumi/policy server.js, `getPulumiType`), which is most of a policy's cost.
 */
function ofType<F extends object>(type: string, validate: F): F {
    return Object.assign(validate, { __pulumiType: type });
}

/** A stack policy's finding: what is wrong, and the resource it is about. */
export interface Finding {
    readonly message: string;
    readonly urn: string;
}

export interface StackPolicySpec<C> extends PolicyBase {
    /**
     * The type without which the check can find nothing, when there is one (the clusters a policy
     * judges, say). CrossGuard then skips the policy for a stack with no resource of it, without
     * deserialising every resource of the stack for it first (@pulumi/policy server.js, AnalyzeStack).
     */
    readonly onlyWith?: string;
    readonly check: (resources: readonly Res[], config: C) => Finding[];
    readonly validateConfig?: ConfigValidator<C>;
}

export function stackPolicy<C>(spec: StackPolicySpec<C>): StackValidationPolicy & PackPolicyExtras {
    const validateStack = (args: StackValidationArgs, report: ReportViolation) => {
        const config = resolveConfig<C>(spec.config, args.getConfig<object>());
        for (const f of spec.check(stackResources(args.resources), config)) {
            report(f.message, f.urn);
        }
    };
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        configSchema: schemaOf(spec.config),
        ...configValidator(spec.config, spec.validateConfig),
        validateStack: spec.onlyWith ? ofType(spec.onlyWith, validateStack) : validateStack,
    };
}

function providerProps(provider: PolicyProviderResource | undefined): Obj | undefined {
    if (!provider || provider.type !== "pulumi:providers:aws") {
        return undefined;
    }
    return obj(plain(provider.props));
}

/**
 * The stack's resources with parents and dependencies as URNs. Each policy gets its own copies, and
 * most look at a few types only: a resource's plain props (and so its region) are copied when first read.
 */
export function stackResources(resources: readonly PolicyResource[]): Res[] {
    const byUrn = new Map<string, Res>();
    const parents = new Map<string, string>();
    const out = resources.map((pr) => {
        const props = once(() => obj(plain(pr.props)) ?? {});
        const region = once(() => regionOf(props(), providerProps(pr.provider)));
        const propertyDependsOn: { [p: string]: string[] } = {};
        for (const [key, deps] of Object.entries(pr.propertyDependencies ?? {})) {
            propertyDependsOn[key] = (deps ?? []).map((d) => d.urn);
        }
        const r: Res = {
            type: pr.type, name: pr.name, urn: pr.urn,
            get props() {
                return props();
            },
            get region() {
                return region();
            },
            dependsOn: (pr.dependencies ?? []).map((d) => d.urn),
            propertyDependsOn,
        };
        byUrn.set(pr.urn, r);
        if (pr.parent) {
            parents.set(pr.urn, pr.parent.urn);
        }
        return r;
    });
    // Parents are linked after all copies exist; `parent` is read-only to policies.
    for (const r of out) {
        const parent = byUrn.get(parents.get(r.urn) ?? "");
        if (parent) {
            (r as { parent?: Res }).parent = parent;
        }
    }
    return out;
}

/** `compute()`, run on the first call only. */
function once<T>(compute: () => T): () => T {
    let done = false;
    let value: T;
    return () => {
        if (!done) {
            value = compute();
            done = true;
        }
        return value;
    };
}
