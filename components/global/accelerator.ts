import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AcceleratorArgs, ResolvedActiveActive } from "./args";

export interface AcceleratorParts {
    readonly accelerator: aws.globalaccelerator.Accelerator;
    readonly listener: aws.globalaccelerator.Listener;
    readonly endpointGroups: { [region: string]: aws.globalaccelerator.EndpointGroup };
}

/**
 * A standard accelerator with one TCP listener on every configured port and one endpoint group per
 * region whose only endpoint is that region's ALB. All of it lives on the us-west-2 provider
 * (`global`). No health-check settings on the endpoint groups: they apply to EC2 and Elastic IP endpoints
 * only, and for ALB endpoints Global Accelerator follows the load balancer's own target health (Global
 * Accelerator Developer Guide, "Health check options"), so settings here would be ignored and mislead.
 */
export function createAccelerator(name: string, a: ResolvedActiveActive, args: AcceleratorArgs,
    loadBalancerArns: { [region: string]: pulumi.Input<string> }, global: pulumi.CustomResourceOptions): AcceleratorParts {
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
    const endpointGroups: { [region: string]: aws.globalaccelerator.EndpointGroup } = {};
    for (const region of a.regions) {
        endpointGroups[region] = new aws.globalaccelerator.EndpointGroup(`${name}-${region}-endpoints`, {
            listenerArn: listener.arn,
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
    return { accelerator, listener, endpointGroups };
}
