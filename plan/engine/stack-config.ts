/** A Pulumi project's files as the plan reads them: the project name, its stacks, a stack's config. */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { PlanInputError } from "../plan-error";

/** Reads `name:` from a Pulumi.yaml. */
export function readProjectName(projectDir: string): string {
    const file = path.join(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new PlanInputError(`${file} does not exist: --program must name a folder with a Pulumi.yaml`);
    }
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { name?: unknown } | undefined;
    if (!doc || typeof doc.name !== "string") {
        throw new PlanInputError(`${file} has no project name (name: ...)`);
    }
    return doc.name;
}

/** The stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
    return fs.readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The project-level config of the nearest Pulumi.yaml at or above `dir` (Pulumi v3.44+), flattened like
 * a stack's: a key's `value:` (or, for the project's own keys, its `default:`), or the value itself
 * when it is not a map (a map there declares a key's type, not its value).
 */
export function loadProjectConfig(dir: string, project: string): { [key: string]: string } {
    let at = path.resolve(dir);
    while (!fs.existsSync(path.join(at, "Pulumi.yaml")) && path.dirname(at) !== at) {
        at = path.dirname(at);
    }
    const file = path.join(at, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        return {};
    }
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: unknown } | undefined;
    const config = doc?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new PlanInputError(`${file}: "config" must be a map of keys to values`);
    }
    const flat: { [key: string]: string } = {};
    for (const [rawKey, entry] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const declared = entry !== null && typeof entry === "object" && !Array.isArray(entry);
        const value = declared ? ("value" in entry ? (entry as { value: unknown }).value : (entry as { default?: unknown }).default) : entry;
        if (value === undefined) {
            continue;
        }
        flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return flat;
}

/**
 * Loads `Pulumi.<stack>.yaml` from `dir` over the project-level config into the flat map the Pulumi
 * runtime uses: `project:key` → string, with structured values as JSON, as `pulumi config` passes them
 * to a program. A key the stack sets replaces the project's key whole, as Pulumi merges them
 * (pulumi/pulumi#17948: structured project values are not deep-merged).
 */
export function loadStackConfig(dir: string, stack: string, project: string): { [key: string]: string } {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs.existsSync(dir) ? listStacks(dir) : [];
        throw new PlanInputError(`unknown stack "${stack}": ${file} does not exist; stacks here: ${known.join(", ") || "(none)"}`);
    }
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanInputError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    const config = (doc as { config?: unknown } | undefined)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new PlanInputError(`${file}: "config" must be a map of keys to values`);
    }
    const flat: { [key: string]: string } = loadProjectConfig(dir, project);
    for (const [rawKey, value] of Object.entries(config)) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            throw new PlanInputError(`${file}: ${rawKey} is an encrypted secret; the offline plan cannot decrypt it, give a plain placeholder`);
        }
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return flat;
}
