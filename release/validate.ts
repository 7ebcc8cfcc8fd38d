/**
 * Release validation of one region: polls ECS, CloudWatch and Route 53 until every check passes, one
 * fails for good, or the time limit passes. Checks, in the words of the AWS APIs:
 * - each service's latest service deployment (ListServiceDeployments) is SUCCESSFUL, not ROLLBACK_*
 *   or STOPPED, and DescribeServices shows one deployment, PRIMARY, rolloutState COMPLETED;
 * - the alarms on each service's deployment configuration (the 5xx alarms that roll it back) are OK;
 * - the region's Route 53 health check is healthy: Route 53 counts an endpoint healthy when more than
 *   18% of its checkers report it healthy (Route 53 Developer Guide, "How Route 53 determines whether a
 *   health check is healthy"); GetHealthCheckStatus gives each checker's last report.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";

export interface RegionTarget {
    readonly region: string;
    /** ECS services by cluster. */
    readonly services: { readonly cluster: string; readonly services: readonly string[] }[];
    /** The region's Route 53 health check; none before the edge stack first deployed. */
    readonly healthCheckId?: string;
}

export interface ValidationClients {
    readonly ecs: ECSClient;
    readonly cloudwatch: CloudWatchClient;
    readonly route53: Route53Client;
}

/** Time, injectable so tests need no real waiting. */
export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export interface ValidationOptions {
    /** Give up after this long. @default 30 minutes */
    readonly timeoutMs?: number;
    /** Between polls. @default 30 s */
    readonly pollMs?: number;
    readonly clock?: Clock;
}

export interface ValidationResult {
    readonly ok: boolean;
    /** One line per check that did not pass (empty when ok). */
    readonly problems: string[];
    /** Why it stopped: every check passed, one failed for good, or the time limit. */
    readonly outcome: "healthy" | "failed" | "timeout";
}

/** Route 53's threshold: healthy when more than this share of checkers report healthy. */
const HEALTHY_SHARE = 0.18;

interface Round {
    /** Checks that failed and will not recover by waiting (a rollback, an alarm). */
    readonly fatal: string[];
    /** Checks not passed yet. */
    readonly pending: string[];
}

/** Polls until the region is healthy, a check fails for good, or the time limit passes. */
export async function validateRegion(clients: ValidationClients, target: RegionTarget, options: ValidationOptions = {}): Promise<ValidationResult> {
    const clock = options.clock ?? REAL_CLOCK;
    const timeoutMs = options.timeoutMs ?? 30 * 60_000;
    const pollMs = options.pollMs ?? 30_000;
    const deadline = clock.now() + timeoutMs;
    for (;;) {
        const round = await checkOnce(clients, target);
        if (round.fatal.length > 0) {
            return { ok: false, outcome: "failed", problems: [...round.fatal, ...round.pending] };
        }
        if (round.pending.length === 0) {
            return { ok: true, outcome: "healthy", problems: [] };
        }
        if (clock.now() + pollMs > deadline) {
            return { ok: false, outcome: "timeout", problems: round.pending.map((p) => `${p} (after ${Math.round(timeoutMs / 1000)} s)`) };
        }
        await clock.sleep(pollMs);
    }
}

async function checkOnce(clients: ValidationClients, target: RegionTarget): Promise<Round> {
    const fatal: string[] = [];
    const pending: string[] = [];
    const alarmNames: string[] = [];
    for (const { cluster, services } of target.services) {
        if (services.length === 0) {
            continue;
        }
        const described = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [...services] }));
        for (const f of described.failures ?? []) {
            fatal.push(`${cluster}/${f.arn ?? "?"}: ${f.reason ?? "not found"}`);
        }
        for (const svc of described.services ?? []) {
            const name = `${cluster}/${svc.serviceName}`;
            const latest = (await clients.ecs.send(new ListServiceDeploymentsCommand({ cluster, service: svc.serviceName })))
                .serviceDeployments?.[0];
            const status = latest?.status;
            if (status?.startsWith("ROLLBACK") || status === "STOPPED" || status === "STOP_REQUESTED") {
                fatal.push(`${name}: its latest deployment is ${status}${latest?.statusReason ? ` (${latest.statusReason})` : ""}`);
            } else if (status !== undefined && status !== "SUCCESSFUL") {
                pending.push(`${name}: its latest deployment is ${status}`);
            }
            const deployments = svc.deployments ?? [];
            const primary = deployments.find((d) => d.status === "PRIMARY");
            if (primary?.rolloutState === "FAILED") {
                fatal.push(`${name}: the primary deployment FAILED${primary.rolloutStateReason ? ` (${primary.rolloutStateReason})` : ""}`);
            } else if (deployments.length !== 1 || primary?.rolloutState !== "COMPLETED") {
                pending.push(`${name}: not steady (${deployments.length} deployments, primary ${primary?.rolloutState ?? "missing"})`);
            }
            alarmNames.push(...(svc.deploymentConfiguration?.alarms?.alarmNames ?? []));
        }
    }
    if (alarmNames.length > 0) {
        const found = new Map<string, string | undefined>();
        // DescribeAlarms takes at most 100 names per call (CloudWatch API Reference, AlarmNames).
        for (let i = 0; i < alarmNames.length; i += 100) {
            const res = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: alarmNames.slice(i, i + 100), AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
            for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
                found.set(a.AlarmName!, a.StateValue);
            }
        }
        for (const name of alarmNames) {
            const state = found.get(name);
            if (state === "ALARM") {
                fatal.push(`alarm ${name} is in ALARM`);
            } else if (state !== "OK") {
                pending.push(`alarm ${name} is ${state ?? "missing"}`);
            }
        }
    }
    if (target.healthCheckId) {
        const res = await clients.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: target.healthCheckId }));
        const reports = res.HealthCheckObservations ?? [];
        const healthy = reports.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
        if (reports.length === 0 || healthy / reports.length <= HEALTHY_SHARE) {
            pending.push(`Route 53 health check ${target.healthCheckId} is unhealthy (${healthy} of ${reports.length} checkers report healthy)`);
        }
    }
    return { fatal, pending };
}
