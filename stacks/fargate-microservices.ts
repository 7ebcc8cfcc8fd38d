import * as pulumi from "@pulumi/pulumi";
import { createRegionalProviders, RegionalNetwork, RegionalNetworkArgs } from "../components";
import { FargateMicroservices, MicroservicesSettings, resolveMicroservicesSettings } from "../components/microservices";
import { resolveNetworkArgs } from "../components/network";
import { requireSection, StackConfig } from "./config";

/** The `aws-containers:microservices` section: the component's settings plus what differs per region. */
export interface MicroservicesSection extends Omit<MicroservicesSettings, "certificateArn" | "accessLogsBucket"> {
    /** RegionalNetwork settings shared by every region. */
    readonly network?: Omit<RegionalNetworkArgs, "cidrBlock">;
    /** VPC range per region; distinct ranges keep peering or Transit Gateway possible later. */
    readonly cidrBlocks?: { [region: string]: string };
    /** ACM certificate ARN per region (certificates are regional); a region without one serves HTTP only. */
    readonly certificateArns?: { [region: string]: string };
    /** Access log bucket per region (ALB logs go to a bucket in the same region). */
    readonly accessLogsBuckets?: { [region: string]: string };
}

/**
 * Secret ARNs may say `{region}`: Secrets Manager replicas and per-region parameters keep their name,
 * so one config line serves every region.
 */
function forRegion(section: MicroservicesSection, region: string): MicroservicesSettings {
    const { network: _n, cidrBlocks: _c, certificateArns, accessLogsBuckets, ...settings } = section;
    return {
        ...settings,
        certificateArn: certificateArns?.[region],
        accessLogsBucket: accessLogsBuckets?.[region],
        services: (section.services ?? []).map((svc) => ({
            ...svc,
            secrets: svc.secrets && Object.fromEntries(Object.entries(svc.secrets).map(([k, v]) => [k, String(v).replace(/\{region\}/g, region)])),
        })),
    };
}

/**
 * Architecture 1 in every region of the stack: a RegionalNetwork and a FargateMicroservices per region,
 * each on that region's provider, named `<component>-<region>`. Images come from the registry stack's
 * replicated repositories by their regional URI (DESIGN D4). Everything is validated before anything is built.
 */
export function buildFargateMicroservices(cfg: StackConfig) {
    const section = requireSection<MicroservicesSection>(cfg, "microservices");
    const plans = cfg.regions.map((region) => {
        const network: RegionalNetworkArgs = { ...section.network, cidrBlock: section.cidrBlocks?.[region] };
        resolveNetworkArgs(network);
        const settings = forRegion(section, region);
        resolveMicroservicesSettings(settings);
        return { region, network, settings };
    });

    const providers = createRegionalProviders("aws", cfg.regions, cfg.providers);
    const outputs: { [region: string]: Record<string, pulumi.Output<unknown>> } = {};
    for (const { region, network, settings } of plans) {
        const opts = { provider: providers[region] };
        const net = new RegionalNetwork(`network-${region}`, network, opts);
        const app = new FargateMicroservices(`microservices-${region}`, {
            ...settings,
            vpcId: net.vpcId,
            publicSubnetIds: net.publicSubnetIds,
            privateSubnetIds: net.privateSubnetIds,
        }, opts);
        outputs[region] = { url: app.url, clusterName: app.clusterName, namespaceArn: app.namespaceArn, serviceNames: app.serviceNames };
    }
    return { regions: outputs };
}
