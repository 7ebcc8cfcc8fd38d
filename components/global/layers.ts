/**
 * ActiveActive in three layers, one stack each, that depend one way (D23 in docs/design.md):
 * ActiveActiveGlobal (the table's home and the accelerator) → ActiveActiveRegion, one per region
 * (network, services, that region's replica and key) → ActiveActiveEdge (endpoint groups with their
 * traffic dials, Route 53 health checks and records), which takes the regions' load balancers as
 * plain inputs (a StackReference's outputs in the stacks). Each layer creates exactly the resources,
 * names and inputs the one-stack ActiveActive creates for its part, so a team can split a running
 * stack with `pulumi state move` and replace nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { createRegionalProviders, refuseSingleProvider } from "../regions";
import { ArgumentErrors, show } from "../validation";
import { createAccelerator, createEndpointGroups } from "./accelerator";
import { ActiveActiveArgs, GLOBAL_ACCELERATOR_REGION, resolveActiveActiveArgs } from "./args";
import { createDnsRecords, createHealthChecks } from "./dns";
import { createRegionalApp } from "./regional-app";
import { createHomeTable, createReplica, createTableKey, replicaAccessPolicy } from "./table";

/**
 * Each layer answers to the one-stack ActiveActive's URN too (an alias its children inherit), so after
 * `pulumi state move` of a running ActiveActive's resources into the layer's stack nothing is replaced.
 */
function asPartOfActiveActive(opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: "aws-containers:global:ActiveActive" }] };
}

/** The global layer: the table in the home region with its key, and the accelerator with its listener. */
export class ActiveActiveGlobal extends pulumi.ComponentResource {
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;
    /** The home region's table key: the home region's stack grants its services this key. */
    public readonly homeKeyArn: pulumi.Output<string>;
    public readonly listenerArn: pulumi.Output<string>;
    public readonly acceleratorDnsName: pulumi.Output<string>;
    public readonly acceleratorHostedZoneId: pulumi.Output<string>;
    public readonly acceleratorIpAddresses: pulumi.Output<string[]>;
    /** Regions in deployment-wave order for a pipeline: the canary region first. */
    public readonly deploymentOrder: pulumi.Output<string[]>;

    constructor(name: string, args: ActiveActiveArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveActiveActiveArgs(args, "ActiveActiveGlobal");
        refuseSingleProvider("ActiveActiveGlobal", opts);
        super("aws-containers:global:ActiveActiveGlobal", name, {}, asPartOfActiveActive(opts));
        const parent = this;
        const home = createRegionalProviders(name, [a.homeRegion], args.providerSettings, { parent })[a.homeRegion];
        const global = { parent, provider: createRegionalProviders(`${name}-global`, [GLOBAL_ACCELERATOR_REGION], args.providerSettings, { parent })[GLOBAL_ACCELERATOR_REGION] };
        const key = createTableKey(name, a.homeRegion, { parent, provider: home });
        const table = createHomeTable(name, a, key.arn, args.table?.ttlAttribute, { parent, provider: home });
        const acc = createAccelerator(name, a, args.accelerator ?? {}, global);
        this.tableName = table.name;
        this.tableArn = table.arn;
        this.homeKeyArn = key.arn;
        this.listenerArn = acc.listener.arn;
        this.acceleratorDnsName = acc.accelerator.dnsName;
        this.acceleratorHostedZoneId = acc.accelerator.hostedZoneId;
        this.acceleratorIpAddresses = acc.accelerator.ipSets.apply((sets) => sets.flatMap((s) => s.ipAddresses ?? []));
        this.deploymentOrder = pulumi.output(a.deploymentOrder);
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, listenerArn: this.listenerArn, deploymentOrder: this.deploymentOrder });
    }
}

export interface ActiveActiveRegionArgs extends ActiveActiveArgs {
    /** The region this layer builds, one of `regions`. */
    readonly region: string;
    /** ARN of the table in the home region (ActiveActiveGlobal's `tableArn`). */
    readonly tableArn: pulumi.Input<string>;
    /** The home region's table key (ActiveActiveGlobal's `homeKeyArn`); used by the home region only. */
    readonly homeKeyArn: pulumi.Input<string>;
}

/** One region's layer: network and services, and the table's replica with its key outside the home region. */
export class ActiveActiveRegion extends pulumi.ComponentResource {
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly loadBalancerDnsName: pulumi.Output<string>;
    public readonly loadBalancerZoneId: pulumi.Output<string>;
    /** ARN of this region's copy of the table (the table itself in the home region). */
    public readonly tableArn: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string | undefined>;
    public readonly serviceNames: pulumi.Output<{ [name: string]: string } | undefined>;

    constructor(name: string, args: ActiveActiveRegionArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveActiveActiveArgs(args, "ActiveActiveRegion");
        const errors = new ArgumentErrors("ActiveActiveRegion");
        errors.require(a.regions.includes(args.region), "region", `${show(args.region ?? "(unset)")} is not one of regions ${show(a.regions)}`);
        errors.throwIfAny();
        refuseSingleProvider("ActiveActiveRegion", opts);
        super("aws-containers:global:ActiveActiveRegion", name, {}, asPartOfActiveActive(opts));
        const region = args.region;
        const inRegion = { parent: this, provider: createRegionalProviders(name, [region], args.providerSettings, { parent: this })[region] };
        let tableArn = pulumi.output(args.tableArn);
        let keyArn = pulumi.output(args.homeKeyArn);
        if (region !== a.homeRegion) {
            keyArn = createTableKey(name, region, inRegion).arn;
            tableArn = createReplica(name, region, args.tableArn, keyArn, inRegion).arn;
        }
        const app = createRegionalApp(name, region, args, a, replicaAccessPolicy(region, tableArn, keyArn), inRegion);
        this.loadBalancerArn = app.loadBalancerArn;
        this.loadBalancerDnsName = pulumi.output(app.dnsName);
        this.loadBalancerZoneId = pulumi.output(app.zoneId);
        this.tableArn = tableArn;
        this.clusterName = pulumi.output(app.clusterName);
        this.serviceNames = pulumi.output(app.serviceNames);
        this.registerOutputs({ loadBalancerArn: this.loadBalancerArn, tableArn: this.tableArn });
    }
}

/** What the edge needs of each region: its stack's outputs. */
export interface RegionalStackOutputs {
    readonly loadBalancerArn: pulumi.Input<string>;
    readonly loadBalancerDnsName: pulumi.Input<string>;
    readonly loadBalancerZoneId: pulumi.Input<string>;
}

export interface ActiveActiveEdgeArgs extends ActiveActiveArgs {
    /** The accelerator's listener (ActiveActiveGlobal's `listenerArn`). */
    readonly listenerArn: pulumi.Input<string>;
    /** The accelerator's DNS name (ActiveActiveGlobal's `acceleratorDnsName`), for the optional alias record. */
    readonly acceleratorDnsName: pulumi.Input<string>;
    /** The accelerator's hosted zone (ActiveActiveGlobal's `acceleratorHostedZoneId`). */
    readonly acceleratorHostedZoneId: pulumi.Input<string>;
    /** Each region's load balancer, from its ActiveActiveRegion. */
    readonly endpoints: { [region: string]: RegionalStackOutputs };
}

/**
 * The edge layer: endpoint groups with the traffic dials, Route 53 health checks and latency records,
 * all on the us-west-2 provider. It creates nothing in any workload region and calls none of their
 * APIs, so a region's dial can go to 0 while that region is down.
 */
export class ActiveActiveEdge extends pulumi.ComponentResource {
    public readonly healthCheckIds: pulumi.Output<{ [region: string]: string }>;
    public readonly trafficDials: pulumi.Output<{ [region: string]: number }>;

    constructor(name: string, args: ActiveActiveEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveActiveActiveArgs(args, "ActiveActiveEdge");
        const errors = new ArgumentErrors("ActiveActiveEdge");
        const missing = a.regions.filter((r) => args.endpoints?.[r] === undefined);
        errors.require(missing.length === 0, "endpoints", `has no load balancer for ${show(missing)}; give one per region`);
        errors.throwIfAny();
        refuseSingleProvider("ActiveActiveEdge", opts);
        super("aws-containers:global:ActiveActiveEdge", name, {}, asPartOfActiveActive(opts));
        const global = { parent: this, provider: createRegionalProviders(`${name}-global`, [GLOBAL_ACCELERATOR_REGION], args.providerSettings, { parent: this })[GLOBAL_ACCELERATOR_REGION] };
        const lbArns = Object.fromEntries(a.regions.map((r) => [r, args.endpoints[r].loadBalancerArn]));
        const endpoints = Object.fromEntries(a.regions.map((r) => [r, { dnsName: args.endpoints[r].loadBalancerDnsName, zoneId: args.endpoints[r].loadBalancerZoneId }]));
        createEndpointGroups(name, a, args.listenerArn, lbArns, global);
        const checks = createHealthChecks(name, a, endpoints, global);
        if (args.dns) {
            createDnsRecords(name, a, args.dns, endpoints, checks, { dnsName: args.acceleratorDnsName, hostedZoneId: args.acceleratorHostedZoneId }, global);
        }
        this.healthCheckIds = pulumi.output(Object.fromEntries(Object.entries(checks).map(([r, c]) => [r, c.id])));
        this.trafficDials = pulumi.output(a.trafficDials);
        this.registerOutputs({ healthCheckIds: this.healthCheckIds, trafficDials: this.trafficDials });
    }
}
