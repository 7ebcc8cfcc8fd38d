import * as pulumi from "@pulumi/pulumi";
import { checkRegions, ProviderSettings } from "../components/regions";
import { ArgumentErrors, show } from "../components/validation";

/** The architectures a stack can build; `aws-containers:architecture` picks one (checklist C1 is this choice). */
export const ARCHITECTURE_NAMES = ["registry", "fargate-microservices", "eks-platform", "sqs-batch", "active-active", "ecr-pull"] as const;
export type ArchitectureName = (typeof ARCHITECTURE_NAMES)[number];

/** What every stack configures, read once from `stacks/Pulumi.<stack>.yaml`. */
export interface StackConfig {
    readonly architecture: ArchitectureName;
    /** Regions this stack runs workloads in (for the registry stack: the regions images replicate to). */
    readonly regions: string[];
    /** The home region: registry source, global-table home, first wave of a rollout. */
    readonly homeRegion: string;
    readonly providers: ProviderSettings;
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
    errors.require(homeRegion !== undefined && regions.includes(homeRegion), "aws-containers:homeRegion",
        `${show(homeRegion ?? "(unset)")} is not one of aws-containers:regions ${show(regions)}`);
    const providers = readObject<ProviderSettings>(config, "providers", errors) ?? {};
    errors.throwIfAny();
    return { architecture: architecture as ArchitectureName, regions, homeRegion: homeRegion!, providers, config };
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
