/**
 * The usage assumptions of the cost estimate: what the program does not say (traffic, requests, the
 * nodes Karpenter will start), each with its default and what it means. The plan prints the values an
 * estimate used; `--usage FILE` (plan) or the budget policy's `usage` config overrides any of them.
 * Validated strictly: an unknown key or a bad value is an error naming it, never ignored.
 */

export interface ServiceUsage {
    /** Tasks the service runs on average; default: its desired count, at least its autoscaling minimum. */
    readonly tasks?: number;
    /** Share of those tasks on Fargate Spot (0-1); default: from its capacity provider strategy weights. */
    readonly spotShare?: number;
}

export interface NodePoolUsage {
    /** The instance type to price the pool's nodes as (a type of the price table). */
    readonly instanceType: string;
    /** Nodes the pool runs on average. */
    readonly nodes: number;
    /** Share of the nodes on Spot (0-1), when the pool allows Spot. */
    readonly spotShare: number;
}

export interface Usage {
    readonly hoursPerMonth: number;
    /** Day (YYYY-MM-DD) whose EKS support phase prices each cluster; default: today (UTC). */
    readonly date: string;
    readonly fargateSpotDiscount: number;
    readonly ec2SpotDiscount: number;
    readonly natGatewayGb: number;
    readonly albLcus: number;
    readonly nlbLcus: number;
    readonly interfaceEndpointGb: number;
    readonly globalAcceleratorGb: number;
    readonly dynamodbWritesMillions: number;
    readonly dynamodbReadsMillions: number;
    readonly dynamodbStorageGb: number;
    readonly route53QueriesMillions: number;
    readonly kmsRequests: number;
    readonly logsIngestGb: number;
    readonly containerInsightsMetricsPerTask: number;
    readonly containerInsightsMetricsPerNode: number;
    readonly sqsRequestsMillions: number;
    readonly stateMachineTransitions: number;
    readonly ecrStorageGb: number;
    /** How every Karpenter or Auto Mode NodePool is priced, unless `nodePools` names it. */
    readonly nodePool: NodePoolUsage;
    /** Per NodePool resource name. */
    readonly nodePools: { readonly [name: string]: Partial<NodePoolUsage> };
    /** Per ECS service resource name. */
    readonly services: { readonly [name: string]: ServiceUsage };
}

type Scalar = Exclude<keyof Usage, "nodePool" | "nodePools" | "services" | "date">;

interface Knob {
    readonly default: number;
    readonly description: string;
    /** "share": 0-1; "count": a number ≥ 0. */
    readonly kind: "share" | "count";
}

/** Each scalar assumption: default and meaning. The order is the order they are printed in. */
export const USAGE_KNOBS: { readonly [K in Scalar]: Knob } = {
    hoursPerMonth: { default: 730, kind: "count", description: "hours in a month (AWS's pricing pages use 730)" },
    fargateSpotDiscount: { default: 0.7, kind: "share", description: "Fargate Spot discount off on-demand (AWS: \"up to 70%\"; Spot prices vary)" },
    ec2SpotDiscount: { default: 0.6, kind: "share", description: "EC2 Spot discount off on-demand (AWS: \"up to 90%\"; varies by type and AZ)" },
    natGatewayGb: { default: 100, kind: "count", description: "GB processed per NAT gateway per month" },
    albLcus: { default: 1, kind: "count", description: "average LCUs per Application Load Balancer" },
    nlbLcus: { default: 1, kind: "count", description: "average NLCUs per Network Load Balancer" },
    interfaceEndpointGb: { default: 10, kind: "count", description: "GB processed per interface VPC endpoint per month" },
    globalAcceleratorGb: { default: 100, kind: "count", description: "GB per accelerator per month (dominant direction)" },
    dynamodbWritesMillions: { default: 10, kind: "count", description: "million write request units per table per month (each replica gets them as replicated writes)" },
    dynamodbReadsMillions: { default: 50, kind: "count", description: "million read request units per table per month" },
    dynamodbStorageGb: { default: 10, kind: "count", description: "GB stored per table and per replica" },
    route53QueriesMillions: { default: 1, kind: "count", description: "million queries per month per record that is not an alias to AWS" },
    kmsRequests: { default: 100000, kind: "count", description: "requests per KMS key per month" },
    logsIngestGb: { default: 5, kind: "count", description: "GB ingested per log group per month (stored for its retention, at most 12 months)" },
    containerInsightsMetricsPerTask: { default: 20, kind: "count", description: "Container Insights metrics per ECS task (cluster, service and task dimensions)" },
    containerInsightsMetricsPerNode: { default: 30, kind: "count", description: "Container Insights metrics per EKS node (node, pod and container dimensions)" },
    sqsRequestsMillions: { default: 1, kind: "count", description: "million requests per queue per month" },
    stateMachineTransitions: { default: 100000, kind: "count", description: "state transitions per Standard state machine per month" },
    ecrStorageGb: { default: 5, kind: "count", description: "GB of images per repository" },
};

export const DEFAULT_NODE_POOL: NodePoolUsage = { instanceType: "m7g.large", nodes: 2, spotShare: 0.5 };

const TOP_KEYS = [...Object.keys(USAGE_KNOBS), "date", "nodePool", "nodePools", "services"];
const NODE_POOL_KEYS = ["instanceType", "nodes", "spotShare"];
const SERVICE_KEYS = ["tasks", "spotShare"];

/** The assumptions with every default, for `date` (YYYY-MM-DD). */
export function defaultUsage(date: string): Usage {
    const scalars = Object.fromEntries(Object.entries(USAGE_KNOBS).map(([k, knob]) => [k, knob.default])) as { [K in Scalar]: number };
    return { ...scalars, date, nodePool: DEFAULT_NODE_POOL, nodePools: {}, services: {} };
}

const isObject = (v: unknown): v is { [key: string]: unknown } => v !== null && typeof v === "object" && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/**
 * `overrides` (a usage file's document, or the policy's `usage` config) over the defaults. Returns the
 * usage and every error, each naming the key (`where.key`), the bad value and what is allowed.
 * `instanceTypes` are the EC2 types the price table knows.
 */
export function resolveUsage(overrides: unknown, where: string, date: string, instanceTypes: readonly string[]): { usage: Usage; errors: string[] } {
    const base = defaultUsage(date);
    const errors: string[] = [];
    if (overrides === undefined || overrides === null) {
        return { usage: base, errors };
    }
    if (!isObject(overrides)) {
        return { usage: base, errors: [`${where}: must be an object of usage assumptions, got ${show(overrides)}`] };
    }
    const unknown = (obj: { [key: string]: unknown }, allowed: readonly string[], at: string) => {
        for (const key of Object.keys(obj).filter((k) => !allowed.includes(k))) {
            errors.push(`${at}.${key}: unknown key; allowed: ${allowed.join(", ")}`);
        }
    };
    const number = (v: unknown, at: string, kind: "share" | "count"): number | undefined => {
        const ok = typeof v === "number" && Number.isFinite(v) && v >= 0 && (kind === "count" || v <= 1);
        if (!ok) {
            errors.push(`${at}: ${show(v)} is not ${kind === "share" ? "a share between 0 and 1" : "a number ≥ 0"}`);
            return undefined;
        }
        return v as number;
    };
    const instanceType = (v: unknown, at: string): string | undefined => {
        if (typeof v !== "string" || !instanceTypes.includes(v)) {
            errors.push(`${at}: ${show(v)} is not an instance type of the price table; known: ${instanceTypes.join(", ")}`);
            return undefined;
        }
        return v;
    };
    const nodePool = (v: unknown, at: string): Partial<NodePoolUsage> => {
        if (!isObject(v)) {
            errors.push(`${at}: must be an object with ${NODE_POOL_KEYS.join(", ")}, got ${show(v)}`);
            return {};
        }
        unknown(v, NODE_POOL_KEYS, at);
        const out: { -readonly [K in keyof NodePoolUsage]?: NodePoolUsage[K] } = {};
        if (v.instanceType !== undefined) out.instanceType = instanceType(v.instanceType, `${at}.instanceType`);
        if (v.nodes !== undefined) out.nodes = number(v.nodes, `${at}.nodes`, "count");
        if (v.spotShare !== undefined) out.spotShare = number(v.spotShare, `${at}.spotShare`, "share");
        return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined));
    };
    const named = <T>(v: unknown, at: string, each: (x: unknown, at: string) => T): { [name: string]: T } => {
        if (!isObject(v)) {
            errors.push(`${at}: must be an object of resource name → settings, got ${show(v)}`);
            return {};
        }
        return Object.fromEntries(Object.entries(v).map(([name, x]) => [name, each(x, `${at}.${name}`)]));
    };

    unknown(overrides, TOP_KEYS, where);
    const out: { [key: string]: unknown } = { ...base };
    for (const [key, knob] of Object.entries(USAGE_KNOBS)) {
        if (overrides[key] !== undefined) {
            const v = number(overrides[key], `${where}.${key}`, knob.kind);
            if (v !== undefined) out[key] = v;
        }
    }
    if (overrides.date !== undefined) {
        if (typeof overrides.date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(overrides.date)) out.date = overrides.date;
        else errors.push(`${where}.date: ${show(overrides.date)} is not a day as YYYY-MM-DD`);
    }
    if (overrides.nodePool !== undefined) {
        out.nodePool = { ...base.nodePool, ...nodePool(overrides.nodePool, `${where}.nodePool`) };
    }
    if (overrides.nodePools !== undefined) {
        out.nodePools = named(overrides.nodePools, `${where}.nodePools`, nodePool);
    }
    if (overrides.services !== undefined) {
        out.services = named(overrides.services, `${where}.services`, (v, at): ServiceUsage => {
            if (!isObject(v)) {
                errors.push(`${at}: must be an object with ${SERVICE_KEYS.join(", ")}, got ${show(v)}`);
                return {};
            }
            unknown(v, SERVICE_KEYS, at);
            const s: { tasks?: number; spotShare?: number } = {};
            if (v.tasks !== undefined) s.tasks = number(v.tasks, `${at}.tasks`, "count");
            if (v.spotShare !== undefined) s.spotShare = number(v.spotShare, `${at}.spotShare`, "share");
            return s;
        });
    }
    return { usage: out as unknown as Usage, errors };
}

/** The assumptions an estimate used, one line each, as the plan prints them. */
export function describeUsage(usage: Usage): string[] {
    const lines = Object.entries(USAGE_KNOBS).map(([k, knob]) => `${k}: ${usage[k as Scalar]} (${knob.description})`);
    lines.push(`date: ${usage.date} (prices each EKS cluster by its support phase on this day)`);
    const pool = usage.nodePool;
    lines.push(`nodePool: ${pool.nodes} × ${pool.instanceType}, spotShare ${pool.spotShare} (each Karpenter or Auto Mode NodePool not named in nodePools)`);
    for (const [name, p] of Object.entries(usage.nodePools)) {
        lines.push(`nodePools.${name}: ${JSON.stringify(p)}`);
    }
    for (const [name, s] of Object.entries(usage.services)) {
        lines.push(`services.${name}: ${JSON.stringify(s)}`);
    }
    return lines;
}
