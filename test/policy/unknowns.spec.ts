import * as assert from "node:assert/strict";
import { ecsStack, fixtures } from "./fixtures";
import { TestResource, UNKNOWN, validateResource, validateStack, variant } from "./harness";
import { APP_MESH_TYPES } from "../../policy/ecs";
import { KARPENTER_LEGACY_TYPES } from "../../policy/kubernetes";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./all";

/**
 * In preview many inputs are unknown. CrossGuard survives a policy that trips over one (it reports an
 * advisory "can't run during preview"), but anything else a policy throws fails the whole preview. These
 * tests feed every policy every fixture with its values unknown or absent and require that nothing is
 * thrown at all, not even the UnknownValueError CrossGuard would absorb (that advisory is noise).
 */

function unknownOf(v: unknown): string {
    if (Array.isArray(v)) return UNKNOWN.array;
    if (typeof v === "number") return UNKNOWN.number;
    if (typeof v === "boolean") return UNKNOWN.boolean;
    if (v !== null && typeof v === "object") return UNKNOWN.object;
    return UNKNOWN.string;
}

/** Every top-level property unknown. */
function topUnknown(r: TestResource): TestResource {
    return { ...r, props: Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, unknownOf(v)])) };
}

/** Every leaf unknown, with structure kept (JSON strings become unknown strings). */
function leavesUnknown(r: TestResource): TestResource {
    const walk = (v: unknown): unknown => Array.isArray(v) ? v.map(walk) :
        v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : unknownOf(v);
    return { ...r, props: walk(r.props) as Record<string, unknown> };
}

/** Every array and nested object unknown, one level below the top. */
function containersUnknown(r: TestResource): TestResource {
    const inner = (v: unknown): unknown => v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x !== null && typeof x === "object" ? unknownOf(x) : x])) : v;
    return { ...r, props: Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, Array.isArray(v) ? UNKNOWN.array : inner(v)])) };
}

const absent = (r: TestResource): TestResource => ({ ...r, props: {} });
const unknownRegion = (r: TestResource): TestResource => ({ ...r, region: r.region === undefined ? undefined : UNKNOWN.string });

const POD_SPEC = fixtures.deployment().props.spec.template.spec;
const template = { metadata: { labels: { app: "orders" } }, spec: POD_SPEC };
const WORKLOADS: TestResource[] = [
    { type: "kubernetes:core/v1:Pod", name: "pod", props: { apiVersion: "v1", kind: "Pod", spec: POD_SPEC } },
    ...["StatefulSet", "DaemonSet", "ReplicaSet"].map((kind) => ({ type: `kubernetes:apps/v1:${kind}`, name: kind.toLowerCase(), props: { apiVersion: "apps/v1", kind, spec: { template } } })),
    { type: "kubernetes:batch/v1:Job", name: "job", props: { apiVersion: "batch/v1", kind: "Job", spec: { template } } },
    { type: "kubernetes:batch/v1:CronJob", name: "cron", props: { apiVersion: "batch/v1", kind: "CronJob", spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } } },
];
/** Resources that violate by their type alone (App Mesh, removed Karpenter APIs): reported whatever their values. */
const TYPE_ONLY: TestResource[] = [
    ...APP_MESH_TYPES.map((type) => ({ ...fixtures.mesh(), type })),
    ...KARPENTER_LEGACY_TYPES.map((type) => ({ type, name: "legacy", props: { apiVersion: type.split(":")[1], kind: type.split(":")[2], spec: { limits: {} } } })),
];
const ALL_FIXTURES: TestResource[] = [
    ...Object.entries(fixtures).filter(([k]) => !["subnet", "addon", "mesh"].includes(k)).map(([, f]) => (f as () => TestResource)()),
    fixtures.targetGroup("aws:alb/targetGroup:TargetGroup"), fixtures.listener("aws:alb/listener:Listener"),
    fixtures.addon("coredns"), fixtures.subnet("us-east-1a", "subnet-a"),
    { ...variant(fixtures.rolePolicy(), "props.role", undefined), type: "aws:iam/policy:Policy", name: "shared-read" },
    ...WORKLOADS, ...TYPE_ONLY,
];
const TRANSFORMS: [string, (r: TestResource) => TestResource][] = [
    ["every top-level input unknown", topUnknown],
    ["every leaf unknown", leavesUnknown],
    ["every list and nested object unknown", containersUnknown],
    ["every input absent", absent],
    ["the provider's region unknown", (r) => unknownRegion(leavesUnknown(r))],
];

describe("policy: unknown and absent values (preview)", () => {
    it("the fixtures cover every type every resource policy checks", () => {
        const covered = new Set(ALL_FIXTURES.map((r) => r.type));
        const unchecked = RESOURCE_POLICIES.flatMap((p) => ((p as unknown as { types: string[] }).types ?? []).filter((t) => !covered.has(t)));
        assert.deepEqual(unchecked, []);
    });

    for (const [label, transform] of TRANSFORMS) {
        it(`no resource policy throws with ${label}`, async () => {
            for (const policy of RESOURCE_POLICIES) {
                for (const fixture of ALL_FIXTURES) {
                    const r = transform(fixture);
                    const outcome = await validateResource(policy, r).catch((e: Error) => {
                        throw new Error(`${policy.name} threw on ${r.type} (${label}): ${e.stack}`);
                    });
                    assert.equal(outcome.unknownErrors, 0, `${policy.name} read an unknown value of ${r.type} (${label})`);
                    if ((transform === topUnknown || transform === leavesUnknown) && !TYPE_ONLY.includes(fixture)) {
                        assert.deepEqual(outcome.messages, [], `${policy.name} judged ${r.type} on unknown values (${label})`);
                    }
                }
            }
        });

        it(`no stack policy throws with ${label}`, async () => {
            for (const policy of STACK_POLICIES) {
                for (const resources of [ALL_FIXTURES.filter((f) => !TYPE_ONLY.includes(f)), ecsStack()]) {
                    const outcome = await validateStack(policy, resources.map(transform)).catch((e: Error) => {
                        throw new Error(`${policy.name} threw (${label}): ${e.stack}`);
                    });
                    assert.equal(outcome.unknownErrors, 0, `${policy.name} read an unknown value (${label})`);
                    if (transform === topUnknown || transform === leavesUnknown) {
                        assert.deepEqual(outcome.messages, [], `${policy.name} judged unknown values (${label})`);
                    }
                }
            }
        });
    }
});
