import { ofTypes, resolve } from "./lib/graph";
import { Finding, Res, resourcePolicy, stackPolicy } from "./lib/policy";
import { arr, asList, get, isUnknown, num, str } from "./lib/values";

/**
 * Rules for shared storage, Network Load Balancers and EKS Fargate profiles. GPU requirements on a
 * Fargate task are c2-fargate-host-access (ecs.ts), which already refuses every host need Fargate lacks.
 */

const TASK_DEFINITION_TYPES = ["aws:ecs/taskDefinition:TaskDefinition"] as const;
const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const FARGATE_PROFILE_TYPES = ["aws:eks/fargateProfile:FargateProfile"] as const;
const SUBNET_TYPES = ["aws:ec2/subnet:Subnet"] as const;
const ROUTE_TABLE_ASSOCIATION_TYPES = ["aws:ec2/routeTableAssociation:RouteTableAssociation"] as const;
const ROUTE_TYPES = ["aws:ec2/route:Route"] as const;
const INTERNET_GATEWAY_TYPES = ["aws:ec2/internetGateway:InternetGateway"] as const;
/** Listener protocols only a Network Load Balancer serves (ELB CreateListener). */
const NLB_PROTOCOLS = ["TCP", "UDP", "TCP_UDP", "TLS"];

export const secEfsTransitEncryption = resourcePolicy({
    name: "sec-efs-transit-encryption",
    description: "EFS volumes of a task definition must encrypt NFS traffic in transit and authorise the mount with the task's IAM role.",
    enforcementLevel: "mandatory",
    types: TASK_DEFINITION_TYPES,
    config: {},
    check: (r) => {
        const found: string[] = [];
        for (const v of arr(r.props["volumes"]) ?? []) {
            const efs = get(v, "efsVolumeConfiguration");
            if (efs === undefined || isUnknown(efs)) {
                continue;
            }
            const name = str(get(v, "name")) ?? "?";
            const transit = get(efs, "transitEncryption");
            if (!isUnknown(transit) && transit !== "ENABLED") {
                found.push(`Task definition ${r.name}: EFS volume ${name} does not enable transitEncryption; set it to ENABLED.`);
            }
            const iam = get(efs, "authorizationConfig", "iam");
            if (!isUnknown(iam) && iam !== "ENABLED") {
                found.push(`Task definition ${r.name}: EFS volume ${name} does not enable authorizationConfig.iam; set it to ENABLED so only the task role may mount it.`);
            }
        }
        return found;
    },
});

export const secNlbTlsListener = resourcePolicy({
    name: "sec-nlb-tls-listener",
    description: "A Network Load Balancer listener given a certificate, or on port 443, must use TLS rather than plain TCP.",
    enforcementLevel: "mandatory",
    types: LISTENER_TYPES,
    config: {},
    check: (r) => {
        const protocol = r.props["protocol"];
        if (isUnknown(protocol) || !NLB_PROTOCOLS.includes(str(protocol) ?? "") || protocol === "TLS" || protocol === "UDP") {
            return [];
        }
        const certificate = r.props["certificateArn"];
        if (certificate !== undefined && certificate !== null) {
            return [`NLB listener ${r.name} has a certificate but listens on ${str(protocol)}; use protocol TLS so the certificate is served.`];
        }
        return num(r.props["port"]) === 443 ? [`NLB listener ${r.name} listens on 443 over ${str(protocol)}; terminate TLS with protocol TLS and an ACM certificate.`] : [];
    },
});

/** True when the subnet is public: it maps public IPs, is tagged for internet-facing load balancers, or routes to an internet gateway. */
function isPublicSubnet(subnet: Res, resources: readonly Res[]): boolean {
    if (subnet.props["mapPublicIpOnLaunch"] === true || get(subnet.props, "tags", "kubernetes.io/role/elb") !== undefined) {
        return true;
    }
    const associations = ofTypes(resources, ROUTE_TABLE_ASSOCIATION_TYPES)
        .filter((a) => resolve(a, "subnetId", a.props["subnetId"], [subnet], ["id"]).targets.length > 0);
    const gateways = ofTypes(resources, INTERNET_GATEWAY_TYPES);
    const tables = ofTypes(resources, ["aws:ec2/routeTable:RouteTable"]);
    return associations.some((a) => {
        const table = resolve(a, "routeTableId", a.props["routeTableId"], tables, ["id"]).targets;
        const inline = table.flatMap((t) => arr(t.props["routes"]) ?? []).some((rt) => (str(get(rt, "gatewayId")) ?? "").startsWith("igw-"));
        const routes = ofTypes(resources, ROUTE_TYPES).filter((rt) => table.length > 0 &&
            resolve(rt, "routeTableId", rt.props["routeTableId"], table, ["id"]).targets.length > 0);
        return inline || routes.some((rt) => (str(rt.props["gatewayId"]) ?? "").startsWith("igw-") ||
            resolve(rt, "gatewayId", rt.props["gatewayId"], gateways, ["id"]).targets.length > 0);
    });
}

export const secFargateProfilePrivateSubnets = stackPolicy({
    name: "sec-fargate-profile-private-subnets",
    onlyWith: FARGATE_PROFILE_TYPES[0],
    description: "EKS Fargate profiles must use private subnets only: Fargate pods never get public IPs, and EKS refuses public subnets.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const subnets = ofTypes(resources, SUBNET_TYPES);
        const findings: Finding[] = [];
        for (const profile of ofTypes(resources, FARGATE_PROFILE_TYPES)) {
            for (const ref of asList(profile.props["subnetIds"])) {
                for (const subnet of resolve(profile, "subnetIds", ref, subnets, ["id"]).targets) {
                    if (isPublicSubnet(subnet, resources)) {
                        findings.push({ urn: profile.urn, message: `Fargate profile ${profile.name} uses public subnet ${subnet.name}; give it private subnets only.` });
                    }
                }
            }
        }
        return findings;
    },
});

export const storageAndNlbPolicies = [secEfsTransitEncryption, secNlbTlsListener, secFargateProfilePrivateSubnets];
