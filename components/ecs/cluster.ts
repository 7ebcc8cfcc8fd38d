import { requireRegionalProvider } from "../regions";
import { checkArgumentKeys } from "../schema";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, show } from "../validation";
import { CapacityProviderStrategyItem, FARGATE_PROVIDERS, ON_DEMAND_STRATEGY, ResolvedStrategyItem, resolveStrategy } from "./capacity";
import { createEc2Capacity, Ec2CapacityArgs, ResolvedEc2Capacity, resolveEc2Capacity } from "./ec2-capacity";

/** Container Insights levels (ECS ClusterSetting `containerInsights`). */
export const CONTAINER_INSIGHTS: readonly string[] = ["enhanced", "enabled", "disabled"];

/** Name the EC2 capacity provider is referred to by in strategies before its physical name is known. */
export const EC2_PROVIDER_KEY = "EC2";

export interface EcsClusterArgs {
    /** Container Insights: "enhanced" (task- and container-level metrics), "enabled" or "disabled" (checklist C11). @default "enhanced" */
    readonly containerInsights?: string;
    /**
     * Strategy for services and tasks that do not name one. Refer to the EC2 capacity as "EC2".
     * @default [{ capacityProvider: "FARGATE", base: 0, weight: 1 }]
     */
    readonly defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** Cloud Map namespace (ARN) services of this cluster use for Service Connect unless they name another. */
    readonly serviceConnectNamespaceArn?: pulumi.Input<string>;
    /** Adds an EC2 capacity provider (GPU, host access, very large tasks). @default none: Fargate only */
    readonly ec2Capacity?: Ec2CapacityArgs;
}

interface ResolvedClusterArgs {
    containerInsights: string;
    strategy: ResolvedStrategyItem[];
    ec2?: ResolvedEc2Capacity;
}

export function resolveClusterArgs(args: EcsClusterArgs, errors = new ArgumentErrors("EcsCluster"), path = ""): ResolvedClusterArgs {
    const containerInsights = args.containerInsights ?? "enhanced";
    errors.require(CONTAINER_INSIGHTS.includes(containerInsights), `${path}containerInsights`,
        `${show(containerInsights)} is not a Container Insights setting; allowed: ${CONTAINER_INSIGHTS.join(", ")}`);
    const ec2 = args.ec2Capacity ? resolveEc2Capacity(errors, `${path}ec2Capacity.`, args.ec2Capacity) : undefined;
    const strategy = resolveStrategy(errors, `${path}defaultCapacityProviderStrategy`,
        args.defaultCapacityProviderStrategy ?? ON_DEMAND_STRATEGY, ec2 ? [EC2_PROVIDER_KEY] : []);
    return { containerInsights, strategy, ec2 };
}

/**
 * An ECS cluster with Container Insights and the FARGATE and FARGATE_SPOT capacity providers
 * (checklist C2, C8, C11), a default capacity provider strategy, optional EC2 capacity and Service
 * Connect defaults. Services choose their own strategy; the default applies to the rest.
 */
export class EcsCluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    /** Every capacity provider attached to the cluster. */
    public readonly capacityProviders: pulumi.Output<string[]>;
    /** Name of the EC2 capacity provider (`<name>-ec2`) for service strategies, when `ec2Capacity` is set. */
    public readonly ec2CapacityProviderName: string | undefined;

    constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const errors = new ArgumentErrors("EcsCluster");
        const a = resolveClusterArgs(args, errors);
        checkArgumentKeys(errors, "EcsCluster", args);
        errors.throwIfAny();
        requireRegionalProvider("EcsCluster", name, opts);
        super("aws-containers:ecs:EcsCluster", name, args, opts);

        const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
            settings: [{ name: "containerInsights", value: a.containerInsights }],
            serviceConnectDefaults: args.serviceConnectNamespaceArn ? { namespace: args.serviceConnectNamespaceArn } : undefined,
        }, { parent: this });

        const ec2Provider = a.ec2 ? createEc2Capacity(name, cluster.name, a.ec2, this) : undefined;
        this.ec2CapacityProviderName = ec2Provider ? `${name}-ec2` : undefined;
        const providers: pulumi.Input<string>[] = [...FARGATE_PROVIDERS, ...(ec2Provider ? [ec2Provider.name] : [])];
        const physical = (p: string): pulumi.Input<string> => p === EC2_PROVIDER_KEY && ec2Provider ? ec2Provider.name : p;
        const attachment = new aws.ecs.ClusterCapacityProviders(`${name}-capacity`, {
            clusterName: cluster.name,
            capacityProviders: providers,
            defaultCapacityProviderStrategies: a.strategy.map((s) => ({ ...s, capacityProvider: physical(s.capacityProvider) })),
        }, { parent: this });

        this.clusterName = cluster.name;
        // Services depend on the attachment through these outputs, so they never start before capacity exists.
        this.clusterArn = pulumi.all([cluster.arn, attachment.id]).apply(([arn]) => arn);
        this.capacityProviders = pulumi.output(attachment.capacityProviders).apply((p) => p ?? []);
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            capacityProviders: this.capacityProviders,
        });
    }
}
