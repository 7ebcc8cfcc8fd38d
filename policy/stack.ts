import { CREATION_TEMPLATE_TYPES, ECR_LIFECYCLE_TYPES, ECR_REPLICATION_TYPES, ECR_REPOSITORY_TYPES } from "./ecr";
import {
    containersOf, ECS_CAPACITY_TYPES, ECS_CLUSTER_TYPES, ECS_SERVICE_TYPES, ECS_TASK_DEFINITION_TYPES, ECS_TASK_TYPES,
    isWindowsTask, needsPlatform14, serviceTaskDefinitions,
} from "./ecs";
import { AUTOSCALING_GROUP_TYPES, EKS_CLUSTER_TYPES, EKS_NODE_GROUP_TYPES, IAM_ROLE_TYPES } from "./eks";
import { SUBNET_PATHS, SUBNET_TYPES, TARGET_GROUP_TYPES } from "./network";
import { ofTypes, resolve } from "./lib/graph";
import { Finding, Res, stackPolicy } from "./lib/policy";
import { arr, asList, get, hasUnknown, isUnknown, json, num, str, strings, Value } from "./lib/values";

/** Cross-resource rules that one resource alone cannot show (C2, C3, C10, C15). */

/** Which `targets` no `referrers` point at through their `property`; uncertain when some reference cannot be resolved yet. */
function unreferenced(targets: Res[], referrers: Res[], property: string, keys: string[]): { missing: Res[]; unresolved: number } {
    const covered = new Set<Res>();
    let unresolved = 0;
    for (const ref of referrers) {
        const links = resolve(ref, property, ref.props[property], targets, keys);
        links.targets.forEach((t) => covered.add(t));
        unresolved += links.unresolved ? 1 : 0;
    }
    return { missing: targets.filter((t) => !covered.has(t)), unresolved };
}

export const c2EcsCapacityProviders = stackPolicy({
    name: "c2-ecs-capacity-providers",
    onlyWith: ECS_CLUSTER_TYPES[0],
    description: "Every ECS cluster must declare its capacity providers (aws.ecs.ClusterCapacityProviders), making the launch type an explicit choice.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const clusters = ofTypes(resources, ECS_CLUSTER_TYPES);
        const { missing, unresolved } = unreferenced(clusters, ofTypes(resources, ECS_CAPACITY_TYPES), "clusterName", ["name", "id", "arn"]);
        return missing.length <= unresolved ? [] :
            missing.map((c) => ({ urn: c.urn, message: `ECS cluster ${c.name} has no ClusterCapacityProviders.` }));
    },
});

export const c3EcrLifecyclePolicy = stackPolicy({
    name: "c3-ecr-lifecycle-policy",
    onlyWith: ECR_REPOSITORY_TYPES[0],
    description: "Every ECR repository must have a lifecycle policy.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const repos = ofTypes(resources, ECR_REPOSITORY_TYPES);
        const { missing, unresolved } = unreferenced(repos, ofTypes(resources, ECR_LIFECYCLE_TYPES), "repository", ["name", "id"]);
        return missing.length <= unresolved ? [] :
            missing.map((r) => ({ urn: r.urn, message: `ECR repository ${r.name} has no LifecyclePolicy.` }));
    },
});

/** Resources whose region shows that the stack runs containers there. */
export const WORKLOAD_REGION_TYPES = [...ECS_CLUSTER_TYPES, ...ECS_SERVICE_TYPES, ...EKS_CLUSTER_TYPES, ...EKS_NODE_GROUP_TYPES, ...AUTOSCALING_GROUP_TYPES];
const AWS_PROVIDER_TYPES = ["pulumi:providers:aws"];

/**
 * The regions that run (or will run) workloads, by evidence in the stack:
 * - the regions of workload resources (ECS clusters and services, EKS clusters and node groups, ASGs);
 * - the regions of ECR repository creation templates applied to REPLICATION (they exist to receive replicas);
 * - in a stack without workloads (the registry stack), the regions of its AWS providers, one per workload
 *   region by the project's convention (D4 in its docs/design.md);
 * - `workloadRegions` from the policy config, for regions served by other accounts' stacks.
 */
export function workloadRegions(resources: readonly Res[], extra: readonly string[]): Set<string> {
    const regions = new Set<string>(extra);
    const workloads = ofTypes(resources, WORKLOAD_REGION_TYPES);
    const templates = ofTypes(resources, CREATION_TEMPLATE_TYPES).filter((t) => (strings(t.props["appliedFors"]) ?? []).includes("REPLICATION"));
    const providers = workloads.length === 0 ? ofTypes(resources, AWS_PROVIDER_TYPES) : [];
    for (const r of [...workloads, ...templates]) {
        if (r.region) regions.add(r.region);
    }
    for (const p of providers) {
        const region = str(p.props["region"]);
        if (region) regions.add(region);
    }
    return regions;
}

/** Regions a replication rule copies `repo` to; undefined when unknown yet. */
function replicatedTo(repo: Res, configs: Res[]): Set<string> | undefined {
    const name = repo.props["name"];
    const out = new Set<string>();
    for (const config of configs) {
        const rules = get(config.props, "replicationConfiguration", "rules");
        if (hasUnknown(rules)) return undefined;
        for (const rule of arr(rules) ?? []) {
            const filters = get(rule, "repositoryFilters");
            const destinations = get(rule, "destinations");
            if (hasUnknown(filters) || hasUnknown(destinations)) return undefined;
            const applies = (arr(filters) ?? []).length === 0 || (arr(filters) ?? []).some((f) => {
                const prefix = get(f, "filter");
                return isUnknown(prefix) || isUnknown(name) || (typeof prefix === "string" && typeof name === "string" && name.startsWith(prefix));
            });
            if (!applies) continue;
            for (const d of arr(destinations) ?? []) {
                const region = get(d, "region");
                const registry = get(d, "registryId");
                const own = repo.props["registryId"];
                if (isUnknown(region)) return undefined;
                // A destination in another account does not serve this account's workloads.
                const otherAccount = typeof registry === "string" && typeof own === "string" && registry !== own;
                if (typeof region === "string" && !otherAccount) out.add(region);
            }
        }
    }
    return out;
}

export const c3EcrReplication = stackPolicy<{ workloadRegions: string[] }>({
    name: "c3-ecr-replication",
    onlyWith: ECR_REPOSITORY_TYPES[0],
    description: "ECR images must be replicated to every other region that runs workloads.",
    enforcementLevel: "mandatory",
    config: {
        workloadRegions: { type: "array", items: { type: "string" }, default: [], description: "Workload regions beyond those the stack itself shows." },
    },
    check: (resources, c) => {
        const regions = workloadRegions(resources, c.workloadRegions);
        const configs = ofTypes(resources, ECR_REPLICATION_TYPES);
        const findings: Finding[] = [];
        for (const repo of ofTypes(resources, ECR_REPOSITORY_TYPES)) {
            if (!repo.region) continue;
            const needed = [...regions].filter((r) => r !== repo.region).sort();
            // Replication is configured per registry, in the repository's region.
            const replicated = replicatedTo(repo, configs.filter((cfg) => cfg.region === undefined || cfg.region === repo.region));
            if (!replicated) continue;
            const missing = needed.filter((r) => !replicated.has(r));
            if (missing.length > 0) {
                findings.push({ urn: repo.urn, message: `ECR repository ${repo.name} (${repo.region}) is not replicated to ${missing.join(", ")}.` });
            }
        }
        return findings;
    },
});


/** The service principals a role's trust policy lets assume it; undefined when the document is unknown. */
export function trustedServices(role: Res): string[] | undefined {
    const doc = json(role.props["assumeRolePolicy"]);
    if (isUnknown(doc)) {
        return undefined;
    }
    const out: string[] = [];
    for (const s of asList(get(doc, "Statement"))) {
        if (get(s, "Effect") !== "Allow") continue;
        const service = get(s, "Principal", "Service");
        if (isUnknown(service) || hasUnknown(service)) return undefined;
        out.push(...asList(service).filter((v): v is string => typeof v === "string"));
    }
    return out;
}

export const c4TaskRoleTrust = stackPolicy({
    name: "c4-task-role-trust",
    description: "Task and execution roles must be two roles that ECS tasks assume (ecs-tasks.amazonaws.com), never an EC2 instance role.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const roles = ofTypes(resources, IAM_ROLE_TYPES);
        return ofTypes(resources, ECS_TASK_TYPES).flatMap((td): Finding[] => {
            const linked = (key: string) => resolve(td, key, td.props[key], roles, ["arn"]);
            const task = linked("taskRoleArn");
            const execution = linked("executionRoleArn");
            const findings: Finding[] = [];
            for (const [key, links] of [["taskRoleArn", task], ["executionRoleArn", execution]] as const) {
                for (const role of links.targets) {
                    const services = trustedServices(role);
                    if (services && services.includes("ec2.amazonaws.com")) {
                        findings.push({ urn: td.urn, message: `${td.name}: its ${key} role ${role.name} trusts ec2.amazonaws.com (an instance role); give tasks a role that trusts ecs-tasks.amazonaws.com.` });
                    }
                }
            }
            // Known equal ARNs are reported by c4-task-roles; here the roles found through the graph.
            const same = task.targets.length === 1 && execution.targets.length === 1 && task.targets[0] === execution.targets[0] &&
                !(typeof td.props["taskRoleArn"] === "string" && td.props["taskRoleArn"] === td.props["executionRoleArn"]);
            if (same) {
                findings.push({ urn: td.urn, message: `${td.name} uses role ${task.targets[0].name} as both task role and execution role.` });
            }
            return findings;
        });
    },
});

/** A platform version older than 1.4.0 ("1.3.0"); LATEST and absent mean the newest. */
function before14(version: Value): boolean {
    const m = typeof version === "string" ? /^(\d+)\.(\d+)\.\d+$/.exec(version) : null;
    return m !== null && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 4));
}

export const c4FargatePlatformVersion = stackPolicy({
    name: "c4-fargate-platform-version",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "Services whose Fargate task size needs platform version 1.4.0 (8 or 16 vCPU) must not pin an older platform version.",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => ofTypes(resources, ECS_SERVICE_TYPES).flatMap((service): Finding[] => {
        const version = service.props["platformVersion"];
        if (!before14(version)) return [];
        return serviceTaskDefinitions(service, resources)
            .filter((td) => !isWindowsTask(td) && needsPlatform14(td))
            .map((td) => ({ urn: service.urn, message: `Service ${service.name} pins Fargate platform ${str(version)}, but task definition ${td.name} (cpu ${str(td.props["cpu"]) ?? num(td.props["cpu"])}) needs 1.4.0 or later.` }));
    }),
});

/** Load-balanced ECS services with the resources their `loadBalancers` and `taskDefinition` point at. */
function loadBalancedServices(resources: readonly Res[]): { service: Res; targetGroups: Res[]; taskDefinitions: Res[]; containers: Value[] }[] {
    const tgs = ofTypes(resources, TARGET_GROUP_TYPES);
    const tds = ofTypes(resources, ECS_TASK_DEFINITION_TYPES);
    return ofTypes(resources, ECS_SERVICE_TYPES)
        .filter((s) => (arr(s.props["loadBalancers"]) ?? []).length > 0)
        .map((service) => {
            const lbs = arr(service.props["loadBalancers"]) ?? [];
            const targetGroups = [...new Set(lbs.flatMap((lb) => resolve(service, "loadBalancers", get(lb, "targetGroupArn"), tgs, ["arn", "id"]).targets))];
            const taskDefinitions = resolve(service, "taskDefinition", service.props["taskDefinition"], tds, ["arn", "id", "family"]).targets;
            return { service, targetGroups, taskDefinitions, containers: lbs.map((lb) => get(lb, "containerName")) };
        });
}

export const c10ContainerHealthCheck = stackPolicy({
    name: "c10-container-health-check",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "Containers behind a load balancer must define a container health check (Docker HEALTHCHECK in healthCheck).",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => loadBalancedServices(resources).flatMap(({ service, taskDefinitions, containers }) =>
        taskDefinitions.flatMap((td) => {
            const defs = containersOf(td);
            if (defs === "unknown" || defs === undefined || containers.some(isUnknown)) return [];
            return defs
                .filter((d) => containers.includes(get(d, "name")))
                .filter((d) => !isUnknown(get(d, "healthCheck")) && (arr(get(d, "healthCheck", "command")) ?? []).length === 0)
                .map((d) => ({ urn: td.urn, message: `Container ${str(get(d, "name"))} of ${td.name} serves ${service.name}'s load balancer but has no healthCheck.` }));
        })),
});

/** What a target group lacks: an explicit, enabled health check and an explicit deregistration delay. */
export function targetGroupProblems(tg: Res, maxDelay: number): string[] {
    const hc = tg.props["healthCheck"];
    const delay = tg.props["deregistrationDelay"];
    const out: string[] = [];
    if (!isUnknown(hc)) {
        if (hc === undefined || hc === null) out.push("has no explicit healthCheck");
        else if (get(hc, "enabled") === false) out.push("disables its health check");
        else if (get(hc, "path") === undefined && get(hc, "protocol") === undefined) out.push("does not say how to health-check (path or protocol)");
    }
    if (!isUnknown(delay)) {
        const seconds = num(delay);
        if (seconds === undefined) out.push("has no explicit deregistrationDelay (the AWS default is 300 s)");
        else if (seconds > maxDelay) out.push(`has a deregistrationDelay of ${seconds} s, above ${maxDelay} s`);
    }
    return out;
}

export const c10TargetGroupHealth = stackPolicy<{ maxDeregistrationDelay: number }>({
    name: "c10-target-group-health",
    onlyWith: ECS_SERVICE_TYPES[0],
    description: "Target groups of load-balanced ECS services must have an explicit health check and deregistration delay.",
    enforcementLevel: "mandatory",
    config: {
        maxDeregistrationDelay: { type: "integer", minimum: 0, maximum: 3600, default: 300, description: "Longest deregistration delay accepted, in seconds." },
    },
    check: (resources, c) => {
        const seen = new Set<Res>();
        return loadBalancedServices(resources).flatMap(({ service, targetGroups }) => targetGroups
            .filter((tg) => !seen.has(tg) && seen.add(tg) !== undefined)
            .flatMap((tg) => targetGroupProblems(tg, c.maxDeregistrationDelay)
                .map((p) => ({ urn: tg.urn, message: `Target group ${tg.name} of service ${service.name} ${p}.` }))));
    },
});

/** The distinct AZs of a resource's subnets; undefined when they cannot be told yet. */
function zonesOf(r: Res, subnets: Res[]): { zones: Set<string>; complete: boolean } | undefined {
    const [top, ...rest] = SUBNET_PATHS[r.type];
    const list = get(r.props, top, ...rest);
    if (r.type === "aws:autoscaling/group:Group" && (arr(r.props["availabilityZones"]) ?? []).length > 0) {
        return { zones: new Set(strings(r.props["availabilityZones"])), complete: !hasUnknown(r.props["availabilityZones"]) };
    }
    if (list === undefined || (arr(list) ?? []).length === 0 && !isUnknown(list)) {
        return undefined; // no subnets listed: not an awsvpc service, or the provider's defaults apply
    }
    const ids = arr(list) ?? [];
    // Subnet IDs are outputs: matched by value when the stack's subnets expose them, else through the
    // engine's property dependencies (the subnets whose outputs fed this input).
    const byId = ids.map((id) => subnets.find((s) => typeof id === "string" && (get(s.props, "id") === id || s.urn === id)));
    const allById = !hasUnknown(list) && byId.every((s) => s !== undefined);
    const deps = r.propertyDependsOn[top] ?? [];
    const matched = allById ? (byId as Res[]) : subnets.filter((s) => deps.includes(s.urn));
    if (matched.length === 0) return undefined;
    const zones = new Set<string>();
    // With known IDs, subnets outside the stack would be missing from `matched`; their AZs cannot be told.
    let complete = hasUnknown(list) || matched.length >= ids.length;
    for (const s of matched) {
        const az = s.props["availabilityZone"] ?? s.props["availabilityZoneId"];
        if (typeof az === "string") zones.add(az);
        else complete = false;
    }
    return { zones, complete };
}

export const c15MultiAzSubnets = stackPolicy<{ minAvailabilityZones: number }>({
    name: "c15-multi-az-subnets",
    description: "ECS services, EKS node groups and Auto Scaling groups must span at least two Availability Zones.",
    enforcementLevel: "mandatory",
    config: {
        minAvailabilityZones: { type: "integer", minimum: 1, maximum: 6, default: 2, description: "Fewest distinct AZs a placed resource's subnets must span." },
    },
    check: (resources, c) => {
        const subnets = ofTypes(resources, SUBNET_TYPES);
        return ofTypes(resources, Object.keys(SUBNET_PATHS)).flatMap((r) => {
            const z = zonesOf(r, subnets);
            if (!z || z.zones.size >= c.minAvailabilityZones || !z.complete) return [];
            return [{ urn: r.urn, message: `${r.name} spans ${z.zones.size} Availability Zone(s) (${[...z.zones].sort().join(", ")}); at least ${c.minAvailabilityZones} are needed.` }];
        });
    },
});

export const stackPolicies = [
    c2EcsCapacityProviders, c3EcrLifecyclePolicy, c3EcrReplication, c4TaskRoleTrust, c4FargatePlatformVersion,
    c10ContainerHealthCheck, c10TargetGroupHealth, c15MultiAzSubnets,
];
