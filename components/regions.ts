import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { distance } from "fastest-levenshtein";
import { ArgumentErrors, duplicates, show } from "./validation";

/**
 * The AWS partitions and how their region names look, after `regionRegex` of each partition in the AWS
 * SDK's partitions.json (aws-sdk-js-v3, packages/util-endpoints/src/lib/aws/partitions.json). The
 * commercial pattern there also matches ISO-E names (`eu-isoe-west-1`), so a region belongs to the
 * first partition here whose pattern it matches, the commercial one last.
 */
export const PARTITIONS = {
    "aws-cn": /^cn-\w+-\d+$/,
    "aws-us-gov": /^us-gov-\w+-\d+$/,
    "aws-iso": /^us-iso-\w+-\d+$/,
    "aws-iso-b": /^us-isob-\w+-\d+$/,
    "aws-iso-e": /^eu-isoe-\w+-\d+$/,
    "aws-iso-f": /^us-isof-\w+-\d+$/,
    "aws-eusc": /^eusc-(de)-\w+-\d+$/,
    "aws": /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
} as const;
export type Partition = keyof typeof PARTITIONS;

/** The partition a region name belongs to, or undefined for a name no partition has. */
export function partitionOf(region: string): Partition | undefined {
    return (Object.keys(PARTITIONS) as Partition[]).find((p) => PARTITIONS[p].test(region));
}

/**
 * The regions of `partition`, taken from the provider's own `aws.Region` enum so the list moves with
 * the provider version.
 */
export function partitionRegions(partition: Partition): readonly string[] {
    return Object.values(aws.Region as Record<string, string>).filter((r) => partitionOf(r) === partition).sort();
}

/**
 * AWS commercial regions (partition "aws"): no China, GovCloud, ISO (including ISO-E) or European
 * Sovereign Cloud regions, which need separate accounts, credentials and endpoints.
 */
export const COMMERCIAL_REGIONS: readonly string[] = partitionRegions("aws");

/** Credentials settings a team needs for the providers of one stack. Plain data (DESIGN D6). */
export interface ProviderSettings {
    /** IAM role to assume in every region, for deployments into a workload account. */
    readonly assumeRoleArn?: string;
    /** Session name used with `assumeRoleArn`. @default "pulumi-aws-containers" */
    readonly assumeRoleSessionName?: string;
    /** Named profile from the shared credentials file. */
    readonly profile?: string;
    /** Accounts the providers may act in; any other account is refused by the provider. */
    readonly allowedAccountIds?: string[];
    /** Extra default tags on every taggable resource, merged over stack, region and managed-by. */
    readonly defaultTags?: { [key: string]: string };
    /**
     * The AWS partition of every region: regions of other partitions are refused, since they need their
     * own accounts and credentials: "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
     * "aws-iso-f" or "aws-eusc". @default "aws" (commercial)
     */
    readonly partition?: string;
    /**
     * Value of the `stack` default tag. A deployment split into per-region stacks tags every stack with
     * the name they share, so splitting a stack changes no provider's inputs. @default the Pulumi stack's name
     */
    readonly stackTag?: string;
}

/**
 * Checks region names against the partition's list (commercial by default) and for duplicates.
 * `property` is the argument's name in the caller and `itemPath` the path of its i-th region, so the
 * error points where the user wrote the value: `regions[1]` in a list, `homeRegion` for one region.
 */
export function checkRegions(errors: ArgumentErrors, property: string, regions: readonly string[] | undefined, min = 1,
    partition = "aws", itemPath: (i: number) => string = (i) => `${property}[${i}]`): void {
    if (!(partition in PARTITIONS)) {
        errors.require(false, property, `cannot be checked: partition ${show(partition)} is not an AWS partition; allowed: ${Object.keys(PARTITIONS).join(", ")}`);
        return;
    }
    if (!regions || regions.length < min) {
        errors.require(false, property, `got ${show(regions ?? [])}; give at least ${min} region${min === 1 ? "" : "s"}`);
        return;
    }
    const known = partitionRegions(partition as Partition);
    regions.forEach((region, i) => {
        errors.require(known.includes(region), itemPath(i), unknownRegionReason(region, partition as Partition, known));
    });
    for (const dup of duplicates(regions)) {
        errors.require(false, property, `region ${show(dup)} is listed more than once; each region may appear once`);
    }
}

/** Checks one region name, e.g. a home region, at `property`. */
export function checkRegion(errors: ArgumentErrors, property: string, region: string, partition = "aws"): void {
    checkRegions(errors, property, [region], 1, partition, () => property);
}

/** Why `region` is refused: the partition it belongs to, or the nearest names of the partition's regions. */
function unknownRegionReason(region: string, partition: Partition, known: readonly string[]): string {
    const other = typeof region === "string" ? partitionOf(region) : undefined;
    const label = partition === "aws" ? "the AWS commercial regions (partition \"aws\")" : `the regions of partition ${show(partition)}`;
    if (other !== undefined && other !== partition && Object.values(aws.Region as Record<string, string>).includes(region)) {
        return `${show(region)} is a region of partition ${show(other)}, not one of ${label}; ` +
            `set providers.partition to ${show(other)} to deploy there (with that partition's account and credentials)`;
    }
    const nearest = [...known].map((r) => ({ r, d: distance(String(region), r) }))
        .sort((a, b) => a.d - b.d || a.r.localeCompare(b.r)).slice(0, 3).map((x) => x.r);
    return `unknown region ${show(region)}; allowed: ${label}; nearest: ${nearest.join(", ")}`;
}

/**
 * A component that spans regions creates its own providers from `providerSettings` (the settings the
 * stacks give createRegionalProviders), so a provider passed through `opts` would never be used; refuse
 * it rather than ignore it silently.
 */
export function refuseSingleProvider(component: string, opts: pulumi.ComponentResourceOptions | undefined): void {
    const errors = new ArgumentErrors(component);
    for (const key of ["provider", "providers"] as const) {
        errors.require(opts?.[key] === undefined, `opts.${key}`,
            `is set, but ${component} spans regions and creates one provider per region itself; ` +
            "give the settings of createRegionalProviders as the providerSettings argument instead");
    }
    errors.throwIfAny();
}

/** The default tags every resource of a region carries. */
export function defaultTags(stack: string, region: string, extra: { [key: string]: string } = {}): { [key: string]: string } {
    return { "stack": stack, "region": region, "managed-by": "pulumi-aws-containers", ...extra };
}

/**
 * One explicit `aws.Provider` per region (DESIGN D2), named `<prefix>-<region>`. Children of a regional
 * component inherit their region's provider through `parent`; nothing sets `region` by hand.
 */
export function createRegionalProviders(
    prefix: string,
    regions: readonly string[],
    settings: ProviderSettings = {},
    opts: pulumi.CustomResourceOptions = {},
    stack: string = pulumi.getStack(),
): { [region: string]: aws.Provider } {
    const errors = new ArgumentErrors("regional providers");
    checkRegions(errors, "regions", regions, 1, settings.partition);
    errors.throwIfAny();
    const providers: { [region: string]: aws.Provider } = {};
    for (const region of regions) {
        providers[region] = new aws.Provider(`${prefix}-${region}`, {
            region: region as aws.Region,
            profile: settings.profile,
            allowedAccountIds: settings.allowedAccountIds,
            assumeRoles: settings.assumeRoleArn
                ? [{ roleArn: settings.assumeRoleArn, sessionName: settings.assumeRoleSessionName ?? "pulumi-aws-containers" }]
                : undefined,
            defaultTags: { tags: defaultTags(settings.stackTag ?? stack, region, settings.defaultTags) },
        }, opts);
    }
    return providers;
}

/**
 * Refuses to build a regional component that has no region, before it or any child is registered.
 * Its region comes from `opts.provider` (DESIGN D2), an `aws` provider in `opts.providers`, one its
 * `opts.parent` passes down, or, as real Pulumi's default provider does, the stack's `aws:region`.
 * Without one, every resource would fail on its own with an engine error far from the cause.
 */
export function requireRegionalProvider(component: string, name: string, opts: pulumi.ComponentResourceOptions | undefined): void {
    const isAws = (p: unknown) => typeof (p as { getPackage?: () => string })?.getPackage === "function"
        && (p as { getPackage: () => string }).getPackage() === "aws";
    const listed = opts?.providers === undefined ? [] : Array.isArray(opts.providers) ? opts.providers : Object.values(opts.providers);
    const found = opts?.provider !== undefined
        || listed.some(isAws)
        || opts?.parent?.getProvider("aws::") !== undefined
        || new pulumi.Config("aws").get("region") !== undefined;
    if (!found) {
        const message = `${component} "${name}" has no region: pass its region's provider with { provider }`;
        throw new pulumi.InputPropertiesError({ message, errors: [{ propertyPath: "opts.provider", reason: message }] });
    }
}
