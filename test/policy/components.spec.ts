import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { EcsCluster, EcsService, FargateTaskDefinition, FargateTaskDefinitionArgs, spotStrategy } from "../../components/ecs";
import { MockRun, runProgram } from "../harness";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./all";
import { TestResource, urnOf, validateResource, validateStack } from "./harness";

/**
 * The same issue-19 cases on our components' resources: a sound component program, then one argument
 * changed, run through every policy of the pack.
 */

const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf:password::";
const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/batch/worker:1.4.2";

/** A queue worker's task: no port mappings, a secret from Secrets Manager, plain settings. */
const workerTask = (environment: { [name: string]: string } = { QUEUE: "jobs" }): FargateTaskDefinitionArgs => ({
    cpu: 1024, memory: 2048, logsKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/logs",
    containers: [{ name: "worker", image: IMAGE, secrets: { DB_PASSWORD: SECRET }, environment, healthCheck: { command: ["CMD-SHELL", "true"] } }],
});

async function workerProgram(environment?: { [name: string]: string }, gpu = false): Promise<MockRun> {
    const run = await runProgram(() => {
        const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
        const cluster = gpu
            ? new EcsCluster("gpu", {
                containerInsights: "enabled",
                ec2Capacity: { privateSubnetIds: ["subnet-a", "subnet-b"], vpcId: "vpc-1", amiFamily: "BOTTLEROCKET", maxCapacity: 4 },
                defaultCapacityProviderStrategy: [{ capacityProvider: "EC2", weight: 1 }],
            }, { provider })
            : new EcsCluster("jobs", {}, { provider });
        const td = new FargateTaskDefinition("jobs-worker", workerTask(environment), { provider });
        new EcsService("jobs-worker", {
            clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, taskDefinitionArn: td.taskDefinitionArn,
            vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
            capacityProviderStrategy: gpu ? [{ capacityProvider: cluster.ec2CapacityProviderName!, weight: 1 }] : spotStrategy(1),
        }, { provider });
    });
    assert.equal(run.error, undefined, String(run.error));
    return run;
}

/** The custom resources of a run as the policy harness describes them, dependencies renamed to its URNs. */
function asTestResources(run: MockRun): TestResource[] {
    const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    const urns = new Map(custom.map((r) => [r.urn, urnOf(r.type, r.name)]));
    const rename = (list: string[]) => list.map((u) => urns.get(u)).filter((u): u is string => u !== undefined);
    return custom.map((r) => ({
        type: r.type, name: r.name, props: JSON.parse(JSON.stringify(r.inputs)), region: r.region,
        dependencies: rename(r.dependencies),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, rename(v)])),
    }));
}

/** Every violation the pack reports on the run: [policy, resource name, message]. */
async function violations(run: MockRun, config: { [policy: string]: object } = {}): Promise<[string, string, string][]> {
    const resources = asTestResources(run);
    const out: [string, string, string][] = [];
    for (const r of resources) {
        for (const p of RESOURCE_POLICIES.filter((x) => ((x as unknown as { types: string[] }).types ?? []).includes(r.type))) {
            (await validateResource(p, r, config[p.name] ?? {})).messages.forEach((m) => out.push([p.name, r.name, m]));
        }
    }
    const names = new Map(resources.map((r) => [urnOf(r.type, r.name), r.name]));
    for (const p of STACK_POLICIES) {
        const outcome = await validateStack(p, resources, config[p.name] ?? {});
        outcome.messages.forEach((m, i) => out.push([p.name, names.get(outcome.urns[i] ?? "") ?? "?", m]));
    }
    return out;
}

describe("policy on our components (issue 19 cases)", () => {
    it("a sound queue worker (cluster, task, Spot service) has no violation at all, c5 included", async () => {
        assert.deepEqual(await violations(await workerProgram()), []);
    });

    it("a password in a connection string is reported; references and settings named like secrets are not", async () => {
        const leaked = await violations(await workerProgram({ QUEUE: "jobs", DB_DSN: "postgresql://app:s3cr3t@db.internal/orders" }));
        assert.deepEqual(leaked, [["sec-no-plaintext-secrets", "jobs-worker-task", "jobs-worker-task: container worker sets DB_DSN as a plaintext environment value."]]);
        const references = await violations(await workerProgram({
            DB_SECRET_ARN: SECRET, SECRET_NAME: "orders/db", OAUTH_TOKEN_ENDPOINT: "https://auth.example.com/token", PASSWORD_MIN_LENGTH: "12", API_KEY_HEADER: "X-Api-Key",
        }));
        assert.deepEqual(references, []);
    });

    it("C15: the component places an EC2-backed service; the same service inheriting the cluster's EC2 default without placement is reported", async () => {
        const run = await workerProgram(undefined, true);
        assert.deepEqual(await violations(run), []);
        const resources = asTestResources(run);
        const service = resources.find((r) => r.type === "aws:ecs/service:Service")!;
        const { capacityProviderStrategies: _s, orderedPlacementStrategies: _p, ...inheriting } = service.props;
        const changed = resources.map((r) => (r === service ? { ...r, props: inheriting } : r));
        const outcome = await validateStack(STACK_POLICIES.find((p) => p.name === "c15-ec2-placement")!, changed);
        assert.deepEqual(outcome.messages, [
            `EC2-backed service ${service.name} does not spread on attribute:ecs.availability-zone then binpack (it runs on ${String(run.resources.find((r) => r.type === "aws:ecs/capacityProvider:CapacityProvider")!.inputs.name)} by its cluster's default).`,
        ]);
    });
});
