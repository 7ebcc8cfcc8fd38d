/**
 * The release validation against mocked AWS responses (aws-sdk-client-mock): a healthy region passes,
 * a rolled-back deployment and an alarm in ALARM fail at once, an unhealthy health check and a
 * deployment still in progress fail at the time limit. The clock is simulated: nothing waits.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeServicesCommand, ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import * as assert from "node:assert/strict";
import { servicesIn } from "../../release/cli";
import { Clock, RegionTarget, validateRegion } from "../../release/validate";

const ecs = mockClient(ECSClient);
const cw = mockClient(CloudWatchClient);
const r53 = mockClient(Route53Client);
const clients = { ecs: new ECSClient({ region: "eu-west-1" }), cloudwatch: new CloudWatchClient({ region: "eu-west-1" }), route53: new Route53Client({ region: "us-east-1" }) };
const TARGET: RegionTarget = { region: "eu-west-1", services: [{ cluster: "app-eu-west-1", services: ["storefront", "orders"] }], healthCheckId: "hc-eu" };

/** A simulated clock: sleeping moves time on at once and counts the polls. */
function fakeClock(): Clock & { slept: number } {
    let t = 0;
    const clock = { slept: 0, now: () => t, sleep: async (ms: number) => { t += ms; clock.slept++; } };
    return clock;
}

function service(name: string, rolloutState = "COMPLETED", extra: object[] = []) {
    return {
        serviceName: name,
        deployments: [{ status: "PRIMARY", rolloutState }, ...extra],
        deploymentConfiguration: { alarms: { alarmNames: [`${name}-5xx`], enable: true, rollback: true } },
    };
}

function healthy(): void {
    ecs.on(DescribeServicesCommand).resolves({ services: [service("storefront"), service("orders")] });
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ status: "SUCCESSFUL" }] });
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "storefront-5xx", StateValue: "OK" }, { AlarmName: "orders-5xx", StateValue: "OK" }] });
    r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: Array.from({ length: 8 }, () => ({ StatusReport: { Status: "Success: HTTP Status Code 200, OK" } })) });
}

describe("release validation of a region", () => {
    beforeEach(() => {
        ecs.reset();
        cw.reset();
        r53.reset();
        healthy();
    });

    it("passes a healthy region on the first poll and asks about every service, alarm and the health check", async () => {
        const clock = fakeClock();
        const result = await validateRegion(clients, TARGET, { clock });
        assert.deepEqual(result, { ok: true, outcome: "healthy", problems: [] });
        assert.equal(clock.slept, 0);
        assert.deepEqual(ecs.commandCalls(DescribeServicesCommand)[0].args[0].input, { cluster: "app-eu-west-1", services: ["storefront", "orders"] });
        assert.deepEqual(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input.AlarmNames, ["storefront-5xx", "orders-5xx"]);
        assert.equal(r53.commandCalls(GetHealthCheckStatusCommand)[0].args[0].input.HealthCheckId, "hc-eu");
    });

    it("fails at once when a deployment was rolled back", async () => {
        ecs.on(ListServiceDeploymentsCommand, { service: "orders" }).resolves({ serviceDeployments: [{ status: "ROLLBACK_SUCCESSFUL", statusReason: "alarm orders-5xx" }] });
        const clock = fakeClock();
        const result = await validateRegion(clients, TARGET, { clock });
        assert.equal(result.outcome, "failed");
        assert.ok(result.problems.some((p) => p.includes("app-eu-west-1/orders") && p.includes("ROLLBACK_SUCCESSFUL")), result.problems.join("; "));
        assert.equal(clock.slept, 0);
    });

    it("fails at once when a 5xx alarm is in ALARM", async () => {
        cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "storefront-5xx", StateValue: "ALARM" }, { AlarmName: "orders-5xx", StateValue: "OK" }] });
        const result = await validateRegion(clients, TARGET, { clock: fakeClock() });
        assert.equal(result.outcome, "failed");
        assert.deepEqual(result.problems, ["alarm storefront-5xx is in ALARM"]);
    });

    it("fails at the time limit while the health check stays unhealthy, having polled until then", async () => {
        r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: Array.from({ length: 8 }, (_, i) => ({ StatusReport: { Status: i === 0 ? "Success: HTTP Status Code 200" : "Failure: Connection timed out" } })) });
        const clock = fakeClock();
        const result = await validateRegion(clients, TARGET, { clock, timeoutMs: 10 * 60_000, pollMs: 60_000 });
        assert.equal(result.outcome, "timeout");
        assert.match(result.problems[0], /health check hc-eu is unhealthy \(1 of 8 checkers/);
        assert.equal(clock.slept, 10);
        assert.ok(clock.now() <= 10 * 60_000);
    });

    it("waits for a deployment in progress and passes once it completes before the time limit", async () => {
        ecs.on(DescribeServicesCommand)
            .resolvesOnce({ services: [service("storefront", "IN_PROGRESS", [{ status: "ACTIVE", rolloutState: "COMPLETED" }]), service("orders")] })
            .resolves({ services: [service("storefront"), service("orders")] });
        const clock = fakeClock();
        const result = await validateRegion(clients, TARGET, { clock, pollMs: 30_000 });
        assert.equal(result.outcome, "healthy");
        assert.equal(clock.slept, 1);
    });

    it("times out on a deployment that never becomes steady", async () => {
        ecs.on(DescribeServicesCommand).resolves({ services: [service("storefront", "IN_PROGRESS"), service("orders")] });
        const result = await validateRegion(clients, TARGET, { clock: fakeClock(), timeoutMs: 5 * 60_000, pollMs: 60_000 });
        assert.equal(result.outcome, "timeout");
        assert.match(result.problems[0], /app-eu-west-1\/storefront: not steady \(1 deployments, primary IN_PROGRESS\)/);
    });

    it("reads the services from the stacks' output shapes", () => {
        assert.deepEqual(servicesIn({ clusterName: "c1", serviceNames: { a: "a-svc" } }, "eu-west-1"), [{ cluster: "c1", services: ["a-svc"] }]);
        assert.deepEqual(servicesIn({ regions: { "eu-west-1": { clusterName: "c2", serviceNames: { b: "b-svc" } } } }, "eu-west-1"), [{ cluster: "c2", services: ["b-svc"] }]);
        assert.deepEqual(servicesIn({ regions: { "us-east-1": { clusterName: "c3", serviceNames: {} } } }, "eu-west-1"), []);
    });
});
