import * as pulumi from "@pulumi/pulumi";

/**
 * Collects argument errors for one component so that all of them are reported together, before any
 * child resource exists. Each reason names the property, the bad value and what is allowed.
 */
export class ArgumentErrors {
    private readonly errors: pulumi.InputPropertyErrorDetails[] = [];

    constructor(private readonly component: string) {}

    /** Records an error at `propertyPath` unless `ok` holds. */
    require(ok: boolean, propertyPath: string, reason: string): void {
        if (!ok && !this.errors.some((e) => e.propertyPath === propertyPath && e.reason === `${propertyPath}: ${reason}`)) {
            this.errors.push({ propertyPath, reason: `${propertyPath}: ${reason}` });
        }
    }

    /**
     * Runs another component's resolver (which throws an `InputPropertiesError`) and records its errors
     * here under `prefix` (or the path `prefix` maps to; undefined skips the error), so a composite
     * component reports them at its own argument paths.
     */
    absorb<T>(prefix: string | ((path: string) => string | undefined), resolve: () => T): T | undefined {
        try {
            return resolve();
        } catch (err) {
            const inner = (err as { errors?: pulumi.InputPropertyErrorDetails[] }).errors;
            if (!Array.isArray(inner)) {
                throw err;
            }
            for (const e of inner) {
                const reason = e.reason.startsWith(`${e.propertyPath}: `) ? e.reason.slice(e.propertyPath.length + 2) : e.reason;
                const path = typeof prefix === "string" ? `${prefix}${e.propertyPath}` : prefix(e.propertyPath);
                if (path !== undefined) {
                    this.require(false, path, reason);
                }
            }
            return undefined;
        }
    }

    /** True when an error is recorded at `propertyPath`. */
    has(propertyPath: string): boolean {
        return this.errors.some((e) => e.propertyPath === propertyPath);
    }

    get count(): number {
        return this.errors.length;
    }

    /** Throws one `InputPropertiesError` listing every recorded error; does nothing when there are none. */
    throwIfAny(): void {
        if (this.errors.length === 0) {
            return;
        }
        const lines = this.errors.map((e) => `  - ${e.reason}`).join("\n");
        throw new pulumi.InputPropertiesError({
            message: `${this.component} has invalid arguments:\n${lines}`,
            errors: this.errors,
        });
    }
}

/** Formats a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
    return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/** True for a plain value that is known now (not an Output or a Promise). */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
    return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Names of values that occur more than once, in first-seen order. */
export function duplicates(values: readonly string[]): string[] {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const v of values) {
        (seen.has(v) ? dup : seen).add(v);
    }
    return [...dup];
}

/**
 * Every argument and config key renamed in 0.2 (CHANGELOG.md), old name to new. An unknown key that is
 * an old name is refused with its new name wherever the new name is a key of the same object.
 */
export const RENAMED_IN_0_2: { readonly [old: string]: string } = {
    imageTag: "tag", desiredCount: "desiredCapacity", desiredSize: "desiredCapacity", subnetIds: "privateSubnetIds",
    architecture: "cpuArchitecture", nodeArchitecture: "cpuArchitecture", architectures: "cpuArchitectures",
    minSize: "minCapacity", maxSize: "maxCapacity", minTasks: "minCapacity", maxTasks: "maxCapacity",
    rootVolumeGiB: "diskSizeGiB", subnetAvailabilityZones: "availabilityZones", nodeOs: "amiFamily",
    workloadRegions: "regions", kmsKeyArn: "repositoryKmsKeyArn", flowLogRetentionInDays: "logRetentionInDays",
};

/**
 * Records an error for every key of `value` that is an old name (0.1) of an argument, saying its new
 * name: a renamed key would otherwise be ignored silently and its default used instead.
 */
export function rejectRenamed(errors: ArgumentErrors, path: string, value: unknown, renames: { readonly [old: string]: string }): void {
    if (typeof value !== "object" || value === null) {
        return;
    }
    for (const [old, now] of Object.entries(renames)) {
        errors.require(!(old in value), `${path}${old}`, `was renamed to ${now} in 0.2; write ${now} instead (see CHANGELOG.md)`);
    }
}
