/** A region's serving part of active-active: its network and microservices, or the caller's own ALB. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FargateMicroservices } from "../microservices";
import { networkForRegion } from "../microservices/regional";
import { RegionalNetwork } from "../network";
import { ActiveActiveArgs, regionalServices, ResolvedActiveActive } from "./args";
import { RegionalEndpoint } from "./dns";
import { mergePolicies } from "./table";

/** One region's load balancer: what the accelerator and DNS need of it. */
export interface RegionalApp extends RegionalEndpoint {
    readonly loadBalancerArn: pulumi.Output<string>;
    /** The region's ECS cluster and services (none with `loadBalancerArns`), for release validation. */
    readonly clusterName?: pulumi.Output<string>;
    readonly serviceNames?: pulumi.Output<{ [name: string]: string }>;
}

/**
 * A region's network and microservices (or the caller's own ALB, looked up), named `<name>-<region>`,
 * with `replicaPolicy` added to the task roles of the services that use the table. Shared by the
 * one-stack ActiveActive and the per-region ActiveActiveRegion, so both create the same resources.
 */
export function createRegionalApp(name: string, region: string, args: ActiveActiveArgs, a: ResolvedActiveActive,
    replicaPolicy: pulumi.Output<string>, inRegion: pulumi.CustomResourceOptions): RegionalApp {
    if (!args.microservices) {
        const lb = aws.lb.getLoadBalancerOutput({ arn: args.loadBalancerArns![region] }, inRegion);
        return { loadBalancerArn: lb.arn, dnsName: lb.dnsName, zoneId: lb.zoneId };
    }
    const net = new RegionalNetwork(`${name}-${region}-network`, networkForRegion(args.microservices, region), inRegion);
    const settings = regionalServices(args.microservices, region);
    const app = new FargateMicroservices(`${name}-${region}`, {
        ...settings,
        services: settings.services.map((s) => a.accessServices.includes(s.name)
            ? { ...s, taskRolePolicy: mergePolicies(s.taskRolePolicy, replicaPolicy) } : s),
        vpcId: net.vpcId,
        publicSubnetIds: net.publicSubnetIds,
        privateSubnetIds: net.privateSubnetIds,
    }, inRegion);
    // resolveActiveActiveArgs requires an exposed service that the health check path routes to, so the
    // region's microservices always have their ALB (FargateMicroservices makes one only for such a service).
    const alb = (o: pulumi.Output<string | undefined>) => o as pulumi.Output<string>;
    return {
        loadBalancerArn: alb(app.loadBalancerArn), dnsName: alb(app.loadBalancerDnsName), zoneId: alb(app.loadBalancerZoneId),
        clusterName: app.clusterName, serviceNames: app.serviceNames,
    };
}
