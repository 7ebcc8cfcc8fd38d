import { resourcePolicy, Res } from "./lib/policy";
import { validFargateSize } from "./lib/fargate";
import { arr, get, hasUnknown, isUnknown, json, num, obj, str, strings, Value } from "./lib/values";

/** ECS resource rules (C2, C4, C5, C8, C9, C11, C15). Cross-resource ECS rules are stack policies in stack.ts. */

export const ECS_TASK_DEFINITION_TYPES = ["aws:ecs/taskDefinition:TaskDefinition"] as const;
export const ECS_SERVICE_TYPES = ["aws:ecs/service:Service"] as const;
export const ECS_CLUSTER_TYPES = ["aws:ecs/cluster:Cluster"] as const;
export const ECS_CAPACITY_TYPES = ["aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"] as const;
/** Every App Mesh resource type of @pulumi/aws v7 (node_modules/@pulumi/aws/appmesh). */
export const APP_MESH_TYPES = [
    "aws:appmesh/mesh:Mesh", "aws:appmesh/route:Route", "aws:appmesh/gatewayRoute:GatewayRoute",
    "aws:appmesh/virtualGateway:VirtualGateway", "aws:appmesh/virtualNode:VirtualNode",
    "aws:appmesh/virtualRouter:VirtualRouter", "aws:appmesh/virtualService:VirtualService",
] as const;
const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"];

/** The container definitions of a task definition (a JSON string input): the list, `UNKNOWN`, or undefined. */
export function containersOf(taskDefinition: Res): Value[] | "unknown" | undefined {
    const defs = json(taskDefinition.props["containerDefinitions"]);
    return isUnknown(defs) ? "unknown" : arr(defs);
}

function isFargateTask(r: Res): boolean {
    return (strings(r.props["requiresCompatibilities"]) ?? []).includes("FARGATE");
}

function containerName(c: Value, i: number): string {
    return str(get(c, "name")) ?? `#${i}`;
}

export const c2FargateHostAccess = resourcePolicy({
    name: "c2-fargate-host-access",
    description: "Tasks that need GPUs, privileged mode, host devices or host paths must use the EC2 launch type, not Fargate.",
    enforcementLevel: "mandatory",
    types: ECS_TASK_DEFINITION_TYPES,
    config: {},
    check: (r) => {
        const containers = containersOf(r);
        if (!isFargateTask(r)) {
            return [];
        }
        const found: string[] = [];
        (containers === "unknown" ? [] : containers ?? []).forEach((c, i) => {
            const gpu = (arr(get(c, "resourceRequirements")) ?? []).some((req) => get(req, "type") === "GPU");
            if (gpu) found.push(`container ${containerName(c, i)} requests a GPU`);
            if (get(c, "privileged") === true) found.push(`container ${containerName(c, i)} is privileged`);
            if ((arr(get(c, "linuxParameters", "devices")) ?? []).length > 0) found.push(`container ${containerName(c, i)} maps host devices`);
        });
        for (const v of arr(r.props["volumes"]) ?? []) {
            if (typeof get(v, "hostPath") === "string") found.push(`volume ${str(get(v, "name")) ?? "?"} mounts a host path`);
        }
        return found.map((f) => `Fargate task definition ${r.name}: ${f}; Fargate offers none of these, run it on EC2 capacity.`);
    },
});

export const c4FargateCpuMemory = resourcePolicy({
    name: "c4-fargate-cpu-memory",
    description: "Fargate task definitions must use a CPU and memory combination Fargate offers (0.25-16 vCPU, 0.5-120 GB).",
    enforcementLevel: "mandatory",
    types: ECS_TASK_DEFINITION_TYPES,
    config: {},
    check: (r) => {
        if (!isFargateTask(r)) {
            return [];
        }
        const cpuValue = r.props["cpu"];
        const memoryValue = r.props["memory"];
        if (isUnknown(cpuValue) || isUnknown(memoryValue)) {
            return [];
        }
        const cpu = num(cpuValue);
        const memory = num(memoryValue);
        if (cpu === undefined || memory === undefined) {
            return [`Fargate task definition ${r.name} must set both task-level cpu and memory.`];
        }
        return validFargateSize(cpu, memory) ? [] : [`Fargate task definition ${r.name}: cpu ${cpu} with memory ${memory} MiB is not a Fargate size.`];
    },
});

export const c4TaskRoles = resourcePolicy({
    name: "c4-task-roles",
    description: "Task definitions must set a task role (not the instance role) and an execution role.",
    enforcementLevel: "mandatory",
    types: ECS_TASK_DEFINITION_TYPES,
    config: {},
    check: (r) => ["taskRoleArn", "executionRoleArn"]
        .filter((key) => r.props[key] === undefined || r.props[key] === "")
        .map((key) => `Task definition ${r.name} has no ${key}.`),
});

export const c4ContainerLogging = resourcePolicy({
    name: "c4-container-logging",
    description: "Every container of a task definition must have a logConfiguration.",
    enforcementLevel: "mandatory",
    types: ECS_TASK_DEFINITION_TYPES,
    config: {},
    check: (r) => {
        const containers = containersOf(r);
        if (containers === "unknown" || containers === undefined) {
            return [];
        }
        return containers
            .map((c, i): { c: Value; i: number; driver: Value } => ({ c, i, driver: get(c, "logConfiguration", "logDriver") }))
            .filter(({ c, driver }) => !isUnknown(c) && !isUnknown(driver) && typeof driver !== "string")
            .map(({ c, i }) => `Container ${containerName(c, i)} of ${r.name} has no logConfiguration.logDriver.`);
    },
});

export const c5NoAppMesh = resourcePolicy({
    name: "c5-no-app-mesh",
    description: "AWS App Mesh is discontinued (2026-09-30); use ECS Service Connect or VPC Lattice instead.",
    enforcementLevel: "mandatory",
    types: [...APP_MESH_TYPES, ...ECS_TASK_DEFINITION_TYPES],
    config: {},
    check: (r) => {
        if (r.type === "aws:ecs/taskDefinition:TaskDefinition") {
            return get(r.props, "proxyConfiguration", "type") === "APPMESH" ? [`Task definition ${r.name} uses an APPMESH proxy configuration.`] : [];
        }
        return [`${r.type} ${r.name} is an App Mesh resource.`];
    },
});

export const c5ServiceDiscovery = resourcePolicy({
    name: "c5-service-discovery",
    description: "ECS services should be reachable through ECS Service Connect, Cloud Map service discovery or VPC Lattice.",
    enforcementLevel: "advisory",
    types: ECS_SERVICE_TYPES,
    config: {},
    check: (r) => {
        const sc = get(r.props, "serviceConnectConfiguration", "enabled");
        const registries = r.props["serviceRegistries"];
        const lattice = r.props["vpcLatticeConfigurations"];
        if (isUnknown(sc) || isUnknown(registries) || isUnknown(lattice) || sc === true || obj(registries) !== undefined ||
            (arr(lattice) ?? []).length > 0 || (arr(registries) ?? []).length > 0) {
            return [];
        }
        return [`ECS service ${r.name} uses neither Service Connect, Cloud Map (serviceRegistries) nor VPC Lattice.`];
    },
});

export const c8EcsFargateCapacity = resourcePolicy<{ requiredProviders: string[] }>({
    name: "c8-ecs-fargate-capacity",
    description: "ECS clusters should attach the FARGATE and FARGATE_SPOT capacity providers.",
    enforcementLevel: "advisory",
    types: ECS_CAPACITY_TYPES,
    config: {
        requiredProviders: { type: "array", items: { type: "string" }, default: FARGATE_PROVIDERS, description: "Capacity providers every cluster attaches." },
    },
    check: (r, c) => {
        const providers = r.props["capacityProviders"];
        if (hasUnknown(providers)) {
            return [];
        }
        const have = strings(providers) ?? [];
        const missing = c.requiredProviders.filter((p) => !have.includes(p));
        return missing.length === 0 ? [] : [`Cluster capacity providers ${r.name} lack ${missing.join(", ")}.`];
    },
});

/** Providers a service's tasks may be placed on: its strategy, else its launch type; undefined when unknown or left to the cluster default. */
export function serviceProviders(r: Res): string[] | undefined {
    const strategy = r.props["capacityProviderStrategies"];
    if (hasUnknown(strategy)) {
        return undefined;
    }
    const items = arr(strategy) ?? [];
    if (items.length > 0) {
        const names = items.filter((s) => num(get(s, "weight")) !== 0 || (num(get(s, "base")) ?? 0) > 0).map((s) => get(s, "capacityProvider"));
        return names.some((n) => typeof n !== "string") ? undefined : (names as string[]);
    }
    const launchType = r.props["launchType"];
    return typeof launchType === "string" ? [launchType] : undefined;
}

export const c8SpotOnlyLoadBalanced = resourcePolicy({
    name: "c8-spot-only-load-balanced",
    description: "Load-balanced (user-facing) ECS services should not run on FARGATE_SPOT alone; keep a FARGATE base.",
    enforcementLevel: "advisory",
    types: ECS_SERVICE_TYPES,
    config: {},
    check: (r) => {
        const lbs = r.props["loadBalancers"];
        const providers = serviceProviders(r);
        if (isUnknown(lbs) || (arr(lbs) ?? []).length === 0 || !providers || providers.length === 0) {
            return [];
        }
        return providers.every((p) => p === "FARGATE_SPOT") ? [`Load-balanced service ${r.name} runs only on FARGATE_SPOT.`] : [];
    },
});

export const c9GravitonTasks = resourcePolicy<{ allowedArchitectures: string[] }>({
    name: "c9-graviton-tasks",
    description: "Task definitions should run on Graviton (runtimePlatform.cpuArchitecture ARM64) for price-performance.",
    enforcementLevel: "advisory",
    types: ECS_TASK_DEFINITION_TYPES,
    config: {
        allowedArchitectures: { type: "array", items: { type: "string", enum: ["ARM64", "X86_64"] }, default: ["ARM64"], description: "Accepted CPU architectures." },
    },
    check: (r, c) => {
        const arch = get(r.props, "runtimePlatform", "cpuArchitecture");
        if (isUnknown(arch)) {
            return [];
        }
        const effective = str(arch) ?? "X86_64"; // ECS default
        return c.allowedArchitectures.includes(effective) ? [] : [`Task definition ${r.name} runs on ${effective}; allowed: ${c.allowedArchitectures.join(", ")}.`];
    },
});

export const c11EcsContainerInsights = resourcePolicy<{ allowedValues: string[] }>({
    name: "c11-ecs-container-insights",
    description: "ECS clusters should enable Container Insights (setting containerInsights = enabled or enhanced).",
    enforcementLevel: "advisory",
    types: ECS_CLUSTER_TYPES,
    config: {
        allowedValues: { type: "array", items: { type: "string" }, default: ["enabled", "enhanced"], description: "Accepted containerInsights values." },
    },
    check: (r, c) => {
        const settings = r.props["settings"];
        if (hasUnknown(settings) || (arr(settings) ?? []).some((s) => isUnknown(get(s, "name")))) {
            return [];
        }
        const setting = (arr(settings) ?? []).find((s) => get(s, "name") === "containerInsights");
        const value = get(setting, "value");
        if (isUnknown(value) || (typeof value === "string" && c.allowedValues.includes(value))) {
            return [];
        }
        return [`ECS cluster ${r.name} has containerInsights ${str(value) ?? "unset"}; allowed: ${c.allowedValues.join(", ")}.`];
    },
});

export const c15Ec2Placement = resourcePolicy({
    name: "c15-ec2-placement",
    description: "EC2-backed ECS services must spread across attribute:ecs.availability-zone first, then binpack.",
    enforcementLevel: "mandatory",
    types: ECS_SERVICE_TYPES,
    config: {},
    check: (r) => {
        const providers = serviceProviders(r);
        const strategies = r.props["orderedPlacementStrategies"];
        if (!providers || providers.every((p) => FARGATE_PROVIDERS.includes(p)) || r.props["schedulingStrategy"] === "DAEMON" || hasUnknown(strategies)) {
            return [];
        }
        if ((arr(strategies) ?? []).some((s) => isUnknown(get(s, "type")) || isUnknown(get(s, "field")))) {
            return [];
        }
        const list = (arr(strategies) ?? []).map((s) => ({ type: get(s, "type"), field: str(get(s, "field"))?.toLowerCase() }));
        const spreadFirst = list[0]?.type === "spread" && list[0]?.field === "attribute:ecs.availability-zone";
        const binpack = list.slice(1).some((s) => s.type === "binpack");
        return spreadFirst && binpack ? [] : [`EC2-backed service ${r.name} does not spread on attribute:ecs.availability-zone then binpack.`];
    },
});

export const ecsPolicies = [
    c2FargateHostAccess, c4FargateCpuMemory, c4TaskRoles, c4ContainerLogging, c5NoAppMesh, c5ServiceDiscovery,
    c8EcsFargateCapacity, c8SpotOnlyLoadBalanced, c9GravitonTasks, c11EcsContainerInsights, c15Ec2Placement,
];
