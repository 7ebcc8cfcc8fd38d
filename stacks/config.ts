import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { checkRegions, ProviderSettings } from "../components/regions";
import { checkStackConfig } from "../components/schema";
import { ArgumentErrors, show } from "../components/validation";

const NAMESPACE = "aws-containers";

/** The architectures a stack can build; `aws-containers:architecture` picks one (checklist C1 is this choice). */
export const ARCHITECTURE_NAMES = ["registry", "fargate-microservices", "eks-platform", "eks-auto-mode", "sqs-batch", "active-active", "ecr-pull"] as const;
export type ArchitectureName = (typeof ARCHITECTURE_NAMES)[number];

/** What every stack configures, read once from `stacks/Pulumi.<stack>.yaml`. */
export interface StackConfig {
    readonly architecture: ArchitectureName;
    /** Regions this stack runs workloads in (for the registry stack: the regions images replicate to). */
    readonly regions: string[];
    /** The home region: registry source, global-table home, first wave of a rollout. */
    readonly homeRegion: string;
    readonly providers: ProviderSettings;
    /**
     * The name the stacks of one deployment share: the stack's name without its `-<region>` (a
     * per-region stack) or `-<layer>` suffix. Default tags and derived names use it, so splitting a
     * stack into per-region stacks changes no resource's inputs.
     */
    readonly family: string;
    /** For a layered architecture (active-active): "global", "region" or "edge"; unset builds every layer in one stack. */
    readonly layer?: string;
    /** The raw config, for the architecture's own section. */
    readonly config: pulumi.Config;
}

/**
 * The `aws-containers:` keys of the stack's config as written: structured values (YAML maps and lists,
 * which Pulumi passes as JSON) parsed, scalars as the strings Pulumi passes.
 */
function namespaceConfig(): { [key: string]: unknown } {
    const all = pulumi.runtime.allConfig();
    const parsed: { [key: string]: unknown } = {};
    for (const [key, raw] of Object.entries(all)) {
        if (!key.startsWith(`${NAMESPACE}:`)) {
            continue;
        }
        let value: unknown = raw;
        if (/^\s*[[{]/.test(raw)) {
            try {
                value = JSON.parse(raw);
            } catch {
                // Left as the string: the schema reports it is not a map or a list.
            }
        }
        parsed[key] = value;
    }
    return parsed;
}

/**
 * Reads and checks the stack's config before anything is created: every `aws-containers:` key against
 * schemas/stack.schema.json (generated from stacks/sections.ts: unknown keys at any depth, types,
 * enumerations), then what a schema cannot say (regions of the partition, home region among them).
 * Every problem is reported at once; errors name the config key as written, the value and what is allowed.
 */
export function readStackConfig(config = new pulumi.Config()): StackConfig {
    checkProjectConfig(PROJECT_FILE);
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    const values = namespaceConfig();
    checkStackConfig(errors, values);
    const architecture = config.get("architecture");
    // The schema has reported a malformed value already; these reads only pick the values up.
    const parsed = new ArgumentErrors("");
    const regions = readObject<string[]>(config, "regions", parsed) ?? [];
    const providers = readObject<ProviderSettings>(config, "providers", parsed) ?? {};
    if (Array.isArray(regions) && regions.every((r) => typeof r === "string")) {
        checkRegions(errors, "aws-containers:regions", regions, 1, providers.partition);
    }
    const homeRegion = config.get("homeRegion") ?? regions[0];
    // A one-region stack may be one region of a deployment homed elsewhere (shared homeRegion in Pulumi.yaml).
    errors.require(errors.has("aws-containers:regions") || homeRegion !== undefined && Array.isArray(regions) && (regions.includes(homeRegion) || regions.length === 1),
        "aws-containers:homeRegion", `${show(homeRegion ?? "(unset)")} is not one of aws-containers:regions ${show(regions)}`);
    // The schema has checked the layer against LAYERS (stacks/sections.ts names the same values).
    const layer = config.get("layer");
    errors.throwIfAny();
    const family = stackFamily(pulumi.getStack(), regions, layer);
    return {
        architecture: architecture as ArchitectureName, regions, homeRegion: homeRegion!, family, layer,
        providers: { ...providers, stackTag: providers.stackTag ?? family }, config,
    };
}

/** The project's Pulumi.yaml, beside stacks/ (its `main`). */
export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

/**
 * Checks the `aws-containers:` keys of the project-level config in `file` (Pulumi.yaml `config:`, each
 * key's `value:` or `default:`) against the same schema, none of them required. Pulumi passes a program
 * these keys merged with the stack's, so the stack's own check could not say where a bad value is
 * written: this one names the file and the key as written there, and runs first.
 */
export function checkProjectConfig(file: string): void {
    if (!fs.existsSync(file)) {
        return;
    }
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: { [key: string]: unknown } } | undefined;
    const values: { [key: string]: unknown } = {};
    for (const [key, entry] of Object.entries(doc?.config ?? {})) {
        if (!key.startsWith(`${NAMESPACE}:`)) {
            continue;
        }
        const declared = entry !== null && typeof entry === "object" && !Array.isArray(entry);
        const value = declared ? ("value" in entry ? (entry as { value: unknown }).value : (entry as { default?: unknown }).default) : entry;
        if (value !== undefined) {
            values[key] = value;
        }
    }
    const errors = new ArgumentErrors(`${path.basename(file)} project config`);
    checkStackConfig(errors, values, "ProjectConfig");
    errors.throwIfAny();
}

/** The layers of a layered architecture, in deployment order. */
export const LAYERS = ["global", "region", "edge"] as const;

/** `stack` without a `-<region>` suffix (when it runs exactly that region) or a `-global`/`-edge` layer suffix. */
export function stackFamily(stack: string, regions: readonly string[], layer?: string): string {
    const suffix = layer === "global" || layer === "edge" ? `-${layer}` : regions.length === 1 ? `-${regions[0]}` : undefined;
    return suffix && stack.endsWith(suffix) && stack.length > suffix.length ? stack.slice(0, -suffix.length) : stack;
}

/** The name of the stack of `family`'s `part` (a region or a layer), as `pulumi.StackReference` takes it. */
export function siblingStack(cfg: StackConfig, part: string): string {
    return `${pulumi.getOrganization()}/${pulumi.getProject()}/${cfg.family}-${part}`;
}

/** Reads a structured (YAML object or list) config value, recording an error when it is not valid JSON. */
export function readObject<T>(config: pulumi.Config, key: string, errors: ArgumentErrors): T | undefined {
    const raw = config.get(key);
    if (raw === undefined) {
        return undefined;
    }
    try {
        return JSON.parse(raw) as T;
    } catch {
        errors.require(false, `aws-containers:${key}`, `${show(raw)} is not a structured value (a YAML list or map)`);
        return undefined;
    }
}

/** Reads a required structured section and throws a clear error when it is missing or malformed. */
export function requireSection<T>(cfg: StackConfig, key: string): T {
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    const value = readObject<T>(cfg.config, key, errors);
    errors.require(errors.count > 0 || (value !== undefined && typeof value === "object"), `aws-containers:${key}`,
        `is missing; the ${cfg.architecture} architecture needs this section`);
    errors.throwIfAny();
    return value!;
}
