/**
 * Checks values against the generated JSON Schemas in schemas/ (`npm run schemas`, from the TypeScript
 * types): stack config with ajv (types, enumerations, unknown keys at every depth), component arguments
 * for unknown keys only, since they may hold Outputs and the components' resolvers check the values.
 * Unknown keys name the key that was probably meant (fastest-levenshtein), or the 0.2 name of a 0.1 key.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { closest, distance } from "fastest-levenshtein";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ComponentName } from "./arguments";
import { ArgumentErrors, RENAMED_IN_0_2, show } from "./validation";

type Schema = { [keyword: string]: any };

/** The folder of the published schemas: schemas/ at the package root, from the sources and from bin/. */
function schemasDir(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "schemas");
        if (fs.existsSync(path.join(candidate, "stack.schema.json"))) {
            return candidate;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`aws-containers: schemas/stack.schema.json not found above ${__dirname}; reinstall the package`);
        }
    }
}

const loaded = new Map<string, Schema>();
export function loadSchema(file: "stack.schema.json" | "components.schema.json"): Schema {
    let schema = loaded.get(file);
    if (!schema) {
        schema = JSON.parse(fs.readFileSync(path.join(schemasDir(), file), "utf8")) as Schema;
        loaded.set(file, schema);
    }
    return schema;
}

/**
 * Why `key` is refused where `allowed` are the keys: its 0.2 name when it is a 0.1 name, else the
 * closest allowed key when it is near enough to be a typo, else the list of allowed keys.
 */
export function unknownKeyReason(key: string, allowed: readonly string[]): string {
    const renamed = RENAMED_IN_0_2[key];
    if (renamed !== undefined && allowed.includes(renamed)) {
        return `was renamed to ${renamed} in 0.2; write ${renamed} instead (see CHANGELOG.md)`;
    }
    const near = allowed.length > 0 ? closest(key, allowed as string[]) : undefined;
    if (near !== undefined && (distance(key.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(key.length / 4)))) {
        return `is not a known key; did you mean ${show(near)}?`;
    }
    return `is not a known key; allowed: ${[...allowed].sort().join(", ")}`;
}

/** `a.b[0].c` from a JSON pointer `/a/b/0/c`, under `prefix`. */
function pathOf(prefix: string, pointer: string): string {
    return pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
        .reduce((acc, part) => /^\d+$/.test(part) ? `${acc}[${part}]` : acc === "" ? part : `${acc}.${part}`, prefix);
}

function join(parent: string, key: string): string {
    return parent === "" ? key : `${parent}.${key}`;
}

const compiled = new Map<string, ValidateFunction>();

/** Validates `value` against the stack file's definition `definition`, recording every problem in `errors`. */
export function checkStackConfig(errors: ArgumentErrors, value: unknown, definition = "StackConfig", prefix = ""): void {
    let validate = compiled.get(definition);
    if (!validate) {
        const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
        ajv.addSchema(loadSchema("stack.schema.json"), "stack");
        validate = ajv.getSchema(`stack#/definitions/${definition}`)!;
        compiled.set(definition, validate);
    }
    if (validate(value)) {
        return;
    }
    const all = validate.errors ?? [];
    // A value that fits no branch of an anyOf is reported once, not once per branch.
    const unions = all.filter((e) => e.keyword === "anyOf").map((e) => e.schemaPath);
    for (const e of all) {
        if (unions.some((u) => e.schemaPath !== u && e.schemaPath.startsWith(u.replace(/\/anyOf$/, "/anyOf/")))) {
            continue;
        }
        const at = pathOf(prefix, e.instancePath);
        const [where, reason] = describe(e, at);
        errors.require(false, where, reason);
    }
}

function describe(e: ErrorObject, at: string): [string, string] {
    const params = e.params as any;
    switch (e.keyword) {
        case "additionalProperties": {
            const allowed = Object.keys((e.parentSchema as Schema)?.properties ?? {});
            return [join(at, params.additionalProperty), unknownKeyReason(params.additionalProperty, allowed)];
        }
        case "required":
            return [join(at, params.missingProperty), "is missing"];
        case "enum":
            return [at, `${show(e.data)} is not allowed; allowed: ${(params.allowedValues as unknown[]).map(show).join(", ")}`];
        case "type":
            return [at, `${show(e.data)} is not ${article(params.type)}`];
        case "anyOf":
            return [at, `${show(e.data)} matches none of the allowed forms`];
        default:
            return [at, `${show(e.data)} ${e.message}`];
    }
}

function article(type: string): string {
    const names: { [t: string]: string } = { string: "a string", number: "a number", integer: "a whole number", boolean: "true or false", object: "a map", array: "a list" };
    return String(type).split(",").map((t) => names[t] ?? t).join(" or ");
}

/**
 * Records every key of `args` (at any depth) that component `component`'s arguments do not have, at its
 * path under `prefix`. Outputs, promises and resources are not looked into; their values are the
 * component's to check. A path that already has an error (e.g. a 0.1 name) is not reported twice.
 */
export function checkArgumentKeys(errors: ArgumentErrors, component: ComponentName, args: unknown, prefix = ""): void {
    const schema = loadSchema("components.schema.json");
    walkKeys(errors, schema, schema.properties[component], args, prefix);
}

function resolveRef(root: Schema, s: Schema): Schema {
    while (s && typeof s.$ref === "string") {
        s = root.definitions[decodeURIComponent(s.$ref.slice("#/definitions/".length))];
    }
    return s;
}

function walkKeys(errors: ArgumentErrors, root: Schema, schema: Schema | undefined, value: unknown, at: string): void {
    const s = schema && resolveRef(root, schema);
    if (!s || typeof value !== "object" || value === null || pulumi.Output.isInstance(value) || value instanceof Promise
        || pulumi.Resource.isInstance(value)) {
        return;
    }
    if (Array.isArray(s.anyOf)) {
        const branch = s.anyOf.map((b: Schema) => resolveRef(root, b))
            .find((b: Schema) => Array.isArray(value) ? b.type === "array" : b.type === "object");
        walkKeys(errors, root, branch, value, at);
        return;
    }
    if (Array.isArray(value)) {
        if (s.type === "array" && s.items && !Array.isArray(s.items)) {
            value.forEach((item, i) => walkKeys(errors, root, s.items, item, `${at}[${i}]`));
        }
        return;
    }
    if (s.type !== "object") {
        return;
    }
    const properties: Schema = s.properties ?? {};
    for (const [key, v] of Object.entries(value)) {
        const where = join(at, key);
        if (key in properties) {
            walkKeys(errors, root, properties[key], v, where);
        } else if (typeof s.additionalProperties === "object") {
            walkKeys(errors, root, s.additionalProperties, v, where);
        } else if (s.additionalProperties === false && !errors.has(where)) {
            errors.require(false, where, unknownKeyReason(key, Object.keys(properties)));
        }
    }
}
