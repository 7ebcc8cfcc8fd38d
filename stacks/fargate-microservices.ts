import * as pulumi from "@pulumi/pulumi";
import { createRegionalProviders, RegionalNetwork } from "../components";
import { FargateMicroservices, resolveMicroservicesSettings } from "../components/microservices";
import { networkForRegion, RegionalMicroservicesSettings, settingsForRegion } from "../components/microservices/regional";
import { resolveNetworkArgs } from "../components/network";
import { requireSection, StackConfig } from "./config";

/** The `aws-containers:microservices` section: the component's settings plus what differs per region. */
export type MicroservicesSection = RegionalMicroservicesSettings;

/**
 * Architecture 1 in every region of the stack: a RegionalNetwork and a FargateMicroservices per region,
 * each on that region's provider, named `<component>-<region>`. Images come from the registry stack's
 * replicated repositories by their regional URI (DESIGN D4). Everything is validated before anything is built.
 */
export function buildFargateMicroservices(cfg: StackConfig) {
    const section = requireSection<MicroservicesSection>(cfg, "microservices");
    const plans = cfg.regions.map((region) => {
        const network = networkForRegion(section, region);
        resolveNetworkArgs(network);
        const settings = settingsForRegion(section, region);
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
