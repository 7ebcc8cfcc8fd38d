import { ofTypes, resolve } from "./lib/graph";
import { Finding, resourcePolicy, Res, stackPolicy } from "./lib/policy";
import { cpuUnits, memoryMiB, PLATFORM_1_4_CPUS, validFargateSize, WINDOWS_FARGATE_CPUS } from "./lib/fargate";
import { arr, get, hasUnknown, isUnknown, json, num, obj, str, strings, Value } from "./lib/values";

/** ECS resource rules (C2, C4, C5, C8, C9, C11, C15). Cross-resource ECS rules are stack policies in stack.ts. */

export const ECS_TASK_DEFINITION_TYPES = ["aws:ecs/taskDefinition:TaskDefinition"] as const;
/** Daemon task definitions (ECS Managed Instances daemons): containers given as objects, with plural field names. */
export const ECS_DAEMON_TASK_DEFINITION_TYPES = ["aws:ecs/daemonTaskDefinition:DaemonTaskDefinition"] as const;
/** ECS Express Mode services: one primary container and the task's size, roles and network in the service itself. */
export const ECS_EXPRESS_SERVICE_TYPES = ["aws:ecs/expressGatewayService:ExpressGatewayService"] as const;
/** Every resource that defines a task's containers and roles. */
export const ECS_TASK_TYPES = [...ECS_TASK_DEFINITION_TYPES, ...ECS_DAEMON_TASK_DEFINITION_TYPES, ...ECS_EXPRESS_SERVICE_TYPES] as const;
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

/** A daemon container (@pulumi/aws DaemonTaskDefinitionContainerDefinition) in the task definition JSON's field names. */
function daemonContainer(c: Value): Value {
    const o = obj(c);
    if (!o) {
        return c;
    }
    const linux = get(o, "linuxParameters");
    const capabilities = get(linux, "capabilities");
    return {
        ...o,
        environment: o["environments"],
        healthCheck: obj(o["healthCheck"]) ? { ...obj(o["healthCheck"]), command: get(o, "healthCheck", "commands") } : o["healthCheck"],
        linuxParameters: obj(linux) ? { ...obj(linux), capabilities: obj(capabilities) ? { add: get(capabilities, "adds"), drop: get(capabilities, "drops") } : capabilities } : linux,
    };
}

/**
 * The containers of any task-defining resource in the task definition JSON's field names: a TaskDefinition's
 * JSON, a DaemonTaskDefinition's objects, an Express service's primary container (which Express Mode always
 * logs to a service log group of its own: Amazon ECS Developer Guide, "Resources created by Express Mode").
 */
export function taskContainers(r: Res): Value[] | "unknown" | undefined {
    if (r.type === ECS_DAEMON_TASK_DEFINITION_TYPES[0]) {
        const defs = r.props["containerDefinitions"];
        return isUnknown(defs) ? "unknown" : arr(defs)?.map(daemonContainer);
    }
    if (r.type === ECS_EXPRESS_SERVICE_TYPES[0]) {
        const primary = r.props["primaryContainer"];
        if (isUnknown(primary)) {
            return "unknown";
        }
        return obj(primary) ? [{ ...obj(primary), name: "primary", environment: get(primary, "environments"), logConfiguration: { logDriver: "awslogs" } }] : undefined;
    }
    return containersOf(r);
}

function isFargateTask(r: Res): boolean {
    return r.type === ECS_EXPRESS_SERVICE_TYPES[0] || (strings(r.props["requiresCompatibilities"]) ?? []).includes("FARGATE");
}

/** True when a task definition runs Windows containers (runtimePlatform.operatingSystemFamily WINDOWS_*). */
export function isWindowsTask(r: Res): boolean {
    return (str(get(r.props, "runtimePlatform", "operatingSystemFamily")) ?? "").startsWith("WINDOWS");
}

function containerName(c: Value, i: number): string {
    return str(get(c, "name")) ?? `#${i}`;
}

export const c2FargateHostAccess = resourcePolicy({
    name: "c2-fargate-host-access",
    description: "Tasks that need GPUs, privileged mode, host devices, host paths, the host's PID or IPC namespace or added Linux capabilities must use EC2 capacity, not Fargate.",
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
            // Fargate accepts only SYS_PTRACE as an added capability (ECS API reference, KernelCapabilities `add`).
            const added = (strings(get(c, "linuxParameters", "capabilities", "add")) ?? []).filter((cap) => cap !== "SYS_PTRACE");
            if (added.length > 0) found.push(`container ${containerName(c, i)} adds Linux capabilities ${added.join(", ")}`);
        });
        // On Fargate pidMode may only be task, and ipcMode is not supported (RegisterTaskDefinition).
        for (const mode of ["pidMode", "ipcMode"]) {
            if (r.props[mode] === "host") found.push(`${mode} is host`);
        }
        for (const v of arr(r.props["volumes"]) ?? []) {
            if (typeof get(v, "hostPath") === "string") found.push(`volume ${str(get(v, "name")) ?? "?"} mounts a host path`);
        }
        return found.map((f) => `Fargate task definition ${r.name}: ${f}; Fargate offers none of these, run it on EC2 capacity.`);
    },
});

export const c4FargateCpuMemory = resourcePolicy({
    name: "c4-fargate-cpu-memory",
    description: "Fargate task definitions must use a CPU and memory combination Fargate offers (0.25-16 vCPU, 0.5-120 GB; Windows 1-4 vCPU).",
    enforcementLevel: "mandatory",
    types: [...ECS_TASK_DEFINITION_TYPES, ...ECS_EXPRESS_SERVICE_TYPES],
    config: {},
    check: (r) => {
        if (!isFargateTask(r)) {
            return [];
        }
        const express = r.type === ECS_EXPRESS_SERVICE_TYPES[0];
        const cpuValue = r.props["cpu"] ?? (express ? "1024" : undefined); // Express Mode defaults: 1 vCPU, 2 GB
        const memoryValue = r.props["memory"] ?? (express ? "2048" : undefined);
        if (isUnknown(cpuValue) || isUnknown(memoryValue) || isUnknown(get(r.props, "runtimePlatform", "operatingSystemFamily"))) {
            return [];
        }
        const cpu = cpuUnits(cpuValue);
        const memory = memoryMiB(memoryValue);
        const what = express ? "Express service" : "Fargate task definition";
        if (cpu === undefined || memory === undefined) {
            return [`${what} ${r.name} must set both task-level cpu and memory.`];
        }
        if (!validFargateSize(cpu, memory)) {
            return [`${what} ${r.name}: cpu ${cpu} with memory ${memory} MiB is not a Fargate size.`];
        }
        return isWindowsTask(r) && !WINDOWS_FARGATE_CPUS.includes(cpu)
            ? [`${what} ${r.name}: Windows containers on Fargate take cpu ${WINDOWS_FARGATE_CPUS.join(", ")}, not ${cpu}.`] : [];
    },
});

/** True when a Fargate task of this size needs Linux platform version 1.4.0 or later. */
export function needsPlatform14(td: Res): boolean {
    const cpu = cpuUnits(td.props["cpu"]);
    return cpu !== undefined && PLATFORM_1_4_CPUS.includes(cpu);
}

export const c4TaskRoles = resourcePolicy({
    name: "c4-task-roles",
    description: "Task definitions must set a task role (not the instance role) and an execution role.",
    enforcementLevel: "mandatory",
    types: ECS_TASK_TYPES,
    config: {},
    check: (r) => {
        const out = ["taskRoleArn", "executionRoleArn"]
            .filter((key) => r.props[key] === undefined || r.props[key] === "")
            .map((key) => `Task definition ${r.name} has no ${key}.`);
        const task = r.props["taskRoleArn"];
        if (typeof task === "string" && task !== "" && task === r.props["executionRoleArn"]) {
            out.push(`Task definition ${r.name} uses one role as both task role and execution role.`);
        }
        return out;
    },
});

export const c4ContainerLogging = resourcePolicy({
    name: "c4-container-logging",
    description: "Every container of a task definition must have a logConfiguration.",
    enforcementLevel: "mandatory",
    types: ECS_TASK_TYPES,
    config: {},
    check: (r) => {
        const containers = taskContainers(r);
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

/** The task definitions a service's `taskDefinition` points at (by ARN, family or dependency). */
export function serviceTaskDefinitions(service: Res, resources: readonly Res[]): Res[] {
    return resolve(service, "taskDefinition", service.props["taskDefinition"], ofTypes(resources, ECS_TASK_DEFINITION_TYPES), ["arn", "id", "family"]).targets;
}

/**
 * Whether a service takes calls: it has a load balancer, or its task's containers publish ports. A queue
 * worker does neither and needs no discovery. undefined when its task definition cannot be told.
 */
function takesCalls(service: Res, resources: readonly Res[]): boolean | undefined {
    const lbs = service.props["loadBalancers"];
    if (isUnknown(lbs)) return undefined;
    if ((arr(lbs) ?? []).length > 0) return true;
    const tds = serviceTaskDefinitions(service, resources);
    if (tds.length === 0) return undefined;
    let unknown = false;
    for (const td of tds) {
        const containers = containersOf(td);
        if (containers === "unknown" || containers === undefined) return undefined;
        for (const c of containers) {
            const ports = get(c, "portMappings");
            if (isUnknown(c) || isUnknown(ports)) unknown = true;
            else if ((arr(ports) ?? []).length > 0) return true;
        }
    }
    return unknown ? undefined : false;
}

export const c5ServiceDiscovery = stackPolicy({
    name: "c5-service-discovery",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "ECS services that take calls should be reachable through ECS Service Connect, Cloud Map service discovery or VPC Lattice.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => ofTypes(resources, ECS_SERVICE_TYPES).flatMap((r): Finding[] => {
        const sc = get(r.props, "serviceConnectConfiguration", "enabled");
        const registries = r.props["serviceRegistries"];
        const lattice = r.props["vpcLatticeConfigurations"];
        if (isUnknown(sc) || isUnknown(registries) || isUnknown(lattice) || sc === true || obj(registries) !== undefined ||
            (arr(lattice) ?? []).length > 0 || (arr(registries) ?? []).length > 0 || takesCalls(r, resources) !== true) {
            return [];
        }
        return [{ urn: r.urn, message: `ECS service ${r.name} uses neither Service Connect, Cloud Map (serviceRegistries) nor VPC Lattice.` }];
    }),
});

export const c8EcsFargateCapacity = resourcePolicy<{ requiredProviders: string[]; ec2OnlyClusters: string[] }>({
    name: "c8-ecs-fargate-capacity",
    description: "ECS clusters should attach the FARGATE and FARGATE_SPOT capacity providers.",
    enforcementLevel: "advisory",
    types: ECS_CAPACITY_TYPES,
    config: {
        requiredProviders: { type: "array", items: { type: "string" }, default: FARGATE_PROVIDERS, description: "Capacity providers every cluster attaches." },
        ec2OnlyClusters: {
            type: "array", items: { type: "string" }, default: [],
            description: "Names of clusters that need EC2 capacity only (GPUs, host access) and attach no Fargate provider by design.",
        },
    },
    check: (r, c) => {
        const providers = r.props["capacityProviders"];
        const cluster = r.props["clusterName"];
        if (hasUnknown(providers) || (typeof cluster === "string" && c.ec2OnlyClusters.includes(cluster))) {
            return [];
        }
        const have = strings(providers) ?? [];
        const missing = c.requiredProviders.filter((p) => !have.includes(p));
        return missing.length === 0 ? [] : [`Cluster capacity providers ${r.name} lack ${missing.join(", ")}.`];
    },
});

/** The providers a capacity provider strategy places tasks on; undefined when some item cannot be told yet. */
function strategyProviders(items: Value[]): string[] | undefined {
    if (items.some((s) => isUnknown(s) || isUnknown(get(s, "capacityProvider")) || isUnknown(get(s, "weight")) || isUnknown(get(s, "base")))) {
        return undefined;
    }
    const names = items.filter((s) => num(get(s, "weight")) !== 0 || (num(get(s, "base")) ?? 0) > 0).map((s) => get(s, "capacityProvider"));
    return names.some((n) => typeof n !== "string") ? undefined : (names as string[]);
}

/** Providers a service's tasks may be placed on by its own inputs: its strategy, else its launch type; undefined when unknown or left to the cluster default. */
export function serviceProviders(r: Res): string[] | undefined {
    const strategy = r.props["capacityProviderStrategies"];
    if (hasUnknown(strategy)) {
        return undefined;
    }
    const items = arr(strategy) ?? [];
    if (items.length > 0) {
        return strategyProviders(items);
    }
    const launchType = r.props["launchType"];
    return typeof launchType === "string" ? [launchType] : undefined;
}

/**
 * Where a service's tasks run, with what CreateService does when the service names neither a strategy nor a
 * launch type: its cluster's default capacity provider strategy, else the EC2 launch type. `inherited` says
 * the answer came from the cluster. undefined when it cannot be told (unknown inputs, a cluster outside the stack).
 */
export function effectiveProviders(service: Res, resources: readonly Res[]): { providers: string[]; inherited: boolean } | undefined {
    const strategy = service.props["capacityProviderStrategies"];
    const launchType = service.props["launchType"];
    if (hasUnknown(strategy) || isUnknown(launchType)) {
        return undefined;
    }
    if ((arr(strategy) ?? []).length > 0 || typeof launchType === "string") {
        const own = serviceProviders(service);
        return own ? { providers: own, inherited: false } : undefined;
    }
    const clusters = resolve(service, "cluster", service.props["cluster"], ofTypes(resources, ECS_CLUSTER_TYPES), ["arn", "name", "id"]).targets;
    if (clusters.length !== 1) {
        return undefined;
    }
    const capacity = ofTypes(resources, ECS_CAPACITY_TYPES).map((cp) => ({ cp, links: resolve(cp, "clusterName", cp.props["clusterName"], clusters, ["name", "id", "arn"]) }));
    if (capacity.some(({ links }) => links.unresolved)) {
        return undefined;
    }
    const defaults: Value[] = [];
    for (const { cp } of capacity.filter(({ links }) => links.targets.length > 0)) {
        const items = cp.props["defaultCapacityProviderStrategies"];
        if (hasUnknown(items)) return undefined;
        defaults.push(...(arr(items) ?? []));
    }
    const providers = defaults.length > 0 ? strategyProviders(defaults) : ["EC2"];
    return providers ? { providers, inherited: true } : undefined;
}

export const c8SpotOnlyLoadBalanced = stackPolicy({
    name: "c8-spot-only-load-balanced",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "Load-balanced (user-facing) ECS services should not run on FARGATE_SPOT alone; keep a FARGATE base.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => ofTypes(resources, ECS_SERVICE_TYPES).flatMap((r): Finding[] => {
        const lbs = r.props["loadBalancers"];
        if (isUnknown(lbs) || (arr(lbs) ?? []).length === 0) {
            return [];
        }
        const placed = effectiveProviders(r, resources);
        if (!placed || placed.providers.length === 0 || !placed.providers.every((p) => p === "FARGATE_SPOT")) {
            return [];
        }
        const from = placed.inherited ? " (its cluster's default capacity provider strategy)" : "";
        return [{ urn: r.urn, message: `Load-balanced service ${r.name} runs only on FARGATE_SPOT${from}.` }];
    }),
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
        // Windows containers run on X86_64 only (ECS Developer Guide, "Windows containers on Fargate").
        if (isUnknown(arch) || isUnknown(get(r.props, "runtimePlatform", "operatingSystemFamily")) || isWindowsTask(r)) {
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

/** Launch types and providers that are not EC2 capacity of the cluster (EXTERNAL is ECS Anywhere). */
const NOT_EC2 = [...FARGATE_PROVIDERS, "EXTERNAL"];

export const c15Ec2Placement = stackPolicy({
    name: "c15-ec2-placement",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "EC2-backed ECS services must spread across attribute:ecs.availability-zone first, then binpack.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => ofTypes(resources, ECS_SERVICE_TYPES).flatMap((r): Finding[] => {
        const scheduling = r.props["schedulingStrategy"];
        const strategies = r.props["orderedPlacementStrategies"];
        if (isUnknown(scheduling) || scheduling === "DAEMON" || hasUnknown(strategies) ||
            (arr(strategies) ?? []).some((s) => isUnknown(get(s, "type")) || isUnknown(get(s, "field")))) {
            return [];
        }
        const placed = effectiveProviders(r, resources);
        if (!placed || placed.providers.every((p) => NOT_EC2.includes(p))) {
            return [];
        }
        const list = (arr(strategies) ?? []).map((s) => ({ type: get(s, "type"), field: str(get(s, "field"))?.toLowerCase() }));
        const spreadFirst = list[0]?.type === "spread" && list[0]?.field === "attribute:ecs.availability-zone";
        const binpack = list.slice(1).some((s) => s.type === "binpack");
        const from = placed.inherited ? ` (it runs on ${placed.providers.join(", ")} by its cluster's default)` : "";
        return spreadFirst && binpack ? [] : [{ urn: r.urn, message: `EC2-backed service ${r.name} does not spread on attribute:ecs.availability-zone then binpack${from}.` }];
    }),
});

export const ecsPolicies = [
    c2FargateHostAccess, c4FargateCpuMemory, c4TaskRoles, c4ContainerLogging, c5NoAppMesh, c5ServiceDiscovery,
    c8EcsFargateCapacity, c8SpotOnlyLoadBalanced, c9GravitonTasks, c11EcsContainerInsights, c15Ec2Placement,
];
