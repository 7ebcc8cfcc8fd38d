/**
 * The architecture a plan describes, as a reviewer thinks of it: regions; in each the VPC with its
 * zones, the load balancer and its routes to services, the services that reach each other through
 * Service Connect, queues with the workers they feed and their dead-letter queues, a state machine's
 * stages, an EKS cluster with its node pools and add-ons; across regions ECR replication, the
 * accelerator's endpoint groups and a global table's replicas. Not raw resources: each element stands
 * for the resources that make it up, so every violation lands on the element it concerns.
 *
 * Built from the plan's resources alone (type, inputs, parent, and the input property dependencies
 * the SDK reports to the engine), so a program of a team's own gets its picture too; a violated
 * resource that no element stands for gets a node of its own rather than going unseen.
 */
import type { PlanResult } from "../plan";
import { planJson } from "./json";

/** One resource of a plan as the architecture reads it (inputs as in `--json`: secrets masked). */
export interface PlanResourceView {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly region?: string | null;
    readonly parent?: string | null;
    readonly custom?: boolean;
    readonly inputs: Record<string, any>;
    /** Input property → URNs of the resources it was computed from. */
    readonly propertyDependencies?: Record<string, string[]>;
}

export interface ViolationView {
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly urn: string;
    readonly message: string;
}

export interface PlanView {
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly PlanResourceView[];
    readonly violations: readonly ViolationView[];
}

/** The plan as the architecture reads it: the `--json` document plus each input's dependencies. */
export function planView(result: PlanResult): PlanView {
    const doc = planJson(result);
    const deps = new Map(result.resources.map((r) => [r.urn, r.propertyDependencies]));
    return {
        project: doc.project,
        stack: doc.stack,
        resources: doc.resources.map((r) => ({ ...r, propertyDependencies: deps.get(r.urn) })),
        violations: doc.violations,
    };
}

export type NodeKind = "zone" | "alb" | "service" | "namespace" | "queue" | "stage" | "node-group" | "node-pool"
    | "add-ons" | "charts" | "ecr" | "accelerator" | "endpoint-group" | "dns" | "table" | "resource";
export type GroupKind = "region" | "global" | "vpc" | "zones" | "ecs-cluster" | "eks-cluster" | "state-machine" | "k8s-cluster";
export type EdgeKind = "route" | "service-connect" | "feeds" | "dead-letter" | "next-stage" | "replication"
    | "endpoint" | "table-replica" | "dns" | "pulls";

export interface ArchNode {
    readonly kind: "node";
    readonly id: string;
    readonly type: NodeKind;
    readonly title: string;
    readonly details: string[];
    /** How many like elements this node stands for (repeated services collapse into one). */
    readonly count: number;
    /** Their names, when the node stands for several. */
    readonly members: string[];
    readonly violations: ViolationView[];
}

export interface ArchGroup {
    readonly kind: "group";
    readonly id: string;
    readonly type: GroupKind;
    readonly title: string;
    readonly details: string[];
    readonly children: (ArchNode | ArchGroup)[];
    readonly violations: ViolationView[];
}

export type ArchElement = ArchNode | ArchGroup;

export interface ArchEdge {
    readonly from: string;
    readonly to: string;
    readonly type: EdgeKind;
    /** Lines of the edge's label (a route's hosts and paths, a queue's redrive count). */
    labels: string[];
}

export interface Architecture {
    readonly project: string;
    readonly stack: string;
    /** Regions in plan order, then the global group; empty groups left out. */
    readonly groups: ArchGroup[];
    readonly edges: ArchEdge[];
}

/** Repeated services (same name but for numbers, same shape) collapse from this many on. */
export const COLLAPSE_AT = 3;

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
    ecsCluster: "aws:ecs/cluster:Cluster",
    capacity: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    ecsService: "aws:ecs/service:Service",
    scalingTarget: "aws:appautoscaling/target:Target",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    queue: "aws:sqs/queue:Queue",
    redrive: "aws:sqs/redrivePolicy:RedrivePolicy",
    stateMachine: "aws:sfn/stateMachine:StateMachine",
    eksCluster: "aws:eks/cluster:Cluster",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    addon: "aws:eks/addon:Addon",
    helm: "kubernetes:helm.sh/v3:Release",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    repository: "aws:ecr/repository:Repository",
    replication: "aws:ecr/replicationConfiguration:ReplicationConfiguration",
    accelerator: "aws:globalaccelerator/accelerator:Accelerator",
    gaListener: "aws:globalaccelerator/listener:Listener",
    endpointGroup: "aws:globalaccelerator/endpointGroup:EndpointGroup",
    record: "aws:route53/record:Record",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    table: "aws:dynamodb/table:Table",
    tableReplica: "aws:dynamodb/tableReplica:TableReplica",
} as const;

/** Services that have no region of their own: drawn in the global group whatever their provider. */
const GLOBAL_SERVICES = ["aws:globalaccelerator/", "aws:route53/", "aws:iam/", "aws:cloudfront/"];

export function architectureOf(plan: PlanView): Architecture {
    return new ArchitectureBuilder(plan).build();
}

class ArchitectureBuilder {
    private readonly byUrn = new Map<string, PlanResourceView>();
    private readonly children = new Map<string, PlanResourceView[]>();
    /** URN → the resources with an input computed from it. */
    private readonly dependents = new Map<string, { r: PlanResourceView; property: string }[]>();
    private readonly ids = new Set<string>();
    private readonly regions = new Map<string, ArchGroup>();
    private global: ArchGroup | undefined;
    private readonly edges: ArchEdge[] = [];
    /** Resource URN → the element that stands for it. */
    private readonly owner = new Map<string, ArchElement>();
    /** Resource URN → the element its relations (routes, calls, feeds) attach to. */
    private readonly placed = new Map<string, ArchElement>();
    /** Subnet or VPC URN → the VPC group. */
    private readonly vpcOf = new Map<string, ArchGroup>();

    constructor(private readonly plan: PlanView) {
        for (const r of plan.resources) {
            this.byUrn.set(r.urn, r);
            if (r.parent) {
                this.children.set(r.parent, [...(this.children.get(r.parent) ?? []), r]);
            }
            for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
                for (const urn of new Set(urns)) {
                    this.dependents.set(urn, [...(this.dependents.get(urn) ?? []), { r, property }]);
                }
            }
        }
    }

    build(): Architecture {
        this.networks();
        this.ecsClusters();
        this.ecsServices();
        this.loadBalancers();
        this.serviceConnect();
        this.eksClusters();
        this.queues();
        this.stateMachines();
        this.registries();
        this.accelerators();
        this.dns();
        this.tables();
        this.ecrPulls();
        this.markViolations();
        const groups = [...this.regions.values(), ...(this.global ? [this.global] : [])].filter((g) => g.children.length > 0);
        return { project: this.plan.project, stack: this.plan.stack, groups, edges: this.edges };
    }

    // ---- the plan's resources -------------------------------------------------------------------

    private ofType(type: string): PlanResourceView[] {
        return this.plan.resources.filter((r) => r.type === type);
    }

    /** URNs an input of `r` (or any input) was computed from. */
    private deps(r: PlanResourceView, property?: string): string[] {
        const all = r.propertyDependencies ?? {};
        return property === undefined ? [...new Set(Object.values(all).flat())] : all[property] ?? [];
    }

    /** Resources of `type` that `r`'s input `property` (or any input) refers to. */
    private refs(r: PlanResourceView, type: string, property?: string): PlanResourceView[] {
        return this.deps(r, property).map((u) => this.byUrn.get(u)).filter((x): x is PlanResourceView => x?.type === type);
    }

    /** Resources of `type` with an input (`property`, or any) computed from `urn`. */
    private users(urn: string, type: string, property?: string): PlanResourceView[] {
        const seen = new Set<PlanResourceView>();
        for (const d of this.dependents.get(urn) ?? []) {
            if (d.r.type === type && (property === undefined || d.property === property)) {
                seen.add(d.r);
            }
        }
        return [...seen];
    }

    /** `r`'s parent when `r` is its only child of that type: a component that wraps it (EcsService, RegionalNetwork). */
    private wrapper(r: PlanResourceView): string | undefined {
        const parent = r.parent ? this.byUrn.get(r.parent) : undefined;
        if (!parent || parent.custom !== false || parent.type === "pulumi:pulumi:Stack") {
            return undefined;
        }
        const same = (this.children.get(parent.urn) ?? []).filter((c) => c.type === r.type);
        return same.length === 1 ? parent.urn : undefined;
    }

    private ancestors(urn: string): string[] {
        const out: string[] = [];
        for (let p = this.byUrn.get(urn)?.parent; p; p = this.byUrn.get(p)?.parent ?? undefined) {
            out.push(p);
        }
        return out;
    }

    /** A short name for `r`: what follows its region in its name (`microservices-us-east-1-orders` → `orders`). */
    private short(r: PlanResourceView, name = r.name): string {
        const region = this.regionOf(r);
        const at = region ? name.indexOf(`-${region}-`) : -1;
        return at >= 0 ? name.slice(at + region!.length + 2) : name;
    }

    private regionOf(r: PlanResourceView): string | undefined {
        return r.region ?? undefined;
    }

    // ---- elements -------------------------------------------------------------------------------

    private id(prefix: string, name: string): string {
        const base = `${prefix}_${name.replace(/[^A-Za-z0-9]+/g, "_")}`.replace(/_+$/, "");
        let id = base;
        for (let i = 2; this.ids.has(id); i++) {
            id = `${base}_${i}`;
        }
        this.ids.add(id);
        return id;
    }

    private node(type: NodeKind, name: string, title: string, details: string[] = []): ArchNode {
        return { kind: "node", id: this.id(type.replace(/-/g, "_"), name), type, title, details, count: 1, members: [], violations: [] };
    }

    private group(type: GroupKind, name: string, title: string, details: string[] = []): ArchGroup {
        return { kind: "group", id: this.id(type.replace(/-/g, "_"), name), type, title, details, children: [], violations: [] };
    }

    private region(name: string | undefined): ArchGroup {
        if (name === undefined) {
            return this.globalGroup();
        }
        let g = this.regions.get(name);
        if (!g) {
            g = this.group("region", name, name);
            this.regions.set(name, g);
        }
        return g;
    }

    private globalGroup(): ArchGroup {
        this.global ??= this.group("global", "global", "Global");
        return this.global;
    }

    /** The group a regional resource is drawn in: the global group for global services, else its region. */
    private home(r: PlanResourceView): ArchGroup {
        return GLOBAL_SERVICES.some((p) => r.type.startsWith(p)) ? this.globalGroup() : this.region(this.regionOf(r));
    }

    /** The VPC group of the subnets or VPC `r` refers to, if any. */
    private vpcFor(r: PlanResourceView, property?: string): ArchGroup | undefined {
        for (const urn of this.deps(r, property)) {
            const vpc = this.vpcOf.get(urn);
            if (vpc) {
                return vpc;
            }
        }
        return undefined;
    }

    /** Makes `element` stand for `urns` (violations of those resources land on it). */
    private own(element: ArchElement, ...urns: (string | undefined)[]): void {
        for (const urn of urns) {
            if (urn !== undefined && !this.owner.has(urn)) {
                this.owner.set(urn, element);
            }
        }
    }

    private edge(from: ArchElement, to: ArchElement, type: EdgeKind, label?: string): void {
        const existing = this.edges.find((e) => e.from === from.id && e.to === to.id && e.type === type);
        if (!existing) {
            this.edges.push({ from: from.id, to: to.id, type, labels: label ? [label] : [] });
        } else if (label && !existing.labels.includes(label)) {
            existing.labels.push(label);
        }
    }

    // ---- network --------------------------------------------------------------------------------

    private networks(): void {
        for (const vpc of this.ofType(T.vpc)) {
            const g = this.group("vpc", vpc.name, `VPC ${vpc.inputs.cidrBlock ?? ""}`.trim(), [vpc.name]);
            this.region(this.regionOf(vpc)).children.push(g);
            this.own(g, vpc.urn, this.wrapper(vpc));
            this.vpcOf.set(vpc.urn, g);
            const subnets = this.users(vpc.urn, T.subnet, "vpcId");
            const zones = new Map<string, PlanResourceView[]>();
            for (const s of subnets) {
                this.vpcOf.set(s.urn, g);
                const az = String(s.inputs.availabilityZone ?? s.inputs.availabilityZoneId ?? "zone ?");
                zones.set(az, [...(zones.get(az) ?? []), s]);
            }
            const zoneGroup = this.group("zones", vpc.name, `${zones.size} availability zone${zones.size === 1 ? "" : "s"}`);
            if (zones.size > 0) {
                g.children.push(zoneGroup);
            }
            for (const [az, inZone] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
                const nats = inZone.flatMap((s) => this.users(s.urn, T.nat, "subnetId"));
                const details = inZone.map((s) => `${tierOf(s)} ${s.inputs.cidrBlock ?? ""}`.trim());
                if (nats.length > 0) {
                    details.push(nats.length === 1 ? "NAT gateway" : `${nats.length} NAT gateways`);
                }
                const zone = this.node("zone", `${vpc.name}-${az}`, az, details);
                zoneGroup.children.push(zone);
                this.own(zone, ...inZone.map((s) => s.urn), ...nats.map((n) => n.urn));
            }
        }
    }

    // ---- ECS ------------------------------------------------------------------------------------

    private ecsClusters(): void {
        for (const c of this.ofType(T.ecsCluster)) {
            const capacity = [...new Set(this.users(c.urn, T.capacity).flatMap((p) => p.inputs.capacityProviders ?? []))];
            const g = this.group("ecs-cluster", c.name, "ECS cluster", [c.name, capacity.join(" · ")]);
            const services = this.users(c.urn, T.ecsService, "cluster");
            const vpc = services.map((s) => this.vpcFor(s, "networkConfiguration")).find((v) => v) ;
            (vpc ?? this.region(this.regionOf(c))).children.push(g);
            this.own(g, c.urn, this.wrapper(c), ...this.users(c.urn, T.capacity).map((p) => p.urn));
            this.placed.set(c.urn, g);
        }
    }

    private ecsServices(): void {
        const byCluster = new Map<ArchGroup, ServiceInfo[]>();
        for (const s of this.ofType(T.ecsService)) {
            const cluster = this.refs(s, T.ecsCluster, "cluster").map((c) => this.placed.get(c.urn)).find((g) => g) as ArchGroup | undefined;
            const where = cluster ?? this.vpcFor(s, "networkConfiguration") ?? this.region(this.regionOf(s));
            const info = this.serviceInfo(s);
            byCluster.set(where, [...(byCluster.get(where) ?? []), info]);
        }
        for (const [where, services] of byCluster) {
            const shapes = new Map<string, ServiceInfo[]>();
            for (const s of services) {
                const key = `${s.name.replace(/\d+/g, "#")}|${s.shape}`;
                shapes.set(key, [...(shapes.get(key) ?? []), s]);
            }
            for (const same of shapes.values()) {
                const collapse = same.length >= COLLAPSE_AT;
                for (const batch of collapse ? [same] : same.map((s) => [s])) {
                    const first = batch[0];
                    const title = collapse ? `${first.name} … ${batch[batch.length - 1].name}` : first.name;
                    const details = collapse ? [`×${batch.length} services`, ...first.details] : first.details;
                    const n: ArchNode = { ...this.node("service", first.r.name, title, details), count: batch.length, members: batch.map((s) => s.name) };
                    where.children.push(n);
                    for (const s of batch) {
                        this.own(n, ...s.owns);
                        for (const urn of [s.r.urn, ...s.targetGroups]) {
                            this.placed.set(urn, n);
                        }
                    }
                }
            }
        }
    }

    private serviceInfo(s: PlanResourceView): ServiceInfo {
        const parent = this.wrapper(s);
        const name = this.short(s, parent ? this.byUrn.get(parent)!.name : s.name.replace(/-service$/, ""));
        const targetGroups = this.refs(s, T.targetGroup, "loadBalancers").map((t) => t.urn);
        const taskDefinitions = this.deps(s, "taskDefinition");
        const spot = (s.inputs.capacityProviderStrategies ?? []).some((c: any) => c.capacityProvider === "FARGATE_SPOT" && c.weight > 0);
        const launch = s.inputs.launchType ?? (s.inputs.capacityProviderStrategies ? (spot ? "Fargate Spot" : "Fargate") : "");
        const strategy = s.inputs.deploymentConfiguration?.strategy ?? s.inputs.deploymentController?.type ?? "";
        const target = this.users(s.urn, T.scalingTarget, "resourceId")[0];
        const tasks = target ? `${target.inputs.minCapacity}–${target.inputs.maxCapacity} tasks` : `${s.inputs.desiredCount ?? 1} tasks`;
        const shape = [launch, strategy, tasks, targetGroups.length > 0, s.inputs.serviceConnectConfiguration?.enabled === true].join("|");
        return {
            r: s,
            name,
            shape,
            details: [[launch, strategy.toLowerCase().replace(/_/g, "-")].filter((x) => x).join(" · "), tasks].filter((x) => x),
            targetGroups,
            owns: [s.urn, parent, ...targetGroups, ...taskDefinitions, ...taskDefinitions.map((t) => this.wrapper(this.byUrn.get(t)!))]
                .filter((u): u is string => u !== undefined && this.byUrn.has(u)),
        };
    }

    private loadBalancers(): void {
        for (const lb of this.ofType(T.lb)) {
            const listeners = this.users(lb.urn, T.listener, "loadBalancerArn");
            const ports = listeners.map((l) => {
                const redirect = (l.inputs.defaultActions ?? []).find((a: any) => a.type === "redirect");
                return `${l.inputs.protocol ?? ""} :${l.inputs.port}${redirect ? ` → ${redirect.redirect?.protocol ?? "redirect"}` : ""}`;
            });
            const scheme = lb.inputs.internal ? "internal" : "internet-facing";
            const kind = lb.inputs.loadBalancerType === "network" ? "NLB" : "ALB";
            const n = this.node("alb", lb.name, kind, [lb.name, scheme, ...ports]);
            (this.vpcFor(lb, "subnets") ?? this.region(this.regionOf(lb))).children.push(n);
            const rules = listeners.flatMap((l) => this.users(l.urn, T.rule, "listenerArn"));
            this.own(n, lb.urn, ...listeners.map((l) => l.urn), ...rules.map((r) => r.urn), ...this.deps(lb, "securityGroups"));
            this.placed.set(lb.urn, n);
            for (const rule of [...rules].sort((a, b) => (a.inputs.priority ?? 0) - (b.inputs.priority ?? 0))) {
                for (const target of this.targetsOf(rule, "actions")) {
                    this.edge(n, target, "route", routeLabel(rule));
                }
            }
            for (const l of listeners) {
                for (const target of this.targetsOf(l, "defaultActions")) {
                    this.edge(n, target, "route", "default");
                }
            }
        }
        // A collapsed node's routes would list every path: say how many instead.
        for (const e of this.edges) {
            const to = this.find(e.to);
            if (e.type === "route" && to?.kind === "node" && to.count > 1) {
                e.labels = [`${to.count} routes`];
            }
        }
    }

    private targetsOf(r: PlanResourceView, property: string): ArchElement[] {
        const out = new Set<ArchElement>();
        for (const tg of this.refs(r, T.targetGroup, property)) {
            const target = this.placed.get(tg.urn);
            if (target) {
                out.add(target);
            }
        }
        return [...out];
    }

    private serviceConnect(): void {
        const namespaces = this.plan.resources.filter((r) => /^aws:servicediscovery\/(httpNamespace|privateDnsNamespace):/.test(r.type));
        for (const ns of namespaces) {
            const services = this.users(ns.urn, T.ecsService, "serviceConnectConfiguration");
            const first = services.map((s) => this.refs(s, T.ecsCluster, "cluster")[0]).find((c) => c);
            const where = (first && this.placed.get(first.urn)) as ArchGroup | undefined;
            const n = this.node("namespace", ns.name, "Service Connect", [`namespace ${ns.inputs.name ?? this.short(ns)}`]);
            (where ?? this.region(this.regionOf(ns))).children.push(n);
            this.own(n, ns.urn);
            for (const s of services) {
                const from = this.placed.get(s.urn);
                if (from?.kind === "node") {
                    const aliases = (s.inputs.serviceConnectConfiguration?.services ?? [])
                        .flatMap((x: any) => (x.clientAlias ?? []).map((a: any) => `${a.dnsName ?? x.discoveryName}:${a.port}`));
                    this.edge(from, n, "service-connect", from.count > 1 ? `×${from.count}` : aliases.join(", ") || "client");
                }
            }
        }
    }

    // ---- queues and pipelines -------------------------------------------------------------------

    private queues(): void {
        const nodes = new Map<string, ArchNode>();
        const deadLetter = new Map<string, { dlq: string; receives?: number }>();
        for (const q of this.ofType(T.queue)) {
            const inline = this.refs(q, T.queue, "redrivePolicy")[0];
            if (inline) {
                deadLetter.set(q.urn, { dlq: inline.urn, receives: parseJson(q.inputs.redrivePolicy)?.maxReceiveCount });
            }
        }
        for (const p of this.ofType(T.redrive)) {
            const source = this.refs(p, T.queue, "queueUrl")[0];
            const dlq = this.refs(p, T.queue, "redrivePolicy")[0];
            if (source && dlq) {
                deadLetter.set(source.urn, { dlq: dlq.urn, receives: parseJson(p.inputs.redrivePolicy)?.maxReceiveCount });
            }
        }
        const dlqs = new Set([...deadLetter.values()].map((d) => d.dlq));
        for (const q of this.ofType(T.queue)) {
            const encrypted = q.inputs.kmsMasterKeyId ? "SSE-KMS" : q.inputs.sqsManagedSseEnabled ? "SSE-SQS" : "unencrypted";
            const n = this.node("queue", q.name, `${dlqs.has(q.urn) ? "DLQ" : "SQS"} ${this.short(q)}`, [encrypted]);
            this.region(this.regionOf(q)).children.push(n);
            nodes.set(q.urn, n);
            this.placed.set(q.urn, n);
            // Policies, redrive settings and alarms on the queue are part of it.
            const parts = (this.dependents.get(q.urn) ?? []).map((d) => d.r).filter((r) => r.type.startsWith("aws:sqs/") || r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
            this.own(n, q.urn, ...parts.map((r) => r.urn));
        }
        for (const [source, { dlq, receives }] of deadLetter) {
            this.edge(nodes.get(source)!, nodes.get(dlq)!, "dead-letter", receives ? `after ${receives} receives` : "dead letters");
        }
        for (const q of this.ofType(T.queue)) {
            for (const consumer of this.consumersOf(q)) {
                this.edge(nodes.get(q.urn)!, consumer.element, "feeds", consumer.label);
            }
        }
    }

    /** Services whose task definition refers to the queue, and charts whose values do (Karpenter). */
    private consumersOf(q: PlanResourceView): { element: ArchElement; label: string }[] {
        const out: { element: ArchElement; label: string }[] = [];
        for (const td of this.users(q.urn, "aws:ecs/taskDefinition:TaskDefinition")) {
            for (const s of this.users(td.urn, T.ecsService, "taskDefinition")) {
                const element = this.placed.get(s.urn);
                if (element) {
                    out.push({ element, label: "feeds" });
                }
            }
        }
        for (const chart of this.users(q.urn, T.helm, "values")) {
            const element = this.placed.get(chart.urn);
            if (element) {
                out.push({ element, label: String(chart.inputs.name ?? this.short(chart)) });
            }
        }
        return out;
    }

    private stateMachines(): void {
        for (const sm of this.ofType(T.stateMachine)) {
            const definition = parseJson(sm.inputs.definition);
            const g = this.group("state-machine", sm.name, `Step Functions ${this.short(sm)}`, [String(sm.inputs.type ?? "STANDARD")]);
            this.region(this.regionOf(sm)).children.push(g);
            this.own(g, sm.urn);
            let previous: ArchNode | undefined;
            for (const [name, state, perItem] of pipelineStages(definition)) {
                const n = this.node("stage", `${sm.name}-${name}`, name, perItem ? perItemDetails(state) : stageDetails(state));
                g.children.push(n);
                if (previous) {
                    this.edge(previous, n, "next-stage");
                }
                previous = n;
            }
            if (!previous) {
                g.children.push(this.node("stage", `${sm.name}-definition`, "definition not shown", [typeof sm.inputs.definition === "string" ? "not JSON" : "unknown at plan time"]));
            }
        }
    }

    // ---- EKS ------------------------------------------------------------------------------------

    private eksClusters(): void {
        const clusterOfAncestor = new Map<string, ArchGroup>();
        const clusters = this.ofType(T.eksCluster);
        for (const c of clusters) {
            const compute = c.inputs.computeConfig;
            const version = c.inputs.version ? `Kubernetes ${c.inputs.version}` : "";
            const g = this.group("eks-cluster", c.name, `EKS ${c.inputs.name ?? this.short(c)}`,
                [version, compute?.enabled ? "Auto Mode" : ""].filter((x) => x));
            (this.vpcFor(c, "vpcConfig") ?? this.region(this.regionOf(c))).children.push(g);
            // Access entries, policy and Pod Identity associations belong to the cluster itself.
            const attached = (this.dependents.get(c.urn) ?? [])
                .filter((d) => d.property === "clusterName" && d.r.type.startsWith("aws:eks/") && d.r.type !== T.nodeGroup && d.r.type !== T.addon);
            this.own(g, c.urn, this.wrapper(c), ...attached.map((d) => d.r.urn));
            this.ancestors(c.urn).forEach((a) => clusterOfAncestor.set(a, g));
            if (compute?.enabled && Array.isArray(compute.nodePools) && compute.nodePools.length > 0) {
                g.children.push(this.node("node-pool", `${c.name}-auto`, "Auto Mode node pools", [compute.nodePools.join(" · ")]));
            }
            for (const ng of this.users(c.urn, T.nodeGroup, "clusterName")) {
                const scaling = ng.inputs.scalingConfig;
                const n = this.node("node-group", ng.name, `node group ${this.short(ng)}`, [
                    [ng.inputs.capacityType, ng.inputs.amiType].filter((x) => x).join(" · "),
                    scaling ? `${scaling.minSize}–${scaling.maxSize} nodes` : "",
                ].filter((x) => x));
                g.children.push(n);
                this.own(n, ng.urn, ...this.deps(ng, "launchTemplate"));
            }
            const addons = this.users(c.urn, T.addon, "clusterName");
            if (addons.length > 0) {
                const n = this.node("add-ons", `${c.name}-addons`, `${addons.length} managed add-ons`, wrapList(addons.map((a) => String(a.inputs.addonName))));
                g.children.push(n);
                this.own(n, ...addons.map((a) => a.urn));
            }
        }
        // Kubernetes resources run on the cluster they share a component with; an ancestor of two
        // clusters (the stack) tells nothing.
        const shared = new Set(clusters.flatMap((c) => this.ancestors(c.urn)).filter((a, i, all) => all.indexOf(a) !== i));
        const clusterOf = (r: PlanResourceView) => this.ancestors(r.urn).filter((a) => !shared.has(a)).map((a) => clusterOfAncestor.get(a)).find((g) => g);
        const charts = new Map<ArchGroup, PlanResourceView[]>();
        for (const chart of this.ofType(T.helm)) {
            const g = clusterOf(chart);
            if (g) {
                charts.set(g, [...(charts.get(g) ?? []), chart]);
            }
        }
        for (const [g, releases] of charts) {
            const n = this.node("charts", `${g.id}-charts`, `${releases.length} Helm charts`,
                wrapList(releases.map((r) => `${r.inputs.name ?? this.short(r)} ${r.inputs.version ?? ""}`.trim())));
            g.children.push(n);
            this.own(n, ...releases.map((r) => r.urn));
            releases.forEach((r) => this.placed.set(r.urn, n));
        }
        for (const pool of this.ofType(T.nodePool)) {
            const g = clusterOf(pool);
            if (g) {
                const spec = pool.inputs.spec?.template?.spec;
                const req = (key: string) => (spec?.requirements ?? []).find((x: any) => x.key === key)?.values?.join("/");
                const n = this.node("node-pool", pool.name, `Karpenter NodePool ${pool.inputs.metadata?.name ?? this.short(pool)}`,
                    [req("kubernetes.io/arch"), req("karpenter.sh/capacity-type")].filter((x): x is string => !!x));
                g.children.push(n);
                this.own(n, pool.urn);
            }
        }
    }

    // ---- across regions -------------------------------------------------------------------------

    private registries(): void {
        const perRegion = new Map<string, ArchNode>();
        const ecrIn = (region: string, details: string[] = []) => {
            let n = perRegion.get(region);
            if (!n) {
                n = this.node("ecr", `ecr-${region}`, "ECR", details);
                this.region(region).children.push(n);
                perRegion.set(region, n);
            }
            return n;
        };
        const ecrResources = this.plan.resources.filter((r) => r.type.startsWith("aws:ecr/") && r.region);
        for (const r of ecrResources) {
            const n = ecrIn(r.region!);
            this.own(n, r.urn);
        }
        for (const [region, n] of perRegion) {
            const here = ecrResources.filter((r) => r.region === region);
            const repos = here.filter((r) => r.type === T.repository);
            if (repos.length > 0) {
                n.details.push(`${repos.length} repositor${repos.length === 1 ? "y" : "ies"}`, ...wrapList(repos.map((r) => String(r.inputs.name ?? r.name)), 3));
            }
            if (here.some((r) => r.type === "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")) {
                n.details.push("creation template for replicas");
            }
            const scanning = here.find((r) => r.type === "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration");
            if (scanning) {
                n.details.push(`scanning ${scanning.inputs.scanType ?? ""}`.trim());
            }
        }
        for (const config of this.ofType(T.replication)) {
            const from = ecrIn(config.region!);
            this.own(from, this.wrapper(config));
            const rules: any[] = config.inputs.replicationConfiguration?.rules ?? [];
            const destinations = rules.flatMap((rule) => (rule.destinations ?? []).map((dest: any) => ({ rule, dest })));
            // The plan does not say which account it runs in: the registry's own is the one whose
            // destination regions the plan prepares (creation templates, scanning), else the commonest.
            const own = destinations.find(({ dest }) => perRegion.has(dest.region) && dest.region !== config.region)?.dest.registryId
                ?? mostCommon(destinations.map(({ dest }) => dest.registryId));
            for (const { rule, dest } of destinations) {
                const filters = (rule.repositoryFilters ?? []).length;
                const what = `replicates ${filters ? `${filters} repositories` : "all repositories"}`;
                if (dest.registryId && dest.registryId !== own) {
                    const other = this.node("ecr", `ecr-${dest.registryId}-${dest.region}`, "ECR", [`account ${dest.registryId}`]);
                    this.region(dest.region).children.push(other);
                    this.edge(from, other, "replication", what);
                } else {
                    this.edge(from, ecrIn(dest.region), "replication", what);
                }
            }
        }
    }

    private accelerators(): void {
        for (const acc of this.ofType(T.accelerator)) {
            const listeners = this.users(acc.urn, T.gaListener, "acceleratorArn");
            const ports = listeners.flatMap((l) => (l.inputs.portRanges ?? []).map((p: any) => p.fromPort === p.toPort ? p.fromPort : `${p.fromPort}-${p.toPort}`));
            const protocol = listeners[0]?.inputs.protocol ?? "";
            const n = this.node("accelerator", acc.name, `Global Accelerator ${this.short(acc)}`, ports.length ? [`${protocol} ${ports.join(", ")}`.trim()] : []);
            this.globalGroup().children.push(n);
            this.own(n, acc.urn, ...listeners.map((l) => l.urn), this.wrapper(acc));
            this.placed.set(acc.urn, n);
            for (const eg of listeners.flatMap((l) => this.users(l.urn, T.endpointGroup, "listenerArn"))) {
                const dial = eg.inputs.trafficDialPercentage;
                const e = this.node("endpoint-group", eg.name, `endpoint group ${eg.inputs.endpointGroupRegion ?? this.short(eg)}`,
                    dial === undefined ? [] : [`traffic dial ${dial}%`]);
                this.globalGroup().children.push(e);
                this.own(e, eg.urn);
                this.edge(n, e, "endpoint");
                for (const urn of this.deps(eg, "endpointConfigurations")) {
                    const target = this.placed.get(urn);
                    if (target) {
                        this.edge(e, target, "endpoint");
                    }
                }
            }
        }
    }

    private dns(): void {
        const records = this.ofType(T.record);
        const checks = this.ofType(T.healthCheck);
        if (records.length === 0 && checks.length === 0) {
            return;
        }
        const names = [...new Set(records.map((r) => `${r.inputs.name}${r.inputs.latencyRoutingPolicies ? " (latency)" : ""}`))];
        const n = this.node("dns", "route53", "Route 53", [...wrapList(names, 3), checks.length ? `${checks.length} health checks` : ""].filter((x) => x));
        this.globalGroup().children.push(n);
        this.own(n, ...records.map((r) => r.urn), ...checks.map((c) => c.urn));
        for (const r of records) {
            for (const urn of this.deps(r, "aliases")) {
                const target = this.placed.get(urn);
                if (target) {
                    this.edge(n, target, "dns", r.inputs.latencyRoutingPolicies ? "latency" : "alias");
                }
            }
        }
    }

    private tables(): void {
        for (const t of this.ofType(T.table)) {
            const replicas = this.users(t.urn, T.tableReplica, "globalTableArn");
            const inline = (t.inputs.replicas ?? []).map((x: any) => x.regionName).filter((x: any) => typeof x === "string");
            const global = replicas.length > 0 || inline.length > 0;
            const n = this.node("table", t.name, `DynamoDB ${global ? "global table" : "table"} ${this.short(t)}`,
                [t.inputs.billingMode === "PAY_PER_REQUEST" ? "on demand" : String(t.inputs.billingMode ?? "provisioned")]);
            this.region(this.regionOf(t)).children.push(n);
            this.own(n, t.urn);
            for (const replica of replicas) {
                const rn = this.node("table", replica.name, `replica of ${this.short(t)}`, []);
                this.region(this.regionOf(replica)).children.push(rn);
                this.own(rn, replica.urn);
                this.edge(n, rn, "table-replica", "replicates");
            }
            for (const region of inline) {
                const rn = this.node("table", `${t.name}-${region}`, `replica of ${this.short(t)}`, []);
                this.region(region).children.push(rn);
                this.edge(n, rn, "table-replica", "replicates");
            }
        }
    }

    // ---- violations -----------------------------------------------------------------------------

    // ---- ECR pulls for Kubernetes outside EKS -----------------------------------------------------

    /**
     * An EcrPull component: the cluster it serves (outside EKS, so outside every region) with the refresher
     * and the namespaces it writes the pull Secret to, and a pull edge to each registry, drawn in its region.
     */
    private ecrPulls(): void {
        for (const c of this.plan.resources.filter((r) => r.type === "aws-containers:ecr-pull:EcrPull")) {
            const inputs = c.inputs as { registries?: { accountId?: unknown; region?: unknown; repositories?: unknown[] }[]; namespaces?: unknown[]; namespaceSelector?: unknown };
            const cluster = this.group("k8s-cluster", c.name, "Kubernetes cluster outside EKS", ["kubeconfig of the stack"]);
            this.globalGroup().children.push(cluster);
            this.own(cluster, c.urn);
            const cronJob = this.plan.resources.find((r) => r.type === "kubernetes:batch/v1:CronJob" && r.parent === c.urn);
            const schedule = (cronJob?.inputs as { spec?: { schedule?: unknown } } | undefined)?.spec?.schedule;
            const refresher = this.node("resource", `${c.name}-refresher`, "token refresher (CronJob)", [typeof schedule === "string" ? `schedule ${schedule}` : ""]);
            cluster.children.push(refresher);
            this.own(refresher, cronJob?.urn);
            const targets = Array.isArray(inputs.namespaces) ? inputs.namespaces.map(String)
                : typeof inputs.namespaceSelector === "string" ? [`namespaces with ${inputs.namespaceSelector}`] : [];
            for (const ns of targets) {
                const n = this.node("namespace", `${c.name}-${ns}`, ns, ["ecr-pull ServiceAccount"]);
                cluster.children.push(n);
                this.edge(refresher, n, "feeds", "pull Secret");
            }
            for (const r of Array.isArray(inputs.registries) ? inputs.registries : []) {
                const region = typeof r.region === "string" ? r.region : undefined;
                const repos = Array.isArray(r.repositories) ? r.repositories.map(String) : [];
                const ecr = this.node("ecr", `ecr-pull-${String(r.accountId)}-${region}`, "ECR", [`account ${String(r.accountId)}`, ...wrapList(repos)]);
                this.region(region).children.push(ecr);
                this.edge(refresher, ecr, "pulls", "token every run");
            }
        }
    }

    private markViolations(): void {
        for (const v of this.plan.violations) {
            const element = this.ownerOf(v.urn);
            element.violations.push(v);
        }
    }

    /** The element standing for `urn` or its nearest ancestor; else a node of its own. */
    private ownerOf(urn: string): ArchElement {
        for (const u of [urn, ...this.ancestors(urn)]) {
            const element = this.owner.get(u);
            if (element) {
                return element;
            }
        }
        const r = this.byUrn.get(urn);
        const type = r ? r.type.split(":").pop()! : "resource";
        const n = this.node("resource", r?.name ?? urn, `${type} ${r?.name ?? urn.split("::").pop()}`, r ? [r.type] : []);
        (r ? this.home(r) : this.globalGroup()).children.push(n);
        this.owner.set(urn, n);
        return n;
    }

    find(id: string): ArchElement | undefined {
        const walk = (els: ArchElement[]): ArchElement | undefined => {
            for (const e of els) {
                if (e.id === id) {
                    return e;
                }
                const inner = e.kind === "group" ? walk(e.children) : undefined;
                if (inner) {
                    return inner;
                }
            }
            return undefined;
        };
        return walk([...this.regions.values(), ...(this.global ? [this.global] : [])]);
    }
}

interface ServiceInfo {
    readonly r: PlanResourceView;
    readonly name: string;
    /** What must match for two services to collapse into one node. */
    readonly shape: string;
    readonly details: string[];
    readonly targetGroups: string[];
    readonly owns: string[];
}

function tierOf(subnet: PlanResourceView): string {
    const tier = subnet.inputs.tags?.tier;
    return typeof tier === "string" ? tier : subnet.inputs.mapPublicIpOnLaunch ? "public" : "subnet";
}

/** A listener rule as a reviewer reads it: `shop.example.com /api/orders, /api/orders/*`. */
function routeLabel(rule: PlanResourceView): string {
    const conditions: any[] = rule.inputs.conditions ?? [];
    const hosts = conditions.flatMap((c) => c.hostHeader?.values ?? []);
    const paths = conditions.flatMap((c) => c.pathPattern?.values ?? []);
    const route = [hosts.join(", "), paths.join(", ")].filter((x) => x).join(" ");
    return route || `priority ${rule.inputs.priority ?? "?"}`;
}

function parseJson(v: unknown): any {
    if (typeof v !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

/** The states of an Amazon States Language definition in the order `StartAt` and `Next` give. */
function stagesOf(definition: any): [string, any][] {
    const states = definition?.States;
    const out: [string, any][] = [];
    for (let name = definition?.StartAt; typeof name === "string" && states?.[name] && !out.some(([n]) => n === name); name = states[name].Next) {
        out.push([name, states[name]]);
    }
    return out;
}

/**
 * The stages to draw: the top-level states in order, except that a lone Map running a chain of states for
 * every item (the batch pipeline's Distributed Map) is drawn as that chain, each stage once per item.
 */
function pipelineStages(definition: any): [string, any, boolean][] {
    const top = stagesOf(definition);
    const map = top.length === 1 && top[0][1].Type === "Map" ? top[0][1] : undefined;
    const chain = map ? stagesOf(map.ItemProcessor ?? map.Iterator) : [];
    if (map && chain.length > 0) {
        const mode = map.ItemProcessor?.ProcessorConfig?.Mode === "DISTRIBUTED" ? "distributed Map" : "Map";
        return chain.map(([name, state]) => [name, { ...state, mode, maxConcurrency: map.MaxConcurrency }, true]);
    }
    return top.map(([name, state]) => [name, state, false]);
}

function perItemDetails(state: any): string[] {
    const resource = String(state?.Resource ?? "");
    const task = resource.includes("ecs:runTask") ? "ECS task" : resource ? resource.split(":").pop()! : "state";
    const spot = (state?.Parameters?.CapacityProviderStrategy ?? []).some((c: any) => c.CapacityProvider === "FARGATE_SPOT");
    return [`${task} per item (${state.mode}${state.maxConcurrency ? `, ≤${state.maxConcurrency} at once` : ""})`, spot ? "Fargate Spot" : ""].filter((x) => x);
}

function stageDetails(state: any): string[] {
    const inner = state.Type === "Map" ? Object.values(state.ItemProcessor?.States ?? state.Iterator?.States ?? {})[0] as any : state;
    const resource = String(inner?.Resource ?? "");
    const task = resource.includes("ecs:runTask") ? "ECS task" : resource ? resource.split(":").pop()! : "";
    const spot = (inner?.Parameters?.CapacityProviderStrategy ?? []).some((c: any) => c.CapacityProvider === "FARGATE_SPOT");
    const each = state.Type === "Map" ? `${task || "state"} per item${state.MaxConcurrency ? `, ≤${state.MaxConcurrency} at once` : ""}` : task;
    return [each, spot ? "Fargate Spot" : ""].filter((x) => x);
}

/** Up to `max` names, the rest counted. */
function wrapList(names: string[], max = 6): string[] {
    const shown = names.slice(0, max);
    const rest = names.length - shown.length;
    const lines: string[] = [];
    for (let i = 0; i < shown.length; i += 2) {
        lines.push(shown.slice(i, i + 2).join(" · "));
    }
    if (rest > 0) {
        lines.push(`… and ${rest} more`);
    }
    return lines;
}

function mostCommon(values: string[]): string | undefined {
    const counts = new Map<string, number>();
    values.forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1));
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Every element of `arch`, depth first. */
export function elements(arch: Architecture): ArchElement[] {
    const out: ArchElement[] = [];
    const walk = (els: ArchElement[]) => els.forEach((e) => {
        out.push(e);
        if (e.kind === "group") {
            walk(e.children);
        }
    });
    walk(arch.groups);
    return out;
}
