/**
 * A pack's policy config: read from `--policy-config FILE`, then reconciled with what the pack says of
 * itself into what `Configure` sends, as the engine does.
 */
import * as fs from "fs";
import { PlanInputError } from "../plan-error";
import { AnalyzerInfo, ENFORCEMENT_LEVELS, EnforcementLevel, PolicyConfigEntry, PolicyPackConfig } from "./types";

/**
 * Policy pack config as `pulumi preview --policy-pack-config FILE` reads it: a JSON object from policy
 * name (or "all") to an enforcement level string, or to an object of properties that may include
 * `enforcementLevel`.
 */
export function loadPolicyConfig(file: string): PolicyPackConfig {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`--policy-config ${file} is not a readable JSON file: ${(err as Error).message}`);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        throw new PlanInputError(`--policy-config ${file} must be a JSON object of policy name → level or settings`);
    }
    const config: PolicyPackConfig = {};
    for (const [policy, value] of Object.entries(doc)) {
        const where = `--policy-config ${file}: "${policy}"`;
        if (typeof value === "string") {
            config[policy] = { enforcementLevel: checkLevel(value, where) };
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as { [key: string]: unknown };
            config[policy] = {
                enforcementLevel: enforcementLevel === undefined ? undefined : checkLevel(enforcementLevel, where),
                properties,
            };
        } else {
            throw new PlanInputError(`${where}: ${JSON.stringify(value)} is not valid; give an enforcement level or an object`);
        }
    }
    return config;
}

function checkLevel(level: unknown, where: string): EnforcementLevel {
    if (typeof level !== "string" || !(ENFORCEMENT_LEVELS as readonly string[]).includes(level)) {
        throw new PlanInputError(`${where}: enforcement level ${JSON.stringify(level)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    return level as EnforcementLevel;
}

/**
 * The config the engine sends in `Configure` (pulumi `ReconcilePolicyPackConfig`): every policy with its
 * schema defaults and own level, then the pack's initial config, then the user's; checked against each
 * policy's config schema. A name that is no policy of the pack is reported rather than ignored.
 */
export function reconcilePolicyConfig(info: AnalyzerInfo, user: PolicyPackConfig = {}): PolicyPackConfig {
    const known = new Set(info.policies.map((p) => p.name));
    const unknown = Object.keys(user).filter((name) => name !== "all" && !known.has(name));
    if (unknown.length > 0) {
        throw new PlanInputError(`policy config names ${unknown.map((n) => `"${n}"`).join(", ")}, not a policy of pack ` +
            `${info.name}; its policies: ${[...known].sort().join(", ")}`);
    }
    let result: PolicyPackConfig = {};
    for (const p of info.policies) {
        const defaults = Object.entries(p.configSchema?.properties ?? {}).filter(([, schema]) => schema && "default" in schema);
        result[p.name] = {
            enforcementLevel: p.enforcementLevel,
            properties: defaults.length > 0 ? Object.fromEntries(defaults.map(([k, schema]) => [k, schema.default])) : undefined,
        };
    }
    result = apply(result, info.initialConfig);
    result = apply(result, user);
    const errors = info.policies.flatMap((p) => schemaErrors(p.configSchema, result[p.name]?.properties ?? {}).map((e) => `${p.name}: ${e}`));
    if (errors.length > 0) {
        throw new PlanInputError(`policy config does not match the pack's config schema:\n  ${errors.join("\n  ")}`);
    }
    return result;
}

function apply(result: PolicyPackConfig, given: PolicyPackConfig): PolicyPackConfig {
    const out: PolicyPackConfig = { ...result };
    const all = given.all?.enforcementLevel;
    if (all) {
        for (const [name, entry] of Object.entries(out)) {
            out[name] = { ...entry, enforcementLevel: all };
        }
    }
    for (const [name, entry] of Object.entries(given).filter(([n]) => n !== "all")) {
        const before: PolicyConfigEntry = out[name] ?? {};
        out[name] = {
            enforcementLevel: entry.enforcementLevel ?? before.enforcementLevel,
            properties: entry.properties && Object.keys(entry.properties).length > 0
                ? { ...before.properties, ...entry.properties } : before.properties,
        };
    }
    return out;
}

const JSON_TYPES: { [type: string]: (v: unknown) => boolean } = {
    string: (v) => typeof v === "string",
    number: (v) => typeof v === "number",
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === "boolean",
    array: (v) => Array.isArray(v),
    object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
    null: (v) => v === null,
};

/** The parts of JSON schema that policy config schemas use: required, type, enum (top level). */
function schemaErrors(schema: AnalyzerInfo["policies"][number]["configSchema"], props: { [key: string]: unknown }): string[] {
    if (!schema) {
        return [];
    }
    const errors = schema.required.filter((key) => props[key] === undefined).map((key) => `${key} is required`);
    for (const [key, value] of Object.entries(props)) {
        const rule = schema.properties[key];
        const types: string[] = rule?.type === undefined ? [] : [rule.type].flat();
        if (types.length > 0 && !types.some((t) => JSON_TYPES[t]?.(value))) {
            errors.push(`${key}: ${JSON.stringify(value)} is not of type ${types.join(" or ")}`);
        }
        if (Array.isArray(rule?.enum) && !rule.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
            errors.push(`${key}: ${JSON.stringify(value)} is not one of ${JSON.stringify(rule.enum)}`);
        }
    }
    return errors;
}
