import * as assert from "node:assert/strict";
import { ec2Service, ecsStack, fixtures, taskDefinition } from "./fixtures";
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
    { ...fixtures.repositoryPolicy(), type: "aws:ecr/registryPolicy:RegistryPolicy", name: "registry-pull" },
    { ...fixtures.loadBalancer(), type: "aws:alb/loadBalancer:LoadBalancer" },
    { type: "aws:iam/policyAttachment:PolicyAttachment", name: "nodes-ssm-all", props: { policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", roles: ["nodes"] } },
    { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", name: "nodes-exclusive", props: { roleName: "nodes", policyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] } },
    ...WORKLOADS, ...TYPE_ONLY,
];

/**
 * Sound resources whose soundness rests on one value an unknown could hide: a FARGATE base with weight 0,
 * an EC2 daemon service without placement, a Windows task on X86_64, an HTTP listener that redirects, a
 * Gateway Load Balancer listener without a protocol.
 */
const EXEMPTIONS: TestResource[] = [
    { ...variant(fixtures.service(), "props.capacityProviderStrategies", [{ capacityProvider: "FARGATE", base: 1, weight: 0 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }]), name: "base-svc" },
    { ...variant(variant(ec2Service(), "props.orderedPlacementStrategies", undefined), "props.schedulingStrategy", "DAEMON"), name: "daemon-svc" },
    variant(variant(variant(taskDefinition(), "props.runtimePlatform", { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE", cpuArchitecture: "X86_64" }), "props.cpu", "1024"), "props.memory", "2048"),
    { ...variant(variant(fixtures.listener(), "props.protocol", "HTTP"), "props.defaultActions", [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]), name: "http-redirect" },
    { ...variant(variant(fixtures.listener(), "props.protocol", undefined), "props.loadBalancerArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/inspect/1"), name: "gwlb-listener" },
    { ...variant(fixtures.lifecyclePolicy(), "props.policy", JSON.parse(fixtures.lifecyclePolicy().props.policy)), name: "lifecycle-object" },
];
/** Faulty resources: an unknown value may hide their fault, never add one. */
const FAULTS: TestResource[] = [
    { ...variant(variant(ec2Service(), "props.orderedPlacementStrategies", undefined), "props.launchType", undefined), name: "default-launch-svc" },
    variant(fixtures.service(), "props.capacityProviderStrategies", [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]),
    variant(fixtures.repository(), "props.encryptionConfigurations", undefined),
    variant(fixtures.eksCluster(), "props.vpcConfig", { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }),
    variant(fixtures.nodePool(), "props.spec.template.spec.requirements.1", { key: "topology.kubernetes.io/zone", operator: "In", values: ["us-east-1a"] }),
];
const TRANSFORMS: [string, (r: TestResource) => TestResource][] = [
    ["every top-level input unknown", topUnknown],
    ["every leaf unknown", leavesUnknown],
    ["every list and nested object unknown", containersUnknown],
    ["every input absent", absent],
    ["the provider's region unknown", (r) => unknownRegion(leavesUnknown(r))],
];

/** Inputs @pulumi/aws accepts as objects as well as JSON strings (IAM and lifecycle documents): walked into too. */
const DOCUMENT_KEYS = ["policy", "assumeRolePolicy"];

function documentsAsObjects(r: TestResource): TestResource {
    const props = { ...r.props };
    for (const key of DOCUMENT_KEYS) {
        if (typeof props[key] === "string") {
            try {
                props[key] = JSON.parse(props[key]);
            } catch {
                // not a document
            }
        }
    }
    return { ...r, props };
}

/** Every node below the top of `v`: its path and value. */
function nodes(v: unknown, path: (string | number)[] = []): [(string | number)[], unknown][] {
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) :
        v !== null && typeof v === "object" ? Object.entries(v) : [];
    return children.flatMap(([k, x]) => [[[...path, k], x] as [(string | number)[], unknown], ...nodes(x, [...path, k])]);
}

/** `r` with the one value at `path` (under props) unknown. */
function unknownAt(r: TestResource, path: (string | number)[], value: unknown): TestResource {
    const copy = structuredClone(r) as { props: any };
    let cur = copy.props;
    for (const k of path.slice(0, -1)) cur = cur[k];
    cur[path[path.length - 1]] = unknownOf(value);
    return copy as unknown as TestResource;
}

/** Each variant of `r` with exactly one of its values (documents walked into) unknown. */
function singleUnknowns(r: TestResource): { label: string; r: TestResource }[] {
    return [r, documentsAsObjects(r)].flatMap((base, i) => nodes(base.props)
        .filter(([path]) => i === 0 || DOCUMENT_KEYS.includes(String(path[0])))
        .map(([path, value]) => ({ label: path.join("."), r: unknownAt(base, path, value) })));
}

const policyTypes = (p: unknown) => (p as { types?: readonly string[] }).types ?? [];

describe("policy: one unknown value never makes a violation", () => {
    it("the sound fixtures and exemptions are sound: no resource policy reports them", async () => {
        for (const fixture of [...ALL_FIXTURES.filter((f) => !TYPE_ONLY.includes(f)), ...EXEMPTIONS]) {
            for (const policy of RESOURCE_POLICIES.filter((p) => policyTypes(p).includes(fixture.type))) {
                assert.deepEqual((await validateResource(policy, fixture)).messages, [], `${policy.name} on ${fixture.name}`);
            }
        }
    });

    it("every resource policy, every value it can read: unknown, it adds no violation and is never read as such", async () => {
        let runs = 0;
        for (const fixture of [...ALL_FIXTURES.filter((f) => !TYPE_ONLY.includes(f)), ...EXEMPTIONS, ...FAULTS]) {
            for (const policy of RESOURCE_POLICIES.filter((p) => policyTypes(p).includes(fixture.type))) {
                const known = new Set((await validateResource(policy, fixture)).messages);
                for (const { label, r } of singleUnknowns(fixture)) {
                    const outcome = await validateResource(policy, r);
                    runs++;
                    assert.equal(outcome.unknownErrors, 0, `${policy.name} read unknown ${fixture.name}.${label}`);
                    assert.deepEqual(outcome.messages.filter((m) => !known.has(m)), [], `${policy.name} on ${fixture.name} with ${label} unknown`);
                }
            }
        }
        assert.ok(runs > 500, `only ${runs} runs`);
    });

    it("every stack policy, every value of an ECS stack (sound, with exemptions, with faults): unknown, it adds no violation", async () => {
        const stacks = [
            ecsStack(),
            [...ecsStack().filter((r) => r.name !== "orders-svc"), EXEMPTIONS[0]],
            [...ecsStack(), EXEMPTIONS[1], FAULTS[0]],
            [...ecsStack(), FAULTS[1]],
        ];
        for (const stack of stacks) {
            for (const policy of STACK_POLICIES) {
                const known = new Set((await validateStack(policy, stack)).messages);
                for (const [i, resource] of stack.entries()) {
                    for (const { label, r } of singleUnknowns(resource)) {
                        const outcome = await validateStack(policy, stack.map((x, j) => (j === i ? r : x)));
                        assert.equal(outcome.unknownErrors, 0, `${policy.name} read unknown ${resource.name}.${label}`);
                        assert.deepEqual(outcome.messages.filter((m) => !known.has(m)), [], `${policy.name} with ${resource.name}.${label} unknown`);
                    }
                }
            }
        }
    });
});

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
