import type { ComponentName } from "../arguments";
import { checkArgumentKeys } from "../schema";
import * as pulumi from "@pulumi/pulumi";
import { MicroservicesSettings, resolveMicroservicesSettings } from "../microservices/args";
import { networkForRegion, RegionalMicroservicesSettings, settingsForRegion } from "../microservices/regional";
import { resolveNetworkArgs } from "../network";
import { checkRegions, ProviderSettings } from "../regions";
import { ArgumentErrors, duplicates, show } from "../validation";

/**
 * Global Accelerator's control plane is in us-west-2: its API endpoint is there whatever the endpoint
 * regions are (Global Accelerator Developer Guide, "Global Accelerator API endpoint").
 */
export const GLOBAL_ACCELERATOR_REGION = "us-west-2";

/** Health checking of every region's load balancer, shared by Global Accelerator and Route 53. */
export interface RegionHealthCheckArgs {
    /** Path probed on the load balancer; Route 53 sends the ALB's DNS name as Host, so route it by path. @default "/health" */
    readonly path?: string;
    /** Seconds between checks: 10 or 30 (both Global Accelerator and Route 53 accept only these). @default 30 */
    readonly intervalSeconds?: number;
    /** Consecutive results that change an endpoint's state, 1 to 10. @default 3 */
    readonly threshold?: number;
}

export interface AcceleratorArgs {
    /** TCP ports the accelerator listens on. @default [80, 443] with HTTPS in every region, else [80] */
    readonly listenerPorts?: number[];
    /** "NONE" or "SOURCE_IP" (a client sticks to one endpoint). @default "NONE" */
    readonly clientAffinity?: string;
    /** The load balancers see the client's own IP address instead of the accelerator's. @default true */
    readonly clientIpPreservation?: boolean;
    /** S3 bucket for the accelerator's flow logs. @default none (off) */
    readonly flowLogsBucket?: string;
    /** Prefix of flow log objects. @default "global-accelerator/" */
    readonly flowLogsPrefix?: string;
}

/** A key attribute of the global table. */
export interface TableKeyArgs {
    readonly name: string;
    /** "S" (string), "N" (number) or "B" (binary). @default "S" */
    readonly type?: string;
}

export interface GlobalTableArgs {
    /** Partition key. @default { name: "pk", type: "S" } */
    readonly partitionKey?: TableKeyArgs;
    /** Sort key. @default none */
    readonly sortKey?: TableKeyArgs;
    /** Attribute holding each item's expiry time (epoch seconds). @default none (no TTL) */
    readonly ttlAttribute?: string;
    /** Services whose task role may use their region's replica. @default every service */
    readonly accessServices?: string[];
}

export interface DnsArgs {
    /** Route 53 hosted zone of `recordName`. */
    readonly hostedZoneId: pulumi.Input<string>;
    /** Name answered by latency records, one per region, each bound to its region's health check. */
    readonly recordName: string;
    /** Name of an alias record to the accelerator's static addresses. @default none */
    readonly acceleratorRecordName?: string;
}

export interface ActiveActiveArgs {
    /** Regions that serve traffic, at least two; names of regional resources contain the region, never an index. */
    readonly regions: string[];
    /** Region of the global table's primary. @default the first of `regions` */
    readonly homeRegion?: string;
    /** Region that receives a release first, the canary wave. @default `homeRegion` */
    readonly canaryRegion?: string;
    /**
     * Credentials settings for the providers this component creates (`<name>-<region>` per region, `<name>-global-us-west-2`):
     * give the same settings as to createRegionalProviders. (A provider in `opts` is refused: it would not be used.)
     */
    readonly providerSettings?: ProviderSettings;
    /** Microservices run in every region, each on its own network; give this or `loadBalancerArns`. */
    readonly microservices?: RegionalMicroservicesSettings;
    /** ALB ARN per region of services you run yourself, instead of `microservices`. */
    readonly loadBalancerArns?: { [region: string]: pulumi.Input<string> };
    /** With `loadBalancerArns`: the ALBs serve HTTPS on 443 (health checks use HTTPS). @default true */
    readonly loadBalancersHttps?: boolean;
    readonly accelerator?: AcceleratorArgs;
    /** Share of its traffic each region keeps, 0 to 100; 0 drains a region, a low value makes a canary region. @default 100 */
    readonly trafficDials?: { [region: string]: number };
    readonly healthCheck?: RegionHealthCheckArgs;
    /** The DynamoDB global table for state. @default { partitionKey: { name: "pk", type: "S" } } */
    readonly table?: GlobalTableArgs;
    /** Route 53 latency records; without it, only the health checks are created. @default none */
    readonly dns?: DnsArgs;
}

export interface ResolvedActiveActive {
    regions: string[];
    homeRegion: string;
    /** Canary region first, then the others in the given order. */
    deploymentOrder: string[];
    https: boolean;
    listenerPorts: number[];
    clientAffinity: string;
    clientIpPreservation: boolean;
    trafficDials: { [region: string]: number };
    healthCheck: Required<RegionHealthCheckArgs>;
    partitionKey: Required<TableKeyArgs>;
    sortKey?: Required<TableKeyArgs>;
    accessServices: string[];
}

const KEY_TYPES = ["S", "N", "B"];
const AFFINITIES = ["NONE", "SOURCE_IP"];

function resolveKey(errors: ArgumentErrors, path: string, key: TableKeyArgs): Required<TableKeyArgs> {
    const r = { name: key.name, type: key.type ?? "S" };
    errors.require(typeof r.name === "string" && r.name.length >= 1 && r.name.length <= 255, `${path}.name`,
        `${show(r.name ?? "(unset)")} is not an attribute name; use 1 to 255 characters`);
    errors.require(KEY_TYPES.includes(r.type), `${path}.type`, `${show(r.type)} is not a key type; allowed: ${KEY_TYPES.join(", ")}`);
    return r;
}

/** Checks the per-region maps name only regions of this component. */
function checkRegionKeys(errors: ArgumentErrors, path: string, map: object | undefined, regions: string[]): void {
    for (const key of Object.keys(map ?? {})) {
        errors.require(regions.includes(key), `${path}.${key}`, `${show(key)} is not one of regions ${show(regions)}`);
    }
}

/**
 * The settings of one region's microservices: services behind the load balancer deploy as ECS-native
 * canaries by default (rolled back by the component's 5xx alarms), so a bad release reaches a slice
 * of one region's traffic first; internal services stay ROLLING (they have no load balancer to shift).
 */
export function regionalServices(ms: RegionalMicroservicesSettings, region: string): MicroservicesSettings {
    const settings = settingsForRegion(ms, region);
    return {
        ...settings,
        services: settings.services.map((s) => ({ ...s, deployment: s.deployment ?? (s.internal ? undefined : { strategy: "CANARY" }) })),
    };
}

/** ALB path pattern matching: case-sensitive, `*` any run of characters, `?` one character (ELB Guide, "Path conditions"). */
function albPathMatches(pattern: string, path: string): boolean {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(path);
}

/** True when a request for `path` with the ALB's own DNS name as Host reaches an exposed service. */
function healthCheckRouted(ms: RegionalMicroservicesSettings, path: string): boolean {
    return ms.services.some((s) => !s.internal && (s.hosts ?? []).length === 0 && (s.paths ?? []).some((p) => albPathMatches(p, path)));
}

/** Validates the microservices of every region with the component's own rules, reported under `microservices.`. */
function checkMicroservices(errors: ArgumentErrors, ms: RegionalMicroservicesSettings, regions: string[]): boolean {
    for (const key of ["cidrBlocks", "certificateArns", "accessLogsBuckets"] as const) {
        checkRegionKeys(errors, `microservices.${key}`, ms[key], regions);
    }
    const withCert = regions.filter((r) => ms.certificateArns?.[r] !== undefined);
    errors.require(withCert.length === 0 || withCert.length === regions.length, "microservices.certificateArns",
        `covers ${show(withCert)} only; give a certificate for every region or for none, so each region serves clients the same way`);
    // Regions differ only in regional values: shared settings are reported once, VPC ranges per region.
    regions.forEach((region, i) => errors.absorb(
        (path) => path === "cidrBlock" ? `microservices.cidrBlocks.${region}` : i === 0 ? `microservices.network.${path}` : undefined,
        () => resolveNetworkArgs(networkForRegion(ms, region))));
    errors.absorb("microservices.", () => resolveMicroservicesSettings(regionalServices(ms, regions[0])));
    return withCert.length === regions.length;
}

/** Resolves every default and validates, before any resource exists. */
/** `component` is the component whose arguments `args` are (a layer adds its own keys to ActiveActive's). */
export function resolveActiveActiveArgs(args: ActiveActiveArgs, component: ComponentName = "ActiveActive"): ResolvedActiveActive {
    const errors = new ArgumentErrors("ActiveActive");
    const regions = args.regions ?? [];
    checkRegions(errors, "regions", regions, 2, args.providerSettings?.partition);
    const homeRegion = args.homeRegion ?? regions[0];
    errors.require(regions.includes(homeRegion), "homeRegion", `${show(homeRegion ?? "(unset)")} is not one of regions ${show(regions)}`);
    const canaryRegion = args.canaryRegion ?? homeRegion;
    errors.require(regions.includes(canaryRegion), "canaryRegion", `${show(canaryRegion ?? "(unset)")} is not one of regions ${show(regions)}`);

    errors.require((args.microservices === undefined) !== (args.loadBalancerArns === undefined), "microservices",
        "give exactly one of microservices (run them here) and loadBalancerArns (your own regional services)");
    let https = args.loadBalancersHttps ?? true;
    if (args.loadBalancerArns) {
        checkRegionKeys(errors, "loadBalancerArns", args.loadBalancerArns, regions);
        const missing = regions.filter((r) => args.loadBalancerArns![r] === undefined);
        errors.require(missing.length === 0, "loadBalancerArns", `has no load balancer for ${show(missing)}; give one per region`);
    }
    if (args.microservices && regions.length > 0) {
        https = checkMicroservices(errors, args.microservices, regions);
    }

    const acc = args.accelerator ?? {};
    const listenerPorts = acc.listenerPorts ?? (https ? [80, 443] : [80]);
    errors.require(listenerPorts.length > 0, "accelerator.listenerPorts", "is empty; give at least one TCP port");
    listenerPorts.forEach((p, i) => errors.require(Number.isInteger(p) && p >= 1 && p <= 65535, `accelerator.listenerPorts[${i}]`,
        `${show(p)} is not a port from 1 to 65535`));
    for (const dup of duplicates(listenerPorts.map(String))) {
        errors.require(false, "accelerator.listenerPorts", `port ${dup} is listed more than once`);
    }
    const clientAffinity = acc.clientAffinity ?? "NONE";
    errors.require(AFFINITIES.includes(clientAffinity), "accelerator.clientAffinity",
        `${show(clientAffinity)} is not a client affinity; allowed: ${AFFINITIES.join(", ")}`);

    checkRegionKeys(errors, "trafficDials", args.trafficDials, regions);
    const trafficDials: { [region: string]: number } = {};
    for (const region of regions) {
        const dial = args.trafficDials?.[region] ?? 100;
        errors.require(typeof dial === "number" && dial >= 0 && dial <= 100, `trafficDials.${region}`,
            `${show(dial)} is not a traffic dial; allowed: a percentage from 0 to 100`);
        trafficDials[region] = dial;
    }
    errors.require(regions.length === 0 || regions.some((r) => trafficDials[r] > 0), "trafficDials",
        "dials every region to 0; at least one region must take traffic");

    const hc = args.healthCheck ?? {};
    const healthCheck = { path: hc.path ?? "/health", intervalSeconds: hc.intervalSeconds ?? 30, threshold: hc.threshold ?? 3 };
    errors.require(healthCheck.path.startsWith("/") && healthCheck.path.length <= 255, "healthCheck.path",
        `${show(healthCheck.path)} must start with / and be at most 255 characters`);
    errors.require([10, 30].includes(healthCheck.intervalSeconds), "healthCheck.intervalSeconds",
        `${show(healthCheck.intervalSeconds)} is not an interval; allowed: 10, 30`);
    errors.require(Number.isInteger(healthCheck.threshold) && healthCheck.threshold >= 1 && healthCheck.threshold <= 10, "healthCheck.threshold",
        `${show(healthCheck.threshold)} is not a whole number from 1 to 10`);

    if (args.microservices && (args.microservices.services ?? []).length > 0) {
        errors.require(healthCheckRouted(args.microservices, healthCheck.path), "healthCheck.path",
            `${show(healthCheck.path)} is routed to no service: Route 53 probes each ALB by its own DNS name, which no host rule matches, ` +
            `and unmatched requests get the listener's 404; give an exposed service without hosts a path that matches it (e.g. "/*" or ${show(healthCheck.path)})`);
    }

    const table = args.table ?? {};
    const partitionKey = resolveKey(errors, "table.partitionKey", table.partitionKey ?? { name: "pk" });
    const sortKey = table.sortKey && resolveKey(errors, "table.sortKey", table.sortKey);
    const serviceNames = (args.microservices?.services ?? []).map((s) => s.name);
    const accessServices = table.accessServices ?? serviceNames;
    accessServices.forEach((s, i) => errors.require(serviceNames.includes(s), `table.accessServices[${i}]`,
        `${show(s)} is not one of the services ${show(serviceNames)}`));
    if (args.dns) {
        errors.require(typeof args.dns.recordName === "string" && args.dns.recordName.length > 0, "dns.recordName", "is empty; give the name clients resolve");
        errors.require(args.dns.hostedZoneId !== undefined && args.dns.hostedZoneId !== "", "dns.hostedZoneId", "is missing; give the hosted zone of recordName");
    }
    checkArgumentKeys(errors, component, args);
    errors.throwIfAny();
    return {
        regions, homeRegion,
        deploymentOrder: [canaryRegion, ...regions.filter((r) => r !== canaryRegion)],
        https, listenerPorts, clientAffinity,
        clientIpPreservation: acc.clientIpPreservation ?? true,
        trafficDials, healthCheck, partitionKey, sortKey, accessServices,
    };
}
