import { checkArgumentKeys } from "../schema";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { PolicyDocument } from "../iam";
import { checkRegion, checkRegions, createRegionalProviders, ProviderSettings, refuseSingleProvider } from "../regions";
import { ArgumentErrors, duplicates, rejectRenamed, show } from "../validation";
import { lifecyclePolicyDocument, LifecycleSettings } from "./lifecycle";

export { lifecyclePolicyDocument, LifecycleSettings } from "./lifecycle";

/** Repository names ECR accepts (CreateRepository `repositoryName` pattern, 2 to 256 characters). */
export const REPOSITORY_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const ACCOUNT_ID_RE = /^\d{12}$/;

/** One repository of the registry. */
export interface RepositorySpec {
    /** Repository name, the same in every region (DESIGN D4), e.g. "shop/orders". */
    readonly name: string;
    /** Allow tags to be overwritten. @default false (immutable tags) */
    readonly mutableTags?: boolean;
    /** Other AWS accounts whose principals may pull from this repository (cross-account pulls). */
    readonly pullAccountIds?: string[];
}

/** A destination account for cross-account replication. */
export interface ReplicationAccount {
    /** The 12-digit destination account ID; its registry policy must allow replication from this account. */
    readonly accountId: string;
    /** Regions of that account to replicate to. */
    readonly regions: string[];
}

export interface ContainerRegistryArgs {
    /** Region that holds the source repositories and the replication configuration. */
    readonly homeRegion: string;
    /** Every region that runs workloads; images are replicated to each one other than `homeRegion`. @default [] */
    readonly regions?: string[];
    /** The repositories. */
    readonly repositories: RepositorySpec[];
    /** Registry scanning: "BASIC" (scan on push) or "ENHANCED" (continuous, through Amazon Inspector). @default "BASIC" */
    readonly scanType?: string;
    /** Days after which untagged images expire. @default 14 */
    readonly untaggedExpireDays?: number;
    /** Release images kept per release prefix, and tagged images kept in all before other tags expire (at least 1). @default 30 */
    readonly keepTaggedCount?: number;
    /** Tag prefixes of short-lived images. @default ["dev-"] */
    readonly expiringTagPrefixes?: string[];
    /** Days after which images with an expiring tag prefix expire. @default 14 */
    readonly expiringTagPrefixDays?: number;
    /** Tag prefixes of release images, kept by their own rule so short-lived pushes never push them out. @default ["v"] */
    readonly releaseTagPrefixes?: string[];
    /** Customer managed KMS key (home region) for the repositories. @default the AWS managed key aws/ecr */
    readonly repositoryKmsKeyArn?: pulumi.Input<string>;
    /** Cross-account replication destinations. @default [] */
    readonly replicationAccounts?: ReplicationAccount[];
    /** Manage the registry-wide scanning configuration in every region. @default true */
    readonly manageRegistryScanning?: boolean;
    /**
     * Credentials settings for the providers this component creates, one per region named `<name>-<region>`: give
     * the same settings as to createRegionalProviders. (A provider in `opts` is refused: it would not be used.)
     */
    readonly providerSettings?: ProviderSettings;
}

interface ResolvedRegistryArgs {
    homeRegion: string;
    regions: string[];
    replicaRegions: string[];
    repositories: RepositorySpec[];
    scanType: "BASIC" | "ENHANCED";
    lifecycle: LifecycleSettings;
    replicationAccounts: ReplicationAccount[];
    manageRegistryScanning: boolean;
}

export function resolveRegistryArgs(args: ContainerRegistryArgs): ResolvedRegistryArgs {
    const errors = new ArgumentErrors("ContainerRegistry");
    rejectRenamed(errors, "", args, { workloadRegions: "regions", kmsKeyArn: "repositoryKmsKeyArn" });
    const partition = args.providerSettings?.partition;
    if (typeof args.homeRegion === "string") {
        checkRegion(errors, "homeRegion", args.homeRegion, partition);
    } else {
        errors.require(false, "homeRegion", `${show(args.homeRegion ?? "(unset)")} is not a region name; give the registry's home region`);
    }
    const workload = args.regions ?? [];
    if (workload.length > 0) {
        checkRegions(errors, "regions", workload, 1, partition);
    }
    const repositories = args.repositories ?? [];
    errors.require(repositories.length > 0, "repositories", "is empty; give at least one repository");
    repositories.forEach((repo, i) => {
        const n = repo.name;
        errors.require(typeof n === "string" && n.length >= 2 && n.length <= 256 && REPOSITORY_NAME_RE.test(n), `repositories[${i}].name`,
            `${show(n)} is not a valid ECR repository name; use 2 to 256 lowercase letters, digits and . _ - separated by /, ` +
            `each part starting and ending with a letter or digit`);
        (repo.pullAccountIds ?? []).forEach((acct, j) => errors.require(ACCOUNT_ID_RE.test(acct), `repositories[${i}].pullAccountIds[${j}]`,
            `${show(acct)} is not a 12-digit AWS account ID`));
    });
    for (const dup of duplicates(repositories.map((r) => r.name))) {
        errors.require(false, "repositories", `repository name ${show(dup)} appears more than once; names must be unique`);
    }
    const scanType = args.scanType ?? "BASIC";
    errors.require(scanType === "BASIC" || scanType === "ENHANCED", "scanType", `${show(scanType)} is not a scan type; allowed: BASIC, ENHANCED`);
    const lifecycle: LifecycleSettings = {
        untaggedExpireDays: args.untaggedExpireDays ?? 14,
        keepTaggedCount: args.keepTaggedCount ?? 30,
        expiringTagPrefixes: args.expiringTagPrefixes ?? ["dev-"],
        expiringTagPrefixDays: args.expiringTagPrefixDays ?? 14,
        releaseTagPrefixes: args.releaseTagPrefixes ?? ["v"],
    };
    errors.require(Number.isInteger(lifecycle.keepTaggedCount) && lifecycle.keepTaggedCount >= 1, "keepTaggedCount",
        `${show(lifecycle.keepTaggedCount)} would keep fewer than 1 image; keep a whole number of at least 1 tagged image`);
    errors.require(Number.isInteger(lifecycle.untaggedExpireDays) && lifecycle.untaggedExpireDays >= 1, "untaggedExpireDays",
        `${show(lifecycle.untaggedExpireDays)} is not a whole number of days of at least 1`);
    errors.require(Number.isInteger(lifecycle.expiringTagPrefixDays) && lifecycle.expiringTagPrefixDays >= 1, "expiringTagPrefixDays",
        `${show(lifecycle.expiringTagPrefixDays)} is not a whole number of days of at least 1`);
    for (const key of ["expiringTagPrefixes", "releaseTagPrefixes"] as const) {
        lifecycle[key].forEach((p, i) => errors.require(/^[A-Za-z0-9_.-]{1,128}$/.test(p), `${key}[${i}]`,
            `${show(p)} is not a tag prefix; use 1 to 128 letters, digits, _ . or -`));
        for (const dup of duplicates(lifecycle[key])) {
            errors.require(false, key, `prefix ${show(dup)} appears more than once`);
        }
    }
    // The earlier (expiring) rule would claim every image both prefixes match, so the two lists must not overlap.
    lifecycle.releaseTagPrefixes.forEach((r, i) => {
        const clash = lifecycle.expiringTagPrefixes.find((e) => r.startsWith(e) || e.startsWith(r));
        errors.require(clash === undefined, `releaseTagPrefixes[${i}]`,
            `${show(r)} overlaps the expiring prefix ${show(clash)}: an image tagged with both would be treated as short-lived`);
    });
    const replicationAccounts = args.replicationAccounts ?? [];
    replicationAccounts.forEach((ra, i) => {
        errors.require(ACCOUNT_ID_RE.test(ra.accountId), `replicationAccounts[${i}].accountId`, `${show(ra.accountId)} is not a 12-digit AWS account ID`);
        checkRegions(errors, `replicationAccounts[${i}].regions`, ra.regions, 1, partition);
    });
    checkArgumentKeys(errors, "ContainerRegistry", args);
    errors.throwIfAny();

    const regions = [args.homeRegion, ...workload.filter((r) => r !== args.homeRegion)];
    return {
        homeRegion: args.homeRegion,
        regions,
        replicaRegions: regions.slice(1),
        repositories,
        scanType: scanType as "BASIC" | "ENHANCED",
        lifecycle,
        replicationAccounts,
        manageRegistryScanning: args.manageRegistryScanning ?? true,
    };
}

/**
 * The image URI of `repository` in `region` for `accountId`. Replication keeps names identical across
 * regions (DESIGN D4), so workload stacks derive their regional URI without a stack reference.
 */
export function repositoryUri(accountId: pulumi.Input<string>, region: pulumi.Input<string>, repository: pulumi.Input<string>,
    dnsSuffix: pulumi.Input<string> = "amazonaws.com"): pulumi.Output<string> {
    return pulumi.interpolate`${accountId}.dkr.ecr.${region}.${dnsSuffix}/${repository}`;
}

/** An image of `repository` in the context's account and region: `<uri>:<tag>`, or `<uri>@sha256:…` for a digest. */
export function imageReference(ctx: AwsContext, repository: string, tagOrDigest: string): pulumi.Output<string> {
    const separator = tagOrDigest.startsWith("sha256:") ? "@" : ":";
    return pulumi.interpolate`${repositoryUri(ctx.accountId, ctx.region, repository, ctx.dnsSuffix)}${separator}${tagOrDigest}`;
}

/**
 * ECR repositories that scan, expire old images and replicate to every workload region (checklist C3).
 * Spans regions, so it creates one provider per region as its own children (DESIGN D2): the
 * repositories and the replication configuration in the home region; in every region the registry
 * scanning configuration and a repository creation template, so replicated repositories get the same
 * encryption, tag immutability and lifecycle policy as their source.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
    /** Repository URLs in the home region, by repository name. */
    public readonly repositoryUrls: pulumi.Output<{ [name: string]: string }>;
    /** Repository ARNs in the home region, by repository name. */
    public readonly repositoryArns: pulumi.Output<{ [name: string]: string }>;
    /** The registry (account) ID. */
    public readonly registryId: pulumi.Output<string>;
    /** Regions images are replicated to within this account. */
    public readonly replicaRegions: pulumi.Output<string[]>;

    constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveRegistryArgs(args);
        refuseSingleProvider("ContainerRegistry", opts);
        super("aws-containers:registry:ContainerRegistry", name, args, opts);
        const providers = createRegionalProviders(name, a.regions, args.providerSettings, { parent: this });
        const home = { parent: this, provider: providers[a.homeRegion] };
        const lifecyclePolicy = lifecyclePolicyDocument(a.lifecycle);
        const encryption = { encryptionType: "KMS", kmsKey: args.repositoryKmsKeyArn };

        const urls: { [name: string]: pulumi.Output<string> } = {};
        const arns: { [name: string]: pulumi.Output<string> } = {};
        let registryId: pulumi.Output<string> | undefined;
        for (const spec of a.repositories) {
            const slug = spec.name.replace(/[^a-z0-9]+/g, "-");
            const repo = new aws.ecr.Repository(`${name}-${slug}`, {
                name: spec.name,
                imageTagMutability: spec.mutableTags ? "MUTABLE" : "IMMUTABLE",
                imageScanningConfiguration: { scanOnPush: true },
                encryptionConfigurations: [encryption],
                forceDelete: false,
            }, { ...home, retainOnDelete: true });
            new aws.ecr.LifecyclePolicy(`${name}-${slug}-lifecycle`, { repository: repo.name, policy: lifecyclePolicy }, home);
            if (spec.pullAccountIds && spec.pullAccountIds.length > 0) {
                new aws.ecr.RepositoryPolicy(`${name}-${slug}-pull`, {
                    repository: repo.name,
                    policy: crossAccountPullPolicy(spec.pullAccountIds, providers[a.homeRegion], this),
                }, home);
            }
            urls[spec.name] = repo.repositoryUrl;
            arns[spec.name] = repo.arn;
            registryId = registryId ?? repo.registryId;
        }

        // A template applies by prefix, not per repository, so replicas are immutable only when every source
        // repository is: replicating an overwritten tag of a mutable repository into an immutable replica fails.
        const replicaMutability = a.repositories.some((r) => r.mutableTags) ? "MUTABLE" : "IMMUTABLE";
        for (const region of a.regions) {
            const inRegion = { parent: this, provider: providers[region] };
            if (a.manageRegistryScanning) {
                new aws.ecr.RegistryScanningConfiguration(`${name}-${region}-scanning`, {
                    scanType: a.scanType,
                    rules: [{
                        scanFrequency: a.scanType === "ENHANCED" ? "CONTINUOUS_SCAN" : "SCAN_ON_PUSH",
                        repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }],
                    }],
                }, inRegion);
            }
            if (region !== a.homeRegion) {
                // Replication creates the destination repositories; the template gives them the source's settings.
                new aws.ecr.RepositoryCreationTemplate(`${name}-${region}-replica-template`, {
                    prefix: "ROOT",
                    appliedFors: ["REPLICATION"],
                    description: `Settings for repositories replicated from ${a.homeRegion} by ${name}`,
                    imageTagMutability: replicaMutability,
                    encryptionConfigurations: [{ encryptionType: "KMS" }],
                    lifecyclePolicy,
                }, inRegion);
            }
        }

        const accountId = registryId ?? pulumi.output("");
        const destinations = [
            ...a.replicaRegions.map((region) => ({ region, registryId: accountId })),
            ...a.replicationAccounts.flatMap((ra) => ra.regions.map((region) => ({ region, registryId: pulumi.output(ra.accountId) }))),
        ];
        if (destinations.length > 0) {
            new aws.ecr.ReplicationConfiguration(`${name}-replication`, {
                replicationConfiguration: {
                    rules: [{
                        destinations,
                        repositoryFilters: a.repositories.map((r) => ({ filter: r.name, filterType: "PREFIX_MATCH" })),
                    }],
                },
            }, home);
        }

        this.repositoryUrls = pulumi.output(urls);
        this.repositoryArns = pulumi.output(arns);
        this.registryId = accountId;
        this.replicaRegions = pulumi.output(a.replicaRegions);
        this.registerOutputs({
            repositoryUrls: this.repositoryUrls,
            repositoryArns: this.repositoryArns,
            registryId: this.registryId,
            replicaRegions: this.replicaRegions,
        });
    }
}

/** Repository policy letting principals of `accountIds` pull (ECR User Guide, "Private repository policy examples"). */
function crossAccountPullPolicy(accountIds: string[], provider: aws.Provider, parent: pulumi.Resource): pulumi.Output<string> {
    const partition = aws.getPartitionOutput({}, { parent, provider }).partition;
    return partition.apply((p) => {
        const doc: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [{
                Sid: "CrossAccountPull",
                Effect: "Allow",
                Principal: { AWS: accountIds.map((id) => `arn:${p}:iam::${id}:root`) },
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            }],
        };
        return JSON.stringify(doc);
    });
}
