import { requireRegionalProvider } from "../regions";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { EcsCluster, EcsService, FargateTaskDefinition, IngressArgs } from "../ecs";
import { createLogsKey } from "../logs";
import { imageUri } from "../image";
import { FargateMicroservicesArgs, mainContainer, ResolvedService, resolveMicroservicesSettings } from "./args";
import { createLoadBalancer } from "./alb";
import { createRoute } from "./routing";
import { createNlb, NlbParts } from "./nlb";

export { FargateMicroservicesArgs, MicroserviceSpec, MicroservicesSettings, resolveMicroservicesSettings, SharedMicroservicesSettings } from "./args";
export { networkForRegion, RegionalMicroservicesSettings, settingsForRegion } from "./regional";
export { MicroserviceNlbSpec, NlbEndpointServiceSpec, NlbListenerSpec } from "./nlb";

/**
 * Microservices on ECS Fargate in one region (architecture 1): an ECS cluster, an ALB routing paths
 * and hosts to the exposed services, internal services without a load balancer, and a Cloud Map
 * namespace through which every service calls the others by name with Service Connect. Tasks run in
 * private subnets of every zone; only the load balancers reach a task's port from outside the
 * services. When no service is exposed through the ALB (every one `internal` or behind its own `nlb`),
 * there is no ALB, and its outputs are undefined. Give it the region's provider through `opts.provider`.
 */
export class FargateMicroservices extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    /** The ALB's DNS name; undefined when no service is exposed through an ALB. */
    public readonly loadBalancerDnsName: pulumi.Output<string | undefined>;
    /** The ALB's ARN; undefined when there is no ALB. */
    public readonly loadBalancerArn: pulumi.Output<string | undefined>;
    /** Route 53 hosted zone of the ALB, for alias records; undefined when there is no ALB. */
    public readonly loadBalancerZoneId: pulumi.Output<string | undefined>;
    /** Base URL clients use: https:// with a certificate, http:// without; undefined when there is no ALB. */
    public readonly url: pulumi.Output<string | undefined>;
    public readonly namespaceArn: pulumi.Output<string>;
    /** ECS service names, by microservice name. */
    public readonly serviceNames: pulumi.Output<{ [name: string]: string }>;
    /** DNS names of the services' Network Load Balancers, by microservice name (services with `nlb` only). */
    public readonly nlbDnsNames: pulumi.Output<{ [name: string]: string }>;
    /** PrivateLink endpoint service names (com.amazonaws.vpce.…), by microservice name (services with `nlb.endpointService` only). */
    public readonly endpointServiceNames: pulumi.Output<{ [name: string]: string }>;

    constructor(name: string, args: FargateMicroservicesArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveMicroservicesSettings(args);
        requireRegionalProvider("FargateMicroservices", name, opts);
        super("aws-containers:microservices:FargateMicroservices", name, args, opts);
        const parent = this;
        const ctx = awsContext(this);

        // Service Connect names resolve within this namespace; an HTTP namespace needs no hosted zone.
        const namespace = new aws.servicediscovery.HttpNamespace(`${name}-namespace`, {
            name: args.namespaceName ?? name,
            description: `Service Connect namespace of ${name}`,
        }, { parent });
        const cluster = new EcsCluster(name, { containerInsights: s.containerInsights, serviceConnectNamespaceArn: namespace.arn }, { parent });
        const logsKeyArn = createLogsKey(`${name}-logs-key`, ctx, this).arn;
        // An ALB costs by the hour whether or not anything routes through it: only for exposed services.
        const lb = s.services.some(routedThroughAlb) ? createLoadBalancer(name, args, s, this) : undefined;

        // Every task joins this group; each service admits it on its own port only (Service Connect traffic).
        const mesh = new aws.ec2.SecurityGroup(`${name}-mesh-sg`, {
            vpcId: args.vpcId, description: `Service Connect members of ${name}`, tags: { Name: `${name}-mesh` },
        }, { parent });

        const serviceNames: { [svc: string]: pulumi.Output<string> } = {};
        const nlbDnsNames: { [svc: string]: pulumi.Output<string> } = {};
        const endpointServiceNames: { [svc: string]: pulumi.Output<string> } = {};
        for (const svc of s.services) {
            const spec = svc.spec;
            const svcName = `${name}-${spec.name}`;
            const image = imageUri(ctx, spec);
            const task = new FargateTaskDefinition(svcName, {
                cpu: svc.task.cpu,
                memory: svc.task.memory,
                cpuArchitecture: svc.task.cpuArchitecture,
                containers: [mainContainer(spec, image, svc.port, svc.healthCheckPath), ...(spec.sidecars ?? [])],
                logRetentionInDays: s.logRetentionInDays,
                logsKmsKeyArn: logsKeyArn,
                taskRolePolicy: spec.taskRolePolicy,
                secretsKmsKeyArns: spec.secretsKmsKeyArns,
                enableExecuteCommand: spec.enableExecuteCommand,
                efsVolumes: spec.efsVolumes,
                efsNetwork: { vpcId: args.vpcId, privateSubnetIds: args.privateSubnetIds, azCount: args.azCount },
            }, { parent });

            const route = lb && routedThroughAlb(svc) ? createRoute(svcName, args.vpcId, lb, svc, this) : undefined;
            const nlb: NlbParts | undefined = svc.nlb ? createNlb(svcName, svc.nlb, {
                vpcId: args.vpcId, publicSubnetIds: args.publicSubnetIds, privateSubnetIds: args.privateSubnetIds, certificateArn: args.certificateArn,
                sslPolicy: s.sslPolicy, deletionProtection: s.deletionProtection, port: svc.port, healthCheckPath: svc.healthCheckPath,
                deregistrationDelaySeconds: svc.deregistrationDelaySeconds,
            }, this) : undefined;
            const udp = svc.nlb?.udp ?? false;
            const ingress: IngressArgs[] = udp ? [] : [{ name: "mesh", sourceSecurityGroupId: mesh.id, port: svc.port, description: "Service Connect from other services" }];
            if (lb && route) {
                ingress.push({ name: "alb", sourceSecurityGroupId: lb.securityGroup.id, port: svc.port, description: "The load balancer" });
            }
            // The NLB's group reaches the task's port, and the health check port when that is another one.
            const nlbPorts = svc.nlb ? [...new Map([[`${udp ? "udp" : "tcp"}-${svc.port}`, { port: svc.port, protocol: udp ? "udp" : "tcp" }],
                [`tcp-${svc.nlb.healthCheckPort}`, { port: svc.nlb.healthCheckPort, protocol: "tcp" }]]).values()] : [];
            for (const np of nlbPorts) {
                ingress.push({ name: `nlb-${np.protocol}-${np.port}`, sourceSecurityGroupId: nlb!.securityGroup.id, port: np.port, protocol: np.protocol, description: "The network load balancer" });
            }
            const service = new EcsService(svcName, {
                clusterArn: cluster.clusterArn,
                clusterName: cluster.clusterName,
                taskDefinitionArn: task.taskDefinitionArn,
                vpcId: args.vpcId,
                privateSubnetIds: args.privateSubnetIds,
                ingress,
                securityGroupIds: [mesh.id, ...task.securityGroupIds],
                desiredCapacity: spec.desiredCapacity,
                capacityProviderStrategy: spec.capacityProviderStrategy,
                loadBalancer: route ? {
                    targetGroupArn: route.targetGroup.arn,
                    containerName: spec.name,
                    containerPort: svc.port,
                    alternateTargetGroupArn: route.alternateTargetGroup?.arn,
                    productionListenerRuleArn: route.alternateTargetGroup ? route.rule.arn : undefined,
                } : nlb ? { targetGroupArn: nlb.targetGroup.arn, containerName: spec.name, containerPort: svc.port } : undefined,
                deployment: spec.deployment,
                alarmNames: route?.alarmNames,
                // Service Connect carries TCP only: a UDP service calls others but is not published itself.
                serviceConnect: udp ? { namespaceArn: namespace.arn, logGroupName: task.logGroupName }
                    : { namespaceArn: namespace.arn, portName: spec.name, dnsName: spec.name, port: svc.port, logGroupName: task.logGroupName },
                enableExecuteCommand: spec.enableExecuteCommand,
                scaling: { ...spec.scaling, albResourceLabel: route?.resourceLabel },
            }, { parent, dependsOn: route ? [route.rule] : nlb ? [nlb.loadBalancer] : [] });
            if (nlb) {
                for (const np of nlbPorts) {
                    new aws.vpc.SecurityGroupEgressRule(`${svcName}-from-nlb-${np.protocol}-${np.port}`, {
                        securityGroupId: nlb.securityGroup.id, referencedSecurityGroupId: service.securityGroupId,
                        ipProtocol: np.protocol, fromPort: np.port, toPort: np.port, description: `To ${spec.name} tasks`,
                    }, { parent });
                }
                nlbDnsNames[spec.name] = nlb.loadBalancer.dnsName;
                if (nlb.endpointService) {
                    endpointServiceNames[spec.name] = nlb.endpointService.serviceName;
                }
            }
            if (lb && route) {
                new aws.vpc.SecurityGroupEgressRule(`${svcName}-from-alb`, {
                    securityGroupId: lb.securityGroup.id, referencedSecurityGroupId: service.securityGroupId,
                    ipProtocol: "tcp", fromPort: svc.port, toPort: svc.port, description: `To ${spec.name} tasks`,
                }, { parent });
            }
            if (!udp) {
                new aws.vpc.SecurityGroupEgressRule(`${svcName}-from-mesh`, {
                    securityGroupId: mesh.id, referencedSecurityGroupId: service.securityGroupId,
                    ipProtocol: "tcp", fromPort: svc.port, toPort: svc.port, description: `Service Connect to ${spec.name}`,
                }, { parent });
            }
            serviceNames[spec.name] = service.serviceName;
        }

        this.clusterName = cluster.clusterName;
        this.clusterArn = cluster.clusterArn;
        this.loadBalancerDnsName = lb ? lb.alb.dnsName : pulumi.output(undefined);
        this.loadBalancerArn = lb ? lb.alb.arn : pulumi.output(undefined);
        this.loadBalancerZoneId = lb ? lb.alb.zoneId : pulumi.output(undefined);
        this.url = lb ? pulumi.interpolate`${lb.https ? "https" : "http"}://${lb.alb.dnsName}` : pulumi.output(undefined);
        this.namespaceArn = namespace.arn;
        this.serviceNames = pulumi.output(serviceNames);
        this.nlbDnsNames = pulumi.output(nlbDnsNames);
        this.endpointServiceNames = pulumi.output(endpointServiceNames);
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            loadBalancerDnsName: this.loadBalancerDnsName,
            loadBalancerArn: this.loadBalancerArn,
            loadBalancerZoneId: this.loadBalancerZoneId,
            url: this.url,
            namespaceArn: this.namespaceArn,
            serviceNames: this.serviceNames,
            nlbDnsNames: this.nlbDnsNames,
            endpointServiceNames: this.endpointServiceNames,
        });
    }
}

/** A service the ALB routes to: neither internal (Service Connect only) nor behind a load balancer of its own. */
function routedThroughAlb(svc: Pick<ResolvedService, "internal" | "nlb">): boolean {
    return !svc.internal && !svc.nlb;
}
