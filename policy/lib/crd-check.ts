/**
 * Custom resources against their CRDs, as the API server would judge them on create: the version's
 * openAPIV3Schema (ajv; unknown fields rejected, as `kubectl --validate=strict` and server-side field
 * validation do) and its CEL `x-kubernetes-validations` (@marcbachmann/cel-js, with the Kubernetes string
 * extension `find` registered). Transition rules (those reading `oldSelf`) only apply to updates and are
 * skipped; a rule the evaluator cannot run is counted, not passed.
 */
import type AjvType from "ajv";
import { CRDS } from "./data/crds";

/** Pulumi types of the custom resources whose CRDs the pack carries. */
export const CHECKED_CR_TYPES = Object.keys(CRDS);

/** How many CEL rules were evaluated across all checks, and how many could not be. */
export const CEL_STATS = { evaluated: 0, failed: 0, transitionSkipped: 0, unsupported: 0, unsupportedRules: new Set<string>() };

// Loaded on first use, so a pack run without custom resources does not pay for the evaluator.
let celEnv: any;
function env(): any {
    if (!celEnv) {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const cel = require("@marcbachmann/cel-js");
        celEnv = new cel.Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
        celEnv.registerFunction("string.find(string): string", (s: string, re: string) => new RegExp(re).exec(s)?.[0] ?? "");
    }
    return celEnv;
}

/** The schema with unknown fields closed where Kubernetes would prune or reject them. */
function closed(schema: any): any {
    if (Array.isArray(schema)) return schema.map(closed);
    if (typeof schema !== "object" || schema === null) return schema;
    const out: any = {};
    for (const [k, v] of Object.entries(schema)) {
        if (!k.startsWith("x-kubernetes-")) out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
    }
    if (schema.properties && schema.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
        out.additionalProperties = false;
    }
    return out;
}

const validators = new Map<string, { validate: any; schema: any }>();
function crd(type: string): { validate: any; schema: any } {
    if (!validators.has(type)) {
        const schema = (CRDS[type] as any).spec.versions[0].schema.openAPIV3Schema;
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const Ajv = require("ajv").default as typeof AjvType;
        const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
        validators.set(type, { validate: ajv.compile(closed(schema)), schema });
    }
    return validators.get(type)!;
}

function celValue(v: unknown): unknown {
    if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
    if (Array.isArray(v)) return v.map(celValue);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, celValue(x)]));
    return v;
}

function celProblems(schema: any, value: unknown, where: string): string[] {
    if (value === undefined || schema === undefined) return [];
    const problems: string[] = [];
    for (const rule of schema["x-kubernetes-validations"] ?? []) {
        if (/\boldSelf\b/.test(rule.rule)) {
            CEL_STATS.transitionSkipped++;
            continue;
        }
        try {
            const ok = env().evaluate(rule.rule, { self: celValue(value) });
            CEL_STATS.evaluated++;
            if (ok !== true) {
                CEL_STATS.failed++;
                problems.push(`${where}: ${rule.message ?? rule.rule}`);
            }
        } catch (err) {
            CEL_STATS.unsupported++;
            CEL_STATS.unsupportedRules.add(`${rule.rule} (${String((err as Error).message).split("\n")[0]})`);
        }
    }
    if (Array.isArray(value) && schema.items) {
        value.forEach((v, i) => problems.push(...celProblems(schema.items, v, `${where}[${i}]`)));
    } else if (value && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) {
            const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
            problems.push(...celProblems(sub, v, `${where}.${k}`));
        }
    }
    return problems;
}

/** A custom resource's problems against its CRD; types without a vendored CRD are not checked. */
export function customResourceProblems(type: string, name: string, object: { apiVersion?: string; kind?: string; metadata?: unknown; spec?: unknown }): string[] {
    if (!CRDS[type]) return [];
    const { validate, schema } = crd(type);
    const doc = { apiVersion: object.apiVersion, kind: object.kind, metadata: object.metadata ?? {}, spec: object.spec };
    const problems: string[] = [];
    if (!validate(doc)) {
        problems.push(...(validate.errors ?? []).map((e: any) => `${name}${e.instancePath}: ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`));
    }
    problems.push(...celProblems(schema, doc, name));
    return problems;
}
