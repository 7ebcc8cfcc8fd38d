import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, duplicates, show } from "./validation";

/**
 * AWS commercial regions, taken from the provider's own `aws.Region` enum so the list moves with the
 * provider version, minus the China (cn-*), GovCloud (us-gov-*) and ISO partitions, which need
 * separate accounts and endpoints.
 */
export const COMMERCIAL_REGIONS: readonly string[] = Object.values(aws.Region as Record<string, string>)
    .filter((r) => !/^(cn-|us-gov-|us-iso)/.test(r))
    .sort();

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
     * Value of the `stack` default tag. A deployment split into per-region stacks tags every stack with
     * the name they share, so splitting a stack changes no provider's inputs. @default the Pulumi stack's name
     */
    readonly stackTag?: string;
}

/**
 * Checks region names against the commercial list and for duplicates. `property` is the argument's
 * name in the caller, so the error points where the user wrote the value.
 */
export function checkRegions(errors: ArgumentErrors, property: string, regions: readonly string[] | undefined, min = 1): void {
    if (!regions || regions.length < min) {
        errors.require(false, property, `got ${show(regions ?? [])}; give at least ${min} region${min === 1 ? "" : "s"}`);
        return;
    }
    regions.forEach((region, i) => {
        errors.require(
            COMMERCIAL_REGIONS.includes(region),
            `${property}[${i}]`,
            `unknown region ${show(region)}; allowed: the AWS commercial regions (${COMMERCIAL_REGIONS.join(", ")})`,
        );
    });
    for (const dup of duplicates(regions)) {
        errors.require(false, property, `region ${show(dup)} is listed more than once; each region may appear once`);
    }
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
    checkRegions(errors, "regions", regions);
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
