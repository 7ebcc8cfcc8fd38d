import { checkArgumentKeys } from "../schema";
import * as pulumi from "@pulumi/pulumi";
import { CapacityProviderStrategyItem, ContainerMountPoint, ContainerSpec, DeploymentArgs, EfsVolumeArgs, ServiceScalingArgs } from "../ecs";
import { ResolvedDeployment, resolveDeployment } from "../ecs/deployment";
import { ResolvedScaling, resolveScaling } from "../ecs/scaling";
import { resolveServiceArgs } from "../ecs/service";
import { ResolvedTaskDefinitionArgs, resolveTaskDefinitionArgs } from "../ecs/task-definition";
import { LOG_RETENTION_DAYS } from "../logs";
import { checkImageSource, ImageSource } from "../image";
import { ArgumentErrors, duplicates, rejectRenamed, show } from "../validation";
import { CONTAINER_INSIGHTS } from "../ecs/cluster";
import { MicroserviceNlbSpec, ResolvedNlb, resolveNlb } from "./nlb";

/** One microservice: an ECS service on Fargate, behind the ALB or internal only. Its image is `repository` + `tag` or `image`. */
export interface MicroserviceSpec extends ImageSource {
    /** Name: lowercase letters, digits and -, up to 24 characters; also its Service Connect name (`http://<name>:<port>`). */
    readonly name: string;
    /** Port the application listens on. @default 8080 */
    readonly port?: number;
    /**
     * "http", "http2" or "grpc" (Service Connect telemetry). An exposed "grpc" service needs `certificateArn` (the ALB
     * serves gRPC on HTTPS listeners only) and its own `containerHealthCheckCommand`. @default "http"
     */
    readonly appProtocol?: string;
    /** Task CPU units. @default 256 */
    readonly cpu?: number;
    /** Task memory in MiB, valid for `cpu` on Fargate. @default 512 */
    readonly memory?: number;
    /** "arm64" (Graviton) or "x86_64". @default "arm64" */
    readonly cpuArchitecture?: string;
    /** Tasks at first deployment; scaling takes over after. @default 2 */
    readonly desiredCapacity?: number;
    readonly environment?: { [name: string]: pulumi.Input<string> };
    /** Environment variables from Secrets Manager or SSM Parameter Store ARNs. */
    readonly secrets?: { [name: string]: pulumi.Input<string> };
    /** HTTP path the target group and the container health check probe. @default "/health"; "/grpc.health.v1.Health/Check" for "grpc" */
    readonly healthCheckPath?: string;
    /** Container health check command. @default ["CMD-SHELL", "curl -fsS http://localhost:<port><healthCheckPath> || exit 1"] */
    readonly containerHealthCheckCommand?: string[];
    /** Reachable only through Service Connect, without a load balancer. @default false */
    readonly internal?: boolean;
    /**
     * Expose the service through a Network Load Balancer of its own instead of the ALB (TCP, UDP or TLS listeners, PrivateLink);
     * then no paths, hosts or priority. A UDP service is not published in Service Connect, which carries TCP only. @default none (the ALB)
     */
    readonly nlb?: MicroserviceNlbSpec;
    /** ALB path patterns routed to this service, e.g. ["/api/orders/*"]. */
    readonly paths?: string[];
    /** ALB host headers routed to this service, e.g. ["shop.example.com"]. */
    readonly hosts?: string[];
    /** Listener rule priority, 1 to 50000, unique; lower wins. Fixed per service so adding one never renumbers others. */
    readonly priority?: number;
    /** Seconds the ALB lets in-flight requests finish on a deregistering task (0 to 3600). @default 30 */
    readonly deregistrationDelaySeconds?: number;
    /** Target 5xx responses per minute that roll a deployment back. @default 10 */
    readonly rollbackOn5xxPerMinute?: number;
    /** Deployment strategy; internal services deploy ROLLING. @default { strategy: "ROLLING" } */
    readonly deployment?: DeploymentArgs;
    /** Auto scaling; `requestsPerTarget` uses this service's target group. @default { minCapacity: 2, maxCapacity: 10, cpuTargetPercent: 60 } */
    readonly scaling?: ServiceScalingArgs;
    /** Capacity providers. @default [{ capacityProvider: "FARGATE", weight: 1 }] */
    readonly capacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** Allow ECS Exec into the tasks. @default false */
    readonly enableExecuteCommand?: boolean;
    /** Sidecar containers (log routers, agents). @default [] */
    readonly sidecars?: ContainerSpec[];
    /** IAM policy document (JSON) for the application's task role. @default none */
    readonly taskRolePolicy?: pulumi.Input<string>;
    /** Customer managed keys of the referenced secrets. @default [] */
    readonly secretsKmsKeyArns?: pulumi.Input<string>[];
    /**
     * EFS volumes of the service (a new file system in every private subnet's zone, or `fileSystemId`), each with
     * its own access point; mount them with `mountPoints`. @default []
     */
    readonly efsVolumes?: EfsVolumeArgs[];
    /** Volumes mounted into the application container, e.g. [{ sourceVolume: "data", containerPath: "/data" }]. @default [] */
    readonly mountPoints?: ContainerMountPoint[];
}

/** The settings that are the same in every region (the regional ones are in MicroservicesSettings). */
export interface SharedMicroservicesSettings {
    readonly services: MicroserviceSpec[];
    /** TLS policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
    readonly sslPolicy?: string;
    /** Client ranges allowed to reach the ALB. @default ["0.0.0.0/0"] */
    readonly allowedCidrs?: string[];
    /** ALB deletion protection. @default true */
    readonly deletionProtection?: boolean;
    /** Prefix of access log objects. @default the component name */
    readonly accessLogsPrefix?: string;
    /** ALB idle timeout in seconds (1 to 4000). @default 60 */
    readonly idleTimeoutSeconds?: number;
    /** Cloud Map namespace name for Service Connect. @default the component name */
    readonly namespaceName?: string;
    /** Container Insights level. @default "enhanced" */
    readonly containerInsights?: string;
    /** Log retention of every service's log group. @default 30 */
    readonly logRetentionInDays?: number;
    /**
     * Number of private subnets (zones): created EFS file systems put a mount target in each. Needed with `efsVolumes`
     * that create a file system when `privateSubnetIds` is an output (e.g. a RegionalNetwork's). @default the length of privateSubnetIds
     */
    readonly azCount?: number;
}

/** Everything but the network, so a stack can validate before it builds the networks. */
export interface MicroservicesSettings extends SharedMicroservicesSettings {
    /** ACM certificate (same region) for HTTPS; without it the ALB serves plain HTTP only. @default none */
    readonly certificateArn?: pulumi.Input<string>;
    /** S3 bucket for ALB access logs (same region; its policy must allow ELB log delivery). @default none (off) */
    readonly accessLogsBucket?: string;
}

export interface FargateMicroservicesArgs extends MicroservicesSettings {
    readonly vpcId: pulumi.Input<string>;
    /** Public subnets for the ALB, one per availability zone. */
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnets for the tasks, one per availability zone (checklist C15). */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

export interface ResolvedService {
    spec: MicroserviceSpec;
    port: number;
    healthCheckPath: string;
    internal: boolean;
    nlb?: ResolvedNlb;
    priority: number;
    paths: string[];
    hosts: string[];
    deregistrationDelaySeconds: number;
    rollbackOn5xxPerMinute: number;
    deployment: ResolvedDeployment;
    scaling: ResolvedScaling;
    task: ResolvedTaskDefinitionArgs;
}

export interface ResolvedSettings {
    services: ResolvedService[];
    sslPolicy: string;
    allowedCidrs: string[];
    deletionProtection: boolean;
    idleTimeoutSeconds: number;
    containerInsights: string;
    logRetentionInDays: number;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** The main container of a service, with the image still a placeholder when it comes from a repository. */
export function mainContainer(s: MicroserviceSpec, image: pulumi.Input<string>, port: number, healthCheckPath: string): ContainerSpec {
    const udp = (s.nlb?.listeners ?? []).some((l) => l.protocol === "UDP");
    return {
        name: s.name,
        image,
        environment: s.environment,
        secrets: s.secrets,
        mountPoints: s.mountPoints,
        portMappings: [udp ? { containerPort: port, name: s.name, protocol: "udp" } : { containerPort: port, name: s.name, appProtocol: s.appProtocol ?? "http" }],
        healthCheck: { command: s.containerHealthCheckCommand ?? ["CMD-SHELL", `curl -fsS http://localhost:${port}${healthCheckPath} || exit 1`] },
    };
}

/** The standard gRPC health checking service (grpc/grpc doc/health-checking.md), answered with status 0 when serving. */
const GRPC_HEALTH_PATH = "/grpc.health.v1.Health/Check";

function resolveService(errors: ArgumentErrors, s: MicroserviceSpec, i: number, logRetentionInDays: number, https: boolean,
    azCount: number | undefined, allowedCidrs: string[]): ResolvedService {
    const p = `services[${i}].`;
    errors.require(typeof s.name === "string" && SERVICE_NAME.test(s.name), `${p}name`,
        `${show(s.name)} is not a service name; use a lowercase letter then up to 23 lowercase letters, digits or -`);
    rejectRenamed(errors, p, s, { imageTag: "tag", desiredCount: "desiredCapacity" });
    checkImageSource(errors, p, s);
    const port = s.port ?? 8080;
    errors.require(Number.isInteger(port) && port >= 1 && port <= 65535, `${p}port`, `${show(port)} is not a port from 1 to 65535`);
    const grpc = s.appProtocol === "grpc";
    const healthCheckPath = s.healthCheckPath ?? (grpc ? GRPC_HEALTH_PATH : "/health");
    errors.require(healthCheckPath.startsWith("/"), `${p}healthCheckPath`, `${show(healthCheckPath)} must start with /`);
    const internal = s.internal ?? false;
    if (grpc) {
        // "To use [gRPC] on your ALB, choose HTTPS as your listener protocol" (AWS What's New, 2020-10-29,
        // "Application Load Balancers enables gRPC workloads with end to end HTTP/2 support").
        errors.require(internal || https, `${p}appProtocol`,
            `"grpc" behind the load balancer needs certificateArn: the ALB serves gRPC on HTTPS listeners only; give a certificate or set internal to true`);
        // The default check is curl over HTTP/1.1, which a gRPC server does not answer.
        errors.require(s.containerHealthCheckCommand !== undefined, `${p}containerHealthCheckCommand`,
            `is missing for a "grpc" service; give a command that speaks gRPC, e.g. ["CMD", "/bin/grpc_health_probe", "-addr=:${port}"]`);
    }
    const paths = s.paths ?? [];
    const hosts = s.hosts ?? [];
    const deployment = resolveDeployment(errors, `${p}deployment.`, s.deployment);
    const nlb = s.nlb ? resolveNlb(errors, `${p}nlb.`, s.nlb, port, https, allowedCidrs) : undefined;
    const scaling = resolveScaling(errors, `${p}scaling.`, s.scaling ?? {}, !internal && !nlb);
    const task = resolveTaskDefinitionArgs({
        cpu: s.cpu, memory: s.memory, cpuArchitecture: s.cpuArchitecture, logRetentionInDays,
        containers: [mainContainer(s, "image", port, healthCheckPath), ...(s.sidecars ?? [])],
        efsVolumes: s.efsVolumes, efsNetwork: { vpcId: "", privateSubnetIds: pulumi.output([]), azCount: azCount },
    }, errors, p, (c) => c === 0 ? `services[${i}]` : `${p}sidecars[${c - 1}]`, s.name, "azCount");
    // The service-level rules (strategy, counts) are the shared block's; alarms and targets are filled in later.
    resolveServiceArgs({
        clusterArn: "", clusterName: "", taskDefinitionArn: "", vpcId: "", privateSubnetIds: [],
        desiredCapacity: s.desiredCapacity, capacityProviderStrategy: s.capacityProviderStrategy,
    }, errors, p);
    if (nlb) {
        errors.require(!internal, `${p}internal`, "is true together with nlb; an internal service has no load balancer, use nlb.internal for an NLB inside the VPC");
        errors.require(paths.length === 0 && hosts.length === 0 && s.priority === undefined, `${p}nlb`,
            "routes whole connections, not paths; remove paths, hosts and priority, or remove nlb to use the ALB");
        errors.require(deployment.strategy === "ROLLING", `${p}deployment.strategy`,
            `${show(deployment.strategy)} shifts ALB listener rules; a service behind an NLB deploys "ROLLING"`);
        errors.require(s.scaling?.requestsPerTarget === undefined, `${p}scaling.requestsPerTarget`, "counts ALB requests; a service behind an NLB scales on CPU, memory or custom metrics");
    } else if (internal) {
        errors.require(paths.length === 0 && hosts.length === 0 && s.priority === undefined, `${p}internal`,
            "an internal service has no load balancer; remove paths, hosts and priority or set internal to false");
        errors.require(deployment.strategy === "ROLLING", `${p}deployment.strategy`,
            `${show(deployment.strategy)} needs the load balancer to shift traffic; internal services deploy "ROLLING"`);
        errors.require(s.scaling?.requestsPerTarget === undefined, `${p}scaling.requestsPerTarget`, "needs a load balancer; internal services have none");
    } else {
        errors.require(paths.length + hosts.length > 0, `${p}paths`, "is empty and so is hosts; route at least one path or host, or set internal to true");
        errors.require(paths.length + hosts.length <= 5, `${p}paths`,
            `${show([...paths, ...hosts])} has ${paths.length + hosts.length} values; an ALB rule takes at most 5 path and host values`);
        errors.require(s.priority !== undefined && Number.isInteger(s.priority) && s.priority >= 1 && s.priority <= 50000, `${p}priority`,
            `${show(s.priority ?? "(unset)")} is not a listener rule priority; give a whole number from 1 to 50000, unique per service`);
        errors.require(deployment.strategy === "ROLLING" || s.scaling?.requestsPerTarget === undefined, `${p}scaling.requestsPerTarget`,
            `cannot follow one target group while strategy ${show(deployment.strategy)} alternates two; use CPU or memory targets`);
    }
    const r: ResolvedService = {
        spec: s, port, healthCheckPath, internal, nlb, priority: s.priority ?? 0, paths, hosts,
        deregistrationDelaySeconds: s.deregistrationDelaySeconds ?? 30,
        rollbackOn5xxPerMinute: s.rollbackOn5xxPerMinute ?? 10,
        deployment, scaling, task,
    };
    errors.require(Number.isInteger(r.deregistrationDelaySeconds) && r.deregistrationDelaySeconds >= 0 && r.deregistrationDelaySeconds <= 3600,
        `${p}deregistrationDelaySeconds`, `${show(r.deregistrationDelaySeconds)} is not a whole number of seconds from 0 to 3600`);
    errors.require(Number.isInteger(r.rollbackOn5xxPerMinute) && r.rollbackOn5xxPerMinute >= 1, `${p}rollbackOn5xxPerMinute`,
        `${show(r.rollbackOn5xxPerMinute)} is not a whole number of at least 1`);
    return r;
}

/** Two rules match the same requests when they share a host set and a path; the later one would never be reached. */
function checkRoutes(errors: ArgumentErrors, services: ResolvedService[]): void {
    const seen = new Map<string, string>();
    services.forEach((s, i) => {
        if (s.internal || s.nlb) {
            return;
        }
        const hostKey = [...s.hosts].sort().join(",") || "(any host)";
        for (const path of s.paths.length > 0 ? s.paths : ["(any path)"]) {
            const key = `${hostKey} ${path}`;
            const owner = seen.get(key);
            errors.require(owner === undefined, `services[${i}].paths`,
                `path ${show(path)} on ${hostKey} of service ${show(s.spec.name)} is already routed to service ${show(owner)}; each path and host pair may go to one service`);
            seen.set(key, s.spec.name);
        }
    });
    const exposed = services.filter((s) => !s.internal && !s.nlb);
    for (const dup of duplicates(exposed.map((s) => String(s.priority)))) {
        const owners = exposed.filter((s) => String(s.priority) === dup).map((s) => show(s.spec.name));
        errors.require(false, "services", `listener rule priority ${dup} is used by services ${owners.join(" and ")}; priorities must be unique`);
    }
}

export function resolveMicroservicesSettings(settings: MicroservicesSettings): ResolvedSettings {
    const errors = new ArgumentErrors("FargateMicroservices");
    const logRetentionInDays = settings.logRetentionInDays ?? 30;
    errors.require(LOG_RETENTION_DAYS.includes(logRetentionInDays), "logRetentionInDays",
        `${show(logRetentionInDays)} is not a CloudWatch Logs retention; allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
    const specs = settings.services ?? [];
    errors.require(specs.length > 0, "services", "is empty; give at least one service");
    const services = specs.map((s, i) => resolveService(errors, s, i, logRetentionInDays, settings.certificateArn !== undefined,
        settings.azCount ?? (Array.isArray((settings as Partial<FargateMicroservicesArgs>).privateSubnetIds)
            ? ((settings as Partial<FargateMicroservicesArgs>).privateSubnetIds as unknown[]).length : undefined),
        settings.allowedCidrs ?? ["0.0.0.0/0"]));
    for (const dup of duplicates(specs.map((s) => s.name))) {
        errors.require(false, "services", `service name ${show(dup)} appears more than once; names must be unique`);
    }
    checkRoutes(errors, services);
    const r: ResolvedSettings = {
        services,
        sslPolicy: settings.sslPolicy ?? "ELBSecurityPolicy-TLS13-1-2-2021-06",
        allowedCidrs: settings.allowedCidrs ?? ["0.0.0.0/0"],
        deletionProtection: settings.deletionProtection ?? true,
        idleTimeoutSeconds: settings.idleTimeoutSeconds ?? 60,
        containerInsights: settings.containerInsights ?? "enhanced",
        logRetentionInDays,
    };
    errors.require(/^ELBSecurityPolicy-/.test(r.sslPolicy), "sslPolicy", `${show(r.sslPolicy)} is not an ELB security policy name (ELBSecurityPolicy-…)`);
    r.allowedCidrs.forEach((c, i) => errors.require(CIDR.test(c), `allowedCidrs[${i}]`, `${show(c)} is not an IPv4 CIDR block`));
    errors.require(Number.isInteger(r.idleTimeoutSeconds) && r.idleTimeoutSeconds >= 1 && r.idleTimeoutSeconds <= 4000, "idleTimeoutSeconds",
        `${show(r.idleTimeoutSeconds)} is not a whole number of seconds from 1 to 4000`);
    errors.require(CONTAINER_INSIGHTS.includes(r.containerInsights), "containerInsights",
        `${show(r.containerInsights)} is not a Container Insights setting; allowed: ${CONTAINER_INSIGHTS.join(", ")}`);
    checkArgumentKeys(errors, "FargateMicroservices", settings);
    errors.throwIfAny();
    return r;
}
