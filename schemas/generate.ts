/**
 * Generates the published JSON Schemas from the TypeScript types (ts-json-schema-generator), so they
 * are never a second hand-kept copy: schemas/stack.schema.json (a whole `Pulumi.<stack>.yaml`, from
 * stacks/sections.ts) and schemas/components.schema.json (every component's arguments, from
 * components/arguments.ts). `npm run schemas` writes them; test/schemas.spec.ts regenerates them in
 * memory and compares. Pulumi `Input<T>` becomes plain `T`: config and YAML hold plain values.
 */
import * as fs from "fs";
import * as path from "path";
import { createGenerator } from "ts-json-schema-generator";

type Schema = { [keyword: string]: any };

export const SCHEMAS_DIR = __dirname;
const ROOT = path.resolve(__dirname, "..");
const NAMESPACE = "aws-containers";

/** The generated files by name. */
export function generateSchemas(): { [file: string]: Schema } {
    const generator = createGenerator({
        path: path.join(ROOT, "{stacks/sections,components/arguments}.ts"),
        tsconfig: path.join(ROOT, "tsconfig.json"),
        skipTypeCheck: true, // tsc checks the types; the generator only reads them
        additionalProperties: false, // unknown keys are errors at every depth
        expose: "export",
        topRef: true,
        sortProps: true,
    });
    const sections = plain(generator.createSchema("StackSections"));
    const components = plain(generator.createSchema("ComponentArguments"));
    return {
        "stack.schema.json": stackFileSchema(sections),
        "components.schema.json": componentsSchema(components),
    };
}

/** A stack file: `config` holds the `aws-containers:` keys of StackSections, and any other namespace's keys. */
function stackFileSchema(generated: Schema): Schema {
    const root = generated.definitions.StackSections;
    const prefixed = (keys: string[]) => keys.map((k) => `${NAMESPACE}:${k}`);
    const config: Schema = {
        type: "object",
        description: `Stack config; keys in the ${NAMESPACE}: namespace are checked, other namespaces (aws:, pulumi:) are the providers' own.`,
        properties: Object.fromEntries(Object.entries(root.properties).map(([k, v]) => [`${NAMESPACE}:${k}`, v])),
        required: prefixed(root.required ?? []),
        patternProperties: { [`^(?!${NAMESPACE}:)`]: {} },
        additionalProperties: false,
    };
    const definitions = { ...generated.definitions };
    delete definitions.StackSections;
    return prune({
        $schema: "http://json-schema.org/draft-07/schema#",
        $id: "https://github.com/aws-containers/aws-containers/schemas/stack.schema.json",
        title: "aws-containers stack file (stacks/Pulumi.<stack>.yaml)",
        description: "Generated from stacks/sections.ts by `npm run schemas`; do not edit.",
        type: "object",
        properties: { config: { $ref: "#/definitions/StackConfig" } },
        // Pulumi.yaml's project-level config: the same keys, none required (each stack file names its own).
        definitions: { StackConfig: config, ProjectConfig: { ...config, required: [], description: `Project-level config (Pulumi.yaml \`config:\`, each key's \`value:\`); keys in the ${NAMESPACE}: namespace are checked as in a stack file.` }, ...definitions },
    }, ["ProjectConfig"]);
}

function componentsSchema(generated: Schema): Schema {
    const root = generated.definitions.ComponentArguments;
    return prune({
        $schema: "http://json-schema.org/draft-07/schema#",
        $id: "https://github.com/aws-containers/aws-containers/schemas/components.schema.json",
        title: "aws-containers component arguments",
        description: "Generated from components/arguments.ts by `npm run schemas`; do not edit. Each property is a component's arguments.",
        ...root,
        definitions: generated.definitions,
    });
}

/** Replaces every `Input<T>` (T, a promise or an Output) by plain T, and Output-only types by nothing. */
function plain(schema: Schema): Schema {
    const defs: Schema = schema.definitions;
    const isLifted = (s: Schema) => s.description === "Failed to correctly infer type" && Object.keys(s).length === 1
        || typeof s.$ref === "string" && /^#\/definitions\/(OutputInstance|Promise)/.test(decodeURIComponent(s.$ref));
    const visit = (s: any): any => {
        if (Array.isArray(s)) {
            return s.map(visit);
        }
        if (typeof s !== "object" || s === null) {
            return s;
        }
        let out: Schema = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, visit(v)]));
        if (Array.isArray(out.anyOf)) {
            const kept = out.anyOf.filter((b: Schema) => !isLifted(b));
            if (kept.length !== out.anyOf.length) {
                const { anyOf: _a, ...rest } = out;
                out = kept.length === 1 ? { ...kept[0], ...rest } : { ...rest, anyOf: kept };
            }
        }
        // An `Input<T>` definition stands for T: refer to T directly.
        if (typeof out.$ref === "string") {
            const name = decodeURIComponent(out.$ref.slice("#/definitions/".length));
            if (/^Input</.test(name) && defs[name]) {
                const { $ref: _r, ...rest } = out;
                return { ...visit(defs[name]), ...rest, description: rest.description };
            }
        }
        return out;
    };
    const definitions = Object.fromEntries(Object.entries(defs)
        .filter(([name]) => !/^(Input|OutputInstance|Promise)</.test(name))
        .map(([name, d]) => [name, visit(d)]));
    return { ...schema, definitions };
}

/** Drops the definitions nothing refers to, and the undefined descriptions `plain` leaves behind. */
/** `schema` without the definitions nothing reaches from its root or from the definitions `keep`. */
function prune(schema: Schema, keep: string[] = []): Schema {
    const used = new Set<string>();
    const walk = (s: any) => {
        if (typeof s !== "object" || s === null) {
            return;
        }
        for (const [k, v] of Object.entries(s)) {
            if (k === "$ref" && typeof v === "string") {
                const name = decodeURIComponent(v.slice("#/definitions/".length));
                if (!used.has(name)) {
                    used.add(name);
                    walk(schema.definitions[name]);
                }
            } else if (k !== "definitions") {
                walk(v);
            }
        }
    };
    walk(schema);
    for (const name of keep) {
        used.add(name);
        walk(schema.definitions[name]);
    }
    const definitions = Object.fromEntries(Object.entries(schema.definitions).filter(([n]) => used.has(n)));
    return JSON.parse(JSON.stringify({ ...schema, definitions }));
}

/** Writes the files; `npm run schemas`. */
export function writeSchemas(dir = SCHEMAS_DIR): string[] {
    return Object.entries(generateSchemas()).map(([file, schema]) => {
        const target = path.join(dir, file);
        fs.writeFileSync(target, JSON.stringify(schema, null, 2) + "\n");
        return target;
    });
}

if (require.main === module) {
    for (const file of writeSchemas()) {
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
}
