import { EKS_CALENDAR, EKS_CALENDAR_DATE, EKS_CALENDAR_SOURCE, EksVersionSupport, supportPhase, SupportPhase } from "./eks-calendar";
import { KARPENTER_NODECLASS_TYPES, KARPENTER_NODEPOOL_TYPES } from "./kubernetes";
import { ConfigProperties, resourcePolicy, Res } from "./lib/policy";
import { arr, get, hasUnknown, isUnknown, json, obj, str, strings, Value } from "./lib/values";

/** EKS resource rules (V1, C6, C7, C9, C12, C14 and EKS security). Cross-resource EKS rules are in eks-stack.ts. */

export const EKS_CLUSTER_TYPES = ["aws:eks/cluster:Cluster"] as const;
export const EKS_NODE_GROUP_TYPES = ["aws:eks/nodeGroup:NodeGroup"] as const;
export const EKS_ADDON_TYPES = ["aws:eks/addon:Addon"] as const;
export const AUTOSCALING_GROUP_TYPES = ["aws:autoscaling/group:Group"] as const;
export const IAM_ROLE_TYPES = ["aws:iam/role:Role"] as const;

/** True when EKS Auto Mode is on (it then runs compute, storage, load balancing and the core add-ons itself). */
export function autoMode(cluster: Res): boolean {
    return get(cluster.props, "computeConfig", "enabled") === true;
}

interface CalendarConfig {
    checkDate: string;
    calendar: EksVersionSupport[];
}

const calendarConfig: ConfigProperties = {
    checkDate: {
        type: "string", default: "",
        description: "Day of the check (YYYY-MM-DD); empty means the day the policy runs.",
    },
    calendar: {
        type: "array", default: EKS_CALENDAR as unknown as object,
        description: `EKS support calendar (version, endOfStandardSupport, endOfExtendedSupport); source ${EKS_CALENDAR_SOURCE}, compiled ${EKS_CALENDAR_DATE}.`,
        items: {
            type: "object", required: ["version", "endOfStandardSupport", "endOfExtendedSupport"],
            properties: {
                version: { type: "string" }, endOfStandardSupport: { type: "string" }, endOfExtendedSupport: { type: "string" },
            },
        },
    },
};

function phaseOf(r: Res, c: CalendarConfig): { version: string; phase: SupportPhase } | undefined {
    const version = r.props["version"];
    if (typeof version !== "string") {
        return undefined; // unknown, or absent: EKS then uses its default (a supported) version
    }
    const date = c.checkDate || new Date().toISOString().slice(0, 10);
    return { version, phase: supportPhase(version, date, c.calendar) };
}

export const v1EksStandardSupport = resourcePolicy<CalendarConfig>({
    name: "v1-eks-standard-support",
    description: "EKS clusters and node groups should run a Kubernetes version in standard support; extended support costs extra.",
    enforcementLevel: "advisory",
    types: [...EKS_CLUSTER_TYPES, ...EKS_NODE_GROUP_TYPES],
    config: calendarConfig,
    check: (r, c) => {
        const p = phaseOf(r, c);
        return p?.phase === "extended" ? [`${r.name} runs Kubernetes ${p.version}, past the end of EKS standard support.`] : [];
    },
});

export const v1EksExtendedSupport = resourcePolicy<CalendarConfig>({
    name: "v1-eks-extended-support",
    description: "EKS clusters and node groups must run a Kubernetes version that EKS still supports (standard or extended).",
    enforcementLevel: "mandatory",
    types: [...EKS_CLUSTER_TYPES, ...EKS_NODE_GROUP_TYPES],
    config: calendarConfig,
    check: (r, c) => {
        const p = phaseOf(r, c);
        return p?.phase === "ended" ? [`${r.name} runs Kubernetes ${p.version}, past the end of EKS extended support.`] : [];
    },
});

export const c6AutoModeComplete = resourcePolicy({
    name: "c6-auto-mode-complete",
    description: "EKS Auto Mode needs compute, block storage and load balancing enabled together and bootstrapSelfManagedAddons false.",
    enforcementLevel: "advisory",
    types: EKS_CLUSTER_TYPES,
    config: {},
    check: (r) => {
        const flags: [string, Value][] = [
            ["computeConfig.enabled", get(r.props, "computeConfig", "enabled")],
            ["storageConfig.blockStorage.enabled", get(r.props, "storageConfig", "blockStorage", "enabled")],
            ["kubernetesNetworkConfig.elasticLoadBalancing.enabled", get(r.props, "kubernetesNetworkConfig", "elasticLoadBalancing", "enabled")],
        ];
        if (!flags.some(([, v]) => v === true) || flags.some(([, v]) => isUnknown(v))) {
            return [];
        }
        const off = flags.filter(([, v]) => v !== true).map(([k]) => `${k} is not true`);
        const bootstrap = r.props["bootstrapSelfManagedAddons"];
        if (bootstrap !== false && !isUnknown(bootstrap)) {
            off.push("bootstrapSelfManagedAddons is not false");
        }
        return off.map((o) => `Auto Mode cluster ${r.name}: ${o}.`);
    },
});

export const c7NoIrsaTrust = resourcePolicy({
    name: "c7-no-irsa-trust",
    description: "IAM roles for pods should trust EKS Pod Identity (pods.eks.amazonaws.com) rather than IRSA (an OIDC web identity).",
    enforcementLevel: "advisory",
    types: IAM_ROLE_TYPES,
    config: {},
    check: (r) => {
        const doc = json(r.props["assumeRolePolicy"]);
        const irsa = (arr(get(doc, "Statement")) ?? (obj(get(doc, "Statement")) ? [get(doc, "Statement")] : [])).some((s) => {
            const federated = get(s, "Principal", "Federated");
            const values = typeof federated === "string" ? [federated] : strings(federated) ?? [];
            return values.some((f) => f.includes(":oidc-provider/oidc.eks."));
        });
        return irsa ? [`Role ${r.name} trusts an EKS OIDC provider (IRSA); use an EKS Pod Identity association.`] : [];
    },
});

interface GravitonConfig {
    allowedInstanceFamilies: string[];
}

export const c9GravitonNodes = resourcePolicy<GravitonConfig>({
    name: "c9-graviton-nodes",
    description: "EKS node groups and Karpenter NodePools should run Graviton (arm64) instances.",
    enforcementLevel: "advisory",
    types: [...EKS_NODE_GROUP_TYPES, ...KARPENTER_NODEPOOL_TYPES],
    config: {
        allowedInstanceFamilies: {
            type: "array", items: { type: "string" },
            default: ["t4g", "m6g", "m6gd", "c6g", "c6gd", "c6gn", "r6g", "r6gd", "m7g", "m7gd", "c7g", "c7gd", "c7gn", "r7g", "r7gd", "m8g", "m8gd", "c8g", "c8gd", "c8gn", "r8g", "r8gd", "x8g"],
            description: "Instance families node groups may use (Graviton by default).",
        },
    },
    check: (r, c) => {
        if (r.type === "aws:eks/nodeGroup:NodeGroup") {
            const amiType = r.props["amiType"];
            const types = r.props["instanceTypes"];
            const out: string[] = [];
            if (typeof amiType === "string" && !amiType.includes("ARM_64")) {
                out.push(`Node group ${r.name} uses the ${amiType} AMI type, not an ARM_64 one.`);
            } else if (amiType === undefined) {
                out.push(`Node group ${r.name} sets no amiType, so EKS uses an x86_64 AMI.`);
            }
            if (!hasUnknown(types)) {
                const bad = (strings(types) ?? []).filter((t) => !c.allowedInstanceFamilies.includes(t.split(".")[0]));
                if (bad.length > 0) out.push(`Node group ${r.name} uses instance types outside the allowed families: ${bad.join(", ")}.`);
            }
            return out;
        }
        const requirements = get(r.props, "spec", "template", "spec", "requirements");
        if (hasUnknown(requirements) || (arr(requirements) ?? []).some((q) => isUnknown(get(q, "key")))) {
            return [];
        }
        const arch = (arr(requirements) ?? []).find((q) => get(q, "key") === "kubernetes.io/arch");
        if (isUnknown(get(arch, "operator")) || hasUnknown(get(arch, "values"))) {
            return [];
        }
        const values = strings(get(arch, "values")) ?? [];
        // Node selector operators (karpenter.sh v1 nodepools.md): In lists what is allowed, NotIn what is not, Exists allows any.
        const operator = get(arch, "operator");
        const arm64 = (operator === "In" && values.includes("arm64")) || (operator === "NotIn" && !values.includes("arm64")) || operator === "Exists";
        if (!arch || !arm64) {
            return [`NodePool ${r.name} does not allow kubernetes.io/arch arm64.`];
        }
        // arm64 allowed, but the instance families (or types) it may launch may all be x86 only.
        const families = requirement(requirements, "karpenter.k8s.aws/instance-family");
        const types = requirement(requirements, "node.kubernetes.io/instance-type");
        const x86Only = (q: typeof families, family: (v: string) => string) =>
            q !== undefined && q !== "unknown" && q.operator === "In" && q.values.length > 0 && !q.values.some((v) => gravitonFamily(family(v)));
        if (x86Only(families, (v) => v) || x86Only(types, (v) => v.split(".")[0])) {
            const listed = [families, types].flatMap((q) => (q && q !== "unknown" ? q.values : []));
            return [`NodePool ${r.name} allows arm64 but only x86 instance families (${listed.join(", ")}), so no Graviton node can launch.`];
        }
        return [];
    },
});

export const c12NoSelfManagedNodes = resourcePolicy({
    name: "c12-no-self-managed-nodes",
    description: "EKS nodes should come from managed node groups, Karpenter or Auto Mode, not self-managed Auto Scaling groups.",
    enforcementLevel: "advisory",
    types: AUTOSCALING_GROUP_TYPES,
    config: {},
    check: (r) => {
        const keys = (arr(r.props["tags"]) ?? []).map((t) => str(get(t, "key")) ?? "");
        return keys.some((k) => k.startsWith("kubernetes.io/cluster/")) ? [`Auto Scaling group ${r.name} is a self-managed EKS node group.`] : [];
    },
});

export const c14Bottlerocket = resourcePolicy({
    name: "c14-bottlerocket",
    description: "EKS nodes should run Bottlerocket (node group amiType BOTTLEROCKET_*, EC2NodeClass alias bottlerocket@...).",
    enforcementLevel: "advisory",
    types: [...EKS_NODE_GROUP_TYPES, ...KARPENTER_NODECLASS_TYPES],
    config: {},
    check: (r) => {
        if (r.type === "aws:eks/nodeGroup:NodeGroup") {
            const amiType = r.props["amiType"];
            return isUnknown(amiType) || (typeof amiType === "string" && amiType.startsWith("BOTTLEROCKET")) ? [] :
                [`Node group ${r.name} uses amiType ${str(amiType) ?? "default (AL2023)"}, not Bottlerocket.`];
        }
        const spec = get(r.props, "spec");
        const terms = get(spec, "amiSelectorTerms");
        if (isUnknown(spec) || hasUnknown(terms) || (arr(terms) ?? []).some((t) => isUnknown(get(t, "alias"))) || isUnknown(get(spec, "amiFamily"))) {
            return [];
        }
        const alias = (arr(terms) ?? []).map((t) => str(get(t, "alias")) ?? "").find((a) => a !== "");
        const family = str(get(spec, "amiFamily"));
        const bottlerocket = (alias ?? "").toLowerCase().startsWith("bottlerocket@") || family === "Bottlerocket";
        return bottlerocket ? [] : [`EC2NodeClass ${r.name} selects ${alias ?? family ?? "no"} AMIs, not Bottlerocket.`];
    },
});

export const secEksSecretsEncryption = resourcePolicy({
    name: "sec-eks-secrets-encryption",
    description: "EKS clusters must encrypt Kubernetes secrets with a KMS key (encryptionConfig resources [\"secrets\"]).",
    enforcementLevel: "mandatory",
    types: EKS_CLUSTER_TYPES,
    config: {},
    check: (r) => {
        const config = r.props["encryptionConfig"];
        const entries = arr(config) ?? (config === undefined ? [] : [config]); // an object in @pulumi/aws v7, a list before
        if (isUnknown(config) || entries.some(isUnknown)) {
            return [];
        }
        const ok = entries.some((e) => {
            const resources = get(e, "resources");
            return (hasUnknown(resources) || (strings(resources) ?? []).includes("secrets")) && get(e, "provider", "keyArn") !== undefined;
        });
        return ok ? [] : [`EKS cluster ${r.name} does not encrypt secrets with a KMS key.`];
    },
});

/** The IPv4 ranges a CIDR list covers, as [first, last] address numbers; undefined entries are skipped. */
function ipv4Ranges(cidrs: string[]): [number, number][] {
    return cidrs.flatMap((c): [number, number][] => {
        const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(c.trim());
        if (!m || Number(m[5]) > 32) return [];
        const base = ((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]);
        const size = 2 ** (32 - Number(m[5]));
        const first = Math.floor(base / size) * size;
        return [[first, first + size - 1]];
    });
}

/** True when the CIDRs together cover every IPv4 address (0.0.0.0/0, or split as 0.0.0.0/1 + 128.0.0.0/1). */
export function coversAllIpv4(cidrs: string[]): boolean {
    let next = 0;
    for (const [first, last] of ipv4Ranges(cidrs).sort((a, b) => a[0] - b[0])) {
        if (first > next) return false;
        next = Math.max(next, last + 1);
    }
    return next >= 2 ** 32;
}

export const secEksEndpoint = resourcePolicy<{ forbiddenCidrs: string[] }>({
    name: "sec-eks-endpoint",
    description: "EKS API endpoints must be private, or public only to restricted CIDRs (never 0.0.0.0/0, whole or split).",
    enforcementLevel: "mandatory",
    types: EKS_CLUSTER_TYPES,
    config: {
        forbiddenCidrs: { type: "array", items: { type: "string" }, default: ["0.0.0.0/0", "::/0"], description: "CIDRs the public endpoint may not allow." },
    },
    check: (r, c) => {
        const vpc = r.props["vpcConfig"];
        const publicAccess = get(vpc, "endpointPublicAccess");
        const cidrs = get(vpc, "publicAccessCidrs");
        if (isUnknown(vpc) || isUnknown(publicAccess) || publicAccess === false || hasUnknown(cidrs)) {
            return [];
        }
        const allowed = strings(cidrs) ?? [];
        const open = allowed.length === 0 ? ["0.0.0.0/0 (the default)"] : allowed.filter((x) => c.forbiddenCidrs.includes(x));
        if (open.length === 0 && coversAllIpv4(allowed)) {
            return [`EKS cluster ${r.name} has a public endpoint open to the whole internet through ${allowed.join(", ")}.`];
        }
        return open.length === 0 ? [] : [`EKS cluster ${r.name} has a public endpoint open to ${open.join(", ")}.`];
    },
});

/** Graviton instance families (m7g, c7gn, r8gd, t4g, x2gd, im4gn, a1): the ones arm64 nodes can come from. */
export function gravitonFamily(family: string): boolean {
    return /^[a-z]+\d+g[a-z]*$/.test(family) || family === "a1";
}

/** A NodePool's requirement on `key`: its operator and values, or UNKNOWN. */
function requirement(requirements: Value, key: string): { operator: Value; values: string[] } | "unknown" | undefined {
    const q = (arr(requirements) ?? []).find((x) => get(x, "key") === key);
    if (q === undefined) return undefined;
    if (isUnknown(get(q, "operator")) || hasUnknown(get(q, "values"))) return "unknown";
    return { operator: get(q, "operator"), values: strings(get(q, "values")) ?? [] };
}

function nodePoolRequirements(r: Res): Value {
    return get(r.props, "spec", "template", "spec", "requirements");
}

export const c15NodePoolZones = resourcePolicy({
    name: "c15-nodepool-zones",
    description: "Karpenter NodePools must not pin nodes to a single Availability Zone (topology.kubernetes.io/zone In one zone).",
    enforcementLevel: "mandatory",
    types: KARPENTER_NODEPOOL_TYPES,
    config: {},
    check: (r) => {
        const requirements = nodePoolRequirements(r);
        if (hasUnknown(requirements) || (arr(requirements) ?? []).some((q) => isUnknown(get(q, "key")))) {
            return [];
        }
        const zones = [requirement(requirements, "topology.kubernetes.io/zone"), requirement(requirements, "topology.k8s.aws/zone-id")];
        const pinned = zones.find((z) => z !== undefined && z !== "unknown" && z.operator === "In" && new Set(z.values).size === 1);
        return pinned && pinned !== "unknown" ? [`NodePool ${r.name} pins its nodes to one Availability Zone (${pinned.values[0]}).`] : [];
    },
});

export const secEksControlPlaneLogging = resourcePolicy<{ requiredLogTypes: string[] }>({
    name: "sec-eks-control-plane-logging",
    description: "EKS clusters must send the required control-plane logs (api, audit, authenticator) to CloudWatch.",
    enforcementLevel: "mandatory",
    types: EKS_CLUSTER_TYPES,
    config: {
        requiredLogTypes: {
            type: "array", items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
            default: ["api", "audit", "authenticator"], description: "enabledClusterLogTypes every cluster must include.",
        },
    },
    check: (r, c) => {
        const types = r.props["enabledClusterLogTypes"];
        if (hasUnknown(types)) {
            return [];
        }
        const missing = c.requiredLogTypes.filter((t) => !(strings(types) ?? []).includes(t));
        return missing.length === 0 ? [] : [`EKS cluster ${r.name} does not log ${missing.join(", ")}.`];
    },
});

export const eksPolicies = [
    v1EksStandardSupport, v1EksExtendedSupport, c6AutoModeComplete, c7NoIrsaTrust, c9GravitonNodes,
    c12NoSelfManagedNodes, c14Bottlerocket, secEksSecretsEncryption, secEksEndpoint, secEksControlPlaneLogging, c15NodePoolZones,
];
