import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AcceleratorArgs, ResolvedActiveActive } from "./args";

export interface AcceleratorParts {
    readonly accelerator: aws.globalaccelerator.Accelerator;
    readonly listener: aws.globalaccelerator.Listener;
}

/**
 * A standard accelerator with one TCP listener on every configured port, on the us-west-2 provider
 * (`global`); createEndpointGroups adds one endpoint group per region whose only endpoint is that
 * region's ALB.
 */
export function createAccelerator(name: string, a: ResolvedActiveActive, args: AcceleratorArgs,
    global: pulumi.CustomResourceOptions): AcceleratorParts {
    const accelerator = new aws.globalaccelerator.Accelerator(`${name}-accelerator`, {
        name,
        ipAddressType: "IPV4",
        enabled: true,
        attributes: args.flowLogsBucket
            ? { flowLogsEnabled: true, flowLogsS3Bucket: args.flowLogsBucket, flowLogsS3Prefix: args.flowLogsPrefix ?? "global-accelerator/" }
            : { flowLogsEnabled: false },
    }, global);
    const listener = new aws.globalaccelerator.Listener(`${name}-listener`, {
        acceleratorArn: accelerator.arn,
        protocol: "TCP",
        clientAffinity: a.clientAffinity,
        portRanges: a.listenerPorts.map((port) => ({ fromPort: port, toPort: port })),
    }, global);
    return { accelerator, listener };
}

/**
 * One endpoint group per region, each with that region's ALB and traffic dial, on the global provider:
 * changing a dial calls Global Accelerator's API in us-west-2 only, never the drained region's. No
 * health-check settings on the endpoint groups: they apply to EC2 and Elastic IP endpoints only, and for
 * ALB endpoints Global Accelerator follows the load balancer's own target health (Global Accelerator
 * Developer Guide, "Health check options"), so settings here would be ignored and mislead.
 */
export function createEndpointGroups(name: string, a: ResolvedActiveActive, listenerArn: pulumi.Input<string>,
    loadBalancerArns: { [region: string]: pulumi.Input<string> }, global: pulumi.CustomResourceOptions): { [region: string]: aws.globalaccelerator.EndpointGroup } {
    const endpointGroups: { [region: string]: aws.globalaccelerator.EndpointGroup } = {};
    for (const region of a.regions) {
        endpointGroups[region] = new aws.globalaccelerator.EndpointGroup(`${name}-${region}-endpoints`, {
            listenerArn,
            endpointGroupRegion: region,
            trafficDialPercentage: a.trafficDials[region],
            endpointConfigurations: [{
                endpointId: loadBalancerArns[region],
                weight: 128,
                // The ALB sees the client's address; GA adds a "GlobalAccelerator" security group to the VPC
                // that must go before the VPC can be deleted (provider docs, clientIpPreservationEnabled).
                clientIpPreservationEnabled: a.clientIpPreservation,
            }],
        }, global);
    }
    return endpointGroups;
}
