import { requireRegionalProvider } from "../regions";
import { checkArgumentKeys } from "../schema";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../aws-context";
import { createServiceRole } from "../iam";
import { ArgumentErrors, rejectRenamed, show } from "../validation";
import { CapacityProviderStrategyItem, ON_DEMAND_STRATEGY, ResolvedStrategyItem, resolveStrategy, usesEc2 } from "./capacity";
import { deploymentConfiguration, DeploymentArgs, ResolvedDeployment, resolveDeployment, shiftsTraffic } from "./deployment";
import { createServiceScaling, ResolvedScaling, resolveScaling, ScalableTargetRef, ServiceScalingArgs } from "./scaling";

/** Where the service registers its tasks in a load balancer. */
export interface ServiceLoadBalancerArgs {
    readonly targetGroupArn: pulumi.Input<string>;
    readonly containerName: string;
    readonly containerPort: number;
    /** BLUE_GREEN, CANARY, LINEAR: the second target group the green fleet registers in. */
    readonly alternateTargetGroupArn?: pulumi.Input<string>;
    /** BLUE_GREEN, CANARY, LINEAR: the listener rule whose forward weights ECS shifts. */
    readonly productionListenerRuleArn?: pulumi.Input<string>;
    /** Optional rule that sends test traffic to the green fleet before the shift. */
    readonly testListenerRuleArn?: pulumi.Input<string>;
}

/** Service Connect: the service calls others by name and, with `portName`, is callable itself. */
export interface ServiceConnectArgs {
    /** Cloud Map namespace ARN. */
    readonly namespaceArn: pulumi.Input<string>;
    /** Port mapping name to publish; omit for a client-only service. */
    readonly portName?: string;
    /** Name clients use (`http://<dnsName>:<port>`). @default portName's service name */
    readonly dnsName?: string;
    /** Port clients use; required with `portName`. */
    readonly port?: number;
    /** Log group for the Service Connect proxy's logs. @default none */
    readonly logGroupName?: pulumi.Input<string>;
}

/** Inbound access to the tasks' port from another security group. */
export interface IngressArgs {
    /** Short stable key naming the rule resource (`<service>-in-<name>`), e.g. "alb" or "mesh". */
    readonly name: string;
    readonly sourceSecurityGroupId: pulumi.Input<string>;
    readonly port: number;
    readonly description: string;
    /** "tcp" or "udp". @default "tcp" */
    readonly protocol?: string;
}

export interface EcsServiceArgs {
    readonly clusterArn: pulumi.Input<string>;
    /** Cluster name, for the scaling resource ID. */
    readonly clusterName: pulumi.Input<string>;
    readonly taskDefinitionArn: pulumi.Input<string>;
    readonly vpcId: pulumi.Input<string>;
    /** Private subnets, one per availability zone (checklist C15); tasks never get a public IP. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Inbound rules on the service's own security group. @default [] (no inbound) */
    readonly ingress?: IngressArgs[];
    /** More security groups for the tasks (e.g. a shared Service Connect group). @default [] */
    readonly securityGroupIds?: pulumi.Input<string>[];
    /** Tasks to run; with `scaling`, only the first deployment uses it. @default 2 */
    readonly desiredCapacity?: number;
    /**
     * Capacity providers. "FARGATE", "FARGATE_SPOT" or an EC2 capacity provider name (then tasks are spread
     * over zones and bin-packed on memory, checklist C15). @default [{ capacityProvider: "FARGATE", weight: 1 }]
     */
    readonly capacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** Register tasks in a load balancer target group. @default none */
    readonly loadBalancer?: ServiceLoadBalancerArgs;
    /** Seconds ECS ignores failing load balancer health checks after a task starts. @default 60 with a load balancer */
    readonly healthCheckGracePeriodSeconds?: number;
    readonly deployment?: DeploymentArgs;
    /** CloudWatch alarms that roll a deployment back; required by BLUE_GREEN, CANARY and LINEAR. @default [] */
    readonly alarmNames?: pulumi.Input<string>[];
    readonly serviceConnect?: ServiceConnectArgs;
    /** Allow `aws ecs execute-command` into tasks (the task definition must grant it too). @default false */
    readonly enableExecuteCommand?: boolean;
    /** Auto scaling; the service's desired count is then left to Application Auto Scaling. @default none */
    readonly scaling?: ServiceScalingArgs;
}

interface ResolvedServiceArgs {
    desiredCapacity: number;
    strategy: ResolvedStrategyItem[];
    deployment: ResolvedDeployment;
    scaling?: ResolvedScaling;
    healthCheckGracePeriodSeconds?: number;
}

export function resolveServiceArgs(args: EcsServiceArgs, errors: ArgumentErrors, path = ""): ResolvedServiceArgs {
    rejectRenamed(errors, path, args, { subnetIds: "privateSubnetIds", desiredCount: "desiredCapacity" });
    const desiredCapacity = args.desiredCapacity ?? 2;
    errors.require(Number.isInteger(desiredCapacity) && desiredCapacity >= 0, `${path}desiredCapacity`, `${show(desiredCapacity)} is not a whole number of at least 0`);
    const strategy = resolveStrategy(errors, `${path}capacityProviderStrategy`, args.capacityProviderStrategy ?? ON_DEMAND_STRATEGY, undefined);
    const deployment = resolveDeployment(errors, `${path}deployment.`, args.deployment);
    const lb = args.loadBalancer;
    if (shiftsTraffic(deployment)) {
        const viaLb = lb !== undefined && lb.alternateTargetGroupArn !== undefined && lb.productionListenerRuleArn !== undefined;
        const viaServiceConnect = lb === undefined && args.serviceConnect?.portName !== undefined;
        errors.require(viaLb || viaServiceConnect, `${path}deployment.strategy`,
            `${show(deployment.strategy)} shifts traffic, so it needs loadBalancer.alternateTargetGroupArn and ` +
            `loadBalancer.productionListenerRuleArn, or Service Connect with a published port; use "ROLLING" otherwise`);
        errors.require((args.alarmNames ?? []).length > 0, `${path}alarmNames`,
            `is empty; strategy ${show(deployment.strategy)} needs at least one CloudWatch alarm to roll back on`);
    }
    const sc = args.serviceConnect;
    if (sc?.portName !== undefined) {
        errors.require(sc.port !== undefined && Number.isInteger(sc.port) && sc.port >= 1 && sc.port <= 65535, `${path}serviceConnect.port`,
            `${show(sc.port)} is not a port from 1 to 65535; a published Service Connect port needs the port clients call`);
    }
    const keys = (args.ingress ?? []).map((r) => r.name);
    errors.require(new Set(keys).size === keys.length, `${path}ingress`, `${show(keys)} repeats a rule name; names must be unique`);
    const grace = args.healthCheckGracePeriodSeconds ?? (lb ? 60 : undefined);
    if (grace !== undefined) {
        errors.require(lb !== undefined, `${path}healthCheckGracePeriodSeconds`, "applies only to a service with a load balancer");
        errors.require(Number.isInteger(grace) && grace >= 0 && grace <= 2147483647, `${path}healthCheckGracePeriodSeconds`, `${show(grace)} is not a whole number of seconds`);
    }
    const scaling = args.scaling ? resolveScaling(errors, `${path}scaling.`, args.scaling) : undefined;
    return { desiredCapacity, strategy, deployment, scaling, healthCheckGracePeriodSeconds: grace };
}

/** The ECS managed policy the infrastructure role needs to shift load balancer traffic (BLUE_GREEN, CANARY, LINEAR). */
export const INFRASTRUCTURE_ROLE_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers";

/**
 * An ECS service in private subnets of every zone, without public IPs, with its own security group,
 * a circuit breaker that rolls back, ROLLING or traffic-shifting deployments with alarm rollback,
 * Service Connect, optional ECS Exec and Application Auto Scaling. Works with or without a load
 * balancer (queue workers run none).
 */
export class EcsService extends pulumi.ComponentResource {
    public readonly serviceName: pulumi.Output<string>;
    public readonly serviceArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** The scalable target, for extra policies (e.g. step scaling); undefined without `scaling`. */
    public readonly scalableTarget: ScalableTargetRef | undefined;

    constructor(name: string, args: EcsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const errors = new ArgumentErrors("EcsService");
        const a = resolveServiceArgs(args, errors);
        checkArgumentKeys(errors, "EcsService", args);
        errors.throwIfAny();
        requireRegionalProvider("EcsService", name, opts);
        super("aws-containers:ecs:EcsService", name, args, opts);
        const parent = this;

        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId, description: `Tasks of ${name}`, tags: { Name: `${name}-tasks` },
        }, { parent });
        for (const rule of args.ingress ?? []) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-in-${rule.name}`, {
                securityGroupId: sg.id, referencedSecurityGroupId: rule.sourceSecurityGroupId,
                ipProtocol: rule.protocol ?? "tcp", fromPort: rule.port, toPort: rule.port, description: rule.description,
            }, { parent });
        }
        // HTTPS out for AWS APIs, registries and third-party APIs, through NAT or VPC endpoints.
        new aws.vpc.SecurityGroupEgressRule(`${name}-out-https`, {
            securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS to AWS APIs",
        }, { parent });

        const lb = args.loadBalancer;
        const infrastructureRole = lb && shiftsTraffic(a.deployment) ? createServiceRole(`${name}-infrastructure`, {
            service: "ecs.amazonaws.com",
            description: `ECS shifts load balancer traffic for ${name}`,
            managedPolicies: { lb: INFRASTRUCTURE_ROLE_POLICY },
        }, this) : undefined;
        const alarms = args.alarmNames ?? [];
        const sc = args.serviceConnect;

        const service = new aws.ecs.Service(`${name}-service`, {
            cluster: args.clusterArn,
            taskDefinition: args.taskDefinitionArn,
            desiredCount: a.desiredCapacity,
            capacityProviderStrategies: a.strategy,
            platformVersion: usesEc2(a.strategy) ? undefined : "LATEST",
            networkConfiguration: {
                subnets: args.privateSubnetIds,
                securityGroups: [sg.id, ...(args.securityGroupIds ?? [])],
                assignPublicIp: false,
            },
            // Fargate spreads over the subnets' zones itself; EC2 capacity needs it spelled out (checklist C15).
            orderedPlacementStrategies: usesEc2(a.strategy)
                ? [{ type: "spread", field: "attribute:ecs.availability-zone" }, { type: "binpack", field: "memory" }]
                : undefined,
            // ECS rebalances zones only when it may start a task before stopping one: not with maximumPercent 100
            // (ECS Developer Guide, "Balancing an Amazon ECS service across Availability Zones").
            availabilityZoneRebalancing: a.deployment.maximumPercent > 100 ? "ENABLED" : "DISABLED",
            deploymentController: { type: "ECS" },
            deploymentConfiguration: deploymentConfiguration(a.deployment),
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: a.deployment.minimumHealthyPercent,
            deploymentMaximumPercent: a.deployment.maximumPercent,
            alarms: alarms.length > 0 ? { alarmNames: alarms, enable: true, rollback: true } : undefined,
            loadBalancers: lb ? [{
                targetGroupArn: lb.targetGroupArn,
                containerName: lb.containerName,
                containerPort: lb.containerPort,
                advancedConfiguration: infrastructureRole ? {
                    alternateTargetGroupArn: lb.alternateTargetGroupArn!,
                    productionListenerRule: lb.productionListenerRuleArn!,
                    testListenerRule: lb.testListenerRuleArn,
                    roleArn: infrastructureRole.arn,
                } : undefined,
            }] : undefined,
            healthCheckGracePeriodSeconds: a.healthCheckGracePeriodSeconds,
            serviceConnectConfiguration: sc ? {
                enabled: true,
                namespace: sc.namespaceArn,
                services: sc.portName ? [{
                    portName: sc.portName,
                    discoveryName: sc.dnsName ?? sc.portName,
                    clientAlias: [{ port: sc.port!, dnsName: sc.dnsName ?? sc.portName }],
                }] : undefined,
                logConfiguration: sc.logGroupName ? {
                    logDriver: "awslogs",
                    options: { "awslogs-group": sc.logGroupName, "awslogs-region": awsContext(this).region, "awslogs-stream-prefix": "service-connect" },
                } : undefined,
            } : undefined,
            enableExecuteCommand: args.enableExecuteCommand ?? false,
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            waitForSteadyState: false,
        }, { parent, ignoreChanges: a.scaling ? ["desiredCount"] : [] });

        this.serviceName = service.name;
        this.serviceArn = service.arn;
        this.securityGroupId = sg.id;
        this.scalableTarget = a.scaling ? createServiceScaling(`${name}-scaling`, args.clusterName, service.name, a.scaling, this) : undefined;
        this.registerOutputs({
            serviceName: this.serviceName,
            serviceArn: this.serviceArn,
            securityGroupId: this.securityGroupId,
            scalingResourceId: this.scalableTarget?.resourceId,
        });
    }
}
