import * as pulumi from "@pulumi/pulumi";
import { checkRegions, ProviderSettings } from "../components/regions";
import { ArgumentErrors, show } from "../components/validation";

/** The architectures a stack can build; `aws-containers:architecture` picks one (checklist C1 is this choice). */
export const ARCHITECTURE_NAMES = ["registry", "fargate-microservices", "eks-platform", "eks-auto-mode", "sqs-batch", "active-active"] as const;
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

/** Reads and checks the shared keys; errors name the config key, the value and what is allowed. */
export function readStackConfig(config = new pulumi.Config()): StackConfig {
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    const architecture = config.get("architecture");
    errors.require(architecture !== undefined && (ARCHITECTURE_NAMES as readonly string[]).includes(architecture),
        "aws-containers:architecture", `${show(architecture ?? "(unset)")} is not an architecture; allowed: ${ARCHITECTURE_NAMES.join(", ")}`);
    const regions = readObject<string[]>(config, "regions", errors) ?? [];
    errors.require(Array.isArray(regions) && regions.every((r) => typeof r === "string"), "aws-containers:regions",
        `${show(regions)} is not a list of region names`);
    if (Array.isArray(regions)) {
        checkRegions(errors, "aws-containers:regions", regions);
    }
    const homeRegion = config.get("homeRegion") ?? regions[0];
    // A one-region stack may be one region of a deployment homed elsewhere (shared homeRegion in Pulumi.yaml).
    errors.require(homeRegion !== undefined && (regions.includes(homeRegion) || regions.length === 1), "aws-containers:homeRegion",
        `${show(homeRegion ?? "(unset)")} is not one of aws-containers:regions ${show(regions)}`);
    const layer = config.get("layer");
    errors.require(layer === undefined || (LAYERS as readonly string[]).includes(layer), "aws-containers:layer",
        `${show(layer)} is not a layer; allowed: ${LAYERS.join(", ")} (or unset for one stack with every layer)`);
    const providers = readObject<ProviderSettings>(config, "providers", errors) ?? {};
    errors.throwIfAny();
    const family = stackFamily(pulumi.getStack(), regions, layer);
    return {
        architecture: architecture as ArchitectureName, regions, homeRegion: homeRegion!, family, layer,
        providers: { ...providers, stackTag: providers.stackTag ?? family }, config,
    };
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
