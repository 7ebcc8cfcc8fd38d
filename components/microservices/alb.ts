import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FargateMicroservicesArgs, ResolvedSettings } from "./args";

export interface LoadBalancerParts {
    readonly alb: aws.lb.LoadBalancer;
    readonly securityGroup: aws.ec2.SecurityGroup;
    /** The listener service rules attach to: HTTPS with a certificate, HTTP without. */
    readonly listener: aws.lb.Listener;
    readonly https: boolean;
}

/** 404 for requests no service rule matches, so unknown paths never reach a service by accident. */
const NOT_FOUND = { type: "fixed-response", fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" } };

/**
 * An internet-facing ALB in the public subnets that drops invalid headers. With a certificate: an HTTPS
 * listener and an HTTP listener that only redirects to it. Without: HTTP only, with a warning.
 */
export function createLoadBalancer(name: string, args: FargateMicroservicesArgs, s: ResolvedSettings, parent: pulumi.Resource): LoadBalancerParts {
    const opts = { parent };
    const https = args.certificateArn !== undefined;
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-alb-sg`, {
        vpcId: args.vpcId, description: `Load balancer of ${name}`, tags: { Name: `${name}-alb` },
    }, opts);
    // The only 0.0.0.0/0 ingress in the architecture: the internet-facing listener ports.
    for (const port of https ? [80, 443] : [80]) {
        s.allowedCidrs.forEach((cidr, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-alb-in-${port}-${i}`, {
            securityGroupId: securityGroup.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr,
            description: port === 80 && https ? "HTTP, redirected to HTTPS" : `Clients on ${port}`,
        }, opts));
    }
    const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [securityGroup.id],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: s.deletionProtection,
        idleTimeout: s.idleTimeoutSeconds,
        desyncMitigationMode: "defensive",
        accessLogs: args.accessLogsBucket
            ? { bucket: args.accessLogsBucket, prefix: args.accessLogsPrefix ?? name, enabled: true }
            : undefined,
    }, opts);
    if (!https) {
        pulumi.log.warn(`${name}: no certificateArn, so the load balancer serves plain HTTP on port 80 only; ` +
            "give an ACM certificate of this region to serve HTTPS and redirect HTTP to it", parent);
        const listener = new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [NOT_FOUND],
        }, opts);
        return { alb, securityGroup, listener, https };
    }
    new aws.lb.Listener(`${name}-http`, {
        loadBalancerArn: alb.arn, port: 80, protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    }, opts);
    const listener = new aws.lb.Listener(`${name}-https`, {
        loadBalancerArn: alb.arn, port: 443, protocol: "HTTPS",
        certificateArn: args.certificateArn,
        // Set explicitly: the API default is the 2016 policy that still allows TLS 1.0.
        sslPolicy: s.sslPolicy,
        defaultActions: [NOT_FOUND],
    }, opts);
    return { alb, securityGroup, listener, https };
}
