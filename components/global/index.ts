import * as pulumi from "@pulumi/pulumi";
import { createRegionalProviders, refuseSingleProvider } from "../regions";
import { createAccelerator, createEndpointGroups } from "./accelerator";
import { ActiveActiveArgs, GLOBAL_ACCELERATOR_REGION, resolveActiveActiveArgs } from "./args";
import { createDnsRecords, createHealthChecks, RegionalEndpoint } from "./dns";
import { createRegionalApp } from "./regional-app";
import { createGlobalTable, replicaAccessPolicy } from "./table";

export { ActiveActiveEdge, ActiveActiveEdgeArgs, ActiveActiveGlobal, ActiveActiveRegion, ActiveActiveRegionArgs, RegionalStackOutputs } from "./layers";
export { ActiveActiveArgs, AcceleratorArgs, DnsArgs, GlobalTableArgs, RegionHealthCheckArgs, TableKeyArgs, GLOBAL_ACCELERATOR_REGION, resolveActiveActiveArgs } from "./args";

/**
 * Multi-region active-active (architecture 4): in every region a network and FargateMicroservices (or
 * the caller's own ALBs), a Global Accelerator in front of all regions with a traffic dial per region,
 * a DynamoDB global table with a replica per region that only that region's tasks may use, and Route 53
 * health checks (and latency records) per region. Spans regions, so it creates its providers as its
 * own children (DESIGN D2): one per region, named `<name>-<region>`, and `<name>-global-us-west-2` for
 * Global Accelerator and Route 53 (DESIGN D3). The global provider is separate even when us-west-2 also
 * runs workloads, so adding or removing us-west-2 as a workload region never moves the accelerator to
 * another provider. Every regional resource's name contains its region, never an index (DESIGN D9).
 */
export class ActiveActive extends pulumi.ComponentResource {
    /** DNS name of the accelerator's static anycast addresses. */
    public readonly acceleratorDnsName: pulumi.Output<string>;
    /** The accelerator's static IPv4 addresses. */
    public readonly acceleratorIpAddresses: pulumi.Output<string[]>;
    public readonly tableName: pulumi.Output<string>;
    /** ARN of the table's copy in each region (the table in the home region, a replica elsewhere). */
    public readonly regionalTableArns: pulumi.Output<{ [region: string]: string }>;
    /** Per region, the IAM policy (JSON) that lets a task role use that region's copy of the table only. */
    public readonly replicaAccessPolicies: pulumi.Output<{ [region: string]: string }>;
    public readonly loadBalancerArns: pulumi.Output<{ [region: string]: string }>;
    public readonly healthCheckIds: pulumi.Output<{ [region: string]: string }>;
    /** Regions in deployment-wave order for a pipeline: the canary region first. */
    public readonly deploymentOrder: pulumi.Output<string[]>;

    constructor(name: string, args: ActiveActiveArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveActiveActiveArgs(args);
        refuseSingleProvider("ActiveActive", opts);
        super("aws-containers:global:ActiveActive", name, args, opts);
        const parent = this;
        const providers = createRegionalProviders(name, a.regions, args.providerSettings, { parent });
        const globalProvider = createRegionalProviders(`${name}-global`, [GLOBAL_ACCELERATOR_REGION], args.providerSettings, { parent });
        const global = { parent, provider: globalProvider[GLOBAL_ACCELERATOR_REGION] };

        const table = createGlobalTable(name, a, providers, args.table?.ttlAttribute, this);
        const policies: { [region: string]: pulumi.Output<string> } = {};
        const lbArns: { [region: string]: pulumi.Output<string> } = {};
        const endpoints: { [region: string]: RegionalEndpoint } = {};
        for (const region of a.regions) {
            policies[region] = replicaAccessPolicy(region, table.regionalArns[region], table.keyArns[region]);
            const app = createRegionalApp(name, region, args, a, policies[region], { parent, provider: providers[region] });
            lbArns[region] = app.loadBalancerArn;
            endpoints[region] = app;
        }

        const acc = createAccelerator(name, a, args.accelerator ?? {}, global);
        createEndpointGroups(name, a, acc.listener.arn, lbArns, global);
        const checks = createHealthChecks(name, a, endpoints, global);
        if (args.dns) {
            createDnsRecords(name, a, args.dns, endpoints, checks, acc.accelerator, global);
        }

        this.acceleratorDnsName = acc.accelerator.dnsName;
        this.acceleratorIpAddresses = acc.accelerator.ipSets.apply((sets) => sets.flatMap((s) => s.ipAddresses ?? []));
        this.tableName = table.table.name;
        this.regionalTableArns = pulumi.output(table.regionalArns);
        this.replicaAccessPolicies = pulumi.output(policies);
        this.loadBalancerArns = pulumi.output(lbArns);
        this.healthCheckIds = pulumi.output(Object.fromEntries(Object.entries(checks).map(([r, c]) => [r, c.id])));
        this.deploymentOrder = pulumi.output(a.deploymentOrder);
        this.registerOutputs({
            acceleratorDnsName: this.acceleratorDnsName,
            acceleratorIpAddresses: this.acceleratorIpAddresses,
            tableName: this.tableName,
            regionalTableArns: this.regionalTableArns,
            replicaAccessPolicies: this.replicaAccessPolicies,
            loadBalancerArns: this.loadBalancerArns,
            healthCheckIds: this.healthCheckIds,
            deploymentOrder: this.deploymentOrder,
        });
    }
}

