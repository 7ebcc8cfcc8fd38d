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
 * Loads `Pulumi.<stack>.yaml` from `dir` into the flat map the Pulumi runtime uses: `project:key` →
 * string, with structured values as JSON, as `pulumi config` passes them to a program.
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
    const flat: { [key: string]: string } = {};
    for (const [rawKey, value] of Object.entries(config)) {
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            throw new PlanInputError(`${file}: ${rawKey} is an encrypted secret; the offline plan cannot decrypt it, give a plain placeholder`);
        }
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return flat;
}
