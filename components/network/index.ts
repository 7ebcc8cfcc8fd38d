import { requireRegionalProvider } from "../regions";
import { checkArgumentKeys } from "../schema";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { createLogGroup, createLogsKey, LOG_RETENTION_DAYS } from "../logs";
import { createServiceRole } from "../iam";
import { ArgumentErrors, rejectRenamed, show } from "../validation";
import { carve, formatCidr, parseCidr } from "./cidr";

/** NAT strategies: one gateway per AZ (HA), one for the VPC (cheaper, one AZ's failure cuts egress), none. */
export const NAT_STRATEGIES = ["perAz", "single", "none"] as const;

/** Interface endpoints tasks and nodes need to pull images, log and read secrets without NAT. */
export const DEFAULT_INTERFACE_ENDPOINTS: readonly string[] = ["ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager", "ssm"];

export interface RegionalNetworkArgs {
    /** IPv4 range of the VPC. @default "10.0.0.0/16" */
    readonly cidrBlock?: string;
    /** How many availability zones to span (2 to 6). @default 3 */
    readonly azCount?: number;
    /**
     * Availability zones to use, in order. @default the first `azCount` zones of
     * `aws.getAvailabilityZones` with state "available" that need no opt-in.
     */
    readonly availabilityZones?: string[];
    /** Prefix length of each private subnet. @default 19 (8,190 addresses: room for tasks and pods) */
    readonly privateSubnetPrefixLength?: number;
    /** Prefix length of each public subnet (load balancers and NAT only). @default 22 */
    readonly publicSubnetPrefixLength?: number;
    /** NAT strategy: "perAz", "single" or "none". @default "perAz" */
    readonly natGateways?: string;
    /** Create interface endpoints for `interfaceEndpointServices`. @default true when `natGateways` is "none" */
    readonly interfaceEndpoints?: boolean;
    /** Service suffixes for interface endpoints. @default ["ecr.api","ecr.dkr","logs","sts","secretsmanager","ssm"] */
    readonly interfaceEndpointServices?: string[];
    /** Retention of the flow log group in days, one of the values CloudWatch Logs accepts. @default 90 */
    readonly logRetentionInDays?: number;
    /** Flow log traffic type: "ALL", "ACCEPT" or "REJECT". @default "ALL" */
    readonly flowLogTrafficType?: string;
    /** KMS key for the flow log group. @default a new customer managed key with rotation */
    readonly logsKmsKeyArn?: pulumi.Input<string>;
    /** Extra tags on private subnets (for example `karpenter.sh/discovery`). */
    readonly privateSubnetTags?: { [key: string]: string };
    /** Extra tags on public subnets. */
    readonly publicSubnetTags?: { [key: string]: string };
}

interface ResolvedNetworkArgs {
    cidrBlock: string;
    azCount: number;
    availabilityZones?: string[];
    privateSubnetCidrs: string[];
    publicSubnetCidrs: string[];
    natGateways: (typeof NAT_STRATEGIES)[number];
    interfaceEndpointServices: string[];
    logRetentionInDays: number;
    flowLogTrafficType: string;
    logsKmsKeyArn?: pulumi.Input<string>;
    privateSubnetTags: { [key: string]: string };
    publicSubnetTags: { [key: string]: string };
}

/** Resolves every default and validates, throwing before any child exists. */
export function resolveNetworkArgs(args: RegionalNetworkArgs): ResolvedNetworkArgs {
    const errors = new ArgumentErrors("RegionalNetwork");
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const azCount = args.availabilityZones?.length ?? args.azCount ?? 3;
    const privatePrefix = args.privateSubnetPrefixLength ?? 19;
    const publicPrefix = args.publicSubnetPrefixLength ?? 22;
    const natGateways = args.natGateways ?? "perAz";
    rejectRenamed(errors, "", args, { flowLogRetentionInDays: "logRetentionInDays" });
    const retention = args.logRetentionInDays ?? 90;
    const trafficType = args.flowLogTrafficType ?? "ALL";

    const vpc = parseCidr(cidrBlock);
    errors.require(vpc !== undefined && vpc.prefix >= 16 && vpc.prefix <= 28, "cidrBlock",
        `${show(cidrBlock)} is not an IPv4 network address with a prefix from /16 to /28 (the VPC limits)`);
    errors.require(Number.isInteger(azCount) && azCount >= 2 && azCount <= 6, args.availabilityZones ? "availabilityZones" : "azCount",
        `${show(args.availabilityZones ?? azCount)} spans ${azCount} zones; span 2 to 6 availability zones (3 recommended for HA, checklist C15)`);
    errors.require(new Set(args.availabilityZones ?? []).size === (args.availabilityZones?.length ?? 0), "availabilityZones",
        `${show(args.availabilityZones)} repeats a zone; each zone may appear once`);
    errors.require(Number.isInteger(privatePrefix) && privatePrefix >= 16 && privatePrefix <= 28, "privateSubnetPrefixLength",
        `${show(privatePrefix)} is not a subnet prefix length from 16 to 28`);
    errors.require(Number.isInteger(publicPrefix) && publicPrefix >= 16 && publicPrefix <= 28, "publicSubnetPrefixLength",
        `${show(publicPrefix)} is not a subnet prefix length from 16 to 28`);
    errors.require((NAT_STRATEGIES as readonly string[]).includes(natGateways), "natGateways",
        `${show(natGateways)} is not a NAT strategy; allowed: ${NAT_STRATEGIES.join(", ")}`);
    errors.require(LOG_RETENTION_DAYS.includes(retention), "logRetentionInDays",
        `${show(retention)} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
    errors.require(["ALL", "ACCEPT", "REJECT"].includes(trafficType), "flowLogTrafficType",
        `${show(trafficType)} is not a flow log traffic type; allowed: ALL, ACCEPT, REJECT`);

    let privateSubnetCidrs: string[] = [];
    let publicSubnetCidrs: string[] = [];
    if (errors.count === 0 && vpc) {
        // Larger private blocks first, then the public ones, each aligned: no overlap, least waste.
        const blocks = carve(vpc, [...Array(azCount).fill(privatePrefix), ...Array(azCount).fill(publicPrefix)]);
        errors.require(blocks !== undefined, "cidrBlock",
            `${show(cidrBlock)} is too small for ${azCount} private /${privatePrefix} and ${azCount} public /${publicPrefix} subnets; ` +
            `use a larger VPC range or longer subnet prefix lengths`);
        if (blocks) {
            privateSubnetCidrs = blocks.slice(0, azCount).map(formatCidr);
            publicSubnetCidrs = blocks.slice(azCount).map(formatCidr);
        }
    }
    checkArgumentKeys(errors, "RegionalNetwork", args);
    errors.throwIfAny();
    return {
        cidrBlock,
        azCount,
        availabilityZones: args.availabilityZones,
        privateSubnetCidrs,
        publicSubnetCidrs,
        natGateways: natGateways as ResolvedNetworkArgs["natGateways"],
        interfaceEndpointServices: (args.interfaceEndpoints ?? natGateways === "none")
            ? [...(args.interfaceEndpointServices ?? DEFAULT_INTERFACE_ENDPOINTS)]
            : [],
        logRetentionInDays: retention,
        flowLogTrafficType: trafficType,
        logsKmsKeyArn: args.logsKmsKeyArn,
        privateSubnetTags: args.privateSubnetTags ?? {},
        publicSubnetTags: args.publicSubnetTags ?? {},
    };
}

/**
 * A VPC over several availability zones of one region: private subnets for workloads, public subnets
 * for load balancers and NAT, gateway and interface endpoints, and flow logs to an encrypted log group.
 * Give it the region's provider through `opts.provider`; every child inherits it.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidrBlock: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly availabilityZones: pulumi.Output<string[]>;
    public readonly privateRouteTableIds: pulumi.Output<string[]>;
    public readonly interfaceEndpointSecurityGroupId: pulumi.Output<string | undefined>;

    constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveNetworkArgs(args);
        requireRegionalProvider("RegionalNetwork", name, opts);
        super("aws-containers:network:RegionalNetwork", name, args, opts);
        const parent = this;
        const ctx = awsContext(this);

        const zones: pulumi.Output<string[]> = a.availabilityZones
            ? pulumi.output(a.availabilityZones)
            : aws.getAvailabilityZonesOutput({
                state: "available",
                filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            }, { parent }).names.apply((names) => {
                if (names.length < a.azCount) {
                    throw new Error(`RegionalNetwork ${name}: azCount is ${a.azCount} but the region has only ${names.length} ` +
                        `available zones without opt-in (${names.join(", ")}); lower azCount`);
                }
                return names.slice(0, a.azCount);
            });
        const zone = (i: number) => zones.apply((z) => z[i]);

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: a.cidrBlock,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: { Name: `${name}-vpc` },
        }, { parent });
        // The default security group allows all traffic between its members; strip its rules (CIS 5.4).
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: { Name: `${name}-default-locked` } }, { parent });

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, { parent });
        const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: { Name: `${name}-public` } }, { parent });
        new aws.ec2.Route(`${name}-public-default`, {
            routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id,
        }, { parent });

        const publicSubnets = a.publicSubnetCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zone(i),
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", tier: "public", ...a.publicSubnetTags },
            }, { parent });
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRt.id }, { parent });
            return subnet;
        });

        const natCount = a.natGateways === "perAz" ? a.azCount : a.natGateways === "single" ? 1 : 0;
        const nats = Array.from({ length: natCount }, (_, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } }, { parent });
            return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                allocationId: eip.id, subnetId: publicSubnets[i].id, tags: { Name: `${name}-nat-${i}` },
            }, { parent, dependsOn: [igw] });
        });

        const privateRts: aws.ec2.RouteTable[] = [];
        const privateSubnets = a.privateSubnetCidrs.map((cidr, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zone(i),
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", tier: "private", ...a.privateSubnetTags },
            }, { parent });
            const rt = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, { vpcId: vpc.id, tags: { Name: `${name}-private-${i}` } }, { parent });
            if (nats.length > 0) {
                new aws.ec2.Route(`${name}-private-default-${i}`, {
                    routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id,
                }, { parent });
            }
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: rt.id }, { parent });
            privateRts.push(rt);
            return subnet;
        });

        // Gateway endpoints are free and keep S3 (ECR image layers) and DynamoDB traffic off NAT.
        for (const svc of ["s3", "dynamodb"]) {
            new aws.ec2.VpcEndpoint(`${name}-${svc}`, {
                vpcId: vpc.id,
                vpcEndpointType: "Gateway",
                serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.${svc}`,
                routeTableIds: [...privateRts.map((rt) => rt.id), publicRt.id],
                tags: { Name: `${name}-${svc}` },
            }, { parent });
        }

        let endpointSg: aws.ec2.SecurityGroup | undefined;
        if (a.interfaceEndpointServices.length > 0) {
            endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
                vpcId: vpc.id,
                description: "HTTPS from inside the VPC to interface endpoints",
                tags: { Name: `${name}-endpoints` },
            }, { parent });
            new aws.vpc.SecurityGroupIngressRule(`${name}-endpoints-https`, {
                securityGroupId: endpointSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: vpc.cidrBlock,
                description: "HTTPS from the VPC",
            }, { parent });
            for (const svc of a.interfaceEndpointServices) {
                new aws.ec2.VpcEndpoint(`${name}-${svc.replace(/\./g, "-")}`, {
                    vpcId: vpc.id,
                    vpcEndpointType: "Interface",
                    serviceName: pulumi.interpolate`com.amazonaws.${ctx.region}.${svc}`,
                    privateDnsEnabled: true,
                    subnetIds: privateSubnets.map((s) => s.id),
                    securityGroupIds: [endpointSg.id],
                    tags: { Name: `${name}-${svc}` },
                }, { parent });
            }
        }

        const kmsKeyArn = a.logsKmsKeyArn ?? createLogsKey(`${name}-logs-key`, ctx, this).arn;
        const flowLogGroup = createLogGroup(`${name}-flow-logs`, { retentionInDays: a.logRetentionInDays, kmsKeyArn }, this);
        const flowLogRole = createServiceRole(`${name}-flow-logs`, {
            service: "vpc-flow-logs.amazonaws.com",
            description: "VPC flow logs delivery to CloudWatch Logs",
            inline: {
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
                }, {
                    // DescribeLogGroups has no resource type: it is granted on "*" or not at all (Service
                    // Authorization Reference, Amazon CloudWatch Logs; checked by the deploy-readiness rung).
                    Effect: "Allow",
                    Action: "logs:DescribeLogGroups",
                    Resource: "*",
                }],
            },
        }, this);
        new aws.ec2.FlowLog(`${name}-flow-log`, {
            vpcId: vpc.id,
            trafficType: a.flowLogTrafficType,
            logDestinationType: "cloud-watch-logs",
            logDestination: flowLogGroup.arn,
            iamRoleArn: flowLogRole.arn,
            maxAggregationInterval: 60,
        }, { parent });

        this.vpcId = vpc.id;
        this.vpcCidrBlock = vpc.cidrBlock;
        this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
        this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
        this.availabilityZones = zones;
        this.privateRouteTableIds = pulumi.all(privateRts.map((rt) => rt.id));
        this.interfaceEndpointSecurityGroupId = endpointSg ? endpointSg.id : pulumi.output(undefined);
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidrBlock: this.vpcCidrBlock,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            availabilityZones: this.availabilityZones,
            privateRouteTableIds: this.privateRouteTableIds,
            interfaceEndpointSecurityGroupId: this.interfaceEndpointSecurityGroupId,
        });
    }
}
