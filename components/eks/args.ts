import { checkArgumentKeys } from "../schema";
import * as pulumi from "@pulumi/pulumi";
import { checkCpuArchitecture, CPU_ARCHITECTURES, CpuArchitecture } from "../architecture";
import { LOG_RETENTION_DAYS } from "../logs";
import { ArgumentErrors, isKnown, rejectRenamed, show } from "../validation";
import { AUTO_MODE_BUILT_IN, MANAGED_ADDONS } from "./addons";
import { compareVersions, EKS_ADDON_VERSIONS, EKS_FEATURE_MINIMUMS, NODE_AMI_VERSIONS, EKS_VERSION_CALENDAR, supportedVersions, supportStatus, today, VersionVerdict } from "./versions";
import { FargateProfileSpec, resolveFargateProfiles } from "./fargate-profiles";

/** AMI families (node operating systems) for managed node groups and Karpenter (checklist C14). */
export const NODE_OS = ["BOTTLEROCKET", "AL2023"] as const;

/** A managed node group's size and instance types. */
export interface NodeGroupSpec {
    /** Instance types, all of the group's architecture. @default ["m7g.large", "m6g.large"] for arm64, ["m7i.large", "m6i.large"] for x86_64 */
    readonly instanceTypes?: string[];
    /**
     * Fewest nodes. Nothing resizes a managed node group here (no Cluster Autoscaler; Karpenter launches its own nodes
     * and never resizes managed groups, karpenter.sh FAQ), so its size is what Pulumi sets: minCapacity ≥ 1.
     * @default 3 (system), 1 (spot)
     */
    readonly minCapacity?: number;
    /** Most nodes. @default 6 (system), 10 (spot) */
    readonly maxCapacity?: number;
    /** Nodes at creation. @default minCapacity */
    readonly desiredCapacity?: number;
    /** Root (AL2023) or data (Bottlerocket) volume size in GiB. @default 50 */
    readonly diskSizeGiB?: number;
}

export interface SpotNodeGroupSpec extends NodeGroupSpec {
    /**
     * Create a fixed-size Spot group, tainted `capacity=spot:NoSchedule`, for non-critical work that tolerates it.
     * With Karpenter, prefer its NodePool's "spot" capacity type, which scales with demand. @default false
     */
    readonly enabled?: boolean;
}

/** The Karpenter NodePool (or, in Auto Mode, the custom NodePool) the platform creates. */
export interface NodePoolSpec {
    /** CPU architectures, "arm64" and/or "x86_64" (the `kubernetes.io/arch` values arm64 and amd64). @default ["arm64", "x86_64"] */
    readonly cpuArchitectures?: string[];
    /** `karpenter.sh/capacity-type` values. @default ["spot", "on-demand"] */
    readonly capacityTypes?: string[];
    /** Instance categories. @default ["c", "m", "r"] */
    readonly instanceCategories?: string[];
    /** Total vCPU the pool may launch. @default 1000 */
    readonly cpuLimit?: number;
    /** Total memory the pool may launch, in GiB. @default 4000 */
    readonly memoryLimitGiB?: number;
    /** Node lifetime before replacement, a Go duration; Auto Mode allows at most 21 days. @default "720h" (30 days), "336h" in Auto Mode */
    readonly expireAfter?: string;
    /** How long a node must be empty or underused before consolidation. @default "1m" */
    readonly consolidateAfter?: string;
}

export interface EksPlatformArgs {
    /** VPC of the cluster. */
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets for the control plane ENIs, node groups and Karpenter nodes, one per AZ. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Availability zone of each private subnet, in the same order (for example `RegionalNetwork.availabilityZones`).
     * Must name at least 2 distinct zones (checklist C15); 3 recommended.
     */
    readonly availabilityZones: pulumi.Input<string[]>;
    /** Physical cluster name. @default the component name */
    readonly clusterName?: string;
    /** Kubernetes version, "1.NN"; must be in support on `supportCheckDate` (checklist V1). @default "1.35" */
    readonly kubernetesVersion?: string;
    /** Day of the support check, YYYY-MM-DD. @default today (UTC) */
    readonly supportCheckDate?: string;
    /** Allow the cluster into paid extended support instead of being upgraded when standard support ends. @default false */
    readonly extendedSupport?: boolean;
    /** IAM role ARNs given cluster-admin through access entries (not the identity that deploys: it already is). @default [] */
    readonly adminRoleArns?: pulumi.Input<string>[];
    /**
     * Open the API endpoint to the internet, restricted to `publicAccessCidrs`; private access stays on, so nodes
     * and pods use the VPC endpoint. The same `pulumi up` installs Helm releases and custom resources through
     * this endpoint, so it must be reachable from where Pulumi runs: false only when that is inside the VPC (a
     * runner in it, or a VPN/peered network), otherwise the first `up` cannot finish (EKS user guide, "Cluster
     * API server endpoint"). @default true
     */
    readonly endpointPublicAccess?: boolean;
    /**
     * CIDRs that may reach the public endpoint: the CI runners' and administrators' egress ranges. Required
     * (at least one) when `endpointPublicAccess` is true. @default []
     */
    readonly publicAccessCidrs?: string[];
    /** Allow "0.0.0.0/0" in `publicAccessCidrs` (EKS's own default, which the pack's sec-eks-endpoint still refuses). @default false */
    readonly allowPublicAccessFromAnywhere?: boolean;
    /** Protect the cluster from deletion. @default true */
    readonly deletionProtection?: boolean;
    /** Control-plane log retention in days (a CloudWatch Logs value). @default 90 */
    readonly logRetentionInDays?: number;
    /** EKS Auto Mode: AWS runs compute, networking, storage and load balancing (checklist C6). @default false */
    readonly autoMode?: boolean;
    /** Install Karpenter (checklist C12, V2). Not with Auto Mode, which runs its own. @default true unless `autoMode` */
    readonly karpenter?: boolean;
    /** Node OS of node groups and Karpenter nodes, "BOTTLEROCKET" or "AL2023" (checklist C14). @default "BOTTLEROCKET" */
    readonly amiFamily?: string;
    /** CPU architecture of the managed node groups, "arm64" or "x86_64" (checklist C9). @default "arm64" */
    readonly cpuArchitecture?: string;
    /** The on-demand system node group (not with Auto Mode). */
    readonly systemNodeGroup?: NodeGroupSpec;
    /** An optional Spot node group (not with Auto Mode). */
    readonly spotNodeGroup?: SpotNodeGroupSpec;
    /** The default NodePool of Karpenter, or the custom NodePool in Auto Mode. */
    readonly nodePool?: NodePoolSpec;
    /**
     * AMI version in Karpenter's EC2NodeClass alias (`bottlerocket@<version>`): the OS's release tag, "v1.NN.N" for
     * Bottlerocket and "vYYYYMMDD" for AL2023, or "latest" (pre-production only: untested AMIs roll out by drift).
     * @default the release pinned in versions.ts NODE_AMI_VERSIONS for `amiFamily`
     */
    readonly karpenterAmiVersion?: string;
    /**
     * Managed add-on versions by add-on name (for example `{ "coredns": "v1.13.2-eksbuild.1" }`), over the ones pinned
     * for the Kubernetes version in versions.ts EKS_ADDON_VERSIONS; required for every add-on that has no pin there.
     * @default the pinned versions
     */
    readonly addonVersions?: { [addonName: string]: string };
    /** Install the AWS Load Balancer Controller (Auto Mode has load balancing built in). @default true unless `autoMode` */
    readonly loadBalancerController?: boolean;
    /** Install External Secrets Operator. @default true */
    readonly externalSecrets?: boolean;
    /** Secrets Manager name prefix External Secrets may read. @default "<clusterName>/" */
    readonly secretsPrefix?: string;
    /** Install Argo CD for GitOps. @default false */
    readonly argoCd?: boolean;
    /**
     * Fargate profiles (checklist C8): namespaces (and labels) whose pods run on Fargate, without nodes, in the
     * private subnets; each has its own pod execution role. A profile covering kube-system moves CoreDNS to
     * Fargate. Not with `autoMode`. @default []
     */
    readonly fargateProfiles?: FargateProfileSpec[];
}

export interface ResolvedNodeGroup {
    instanceTypes: string[];
    minCapacity: number;
    maxCapacity: number;
    desiredCapacity: number;
    diskSizeGiB: number;
}

export interface ResolvedNodePool {
    cpuArchitectures: CpuArchitecture[];
    capacityTypes: string[];
    instanceCategories: string[];
    cpuLimit: number;
    memoryLimitGiB: number;
    expireAfter: string;
    consolidateAfter: string;
}

export interface ResolvedEksArgs {
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    zones: pulumi.Output<string[]>;
    clusterName: string;
    version: string;
    verdict: VersionVerdict;
    checkDate: string;
    extendedSupport: boolean;
    adminRoleArns: pulumi.Input<string>[];
    endpointPublicAccess: boolean;
    publicAccessCidrs: string[];
    deletionProtection: boolean;
    logRetentionInDays: number;
    autoMode: boolean;
    karpenter: boolean;
    amiFamily: (typeof NODE_OS)[number];
    cpuArchitecture: CpuArchitecture;
    systemNodeGroup?: ResolvedNodeGroup;
    spotNodeGroup?: ResolvedNodeGroup;
    nodePool: ResolvedNodePool;
    karpenterAmiVersion: string;
    addonVersions: { [addonName: string]: string };
    loadBalancerController: boolean;
    externalSecrets: boolean;
    secretsPrefix: string;
    argoCd: boolean;
    fargateProfiles: FargateProfileSpec[];
}

const DEFAULT_INSTANCE_TYPES = { arm64: ["m7g.large", "m6g.large"], x86_64: ["m7i.large", "m6i.large"] };

function nodeGroup(errors: ArgumentErrors, property: string, spec: NodeGroupSpec, arch: CpuArchitecture, minDefault: number, maxDefault: number): ResolvedNodeGroup {
    rejectRenamed(errors, `${property}.`, spec, { minSize: "minCapacity", maxSize: "maxCapacity", desiredSize: "desiredCapacity" });
    const minCapacity = spec.minCapacity ?? minDefault;
    const maxCapacity = spec.maxCapacity ?? Math.max(maxDefault, minCapacity);
    const desiredCapacity = spec.desiredCapacity ?? minCapacity;
    const diskSizeGiB = spec.diskSizeGiB ?? 50;
    errors.require(Number.isInteger(minCapacity) && minCapacity >= 1, `${property}.minCapacity`,
        `${show(minCapacity)} is not a whole number ≥ 1: nothing scales a managed node group up from its minimum (no Cluster Autoscaler, ` +
        "and Karpenter does not resize managed groups), so it would stay empty; use Karpenter's NodePool for capacity that follows demand");
    errors.require(Number.isInteger(maxCapacity) && maxCapacity >= 1, `${property}.maxCapacity`, `${show(maxCapacity)} is not a whole number ≥ 1`);
    errors.require(minCapacity <= maxCapacity, `${property}.minCapacity`,
        `${show(minCapacity)} is above maxCapacity ${show(maxCapacity)}; minCapacity must be ≤ maxCapacity`);
    errors.require(desiredCapacity >= minCapacity && desiredCapacity <= maxCapacity, `${property}.desiredCapacity`,
        `${show(desiredCapacity)} is outside minCapacity..maxCapacity (${minCapacity}..${maxCapacity})`);
    errors.require(Number.isInteger(diskSizeGiB) && diskSizeGiB >= 20 && diskSizeGiB <= 16384, `${property}.diskSizeGiB`,
        `${show(diskSizeGiB)} is not a gp3 size from 20 to 16384 GiB`);
    const instanceTypes = spec.instanceTypes ?? DEFAULT_INSTANCE_TYPES[arch];
    errors.require(instanceTypes.length > 0, `${property}.instanceTypes`, "is empty; give at least one instance type");
    return { instanceTypes: [...instanceTypes], minCapacity, maxCapacity, desiredCapacity, diskSizeGiB };
}

function nodePool(errors: ArgumentErrors, spec: NodePoolSpec, autoMode: boolean): ResolvedNodePool {
    rejectRenamed(errors, "nodePool.", spec, { architectures: "cpuArchitectures" });
    const pool: ResolvedNodePool = {
        cpuArchitectures: (spec.cpuArchitectures ?? ["arm64", "x86_64"]) as CpuArchitecture[],
        capacityTypes: spec.capacityTypes ?? ["spot", "on-demand"],
        instanceCategories: spec.instanceCategories ?? ["c", "m", "r"],
        cpuLimit: spec.cpuLimit ?? 1000,
        memoryLimitGiB: spec.memoryLimitGiB ?? 4000,
        // Auto Mode replaces nodes after 21 days at most and defaults to 336h (AWS automode.adoc, create-node-pool.adoc).
        expireAfter: spec.expireAfter ?? (autoMode ? "336h" : "720h"),
        consolidateAfter: spec.consolidateAfter ?? "1m",
    };
    pool.cpuArchitectures.forEach((v, i) => checkCpuArchitecture(errors, `nodePool.cpuArchitectures[${i}]`, v));
    pool.capacityTypes.forEach((v, i) => errors.require(["spot", "on-demand"].includes(v), `nodePool.capacityTypes[${i}]`,
        `${show(v)} is not a capacity type; allowed: spot, on-demand`));
    errors.require(pool.cpuArchitectures.length > 0, "nodePool.cpuArchitectures", `is empty; allow ${CPU_ARCHITECTURES.join(", ")} or both`);
    errors.require(pool.capacityTypes.length > 0, "nodePool.capacityTypes", "is empty; allow spot, on-demand or both");
    errors.require(pool.cpuLimit > 0, "nodePool.cpuLimit", `${show(pool.cpuLimit)} must be above 0`);
    errors.require(pool.memoryLimitGiB > 0, "nodePool.memoryLimitGiB", `${show(pool.memoryLimitGiB)} must be above 0`);
    for (const key of ["expireAfter", "consolidateAfter"] as const) {
        errors.require(/^(\d+(h|m|s))+$|^Never$/.test(pool[key]), `nodePool.${key}`, `${show(pool[key])} is not a duration such as "720h", "1m" or "Never"`);
    }
    const hours = /^(\d+)h$/.exec(pool.expireAfter);
    errors.require(!autoMode || (hours !== null && Number(hours[1]) <= 504), "nodePool.expireAfter",
        `${show(pool.expireAfter)} is beyond Auto Mode's 21-day node lifetime; give whole hours up to "504h"`);
    return pool;
}

/** Zones must name at least two distinct AZs; checked now when known, at deployment otherwise. */
function checkZones(errors: ArgumentErrors, zones: string[]): void {
    const distinct = [...new Set(zones)];
    errors.require(distinct.length >= 2, "availabilityZones",
        `${show(zones)} spans ${distinct.length} availability zone${distinct.length === 1 ? "" : "s"}; give subnets in at least 2 zones (3 recommended, checklist C15)`);
}

/** Resolves every default and validates, before any child exists. */
export function resolveEksArgs(name: string, args: EksPlatformArgs): ResolvedEksArgs {
    const errors = new ArgumentErrors("EksPlatform");
    rejectRenamed(errors, "", args, {
        subnetIds: "privateSubnetIds", subnetAvailabilityZones: "availabilityZones", nodeOs: "amiFamily", nodeArchitecture: "cpuArchitecture",
    });
    const checkDate = args.supportCheckDate ?? today();
    const version = args.kubernetesVersion ?? "1.35";
    const autoMode = args.autoMode ?? false;
    const karpenter = args.karpenter ?? !autoMode;
    const amiFamily = args.amiFamily ?? "BOTTLEROCKET";
    const cpuArchitecture = args.cpuArchitecture ?? "arm64";
    const logRetentionInDays = args.logRetentionInDays ?? 90;
    const clusterName = args.clusterName ?? name;

    errors.require(/^\d{4}-\d{2}-\d{2}$/.test(checkDate) && !Number.isNaN(Date.parse(checkDate)), "supportCheckDate",
        `${show(checkDate)} is not a date; use YYYY-MM-DD`);
    const verdict = supportStatus(version, checkDate);
    errors.require(verdict !== undefined, "kubernetesVersion",
        `${show(version)} is not in the EKS version calendar; allowed: ${EKS_VERSION_CALENDAR.map((r) => r.version).join(", ")}`);
    errors.require(verdict?.status !== "unsupported", "kubernetesVersion",
        `${show(version)} left extended support on ${verdict?.row.endOfExtendedSupport} (checked on ${checkDate}); ` +
        `supported on that day: ${supportedVersions(checkDate).join(", ")} (checklist V1)`);
    errors.require(!autoMode || !args.karpenter, "karpenter",
        `${show(true)} together with autoMode; Auto Mode runs its own managed Karpenter, so leave karpenter unset or false`);
    errors.require(!autoMode || (args.systemNodeGroup === undefined && !args.spotNodeGroup?.enabled), autoMode && args.systemNodeGroup ? "systemNodeGroup" : "spotNodeGroup",
        "is set together with autoMode; Auto Mode replaces managed node groups, remove it");
    errors.require(!autoMode || !args.loadBalancerController, "loadBalancerController",
        `${show(true)} together with autoMode; Auto Mode has load balancing built in`);
    errors.require(!autoMode || verdict === undefined || compareVersions(version, EKS_FEATURE_MINIMUMS.autoMode) >= 0, "kubernetesVersion",
        `${show(version)} is too old for Auto Mode; it needs ${EKS_FEATURE_MINIMUMS.autoMode} or later`);
    errors.require((NODE_OS as readonly string[]).includes(amiFamily), "amiFamily", `${show(amiFamily)} is not an AMI family; allowed: ${NODE_OS.join(", ")}`);
    checkCpuArchitecture(errors, "cpuArchitecture", cpuArchitecture);
    errors.require(LOG_RETENTION_DAYS.includes(logRetentionInDays), "logRetentionInDays",
        `${show(logRetentionInDays)} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
    errors.require(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(clusterName), "clusterName",
        `${show(clusterName)} is not a cluster name: 1–100 letters, digits, hyphens and underscores, starting with a letter or digit`);
    const endpointPublicAccess = args.endpointPublicAccess ?? true;
    const publicAccessCidrs = args.publicAccessCidrs ?? [];
    const anywhere = args.allowPublicAccessFromAnywhere ?? false;
    errors.require(!endpointPublicAccess || publicAccessCidrs.length > 0, "publicAccessCidrs",
        "is empty while endpointPublicAccess is true; list the CIDRs of the CI runners and administrators that run `pulumi up`, " +
        "or set endpointPublicAccess to false when Pulumi runs inside the VPC");
    errors.require(endpointPublicAccess || publicAccessCidrs.length === 0, "publicAccessCidrs",
        `${show(publicAccessCidrs)} is set while endpointPublicAccess is false; remove it or make the endpoint public`);
    publicAccessCidrs.forEach((cidr, i) => errors.require(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) && (anywhere || cidr !== "0.0.0.0/0"),
        `publicAccessCidrs[${i}]`, `${show(cidr)} is not an IPv4 CIDR narrower than 0.0.0.0/0; list the networks that administer the cluster` +
        " (allowPublicAccessFromAnywhere opens it to all)"));
    if (isKnown(args.availabilityZones)) {
        checkZones(errors, args.availabilityZones);
    }

    // An alias version is "latest" or the OS's GitHub release tag (karpenter.sh v1.15 nodeclasses.md, amiSelectorTerms);
    // the CRD only checks "family@something", so a malformed one would be accepted and no AMI would ever resolve.
    const karpenterAmiVersion = args.karpenterAmiVersion ?? NODE_AMI_VERSIONS[amiFamily as ResolvedEksArgs["amiFamily"]] ?? "latest";
    const amiTag = amiFamily === "AL2023" ? { pattern: /^v\d{8}$/, example: "v20260828" } : { pattern: /^v\d+\.\d+\.\d+$/, example: "v1.51.0" };
    errors.require(karpenterAmiVersion === "latest" || amiTag.pattern.test(karpenterAmiVersion), "karpenterAmiVersion",
        `${show(karpenterAmiVersion)} is not an AMI version of ${amiFamily}; use "latest" or a release tag such as "${amiTag.example}"`);

    // Add-ons this cluster installs (Auto Mode runs the networking and storage ones itself).
    const addonNames = MANAGED_ADDONS.map((s) => s.name).filter((n) => !(autoMode && AUTO_MODE_BUILT_IN.includes(n)));
    const addonVersions = { ...(EKS_ADDON_VERSIONS[version] ?? {}), ...(args.addonVersions ?? {}) };
    Object.keys(args.addonVersions ?? {}).forEach((n) => errors.require(addonNames.includes(n), `addonVersions.${n}`,
        `is not an add-on this cluster installs; allowed: ${addonNames.join(", ")}`));
    Object.entries(args.addonVersions ?? {}).forEach(([n, v]) => errors.require(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(v), `addonVersions.${n}`,
        `${show(v)} is not an EKS add-on version such as "v1.13.2-eksbuild.1"`));
    const unpinned = addonNames.filter((n) => addonVersions[n] === undefined);
    errors.require(unpinned.length === 0 || verdict === undefined, "addonVersions",
        `has no version for ${unpinned.join(", ")} on Kubernetes ${version} (pinned only for ${Object.keys(EKS_ADDON_VERSIONS).join(", ")}); ` +
        "give them, from `aws eks describe-addon-versions --kubernetes-version " + version + "`");

    const arch: CpuArchitecture = cpuArchitecture === "x86_64" ? "x86_64" : "arm64";
    const systemNodeGroup = autoMode ? undefined : nodeGroup(errors, "systemNodeGroup", args.systemNodeGroup ?? {}, arch, 3, 6);
    const spotNodeGroup = !autoMode && args.spotNodeGroup?.enabled ? nodeGroup(errors, "spotNodeGroup", args.spotNodeGroup, arch, 1, 10) : undefined;
    const pool = nodePool(errors, args.nodePool ?? {}, autoMode);
    const fargateProfiles = resolveFargateProfiles(errors, args.fargateProfiles ?? [], autoMode);
    checkArgumentKeys(errors, "EksPlatform", args);
    errors.throwIfAny();

    return {
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        // Known zones were checked above; zones from an Output are checked when they resolve.
        zones: pulumi.output(args.availabilityZones).apply((zones) => {
            const late = new ArgumentErrors(`EksPlatform ${name}`);
            checkZones(late, zones);
            late.throwIfAny();
            return [...new Set(zones)];
        }),
        clusterName,
        version,
        verdict: verdict!,
        checkDate,
        extendedSupport: args.extendedSupport ?? false,
        adminRoleArns: args.adminRoleArns ?? [],
        endpointPublicAccess,
        publicAccessCidrs,
        deletionProtection: args.deletionProtection ?? true,
        logRetentionInDays,
        autoMode,
        karpenter,
        amiFamily: amiFamily as ResolvedEksArgs["amiFamily"],
        cpuArchitecture: arch,
        systemNodeGroup,
        spotNodeGroup,
        nodePool: pool,
        karpenterAmiVersion,
        addonVersions: Object.fromEntries(addonNames.map((n) => [n, addonVersions[n]])),
        loadBalancerController: args.loadBalancerController ?? !autoMode,
        externalSecrets: args.externalSecrets ?? true,
        secretsPrefix: args.secretsPrefix ?? `${clusterName}/`,
        argoCd: args.argoCd ?? false,
        fargateProfiles,
    };
}
