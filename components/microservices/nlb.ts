// A microservice exposed through its own Network Load Balancer: validation, the NLB, its security group,
// listeners, target groups and optional PrivateLink endpoint service.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, duplicates, show } from "../validation";

/** One NLB listener. */
export interface NlbListenerSpec {
    /** Port clients connect to, 1 to 65535. */
    readonly port: number;
    /** "TCP", "UDP" or "TLS" (terminated with the component's `certificateArn`). @default "TCP" */
    readonly protocol?: string;
}

/** A PrivateLink endpoint service in front of the NLB, for consumers in other VPCs or accounts. */
export interface NlbEndpointServiceSpec {
    /** IAM principals allowed to create endpoints, e.g. "arn:aws:iam::123456789012:root"; "*" is refused. */
    readonly allowedPrincipals: string[];
    /** Each endpoint connection waits for acceptance. @default true */
    readonly acceptanceRequired?: boolean;
}

/** Expose a service through a Network Load Balancer instead of the ALB: high throughput, TCP/UDP/TLS, static addresses, PrivateLink. */
export interface MicroserviceNlbSpec {
    /** @default [{ port: <service port>, protocol: "TCP" }] */
    readonly listeners?: NlbListenerSpec[];
    /** In the private subnets, reachable from the VPC (and PrivateLink) only. @default false, or true with `endpointService` */
    readonly internal?: boolean;
    /** Spread each zone's traffic over targets in every zone (inter-zone data is billed). @default true */
    readonly crossZone?: boolean;
    /** Client ranges the NLB's security group admits on the listener ports. @default the component's allowedCidrs (the VPC's "10.0.0.0/8" when internal) */
    readonly allowedCidrs?: string[];
    /** "HTTP" (the service's healthCheckPath) or "TCP" health checks of the targets. @default "HTTP" */
    readonly healthCheckProtocol?: string;
    /** TCP port of the targets the health check probes, needed with UDP listeners (a UDP port cannot be probed). @default the service port */
    readonly healthCheckPort?: number;
    /** Publish the NLB as a PrivateLink endpoint service. @default none */
    readonly endpointService?: NlbEndpointServiceSpec;
}

export interface ResolvedNlb {
    listeners: { port: number; protocol: string }[];
    internal: boolean;
    crossZone: boolean;
    allowedCidrs: string[];
    healthCheckProtocol: string;
    healthCheckPort: number;
    udp: boolean;
    endpointService?: { allowedPrincipals: string[]; acceptanceRequired: boolean };
}

export const NLB_LISTENER_PROTOCOLS: readonly string[] = ["TCP", "UDP", "TLS"];
const PRINCIPAL = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@\/-]+|user\/[\w+=,.@\/-]+)$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

export function resolveNlb(errors: ArgumentErrors, p: string, spec: MicroserviceNlbSpec, port: number, https: boolean, defaultCidrs: string[]): ResolvedNlb {
    const listeners = (spec.listeners ?? [{ port, protocol: "TCP" }]).map((l) => ({ port: l.port, protocol: l.protocol ?? "TCP" }));
    errors.require(listeners.length > 0, `${p}listeners`, "is empty; give at least one listener");
    listeners.forEach((l, i) => {
        errors.require(Number.isInteger(l.port) && l.port >= 1 && l.port <= 65535, `${p}listeners[${i}].port`, `${show(l.port)} is not a port from 1 to 65535`);
        errors.require(NLB_LISTENER_PROTOCOLS.includes(l.protocol), `${p}listeners[${i}].protocol`,
            `${show(l.protocol)} is not an NLB listener protocol; allowed: ${NLB_LISTENER_PROTOCOLS.join(", ")}`);
        errors.require(l.protocol !== "TLS" || https, `${p}listeners[${i}].protocol`,
            `"TLS" needs certificateArn (an ACM certificate of this region); give one or use "TCP"`);
    });
    for (const dup of duplicates(listeners.map((l) => `${l.port}/${l.protocol === "UDP" ? "udp" : "tcp"}`))) {
        errors.require(false, `${p}listeners`, `port ${dup} is listened on more than once; each port and transport once`);
    }
    const udp = listeners.some((l) => l.protocol === "UDP");
    errors.require(!udp || listeners.every((l) => l.protocol === "UDP"), `${p}listeners`,
        "mixes UDP with TCP or TLS; the task's port is one transport, so give a UDP service UDP listeners only");
    const endpointService = spec.endpointService ? {
        allowedPrincipals: spec.endpointService.allowedPrincipals ?? [],
        acceptanceRequired: spec.endpointService.acceptanceRequired ?? true,
    } : undefined;
    endpointService?.allowedPrincipals.forEach((a, i) => errors.require(PRINCIPAL.test(a), `${p}endpointService.allowedPrincipals[${i}]`,
        `${show(a)} is not an IAM principal ARN; allowed: arn:aws:iam::<account>:root, :role/<name> or :user/<name> ("*" would let anyone connect)`));
    errors.require(endpointService === undefined || endpointService.allowedPrincipals.length > 0, `${p}endpointService.allowedPrincipals`,
        "is empty; name the accounts or roles that may connect");
    const internal = spec.internal ?? endpointService !== undefined;
    const r: ResolvedNlb = {
        listeners,
        internal,
        crossZone: spec.crossZone ?? true,
        allowedCidrs: spec.allowedCidrs ?? (internal ? ["10.0.0.0/8"] : defaultCidrs),
        healthCheckProtocol: spec.healthCheckProtocol ?? "HTTP",
        healthCheckPort: spec.healthCheckPort ?? port,
        udp,
        endpointService,
    };
    errors.require(["HTTP", "TCP"].includes(r.healthCheckProtocol), `${p}healthCheckProtocol`, `${show(r.healthCheckProtocol)} is not a health check protocol; allowed: HTTP, TCP`);
    errors.require(Number.isInteger(r.healthCheckPort) && r.healthCheckPort >= 1 && r.healthCheckPort <= 65535, `${p}healthCheckPort`,
        `${show(r.healthCheckPort)} is not a port from 1 to 65535`);
    errors.require(!udp || spec.healthCheckPort !== undefined, `${p}healthCheckPort`,
        "is missing for a UDP service; give a TCP port the task answers health checks on");
    r.allowedCidrs.forEach((c, i) => errors.require(CIDR.test(c), `${p}allowedCidrs[${i}]`, `${show(c)} is not an IPv4 CIDR block`));
    return r;
}

export interface NlbParts {
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly targetGroup: aws.lb.TargetGroup;
    readonly endpointService?: aws.ec2.VpcEndpointService;
}

export interface NlbSettings {
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly certificateArn?: pulumi.Input<string>;
    readonly sslPolicy: string;
    readonly deletionProtection: boolean;
    readonly port: number;
    readonly healthCheckPath: string;
    readonly deregistrationDelaySeconds: number;
}

/**
 * The NLB of one service, with a security group of its own (NLBs take security groups since 2023,
 * ELB User Guide "Security groups for your Network Load Balancer") that admits only the allowed ranges on
 * the listener ports; the tasks admit only this group. `ip` targets, TLS listeners with the component's
 * certificate and TLS policy, and, with `endpointService`, a PrivateLink service limited to named principals.
 */
export function createNlb(name: string, n: ResolvedNlb, s: NlbSettings, parent: pulumi.Resource): NlbParts {
    const opts = { parent };
    const transport = n.udp ? "udp" : "tcp";
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-nlb-sg`, {
        vpcId: s.vpcId, description: `Network Load Balancer of ${name}`, tags: { Name: `${name}-nlb` },
    }, opts);
    for (const l of n.listeners) {
        n.allowedCidrs.forEach((cidr, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-nlb-in-${l.port}-${i}`, {
            securityGroupId: securityGroup.id, ipProtocol: transport, fromPort: l.port, toPort: l.port, cidrIpv4: cidr, description: `Clients on ${l.protocol} ${l.port}`,
        }, opts));
    }
    const loadBalancer = new aws.lb.LoadBalancer(`${name}-nlb`, {
        loadBalancerType: "network",
        internal: n.internal,
        subnets: n.internal ? s.privateSubnetIds : s.publicSubnetIds,
        securityGroups: [securityGroup.id],
        enableCrossZoneLoadBalancing: n.crossZone,
        enableDeletionProtection: s.deletionProtection,
        // PrivateLink consumers arrive from their own VPCs: the endpoint service's principals admit them, not CIDRs.
        enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: n.endpointService ? "off" : "on",
    }, opts);
    const targetGroup = new aws.lb.TargetGroup(`${name}-nlb-tg`, {
        vpcId: s.vpcId,
        targetType: "ip",
        port: s.port,
        protocol: n.udp ? "UDP" : "TCP",
        deregistrationDelay: s.deregistrationDelaySeconds,
        healthCheck: {
            enabled: true,
            protocol: n.healthCheckProtocol,
            port: n.healthCheckPort === s.port ? "traffic-port" : String(n.healthCheckPort),
            path: n.healthCheckProtocol === "HTTP" ? s.healthCheckPath : undefined,
            interval: 10,
            healthyThreshold: 3,
            unhealthyThreshold: 3,
        },
    }, opts);
    for (const l of n.listeners) {
        new aws.lb.Listener(`${name}-nlb-${l.protocol.toLowerCase()}-${l.port}`, {
            loadBalancerArn: loadBalancer.arn,
            port: l.port,
            protocol: l.protocol,
            certificateArn: l.protocol === "TLS" ? s.certificateArn : undefined,
            sslPolicy: l.protocol === "TLS" ? s.sslPolicy : undefined,
            defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        }, opts);
    }
    const endpointService = n.endpointService ? new aws.ec2.VpcEndpointService(`${name}-endpoint-service`, {
        networkLoadBalancerArns: [loadBalancer.arn],
        acceptanceRequired: n.endpointService.acceptanceRequired,
        allowedPrincipals: n.endpointService.allowedPrincipals,
        tags: { Name: name },
    }, opts) : undefined;
    return { loadBalancer, securityGroup, targetGroup, endpointService };
}
