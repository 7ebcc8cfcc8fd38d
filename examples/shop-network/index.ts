// A platform team's program: a network in each region and the repositories its services pull from.
import * as pulumi from "@pulumi/pulumi";
import { ContainerRegistry, createRegionalProviders, RegionalNetwork } from "aws-containers";

const regions = new pulumi.Config().requireObject<string[]>("regions");
const providers = createRegionalProviders("shop", regions);

export const vpcIds: { [region: string]: pulumi.Output<string> } = {};
for (const [region, provider] of Object.entries(providers)) {
    vpcIds[region] = new RegionalNetwork(`shop-${region}`, { natGateways: "single" }, { provider }).vpcId;
}

const registry = new ContainerRegistry("shop-registry", {
    homeRegion: regions[0],
    regions,
    repositories: [{ name: "shop/storefront" }, { name: "shop/orders" }],
});
export const repositoryUrls = registry.repositoryUrls;
