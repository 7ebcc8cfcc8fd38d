import * as assert from "node:assert/strict";
import {
    PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";

/**
 * Runs exported policies the way the pack's analyzer server does (node_modules/@pulumi/policy/server.js,
 * `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun`): props and provider props wrapped in the real
 * `unknownCheckingProxy`, the same args object, and the same handling of what a policy throws.
 * CrossGuard turns an `UnknownValueError` into an advisory "can't run during preview" and a
 * `notApplicable` call into a not-applicable record; anything else fails the whole analysis.
 */

// Internal to @pulumi/policy (its .d.ts hides them), but the very module server.js uses.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(o: T): T;
    UnknownValueError: new (...args: unknown[]) => Error;
    unknownStringValue: string; unknownNumberValue: string; unknownBooleanValue: string;
    unknownArrayValue: string; unknownObjectValue: string;
};

export const UNKNOWN = {
    string: proxy.unknownStringValue, number: proxy.unknownNumberValue, boolean: proxy.unknownBooleanValue,
    array: proxy.unknownArrayValue, object: proxy.unknownObjectValue,
};

/** A resource as a test describes it; `region` gives it an explicit AWS provider in that region. */
export interface TestResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, any>;
    readonly region?: string;
    readonly parent?: string;
    readonly dependencies?: string[];
    readonly propertyDependencies?: Record<string, string[]>;
}

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::aws-containers::${type}::${name}`;
}

export interface Outcome {
    /** Violation messages (the detail passed to reportViolation). */
    readonly messages: string[];
    /** URNs the violations were reported against (stack policies). */
    readonly urns: (string | undefined)[];
    /** UnknownValueErrors CrossGuard would have turned into "can't run during preview" advisories. */
    readonly unknownErrors: number;
    readonly notApplicable: number;
}

class NotApplicable extends Error {}

function provider(r: TestResource) {
    return r.region === undefined ? undefined : {
        type: "pulumi:providers:aws",
        props: proxy.unknownCheckingProxy({ region: r.region }),
        urn: urnOf("pulumi:providers:aws", `aws-${r.region}`),
        name: `aws-${r.region}`,
    };
}

function options(r: TestResource) {
    return {
        protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

function isType(type: string) {
    return (cls: any) => (cls as { __pulumiType?: string }).__pulumiType === type;
}

async function guarded(run: () => unknown, outcome: { unknownErrors: number; notApplicable: number }): Promise<void> {
    try {
        await Promise.resolve(run());
    } catch (e) {
        if (e instanceof proxy.UnknownValueError) {
            outcome.unknownErrors++;
        } else if (e instanceof NotApplicable) {
            outcome.notApplicable++;
        } else {
            throw e;
        }
    }
}

/** Runs one resource policy on one resource, with the pack config `config` for that policy. */
export async function validateResource(policy: ResourceValidationPolicy, r: TestResource, config: object = {}): Promise<Outcome> {
    const outcome = { messages: [] as string[], urns: [] as (string | undefined)[], unknownErrors: 0, notApplicable: 0 };
    const report: ReportViolation = (message, urn) => {
        outcome.messages.push(message);
        outcome.urns.push(urn);
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const validation of validations) {
        const props = proxy.unknownCheckingProxy(structuredClone(r.props));
        const args: ResourceValidationArgs = {
            type: r.type, props, urn: urnOf(r.type, r.name), name: r.name, opts: options(r),
            stackTags: new Map(),
            isType: isType(r.type),
            asType: ((cls: any) => (isType(r.type)(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
            getConfig: <T extends object>() => config as T,
            notApplicable: (reason?: string): never => {
                throw new NotApplicable(reason);
            },
        };
        const p = provider(r);
        if (p) {
            args.provider = p;
        }
        await guarded(() => validation(args, report), outcome);
    }
    return outcome;
}

/** The one type a validation is tagged with (`__pulumiType`), as @pulumi/policy's `getPulumiType` reads it. */
export function taggedType(validation: unknown): string | undefined {
    const type = (validation as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof type === "string" && type.length > 0 ? type : undefined;
}

/**
 * Runs one stack policy over `resources`, linking parents and dependencies by URN as the server does.
 * As the server does too, a policy tagged with a type is not applicable to a stack without it and is
 * not run, unless `skipByType` is false (to show what it would find).
 */
export async function validateStack(policy: StackValidationPolicy, resources: TestResource[], config: object = {},
    skipByType = true): Promise<Outcome> {
    const outcome = { messages: [] as string[], urns: [] as (string | undefined)[], unknownErrors: 0, notApplicable: 0 };
    const only = taggedType(policy.validateStack);
    if (skipByType && only !== undefined && !resources.some((r) => r.type === only)) {
        outcome.notApplicable++;
        return outcome;
    }
    const byUrn = new Map<string, PolicyResource>();
    const built = resources.map((r) => {
        const props = proxy.unknownCheckingProxy(structuredClone(r.props));
        const pr: PolicyResource = {
            type: r.type, props, urn: urnOf(r.type, r.name), name: r.name, opts: options(r),
            dependencies: [], propertyDependencies: {},
            isType: isType(r.type),
            asType: ((cls: any) => (isType(r.type)(cls) ? props : undefined)) as PolicyResource["asType"],
        };
        const p = provider(r);
        if (p) {
            pr.provider = p;
        }
        byUrn.set(pr.urn, pr);
        return { r, pr };
    });
    for (const { r, pr } of built) {
        const find = (urn: string) => byUrn.get(urn);
        pr.parent = r.parent ? find(r.parent) : undefined;
        pr.dependencies = (r.dependencies ?? []).map(find).filter((d): d is PolicyResource => d !== undefined);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
            pr.propertyDependencies[k] = urns.map(find).filter((d): d is PolicyResource => d !== undefined);
        }
    }
    // Explicit providers are resources of the stack too.
    const providers = new Map<string, PolicyResource>();
    for (const { pr } of built) {
        if (pr.provider && !providers.has(pr.provider.urn)) {
            providers.set(pr.provider.urn, {
                type: pr.provider.type, props: pr.provider.props, urn: pr.provider.urn, name: pr.provider.name,
                opts: options({ type: "", name: "", props: {} }), dependencies: [], propertyDependencies: {},
                isType: isType(pr.provider.type), asType: (() => undefined) as PolicyResource["asType"],
            });
        }
    }
    const args: StackValidationArgs = {
        resources: [...providers.values(), ...built.map((b) => b.pr)],
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const report: ReportViolation = (message, urn) => {
        outcome.messages.push(message);
        outcome.urns.push(urn);
    };
    await guarded(() => policy.validateStack(args, report), outcome);
    return outcome;
}

/** A deep copy of `r` with the value at `path` ("props.vpcConfig.endpointPublicAccess") replaced; `undefined` removes it. */
export function variant(r: TestResource, path: string, value: unknown): TestResource {
    const copy = structuredClone(r) as any;
    const keys = path.split(".");
    let cur = copy;
    for (const k of keys.slice(0, -1)) {
        cur[k] = cur[k] ?? {};
        cur = cur[k];
    }
    const last = keys[keys.length - 1];
    if (value === undefined) {
        delete cur[last];
    } else {
        cur[last] = structuredClone(value);
    }
    return copy as TestResource;
}

/** Asserts that `policy` reports exactly `expected` for `r` (and never trips over an unknown). */
export async function expectResource(policy: ResourceValidationPolicy, r: TestResource, expected: string[], config: object = {}): Promise<void> {
    const outcome = await validateResource(policy, r, config);
    assert.deepEqual(outcome.messages, expected);
    assert.deepEqual(outcome.unknownErrors, 0);
}

/** Asserts that `policy` reports exactly `expected` over `resources`, as [urn of resource name, message] pairs. */
export async function expectStack(policy: StackValidationPolicy, resources: TestResource[], expected: [string, string][], config: object = {}): Promise<void> {
    const outcome = await validateStack(policy, resources, config);
    const names = new Map(resources.map((r) => [urnOf(r.type, r.name), r.name]));
    assert.deepEqual(outcome.messages.map((m, i) => [names.get(outcome.urns[i] ?? "") ?? String(outcome.urns[i]), m]), expected);
    assert.deepEqual(outcome.unknownErrors, 0);
}
