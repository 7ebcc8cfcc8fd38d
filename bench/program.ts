/**
 * The benchmark's synthetic platform (`bench.ts`): the fargate-microservices architecture at scale.
 * Its own module, required when the program runs, so that loading the components counts as the
 * program's time exactly as loading `stacks/` does for a stack.
 */
import * as aws from "@pulumi/aws";
import { ContainerRegistry, createRegionalProviders, RegionalNetwork } from "../components";
import { FargateMicroservices, MicroserviceSpec } from "../components/microservices";
import { MOCK_ACCOUNT_ID } from "../plan/engine/fixtures";

export const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1"];

/** Service `i` of a platform: every fourth is internal (Service Connect only), the rest behind the ALB. */
function service(i: number): MicroserviceSpec {
    const name = `service-${i}`;
    const common = { name, repository: `bench/${name}`, tag: "1.0.0", port: 8080 };
    return i % 4 === 3 ? { ...common, internal: true }
        : { ...common, paths: [`/${name}`, `/${name}/*`], priority: 100 + i, scaling: { minCapacity: 2, maxCapacity: 10 } };
}

/**
 * Per region a RegionalNetwork and a FargateMicroservices with `services` services, and one
 * ContainerRegistry holding each service's repository, replicated to all regions.
 */
export function syntheticPlatform(regions: number, services: number): Record<string, never> {
    const used = REGIONS.slice(0, regions);
    const specs = Array.from({ length: services }, (_, i) => service(i));
    for (const [region, provider] of Object.entries(createRegionalProviders("bench", used))) {
        const net = new RegionalNetwork(`bench-${region}`, { natGateways: "perAz" }, { provider });
        new FargateMicroservices(`bench-${region}`, {
            services: specs, certificateArn: `arn:aws:acm:${region}:${MOCK_ACCOUNT_ID}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
            vpcId: net.vpcId, publicSubnetIds: net.publicSubnetIds, privateSubnetIds: net.privateSubnetIds,
        }, { provider });
    }
    new ContainerRegistry("bench-registry", {
        homeRegion: used[0],
        regions: used,
        repositories: specs.map((s) => ({ name: s.repository! })),
    });
    return {};
}

/**
 * The floor of any plan of `count` resources: that many plain resources (log groups with three inputs,
 * on one provider), no components and nothing to judge. Planned with the pack that has no policies,
 * it costs what the SDK's runtime and the analyzer protocol cost by themselves (`--vs-cdk`).
 */
export function plainResources(count: number): Record<string, never> {
    const provider = new aws.Provider("floor", { region: REGIONS[0] });
    for (let i = 0; i < count; i++) {
        new aws.cloudwatch.LogGroup(`floor-${i}`, { name: `floor-${i}`, retentionInDays: 30, tags: { team: "bench" } }, { provider });
    }
    return {};
}
