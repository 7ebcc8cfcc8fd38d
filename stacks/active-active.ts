import * as pulumi from "@pulumi/pulumi";
import { ActiveActive, ActiveActiveArgs, ActiveActiveEdge, ActiveActiveGlobal, ActiveActiveRegion } from "../components/global";
import { ArgumentErrors, show } from "../components/validation";
import { readObject, requireSection, siblingStack, StackConfig } from "./config";

/** The `aws-containers:active-active` section: ActiveActive's arguments but the regions, which are the stack's. */
export type ActiveActiveSection = Omit<ActiveActiveArgs, "regions" | "homeRegion" | "providerSettings">;

/**
 * The active-active stack (reference architecture 4): microservices in every region of the stack
 * behind one Global Accelerator, a DynamoDB global table homed in the stack's home region, and
 * Route 53 health checks and latency records. Images come from the registry stack's replicas.
 *
 * With `aws-containers:layer` it builds one layer of the same deployment (D23 in docs/design.md):
 * `global` (table home, accelerator), `region` (one region; reads the global stack), `edge` (endpoint
 * groups, dials, DNS; reads the global and every regional stack). Stacks are `<family>-global`,
 * `<family>-<region>`, `<family>-edge`. `aws-containers:trafficDials` (the edge stack's own key)
 * overrides the section's dials, so draining a region is one line of the edge stack's file.
 */
export function buildActiveActive(cfg: StackConfig) {
    const section = requireSection<ActiveActiveSection>(cfg, "active-active");
    const errors = new ArgumentErrors(`stack ${pulumi.getStack()} config`);
    const trafficDials = readObject<{ [region: string]: number }>(cfg.config, "trafficDials", errors) ?? section.trafficDials;
    const deploymentRegions = readObject<string[]>(cfg.config, "deploymentRegions", errors);
    errors.require(cfg.layer !== "region" || (Array.isArray(deploymentRegions) && deploymentRegions.includes(cfg.regions[0]) && cfg.regions.length === 1),
        "aws-containers:deploymentRegions", `${show(deploymentRegions ?? "(unset)")} must list every region of the deployment, ${show(cfg.regions[0])} included, ` +
        "for a region layer of one region (aws-containers:regions)");
    errors.throwIfAny();
    const args: ActiveActiveArgs = {
        ...section,
        trafficDials,
        regions: cfg.layer === "region" ? deploymentRegions! : cfg.regions,
        homeRegion: cfg.homeRegion,
        providerSettings: cfg.providers,
    };
    switch (cfg.layer) {
        case "global": return buildGlobal(args);
        case "region": return buildRegion(cfg, args);
        case "edge": return buildEdge(cfg, args);
    }
    const app = new ActiveActive("app", args);
    return {
        acceleratorDnsName: app.acceleratorDnsName,
        acceleratorIpAddresses: app.acceleratorIpAddresses,
        tableName: app.tableName,
        regionalTableArns: app.regionalTableArns,
        loadBalancerArns: app.loadBalancerArns,
        healthCheckIds: app.healthCheckIds,
        // A pipeline deploys region by region in this order, the canary region first.
        deploymentOrder: app.deploymentOrder,
    };
}

function buildGlobal(args: ActiveActiveArgs) {
    // deploymentOrder: the pipeline's waves, the canary region first.
    return outputs(new ActiveActiveGlobal("app", args), ["tableName", "tableArn", "homeKeyArn", "listenerArn",
        "acceleratorDnsName", "acceleratorHostedZoneId", "acceleratorIpAddresses", "deploymentOrder"]);
}

/** The stack outputs: these outputs of a layer, under their own names. */
function outputs<T extends object, K extends keyof T>(layer: T, names: K[]): Pick<T, K> {
    return Object.fromEntries(names.map((n) => [n, layer[n]])) as Pick<T, K>;
}

function buildRegion(cfg: StackConfig, args: ActiveActiveArgs) {
    const global = new pulumi.StackReference(siblingStack(cfg, "global"));
    const r = new ActiveActiveRegion("app", {
        ...args,
        region: cfg.regions[0],
        tableArn: global.requireOutput("tableArn") as pulumi.Output<string>,
        homeKeyArn: global.requireOutput("homeKeyArn") as pulumi.Output<string>,
    });
    return {
        region: cfg.regions[0],
        ...outputs(r, ["loadBalancerArn", "loadBalancerDnsName", "loadBalancerZoneId", "tableArn", "clusterName", "serviceNames"]),
    };
}

function buildEdge(cfg: StackConfig, args: ActiveActiveArgs) {
    const global = new pulumi.StackReference(siblingStack(cfg, "global"));
    const endpoints = Object.fromEntries(cfg.regions.map((region) => {
        const ref = new pulumi.StackReference(siblingStack(cfg, region));
        const out = (name: string) => ref.requireOutput(name) as pulumi.Output<string>;
        return [region, { loadBalancerArn: out("loadBalancerArn"), loadBalancerDnsName: out("loadBalancerDnsName"), loadBalancerZoneId: out("loadBalancerZoneId") }];
    }));
    const edge = new ActiveActiveEdge("app", {
        ...args,
        listenerArn: global.requireOutput("listenerArn") as pulumi.Output<string>,
        acceleratorDnsName: global.requireOutput("acceleratorDnsName") as pulumi.Output<string>,
        acceleratorHostedZoneId: global.requireOutput("acceleratorHostedZoneId") as pulumi.Output<string>,
        endpoints,
    });
    return outputs(edge, ["healthCheckIds", "trafficDials"]);
}
