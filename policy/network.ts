import { ECS_SERVICE_TYPES } from "./ecs";
import { AUTOSCALING_GROUP_TYPES, EKS_NODE_GROUP_TYPES } from "./eks";
import { KARPENTER_NODECLASS_TYPES } from "./kubernetes";
import { ofTypes, resolve } from "./lib/graph";
import { Finding, resourcePolicy, Res, stackPolicy } from "./lib/policy";
import { arr, bool, get, hasUnknown, isUnknown, Value } from "./lib/values";

/** Network exposure: public IPs, public subnets and plaintext listeners. Multi-AZ subnets are a stack policy (stack.ts). */

export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const LISTENER_RULE_TYPES = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"] as const;
export const LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"] as const;
export const TARGET_GROUP_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"] as const;
export const LAUNCH_TEMPLATE_TYPES = ["aws:ec2/launchTemplate:LaunchTemplate"] as const;
export const LAUNCH_CONFIGURATION_TYPES = ["aws:ec2/launchConfiguration:LaunchConfiguration"] as const;
export const INSTANCE_TYPES = ["aws:ec2/instance:Instance"] as const;
export const SUBNET_TYPES = ["aws:ec2/subnet:Subnet"] as const;

export const secNoPublicIp = resourcePolicy({
    name: "sec-no-public-ip",
    description: "Tasks and nodes must not get public IP addresses; they sit in private subnets behind load balancers.",
    enforcementLevel: "mandatory",
    types: [...ECS_SERVICE_TYPES, ...LAUNCH_TEMPLATE_TYPES, ...LAUNCH_CONFIGURATION_TYPES, ...INSTANCE_TYPES, ...KARPENTER_NODECLASS_TYPES],
    config: {},
    check: (r) => {
        if (r.type === "aws:ecs/service:Service") {
            return bool(get(r.props, "networkConfiguration", "assignPublicIp")) === true ? [`ECS service ${r.name} assigns public IPs to its tasks.`] : [];
        }
        if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
            const nics = arr(r.props["networkInterfaces"]) ?? [];
            return nics.some((n) => bool(get(n, "associatePublicIpAddress")) === true) ? [`Launch template ${r.name} associates public IP addresses.`] : [];
        }
        if (r.type === INSTANCE_TYPES[0] || r.type === LAUNCH_CONFIGURATION_TYPES[0]) {
            return bool(r.props["associatePublicIpAddress"]) === true ? [`${r.name} associates a public IP address.`] : [];
        }
        return get(r.props, "spec", "associatePublicIPAddress") === true ? [`EC2NodeClass ${r.name} associates public IP addresses.`] : [];
    },
});

/** True for a Gateway Load Balancer's ARN (`...:loadbalancer/gwy/...`): its listeners take no protocol. */
function gatewayArn(arn: Value): boolean {
    return typeof arn === "string" && arn.includes(":loadbalancer/gwy/");
}

/** Whether a listener listens on plain HTTP: undefined when it cannot be told (unknown, or no protocol on a load balancer not known). */
function plainHttp(listener: Res, loadBalancerType?: Value): boolean | undefined {
    const protocol = listener.props["protocol"];
    if (isUnknown(protocol)) return undefined;
    if (protocol !== undefined) return protocol === "HTTP";
    // No protocol: HTTP on an ALB (ELB CreateListener), none at all on a Gateway Load Balancer.
    const arn = listener.props["loadBalancerArn"];
    if (loadBalancerType === "gateway" || gatewayArn(arn)) return false;
    if (loadBalancerType === "application" || (typeof arn === "string" && arn.includes(":loadbalancer/app/"))) return true;
    return undefined;
}

/** True when every action only redirects to HTTPS (or may, the protocol being unknown). */
function redirectsOnly(actions: Value): boolean {
    const list = arr(actions) ?? [];
    return list.length > 0 && list.every((a) => get(a, "type") === "redirect" &&
        (get(a, "redirect", "protocol") === "HTTPS" || isUnknown(get(a, "redirect", "protocol"))));
}

/** Actions that answer without passing traffic on (a fixed response, a redirect to HTTPS, an authentication step before one). */
function passesTraffic(actions: Value): boolean {
    return (arr(actions) ?? []).some((a) => get(a, "type") === "forward");
}

export const secHttpsListeners = resourcePolicy({
    name: "sec-https-listeners",
    description: "Load balancer listeners must serve HTTPS (or TLS); a plain HTTP listener may only redirect to HTTPS.",
    enforcementLevel: "mandatory",
    types: LISTENER_TYPES,
    config: {},
    check: (r) => {
        const actions = r.props["defaultActions"];
        if (hasUnknown(actions) || (arr(actions) ?? []).some((a) => isUnknown(get(a, "type")))) {
            return [];
        }
        // A listener without a protocol on a load balancer unknown yet is judged by sec-https-forwarding.
        return plainHttp(r) === true && !redirectsOnly(actions) ? [`Listener ${r.name} serves plain HTTP instead of redirecting to HTTPS.`] : [];
    },
});

export const secHttpsForwarding = stackPolicy({
    name: "sec-https-forwarding",
    description: "Listener rules must not forward plain HTTP traffic, and a listener without a protocol on an Application Load Balancer is plain HTTP.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const listeners = ofTypes(resources, LISTENER_TYPES);
        const lbs = ofTypes(resources, LOAD_BALANCER_TYPES);
        const findings: Finding[] = [];
        const lbType = (listener: Res): Value => {
            const targets = resolve(listener, "loadBalancerArn", listener.props["loadBalancerArn"], lbs, ["arn", "id"]).targets;
            // An ALB is the default loadBalancerType of aws.lb.LoadBalancer.
            return targets.length === 1 ? targets[0].props["loadBalancerType"] ?? "application" : undefined;
        };
        for (const listener of listeners) {
            const actions = listener.props["defaultActions"];
            // Listeners whose protocol or ARN settles it are judged by sec-https-listeners.
            if (listener.props["protocol"] !== undefined || plainHttp(listener) !== undefined || hasUnknown(actions) ||
                (arr(actions) ?? []).some((a) => isUnknown(get(a, "type")))) continue;
            if (plainHttp(listener, lbType(listener)) === true && !redirectsOnly(actions)) {
                findings.push({ urn: listener.urn, message: `Listener ${listener.name} (no protocol, on an Application Load Balancer) serves plain HTTP instead of redirecting to HTTPS.` });
            }
        }
        for (const rule of ofTypes(resources, LISTENER_RULE_TYPES)) {
            const actions = rule.props["actions"];
            if (hasUnknown(actions) || (arr(actions) ?? []).some((a) => isUnknown(get(a, "type"))) || !passesTraffic(actions)) continue;
            const targets = resolve(rule, "listenerArn", rule.props["listenerArn"], listeners, ["arn", "id"]).targets;
            if (targets.some((l) => plainHttp(l, lbType(l)) === true)) {
                findings.push({ urn: rule.urn, message: `Listener rule ${rule.name} forwards traffic on a plain HTTP listener.` });
            }
        }
        return findings;
    },
});

/** Where each placed resource lists its subnets: [top-level input, path to the list]. */
export const SUBNET_PATHS: { readonly [type: string]: readonly [string, ...string[]] } = {
    "aws:ecs/service:Service": ["networkConfiguration", "subnets"],
    "aws:eks/nodeGroup:NodeGroup": ["subnetIds"],
    "aws:autoscaling/group:Group": ["vpcZoneIdentifiers"],
};
const PUBLIC_SUBNET_PATHS: { readonly [type: string]: readonly [string, ...string[]] } = {
    ...SUBNET_PATHS,
    [INSTANCE_TYPES[0]]: ["subnetId"],
    "aws:ecs/expressGatewayService:ExpressGatewayService": ["networkConfigurations"],
};

/** The stack's subnets a resource is placed in (by ID, else through its property dependency). */
export function subnetsOf(r: Res, subnets: readonly Res[], paths = PUBLIC_SUBNET_PATHS): Res[] {
    const [top, ...rest] = paths[r.type];
    const value = get(r.props, top, ...rest);
    // Express services list subnets per network configuration.
    const ids = top === "networkConfigurations" ? (arr(value) ?? []).flatMap((n) => arr(get(n, "subnets")) ?? []) : typeof value === "string" ? [value] : arr(value) ?? [];
    const byId = subnets.filter((s) => ids.some((id) => typeof id === "string" && (get(s.props, "id") === id || s.urn === id)));
    const deps = r.propertyDependsOn[top] ?? [];
    return [...new Set([...byId, ...subnets.filter((s) => deps.includes(s.urn))])];
}

export const secPrivateSubnets = stackPolicy({
    name: "sec-private-subnets",
    description: "Nodes, instances and tasks must not be placed in subnets that give public IP addresses on launch (mapPublicIpOnLaunch).",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const subnets = ofTypes(resources, SUBNET_TYPES);
        const placed = [...ofTypes(resources, [...ECS_SERVICE_TYPES, ...EKS_NODE_GROUP_TYPES, ...AUTOSCALING_GROUP_TYPES, ...INSTANCE_TYPES]),
            ...ofTypes(resources, ["aws:ecs/expressGatewayService:ExpressGatewayService"])];
        return placed.flatMap((r): Finding[] => {
            const publicOnes = subnetsOf(r, subnets).filter((s) => s.props["mapPublicIpOnLaunch"] === true);
            return publicOnes.length === 0 ? [] : [{
                urn: r.urn,
                message: `${r.name} is placed in subnets that map public IPs on launch: ${publicOnes.map((s) => s.name).sort().join(", ")}.`,
            }];
        });
    },
});

export const networkPolicies = [secNoPublicIp, secHttpsListeners, secHttpsForwarding, secPrivateSubnets];
