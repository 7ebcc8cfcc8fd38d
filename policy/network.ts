import { ECS_SERVICE_TYPES } from "./ecs";
import { KARPENTER_NODECLASS_TYPES } from "./kubernetes";
import { resourcePolicy } from "./lib/policy";
import { arr, bool, get, hasUnknown, isUnknown, str } from "./lib/values";

/** Network exposure: public IPs and plaintext listeners. Multi-AZ subnets are a stack policy (stack.ts). */

export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const TARGET_GROUP_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"] as const;
export const LAUNCH_TEMPLATE_TYPES = ["aws:ec2/launchTemplate:LaunchTemplate"] as const;

export const secNoPublicIp = resourcePolicy({
    name: "sec-no-public-ip",
    description: "Tasks and nodes must not get public IP addresses; they sit in private subnets behind load balancers.",
    enforcementLevel: "mandatory",
    types: [...ECS_SERVICE_TYPES, ...LAUNCH_TEMPLATE_TYPES, ...KARPENTER_NODECLASS_TYPES],
    config: {},
    check: (r) => {
        if (r.type === "aws:ecs/service:Service") {
            return bool(get(r.props, "networkConfiguration", "assignPublicIp")) === true ? [`ECS service ${r.name} assigns public IPs to its tasks.`] : [];
        }
        if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
            const nics = arr(r.props["networkInterfaces"]) ?? [];
            return nics.some((n) => bool(get(n, "associatePublicIpAddress")) === true) ? [`Launch template ${r.name} associates public IP addresses.`] : [];
        }
        return get(r.props, "spec", "associatePublicIPAddress") === true ? [`EC2NodeClass ${r.name} associates public IP addresses.`] : [];
    },
});

export const secHttpsListeners = resourcePolicy({
    name: "sec-https-listeners",
    description: "Load balancer listeners must serve HTTPS (or TLS); a plain HTTP listener may only redirect to HTTPS.",
    enforcementLevel: "mandatory",
    types: LISTENER_TYPES,
    config: {},
    check: (r) => {
        const protocol = r.props["protocol"];
        const actions = r.props["defaultActions"];
        if (isUnknown(protocol) || hasUnknown(actions) || (arr(actions) ?? []).some((a) => isUnknown(get(a, "type")))) {
            return [];
        }
        // An ALB listener without a protocol listens on HTTP (ELB CreateListener).
        if ((str(protocol) ?? "HTTP") !== "HTTP") {
            return [];
        }
        const list = arr(actions) ?? [];
        const redirects = list.length > 0 && list.every((a) => get(a, "type") === "redirect" &&
            (get(a, "redirect", "protocol") === "HTTPS" || isUnknown(get(a, "redirect", "protocol"))));
        return redirects ? [] : [`Listener ${r.name} serves plain HTTP instead of redirecting to HTTPS.`];
    },
});

export const networkPolicies = [secNoPublicIp, secHttpsListeners];
