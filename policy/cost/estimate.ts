/**
 * The monthly cost estimate of a stack: a pure function from the planned resources (type, inputs,
 * region, parent) and the usage assumptions to priced line items. The plan (plan/report/cost.ts) and
 * the budget policy (policy/cost/budget.ts) both call it, so the two never disagree.
 *
 * A line item is `fixed` when the program alone decides it (what exists, for how many hours, at which
 * size: NAT gateway hours, task-hours of a service's desired count) and `usage` when it depends on a
 * usage assumption (GB processed, requests, the nodes Karpenter will start). Resources the components
 * create that cost nothing by themselves (IAM, security groups, routes, subnets, target groups) have
 * no line item; a priced resource whose size cannot be told yet is listed in `unpriced` with the reason.
 */
import { compareVersions, EKS_CALENDAR, supportPhase } from "../eks-calendar";
import { resolve } from "../lib/graph";
import { arr, get, isUnknown, Obj, num, str, strings, Value } from "../lib/values";
import { PriceKey, PRICES, priceIn } from "./prices";
import { Usage } from "./usage";

/** A planned resource as the estimate reads it; the plan and the pack each build these from their own view. */
export interface CostResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Obj;
    readonly region?: string;
    /** URN of the parent resource. */
    readonly parent?: string;
    readonly propertyDependsOn: { readonly [property: string]: readonly string[] };
}

export type CostKind = "fixed" | "usage";

export interface LineItem {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The AWS region, or "global" for global prices (Route 53, Global Accelerator). */
    readonly region: string;
    /** The nearest aws-containers component the resource belongs to, or "(stack)". */
    readonly component: string;
    readonly price: PriceKey;
    /** How the quantity came about, e.g. "2 tasks × 0.5 vCPU × 730 h". */
    readonly what: string;
    readonly quantity: number;
    readonly unit: string;
    readonly unitPrice: number;
    readonly monthly: number;
    readonly kind: CostKind;
    /** False when the price (or, for Spot, the discount) was not read for this region: see prices.ts. */
    readonly confirmed: boolean;
    /** Capacity on Spot (Fargate Spot or EC2 Spot), priced at the usage file's Spot discount. */
    readonly spot: boolean;
}

export interface CostEstimate {
    readonly items: LineItem[];
    /** Priced resource types whose size could not be told (unknown inputs, references outside the stack). */
    readonly unpriced: { readonly urn: string; readonly type: string; readonly name: string; readonly reason: string }[];
    readonly usage: Usage;
    /** Names in the usage's `services` or `nodePools` that no resource of the stack has (a typo, or a renamed resource). */
    readonly unmatchedUsage: string[];
    readonly total: number;
    readonly fixed: number;
    readonly usageBased: number;
}

export interface Totals {
    fixed: number;
    usage: number;
    total: number;
}

export const GLOBAL_REGION = "global";
const COMPONENT_PREFIX = "aws-containers:";

/** What a priced type is called in a sentence ("2 NAT gateways in eu-west-1"). */
export const TYPE_LABELS: { readonly [type: string]: readonly [string, string] } = {
    "aws:ecs/service:Service": ["ECS service", "ECS services"],
    "aws:ecs/cluster:Cluster": ["ECS cluster", "ECS clusters"],
    "aws:eks/cluster:Cluster": ["EKS cluster", "EKS clusters"],
    "aws:eks/nodeGroup:NodeGroup": ["EKS node group", "EKS node groups"],
    "aws:eks/addon:Addon": ["EKS add-on", "EKS add-ons"],
    "kubernetes:karpenter.sh/v1:NodePool": ["NodePool", "NodePools"],
    "aws:autoscaling/group:Group": ["Auto Scaling group", "Auto Scaling groups"],
    "aws:ec2/natGateway:NatGateway": ["NAT gateway", "NAT gateways"],
    "aws:ec2/eip:Eip": ["Elastic IP", "Elastic IPs"],
    "aws:lb/loadBalancer:LoadBalancer": ["load balancer", "load balancers"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["VPC endpoint", "VPC endpoints"],
    "aws:globalaccelerator/accelerator:Accelerator": ["accelerator", "accelerators"],
    "aws:dynamodb/table:Table": ["DynamoDB table", "DynamoDB tables"],
    "aws:dynamodb/tableReplica:TableReplica": ["DynamoDB replica", "DynamoDB replicas"],
    "aws:route53/healthCheck:HealthCheck": ["health check", "health checks"],
    "aws:route53/record:Record": ["DNS record", "DNS records"],
    "aws:kms/key:Key": ["KMS key", "KMS keys"],
    "aws:cloudwatch/logGroup:LogGroup": ["log group", "log groups"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": ["alarm", "alarms"],
    "aws:sqs/queue:Queue": ["SQS queue", "SQS queues"],
    "aws:sfn/stateMachine:StateMachine": ["state machine", "state machines"],
    "aws:ecr/repository:Repository": ["ECR repository", "ECR repositories"],
};

export function typeLabel(type: string, count: number): string {
    const label = TYPE_LABELS[type];
    return label ? label[count === 1 ? 0 : 1] : type;
}

/** EC2 instance types the price table knows. */
export const INSTANCE_TYPES: readonly string[] = Object.keys(PRICES).filter((k) => k.startsWith("ec2.")).map((k) => k.slice(4));

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmt = (n: number) => String(round(n, 4));

/** The estimate of `resources` under `usage`. */
export function estimateCost(resources: readonly CostResource[], usage: Usage): CostEstimate {
    return new Estimator(resources, usage).run();
}

/** Line items grouped by `key` (region, component, type), fixed and usage-based parts apart, sorted by key. */
export function totalsBy(items: readonly LineItem[], key: (i: LineItem) => string): Map<string, Totals> {
    const out = new Map<string, Totals>();
    for (const i of [...items].sort((a, b) => key(a).localeCompare(key(b)))) {
        const t = out.get(key(i)) ?? { fixed: 0, usage: 0, total: 0 };
        t[i.kind] += i.monthly;
        t.total += i.monthly;
        out.set(key(i), t);
    }
    return out;
}

class Estimator {
    private readonly items: LineItem[] = [];
    private readonly unpriced: { urn: string; type: string; name: string; reason: string }[] = [];
    private readonly byUrn = new Map<string, CostResource>();
    private childRegions?: Map<string, string>;
    private readonly hours: number;

    constructor(private readonly resources: readonly CostResource[], private readonly usage: Usage) {
        this.hours = usage.hoursPerMonth;
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
        }
    }

    /** Parent URN → the region of its first child that has one; built on first use (a pack reads regions lazily). */
    private childRegion(parent: string): string | undefined {
        if (!this.childRegions) {
            this.childRegions = new Map();
            for (const r of this.resources) {
                if (r.parent && !this.childRegions.has(r.parent) && r.region) {
                    this.childRegions.set(r.parent, r.region);
                }
            }
        }
        return this.childRegions.get(parent);
    }

    run(): CostEstimate {
        for (const r of this.resources) {
            this.price(r);
        }
        const sum = (kind?: CostKind) => this.items.filter((i) => kind === undefined || i.kind === kind).reduce((a, i) => a + i.monthly, 0);
        const names = (type: string) => new Set(this.ofType(type).map((r) => r.name));
        const services = names("aws:ecs/service:Service");
        const pools = names("kubernetes:karpenter.sh/v1:NodePool");
        const unmatchedUsage = [
            ...Object.keys(this.usage.services).filter((n) => !services.has(n)).map((n) => `services.${n}`),
            ...Object.keys(this.usage.nodePools).filter((n) => !pools.has(n)).map((n) => `nodePools.${n}`),
        ];
        return { items: this.items, unpriced: this.unpriced, usage: this.usage, unmatchedUsage, total: sum(), fixed: sum("fixed"), usageBased: sum("usage") };
    }

    private ofType(type: string): CostResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /**
     * The region a resource is priced in: its own; else its nearest ancestor's, or that of the first
     * sibling-level resource under that ancestor which has one (Kubernetes resources have no AWS region
     * but live beside their cluster).
     */
    private regionOf(r: CostResource): string | undefined {
        if (r.region) return r.region;
        for (let p = r.parent; p !== undefined; p = this.byUrn.get(p)?.parent) {
            const region = this.byUrn.get(p)?.region ?? this.childRegion(p);
            if (region) return region;
        }
        return undefined;
    }

    private componentOf(r: CostResource): string {
        for (let p = r.parent; p !== undefined; p = this.byUrn.get(p)?.parent) {
            const parent = this.byUrn.get(p);
            if (parent?.type.startsWith(COMPONENT_PREFIX)) return parent.name;
        }
        return "(stack)";
    }

    private add(r: CostResource, price: PriceKey, quantity: number, what: string, kind: CostKind, extra: { factor?: number; unconfirmed?: boolean; spot?: boolean } = {}): void {
        if (quantity <= 0) {
            return;
        }
        const row = PRICES[price] as { unit: string; global?: boolean };
        const region = this.regionOf(r);
        const p = priceIn(price, region);
        const unitPrice = p.usd * (extra.factor ?? 1);
        this.items.push({
            urn: r.urn, type: r.type, name: r.name, region: row.global ? GLOBAL_REGION : region ?? "unknown",
            component: this.componentOf(r), price, what, quantity: round(quantity, 6), unit: row.unit,
            unitPrice: round(unitPrice, 8), monthly: quantity * unitPrice, kind, confirmed: p.confirmed && !extra.unconfirmed, spot: extra.spot ?? false,
        });
    }

    private skip(r: CostResource, reason: string): void {
        this.unpriced.push({ urn: r.urn, type: r.type, name: r.name, reason });
    }

    private price(r: CostResource): void {
        const h = this.hours;
        const u = this.usage;
        switch (r.type) {
            case "aws:ecs/service:Service": return this.ecsService(r);
            case "aws:ecs/cluster:Cluster": return this.containerInsightsEcs(r);
            case "aws:eks/cluster:Cluster": return this.eksCluster(r);
            case "aws:eks/nodeGroup:NodeGroup": return this.nodeGroup(r);
            case "aws:eks/addon:Addon": return this.containerInsightsEks(r);
            case "kubernetes:karpenter.sh/v1:NodePool": return this.nodePool(r);
            case "aws:autoscaling/group:Group": return this.autoScalingGroup(r);
            case "aws:ec2/natGateway:NatGateway":
                this.add(r, "nat.hour", h, `${h} h`, "fixed");
                this.add(r, "nat.gb", u.natGatewayGb, `${u.natGatewayGb} GB processed (usage natGatewayGb)`, "usage");
                return;
            case "aws:ec2/eip:Eip":
                this.add(r, "ipv4.hour", h, `1 public IPv4 × ${h} h`, "fixed");
                return;
            case "aws:lb/loadBalancer:LoadBalancer": return this.loadBalancer(r);
            case "aws:ec2/vpcEndpoint:VpcEndpoint": return this.vpcEndpoint(r);
            case "aws:globalaccelerator/accelerator:Accelerator":
                this.add(r, "ga.fixed", h, `${h} h`, "fixed");
                this.add(r, "ga.premium", u.globalAcceleratorGb, `${u.globalAcceleratorGb} GB (usage globalAcceleratorGb)`, "usage");
                return;
            case "aws:dynamodb/table:Table": return this.dynamodbTable(r);
            case "aws:dynamodb/tableReplica:TableReplica":
                this.add(r, "dynamodb.ondemand.replicatedWrite", u.dynamodbWritesMillions, `${u.dynamodbWritesMillions} million replicated writes (usage dynamodbWritesMillions)`, "usage");
                this.add(r, "dynamodb.storage", u.dynamodbStorageGb, `${u.dynamodbStorageGb} GB (usage dynamodbStorageGb)`, "usage");
                if (r.props["pointInTimeRecovery"] === true) {
                    this.add(r, "dynamodb.pitr", u.dynamodbStorageGb, `${u.dynamodbStorageGb} GB under point-in-time recovery`, "usage");
                }
                return;
            case "aws:route53/healthCheck:HealthCheck": return this.healthCheck(r);
            case "aws:route53/record:Record":
                // Alias queries to AWS resources are free.
                if ((arr(r.props["aliases"]) ?? []).length === 0) {
                    this.add(r, "route53.queries", u.route53QueriesMillions, `${u.route53QueriesMillions} million queries (usage route53QueriesMillions)`, "usage");
                }
                return;
            case "aws:kms/key:Key":
                this.add(r, "kms.key", 1, "1 key", "fixed");
                this.add(r, "kms.requests", u.kmsRequests / 10000, `${u.kmsRequests} requests (usage kmsRequests)`, "usage");
                return;
            case "aws:cloudwatch/logGroup:LogGroup": {
                const days = num(r.props["retentionInDays"]);
                const months = days === undefined || days === 0 ? 12 : Math.min(days / 30, 12);
                this.add(r, "logs.ingest", u.logsIngestGb, `${u.logsIngestGb} GB ingested (usage logsIngestGb)`, "usage");
                this.add(r, "logs.storage", u.logsIngestGb * months, `${u.logsIngestGb} GB × ${fmt(months)} months retained`, "usage");
                return;
            }
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                this.add(r, "cloudwatch.alarm", 1, "1 alarm", "fixed");
                return;
            case "aws:sqs/queue:Queue": {
                const fifo = r.props["fifoQueue"] === true;
                this.add(r, fifo ? "sqs.fifo" : "sqs.standard", u.sqsRequestsMillions, `${u.sqsRequestsMillions} million requests (usage sqsRequestsMillions)`, "usage");
                return;
            }
            case "aws:sfn/stateMachine:StateMachine":
                if ((str(r.props["type"]) ?? "STANDARD") === "STANDARD") {
                    this.add(r, "sfn.transitions", u.stateMachineTransitions / 1000, `${u.stateMachineTransitions} transitions (usage stateMachineTransitions)`, "usage");
                } else {
                    this.skip(r, "Express state machines are billed per request and duration, which the table does not price");
                }
                return;
            case "aws:ecr/repository:Repository":
                this.add(r, "ecr.storage", u.ecrStorageGb, `${u.ecrStorageGb} GB (usage ecrStorageGb)`, "usage");
                return;
        }
    }

    /** Tasks a service runs: the usage file's, else its desired count, at least its autoscaling minimum. */
    private tasksOf(service: CostResource): number | undefined {
        const override = this.usage.services[service.name]?.tasks;
        if (override !== undefined) return override;
        const desired = num(service.props["desiredCount"]);
        const name = str(service.props["name"]);
        const minimums = this.ofType("aws:appautoscaling/target:Target")
            .filter((t) => str(t.props["scalableDimension"]) === "ecs:service:DesiredCount")
            .filter((t) => (t.propertyDependsOn["resourceId"] ?? []).includes(service.urn) ||
                (name !== undefined && (str(t.props["resourceId"]) ?? "").endsWith(`/${name}`)))
            .map((t) => num(t.props["minCapacity"]))
            .filter((n): n is number => n !== undefined);
        if (isUnknown(service.props["desiredCount"]) && minimums.length === 0) {
            return undefined;
        }
        // Without a desired count the provider creates the service with 0 tasks.
        return Math.max(desired ?? 0, ...minimums);
    }

    /** The capacity provider strategy that places a service's tasks: its own, else its cluster's default. */
    private strategyOf(service: CostResource): Value[] | undefined {
        const own = arr(service.props["capacityProviderStrategies"]);
        if (own && own.length > 0) return own;
        const clusters = this.ofType("aws:ecs/cluster:Cluster");
        const cluster = resolve(service, "cluster", service.props["cluster"], clusters, ["arn", "id", "name"]).targets[0];
        if (!cluster) return undefined;
        for (const ccp of this.ofType("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")) {
            if (resolve(ccp, "clusterName", ccp.props["clusterName"], clusters, ["name", "id", "arn"]).targets.includes(cluster)) {
                return arr(ccp.props["defaultCapacityProviderStrategies"]);
            }
        }
        return undefined;
    }

    /** Share of `tasks` the strategy puts on FARGATE_SPOT: the base first, the rest by weight. */
    private static spotShare(strategy: Value[], tasks: number): number {
        const entries = strategy.map((s) => ({ provider: str(get(s, "capacityProvider")), weight: num(get(s, "weight")) ?? 0, base: num(get(s, "base")) ?? 0 }));
        if (tasks <= 0) return 0;
        const based = entries.find((e) => e.base > 0);
        const baseTasks = Math.min(tasks, based?.base ?? 0);
        const totalWeight = entries.reduce((a, e) => a + e.weight, 0);
        const spotWeight = entries.filter((e) => e.provider === "FARGATE_SPOT").reduce((a, e) => a + e.weight, 0);
        const rest = tasks - baseTasks;
        const spotRest = totalWeight > 0 ? rest * spotWeight / totalWeight : 0;
        return ((based?.provider === "FARGATE_SPOT" ? baseTasks : 0) + spotRest) / tasks;
    }

    private ecsService(r: CostResource): void {
        const strategy = this.strategyOf(r);
        const launchType = str(r.props["launchType"]);
        const providers = (strategy ?? []).map((s) => str(get(s, "capacityProvider")));
        if (launchType === "EC2" || providers.some((p) => p !== undefined && !p.startsWith("FARGATE"))) {
            return; // on EC2 capacity: its instances are priced with their Auto Scaling group
        }
        const td = resolve(r, "taskDefinition", r.props["taskDefinition"], this.ofType("aws:ecs/taskDefinition:TaskDefinition"), ["arn", "id", "family"]).targets[0];
        if (!td) {
            this.skip(r, "its task definition is not in the stack, so its size is not known");
            return;
        }
        const cpu = num(td.props["cpu"]);
        const memory = num(td.props["memory"]);
        const tasks = this.tasksOf(r);
        if (cpu === undefined || memory === undefined || tasks === undefined) {
            this.skip(r, "its task size or desired count is not known yet");
            return;
        }
        const arm = str(get(td.props, "runtimePlatform", "cpuArchitecture")) === "ARM64";
        const arch = arm ? "arm" : "x86";
        const spot = this.usage.services[r.name]?.spotShare ?? (strategy ? Estimator.spotShare(strategy, tasks) : 0);
        const vcpu = cpu / 1024;
        const gb = memory / 1024;
        const h = this.hours;
        const archName = arm ? "ARM64" : "x86";
        const parts: [number, string, number, boolean][] = [
            [tasks * (1 - spot), "on-demand", 1, false],
            [tasks * spot, "Spot", 1 - this.usage.fargateSpotDiscount, true],
        ];
        for (const [n, label, factor, isSpot] of parts) {
            if (n <= 0) continue;
            const count = `${fmt(n)} ${label} task${n === 1 ? "" : "s"}`;
            this.add(r, `fargate.linux.${arch}.vcpu`, n * vcpu * h, `${count} × ${fmt(vcpu)} vCPU (${archName}) × ${h} h`, "fixed", { factor, unconfirmed: isSpot, spot: isSpot });
            this.add(r, `fargate.linux.${arch}.gb`, n * gb * h, `${count} × ${fmt(gb)} GB × ${h} h`, "fixed", { factor, unconfirmed: isSpot, spot: isSpot });
            const storage = num(get(td.props, "ephemeralStorage", "sizeInGib"));
            if (storage !== undefined && storage > 20) {
                this.add(r, "fargate.storage.gb", n * (storage - 20) * h, `${count} × ${storage - 20} GB above 20 GB × ${h} h`, "fixed", { factor, unconfirmed: isSpot, spot: isSpot });
            }
        }
        if (get(r.props, "networkConfiguration", "assignPublicIp") === true) {
            this.add(r, "ipv4.hour", tasks * h, `${fmt(tasks)} tasks' public IPv4 × ${h} h`, "fixed");
        }
    }

    /** Tasks of the ECS services placed in `cluster`. */
    private clusterTasks(cluster: CostResource): number {
        const clusters = this.ofType("aws:ecs/cluster:Cluster");
        return this.ofType("aws:ecs/service:Service")
            .filter((s) => resolve(s, "cluster", s.props["cluster"], clusters, ["arn", "id", "name"]).targets.includes(cluster))
            .reduce((a, s) => a + (this.tasksOf(s) ?? 0), 0);
    }

    private containerInsightsEcs(r: CostResource): void {
        const setting = (arr(r.props["settings"]) ?? []).find((s) => get(s, "name") === "containerInsights");
        const value = str(get(setting, "value"));
        if (value !== "enabled" && value !== "enhanced") return;
        const tasks = this.clusterTasks(r);
        const per = this.usage.containerInsightsMetricsPerTask;
        this.add(r, "cloudwatch.metric", tasks * per, `Container Insights (${value}): ${fmt(tasks)} tasks × ${per} metrics (usage containerInsightsMetricsPerTask)`, "usage");
    }

    private eksCluster(r: CostResource): void {
        const version = str(r.props["version"]);
        const supportType = str(get(r.props, "upgradePolicy", "supportType")) ?? "EXTENDED"; // the EKS API's default
        const newest = [...EKS_CALENDAR].sort((a, b) => compareVersions(b.version, a.version))[0]?.version;
        // An absent version is EKS's newest, which is in standard support.
        const phase = supportPhase(version ?? newest ?? "", this.usage.date, EKS_CALENDAR);
        const extended = phase !== "standard" && supportType === "EXTENDED";
        const h = this.hours;
        this.add(r, extended ? "eks.cluster.extended" : "eks.cluster.standard", h,
            `${h} h, Kubernetes ${version ?? "(EKS default)"} in ${extended ? "extended" : "standard"} support on ${this.usage.date}`, "fixed");
    }

    private ec2Price(instanceType: string | undefined): PriceKey | undefined {
        return instanceType !== undefined && INSTANCE_TYPES.includes(instanceType) ? (`ec2.${instanceType}` as PriceKey) : undefined;
    }

    /** Root and data volume GiB a launch template gives each instance; undefined without a template. */
    private templateVolumes(template: CostResource | undefined): number | undefined {
        if (!template) return undefined;
        return (arr(template.props["blockDeviceMappings"]) ?? []).reduce((a: number, m) => a + (num(get(m, "ebs", "volumeSize")) ?? 0), 0);
    }

    private instances(r: CostResource, count: number, instanceType: string | undefined, spot: boolean, gib: number, kind: CostKind, why: string): void {
        const key = this.ec2Price(instanceType);
        if (!key) {
            this.skip(r, `instance type ${instanceType ?? "(unknown)"} is not in the price table (known: ${INSTANCE_TYPES.join(", ")})`);
            return;
        }
        const h = this.hours;
        const label = `${fmt(count)} ${instanceType}${spot ? " Spot" : ""} (${why}) × ${h} h`;
        this.add(r, key, count * h, label, kind, spot ? { factor: 1 - this.usage.ec2SpotDiscount, unconfirmed: true, spot: true } : {});
        this.add(r, "ebs.gp3.gb", count * gib, `${fmt(count)} × ${gib} GiB gp3`, kind);
    }

    private nodeGroup(r: CostResource): void {
        const nodes = num(get(r.props, "scalingConfig", "desiredSize")) ?? num(get(r.props, "scalingConfig", "minSize"));
        if (nodes === undefined) {
            this.skip(r, "its scaling config is not known yet");
            return;
        }
        const template = resolve(r, "launchTemplate", get(r.props, "launchTemplate", "id"), this.ofType("aws:ec2/launchTemplate:LaunchTemplate"), ["id", "name"]).targets[0];
        const types = strings(r.props["instanceTypes"]);
        const instanceType = types?.[0] ?? str(template?.props["instanceType"]) ?? "t3.medium"; // t3.medium: the EKS API's default
        const gib = this.templateVolumes(template) ?? num(r.props["diskSize"]) ?? 20;
        this.instances(r, nodes, instanceType, str(r.props["capacityType"]) === "SPOT", gib, "fixed", "desired size, first instance type");
    }

    private autoScalingGroup(r: CostResource): void {
        const nodes = num(r.props["desiredCapacity"]) ?? num(r.props["minSize"]);
        const templates = this.ofType("aws:ec2/launchTemplate:LaunchTemplate");
        const template = resolve(r, "launchTemplate", get(r.props, "launchTemplate", "id"), templates, ["id", "name"]).targets[0];
        if (nodes === undefined || !template) {
            this.skip(r, "its size or launch template is not known");
            return;
        }
        this.instances(r, nodes, str(template.props["instanceType"]), false, this.templateVolumes(template) ?? 0, "fixed", "desired capacity, else minimum size");
    }

    private nodePool(r: CostResource): void {
        const pool = { ...this.usage.nodePool, ...this.usage.nodePools[r.name] };
        const requirements = arr(get(r.props, "spec", "template", "spec", "requirements")) ?? [];
        const capacity = requirements.find((q) => get(q, "key") === "karpenter.sh/capacity-type");
        const allowsSpot = capacity === undefined ? false : (strings(get(capacity, "values")) ?? []).includes("spot");
        const spotShare = allowsSpot ? pool.spotShare : 0;
        const autoMode = str(get(r.props, "spec", "template", "spec", "nodeClassRef", "group")) === "eks.amazonaws.com";
        const key = this.ec2Price(pool.instanceType);
        if (!key) {
            this.skip(r, `instance type ${pool.instanceType} is not in the price table`);
            return;
        }
        const h = this.hours;
        const onDemand = pool.nodes * (1 - spotShare);
        const spot = pool.nodes * spotShare;
        this.add(r, key, onDemand * h, `${fmt(onDemand)} on-demand ${pool.instanceType} (usage nodePool) × ${h} h`, "usage");
        this.add(r, key, spot * h, `${fmt(spot)} Spot ${pool.instanceType} (usage nodePool) × ${h} h`, "usage", { factor: 1 - this.usage.ec2SpotDiscount, unconfirmed: true, spot: true });
        if (autoMode) {
            // The Auto Mode fee is a share of the on-demand price, Spot nodes included.
            const ec2 = priceIn(key, this.regionOf(r));
            this.add(r, "eks.automode.fraction", pool.nodes * h * ec2.usd, `Auto Mode fee on ${fmt(pool.nodes)} ${pool.instanceType} × ${h} h at $${ec2.usd}/h`, "usage",
                { unconfirmed: !ec2.confirmed });
        }
    }

    private containerInsightsEks(r: CostResource): void {
        if (r.props["addonName"] !== "amazon-cloudwatch-observability") return;
        const clusters = this.ofType("aws:eks/cluster:Cluster");
        const cluster = resolve(r, "clusterName", r.props["clusterName"], clusters, ["name", "id"]).targets[0];
        if (!cluster) {
            this.skip(r, "its cluster is not in the stack");
            return;
        }
        const sameCluster = (x: CostResource) => resolve(x, "clusterName", x.props["clusterName"], clusters, ["name", "id"]).targets.includes(cluster);
        const groupNodes = this.ofType("aws:eks/nodeGroup:NodeGroup").filter(sameCluster)
            .reduce((a, g) => a + (num(get(g.props, "scalingConfig", "desiredSize")) ?? num(get(g.props, "scalingConfig", "minSize")) ?? 0), 0);
        const region = this.regionOf(cluster);
        const poolNodes = this.ofType("kubernetes:karpenter.sh/v1:NodePool").filter((p) => this.regionOf(p) === region)
            .reduce((a, p) => a + ({ ...this.usage.nodePool, ...this.usage.nodePools[p.name] }).nodes, 0);
        const nodes = groupNodes + poolNodes;
        const per = this.usage.containerInsightsMetricsPerNode;
        this.add(r, "cloudwatch.metric", nodes * per, `Container Insights: ${fmt(nodes)} nodes × ${per} metrics (usage containerInsightsMetricsPerNode)`, "usage");
    }

    private loadBalancer(r: CostResource): void {
        const type = str(r.props["loadBalancerType"]) ?? "application";
        if (type !== "application" && type !== "network") {
            this.skip(r, `${type} load balancers are not in the price table`);
            return;
        }
        const h = this.hours;
        if (type === "application") {
            const lcus = this.usage.albLcus;
            this.add(r, "alb.hour", h, `${h} h`, "fixed");
            this.add(r, "alb.lcu", lcus * h, `${lcus} LCU (usage albLcus) × ${h} h`, "usage");
        } else {
            const lcus = this.usage.nlbLcus;
            this.add(r, "nlb.hour", h, `${h} h`, "fixed");
            this.add(r, "nlb.lcu", lcus * h, `${lcus} NLCU (usage nlbLcus) × ${h} h`, "usage");
        }
        if (r.props["internal"] !== true) {
            // An internet-facing load balancer holds one public IPv4 address per subnet (AZ).
            const zones = (arr(r.props["subnets"]) ?? arr(r.props["subnetMappings"]) ?? []).length;
            this.add(r, "ipv4.hour", zones * h, `${zones} public IPv4 (one per AZ) × ${h} h`, "fixed");
        }
    }

    private vpcEndpoint(r: CostResource): void {
        if ((str(r.props["vpcEndpointType"]) ?? "Gateway") !== "Interface") return; // gateway endpoints are free
        const zones = (arr(r.props["subnetIds"]) ?? []).length;
        const h = this.hours;
        this.add(r, "vpce.interface.hour", zones * h, `${zones} AZ × ${h} h`, "fixed");
        this.add(r, "vpce.interface.gb", this.usage.interfaceEndpointGb, `${this.usage.interfaceEndpointGb} GB (usage interfaceEndpointGb)`, "usage");
    }

    private dynamodbTable(r: CostResource): void {
        const u = this.usage;
        const mode = str(r.props["billingMode"]) ?? "PROVISIONED";
        if (mode === "PAY_PER_REQUEST") {
            this.add(r, "dynamodb.ondemand.write", u.dynamodbWritesMillions, `${u.dynamodbWritesMillions} million writes (usage dynamodbWritesMillions)`, "usage");
            this.add(r, "dynamodb.ondemand.read", u.dynamodbReadsMillions, `${u.dynamodbReadsMillions} million reads (usage dynamodbReadsMillions)`, "usage");
        } else {
            const wcu = num(r.props["writeCapacity"]) ?? 0;
            const rcu = num(r.props["readCapacity"]) ?? 0;
            this.add(r, "dynamodb.provisioned.wcu", wcu * this.hours, `${wcu} WCU × ${this.hours} h`, "fixed");
            this.add(r, "dynamodb.provisioned.rcu", rcu * this.hours, `${rcu} RCU × ${this.hours} h`, "fixed");
        }
        this.add(r, "dynamodb.storage", u.dynamodbStorageGb, `${u.dynamodbStorageGb} GB (usage dynamodbStorageGb)`, "usage");
        if (get(r.props, "pointInTimeRecovery", "enabled") === true) {
            this.add(r, "dynamodb.pitr", u.dynamodbStorageGb, `${u.dynamodbStorageGb} GB under point-in-time recovery`, "usage");
        }
    }

    private healthCheck(r: CostResource): void {
        const type = str(r.props["type"]) ?? "";
        const target = str(r.props["fqdn"]) ?? str(r.props["ipAddress"]) ?? "";
        // Route 53 prices checks of AWS resources (ELB names, among others) below those of other endpoints.
        const aws = /\.amazonaws\.com\.?$/.test(target);
        const features = [
            type.startsWith("HTTPS") ? "HTTPS" : undefined,
            type.endsWith("STR_MATCH") ? "string matching" : undefined,
            num(r.props["requestInterval"]) === 10 ? "fast interval" : undefined,
            r.props["measureLatency"] === true ? "latency measurement" : undefined,
        ].filter((f): f is string => f !== undefined);
        if (type === "CALCULATED" || type === "CLOUDWATCH_METRIC" || type === "RECOVERY_CONTROL") {
            this.add(r, "route53.healthCheck.aws", 1, `1 ${type.toLowerCase()} health check`, "fixed");
            return;
        }
        this.add(r, aws ? "route53.healthCheck.aws" : "route53.healthCheck.other", 1, `1 health check of ${aws ? "an AWS" : "a non-AWS"} endpoint`, "fixed");
        this.add(r, aws ? "route53.healthCheck.awsFeature" : "route53.healthCheck.otherFeature", features.length, features.join(", "), "fixed");
    }
}

/** "$1,234.56"; with `sign`, "+$1,234.56" or "-$1,234.56". */
export function formatUsd(n: number, sign = false): string {
    const cents = Math.round(Math.abs(n) * 100) / 100;
    const text = cents.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    const minus = n < 0 && cents > 0;
    return `${minus ? "-" : sign ? "+" : ""}$${text}`;
}

/** The largest `n` resource types of an estimate, as "2 NAT gateways $65.70". */
export function largestTypes(items: readonly LineItem[], n: number): string[] {
    return [...totalsBy(items, (i) => i.type)]
        .sort(([, a], [, b]) => b.total - a.total)
        .slice(0, n)
        .map(([type, t]) => {
            const count = new Set(items.filter((i) => i.type === type).map((i) => i.urn)).size;
            return `${count} ${typeLabel(type, count)} ${formatUsd(t.total)}`;
        });
}
