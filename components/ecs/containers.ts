import * as pulumi from "@pulumi/pulumi";
import { ArgumentErrors, isKnown, show } from "../validation";

/** A port a container listens on. */
export interface ContainerPortSpec {
    /** Port inside the task (awsvpc: also the port on the task's network interface). */
    readonly containerPort: number;
    /** Port name, referred to by Service Connect: lowercase letters, digits, _ and -. @default "<container>-<port>" */
    readonly name?: string;
    /** "http", "http2" or "grpc": gives Service Connect protocol-aware metrics. @default "http" */
    readonly appProtocol?: string;
    /** "tcp" or "udp" (a UDP port takes no appProtocol). @default "tcp" */
    readonly protocol?: string;
}

/** Docker HEALTHCHECK run by the ECS agent (ECS API HealthCheck). */
export interface ContainerHealthCheckSpec {
    /** ["CMD", ...] or ["CMD-SHELL", "..."]; exit 0 means healthy. */
    readonly command: string[];
    /** Seconds between checks, 5 to 300. @default 30 */
    readonly interval?: number;
    /** Seconds before a check fails, 2 to 60. @default 5 */
    readonly timeout?: number;
    /** Failures before the container is unhealthy, 1 to 10. @default 3 */
    readonly retries?: number;
    /** Grace period after start, 0 to 300 seconds. @default 30 */
    readonly startPeriod?: number;
}

/** One container of a task: the application or a sidecar. */
/** A container start-up dependency (task definition `dependsOn`). */
export interface ContainerDependency {
    readonly containerName: string;
    /** "START", "COMPLETE", "SUCCESS" or "HEALTHY". */
    readonly condition: string;
}

export interface ContainerSpec {
    /** Container name: letters, digits, _ and -, up to 255 characters. */
    readonly name: string;
    /** Image URI, e.g. from `repositoryUri(...)` plus a tag or digest. */
    readonly image: pulumi.Input<string>;
    /** The task stops when an essential container stops. @default true */
    readonly essential?: boolean;
    /** CPU units reserved for this container. @default none (shares the task's CPU) */
    readonly cpu?: number;
    /** Hard memory limit in MiB. @default none (the task's memory) */
    readonly memory?: number;
    readonly command?: string[];
    readonly entryPoint?: string[];
    /** Plain environment variables. Never put secrets here; use `secrets`. */
    readonly environment?: { [name: string]: pulumi.Input<string> };
    /**
     * Environment variables read at start from Secrets Manager (`arn:…:secretsmanager:…:secret:…`,
     * optionally with `:json-key:version-stage:version-id`) or SSM Parameter Store (`arn:…:ssm:…:parameter/…`).
     * The execution role may read exactly these.
     */
    readonly secrets?: { [name: string]: pulumi.Input<string> };
    readonly portMappings?: ContainerPortSpec[];
    /** Container health check; required on an essential container that exposes ports (checklist C10). */
    readonly healthCheck?: ContainerHealthCheckSpec;
    /** Mount the root filesystem read-only. @default true */
    readonly readonlyRootFilesystem?: boolean;
    /** User (and group) to run as, e.g. "1000:1000". @default the image's user */
    readonly user?: string;
    /** Start order: wait for other containers ("START", "COMPLETE", "SUCCESS" or "HEALTHY"). */
    readonly dependsOn?: ContainerDependency[];
    /** Seconds between SIGTERM and SIGKILL, 2 to 120. @default 30 */
    readonly stopTimeout?: number;
    /** NVIDIA GPUs reserved for this container (`resourceRequirements` type GPU); EC2 capacity with amiFamily "AL2023_GPU" only, never Fargate. @default none */
    readonly gpuCount?: number;
    /** Volumes of the task mounted into this container. @default [] */
    readonly mountPoints?: ContainerMountPoint[];
}

/** A task volume mounted into a container. */
export interface ContainerMountPoint {
    /** Name of the task's volume (e.g. an `efsVolumes[].name`). */
    readonly sourceVolume: string;
    /** Absolute path inside the container. */
    readonly containerPath: string;
    /** @default false */
    readonly readOnly?: boolean;
}

export interface ResolvedPort {
    containerPort: number;
    name: string;
    appProtocol?: string;
    protocol: string;
}

export interface ResolvedContainer extends Omit<ContainerSpec, "portMappings" | "healthCheck"> {
    essential: boolean;
    readonlyRootFilesystem: boolean;
    portMappings: ResolvedPort[];
    healthCheck?: Required<ContainerHealthCheckSpec>;
}

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const APP_PROTOCOLS: readonly string[] = ["http", "http2", "grpc"];
const DEPENDS_CONDITIONS = ["START", "COMPLETE", "SUCCESS", "HEALTHY"];

/** The ARN IAM grants on: a Secrets Manager ARN without its json-key/version suffix, or the parameter ARN. */
export function secretResourceArn(valueFrom: string): string {
    return valueFrom.includes(":secretsmanager:") ? valueFrom.split(":").slice(0, 7).join(":") : valueFrom;
}

/** Records an error unless `value` (when known) is a Secrets Manager secret or SSM parameter ARN. */
export function checkSecretArn(errors: ArgumentErrors, path: string, value: pulumi.Input<string>): void {
    if (isKnown(value)) {
        errors.require(SECRETS_MANAGER_ARN.test(value) || SSM_PARAMETER_ARN.test(value), path,
            `${show(value)} is not a secret ARN; allowed: a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) ` +
            `or an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>)`);
    }
}

function inRange(v: number, min: number, max: number): boolean {
    return Number.isInteger(v) && v >= min && v <= max;
}

function resolveHealthCheck(errors: ArgumentErrors, path: string, h: ContainerHealthCheckSpec): Required<ContainerHealthCheckSpec> {
    const r = { command: h.command, interval: h.interval ?? 30, timeout: h.timeout ?? 5, retries: h.retries ?? 3, startPeriod: h.startPeriod ?? 30 };
    errors.require(Array.isArray(r.command) && r.command.length >= 2 && ["CMD", "CMD-SHELL"].includes(r.command[0]), `${path}.command`,
        `${show(r.command)} must start with "CMD" or "CMD-SHELL" followed by the command`);
    errors.require(inRange(r.interval, 5, 300), `${path}.interval`, `${show(r.interval)} is not a whole number of seconds from 5 to 300`);
    errors.require(inRange(r.timeout, 2, 60), `${path}.timeout`, `${show(r.timeout)} is not a whole number of seconds from 2 to 60`);
    errors.require(inRange(r.retries, 1, 10), `${path}.retries`, `${show(r.retries)} is not a whole number from 1 to 10`);
    errors.require(inRange(r.startPeriod, 0, 300), `${path}.startPeriod`, `${show(r.startPeriod)} is not a whole number of seconds from 0 to 300`);
    return r;
}

/**
 * Resolves and validates the containers of one task; `path` is e.g. "containers". `containerPath`
 * names container i where an embedding component's user wrote it (default `<path>[i]`).
 */
export function resolveContainers(errors: ArgumentErrors, path: string, containers: readonly ContainerSpec[],
    containerPath: (i: number) => string = (i) => `${path}[${i}]`): ResolvedContainer[] {
    errors.require(containers.length > 0, path, "is empty; give at least one container");
    const names = containers.map((c) => c.name);
    const resolved = containers.map((c, i) => {
        const p = containerPath(i);
        errors.require(typeof c.name === "string" && CONTAINER_NAME.test(c.name), `${p}.name`,
            `${show(c.name)} is not a container name; use 1 to 255 letters, digits, _ or -`);
        const ports = (c.portMappings ?? []).map((m, j) => {
            const protocol = m.protocol ?? "tcp";
            const port = {
                containerPort: m.containerPort, name: m.name ?? `${String(c.name).toLowerCase()}-${m.containerPort}`, protocol,
                appProtocol: protocol === "udp" ? undefined : m.appProtocol ?? "http",
            };
            errors.require(protocol === "tcp" || protocol === "udp", `${p}.portMappings[${j}].protocol`, `${show(protocol)} is not a port protocol; allowed: tcp, udp`);
            errors.require(protocol !== "udp" || m.appProtocol === undefined, `${p}.portMappings[${j}].appProtocol`,
                `${show(m.appProtocol)} is set on a UDP port; app protocols describe TCP traffic, remove it`);
            errors.require(inRange(port.containerPort, 1, 65535), `${p}.portMappings[${j}].containerPort`, `${show(port.containerPort)} is not a port from 1 to 65535`);
            errors.require(PORT_NAME.test(port.name), `${p}.portMappings[${j}].name`,
                `${show(port.name)} is not a port name; use up to 64 lowercase letters, digits, _ or -, not starting with -`);
            errors.require(port.appProtocol === undefined || APP_PROTOCOLS.includes(port.appProtocol), `${p}.portMappings[${j}].appProtocol`,
                `${show(port.appProtocol)} is not an app protocol; allowed: ${APP_PROTOCOLS.join(", ")}`);
            return port;
        });
        for (const [env, arn] of Object.entries(c.secrets ?? {})) {
            errors.require(ENV_NAME.test(env), `${p}.secrets.${env}`, `${show(env)} is not an environment variable name`);
            checkSecretArn(errors, `${p}.secrets.${env}`, arn);
        }
        const essential = c.essential ?? true;
        errors.require(!essential || ports.length === 0 || c.healthCheck !== undefined, `${p}.healthCheck`,
            `is missing on essential container ${show(c.name)}, which exposes ports; give a health check command (checklist C10)`);
        (c.dependsOn ?? []).forEach((d, j) => {
            errors.require(names.includes(d.containerName) && d.containerName !== c.name, `${p}.dependsOn[${j}].containerName`,
                `${show(d.containerName)} is not another container of this task; allowed: ${names.filter((n) => n !== c.name).join(", ") || "(none)"}`);
            errors.require(DEPENDS_CONDITIONS.includes(d.condition), `${p}.dependsOn[${j}].condition`,
                `${show(d.condition)} is not a condition; allowed: ${DEPENDS_CONDITIONS.join(", ")}`);
        });
        if (c.gpuCount !== undefined) {
            errors.require(inRange(c.gpuCount, 1, 16), `${p}.gpuCount`, `${show(c.gpuCount)} is not a whole number of GPUs from 1 to 16`);
        }
        (c.mountPoints ?? []).forEach((m, j) => {
            errors.require(typeof m.containerPath === "string" && m.containerPath.startsWith("/"), `${p}.mountPoints[${j}].containerPath`,
                `${show(m.containerPath)} is not an absolute path`);
        });
        if (c.stopTimeout !== undefined) {
            errors.require(inRange(c.stopTimeout, 2, 120), `${p}.stopTimeout`, `${show(c.stopTimeout)} is not a whole number of seconds from 2 to 120`);
        }
        const { portMappings: _p, healthCheck: _h, ...rest } = c;
        return {
            ...rest,
            essential,
            readonlyRootFilesystem: c.readonlyRootFilesystem ?? true,
            portMappings: ports,
            healthCheck: c.healthCheck ? resolveHealthCheck(errors, `${p}.healthCheck`, c.healthCheck) : undefined,
        };
    });
    errors.require(new Set(names).size === names.length, path, `${show(names)} repeats a container name; names must be unique in a task`);
    errors.require(resolved.some((c) => c.essential), path, "has no essential container; mark at least one essential");
    return resolved;
}

/** awslogs settings shared by every container of a task. */
export interface LogSettings {
    group: pulumi.Input<string>;
    region: pulumi.Input<string>;
}

/**
 * The container definition ECS expects (RegisterTaskDefinition `containerDefinitions[]`), with awslogs
 * in non-blocking mode so a slow log stream never stalls the application (ECS "awslogs" options).
 */
export function containerDefinition(c: ResolvedContainer, logs: LogSettings): Record<string, unknown> {
    return {
        name: c.name,
        image: c.image,
        essential: c.essential,
        cpu: c.cpu,
        memory: c.memory,
        command: c.command,
        entryPoint: c.entryPoint,
        user: c.user,
        readonlyRootFilesystem: c.readonlyRootFilesystem,
        stopTimeout: c.stopTimeout,
        environment: Object.entries(c.environment ?? {}).map(([name, value]) => ({ name, value })),
        secrets: Object.entries(c.secrets ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
        portMappings: c.portMappings.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, name: p.name, appProtocol: p.appProtocol })),
        healthCheck: c.healthCheck,
        dependsOn: c.dependsOn,
        resourceRequirements: c.gpuCount ? [{ type: "GPU", value: String(c.gpuCount) }] : undefined,
        mountPoints: c.mountPoints?.map((m) => ({ sourceVolume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false })),
        logConfiguration: {
            logDriver: "awslogs",
            options: {
                "awslogs-group": logs.group,
                "awslogs-region": logs.region,
                "awslogs-stream-prefix": c.name,
                "mode": "non-blocking",
                "max-buffer-size": "25m",
            },
        },
    };
}
