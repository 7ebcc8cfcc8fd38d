/**
 * The mock engine: runs a Pulumi program in the SDK's mock runtime and records every registration
 * (inputs, options, outputs, provider and region), every invoke, and the stack's outputs, as the Pulumi
 * engine would see them during a preview. Data sources are answered by fixtures.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { serializeProperties, specialAssetSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { ALB_ZONE_IDS, INVOKE_FIXTURES, MOCK_ACCOUNT_ID } from "./fixtures";

/**
 * The SDK's deserialiser rejects an asset whose text is "" (`new pulumi.asset.StringAsset("")`: it tests the
 * text for truth), which the engine accepts. Such assets reach the SDK's mock monitor with this placeholder
 * text instead, and the wire forms recorded for the analyzer keep "" (issue 19).
 */
const EMPTY_ASSET_TEXT = "\u0000empty asset\u0000";

/** A copy of `v` with every asset whose text is `from` given the text `to`. */
function swapAssetText(v: any, from: string, to: string): any {
    if (Array.isArray(v)) {
        return v.map((x) => swapAssetText(x, from, to));
    }
    if (v === null || typeof v !== "object") {
        return v;
    }
    if (v[specialSigKey] === specialAssetSig && v.text === from && !v.path && !v.uri) {
        return { ...v, text: to };
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swapAssetText(x, from, to)]));
}

/** The resource type of `pulumi.StackReference`: the engine answers it with the named stack's outputs. */
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Outputs of another stack in wire form (unknowns as the unknown sentinel, secrets as secret signatures). */
export type StackOutputs = Record<string, any>;

/**
 * A registration, invoke or provider configuration in a region the drill took down: what the provider
 * reports when the region's endpoints do not answer.
 */
export class RegionDownError extends Error {
    constructor(readonly region: string, what: string) {
        super(`${what}: RequestError: send request failed: dial tcp: lookup endpoints of ${region}: i/o timeout (region ${region} is down in this drill)`);
        this.name = "RegionDownError";
    }
}

/** One registered resource as the engine saw it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    /** Parent URN; the stack resource has none. */
    readonly parent?: string;
    /** Provider reference `urn::id` of a custom resource, as the engine receives it. */
    readonly provider?: string;
    /** URN of that provider (or, for a component, of its `aws` provider). */
    readonly providerUrn?: string;
    /** Region of the provider the resource is registered with; undefined for a default provider. */
    region?: string;
    readonly inputs: Record<string, any>;
    readonly id?: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deleteBeforeReplace: boolean;
    readonly ignoreChanges: string[];
    readonly dependencies: string[];
    /** Input property → URNs it depends on, as the SDK reports them to the engine. */
    readonly propertyDependencies: { [property: string]: string[] };
    /** Alias URNs (alias specs collapsed the way the engine does). */
    readonly aliases: string[];
    readonly additionalSecretOutputs: string[];
    /** Custom timeouts as Go duration strings ("5m"); absent when none is set. */
    readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
    /** Whether `deleteBeforeReplace` was set explicitly (the engine passes this on to analyzers). */
    readonly deleteBeforeReplaceDefined: boolean;
    /** Package version the SDK asked for (names the engine's default provider). */
    readonly version?: string;
    /** Inputs in wire form (secrets, unknowns and resource references as signature objects). */
    readonly wireInputs: Record<string, any>;
    /** Outputs in wire form: the mock's state for a custom resource, `registerOutputs` for a component. */
    wireOutputs: Record<string, any>;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly args: Record<string, any>;
    readonly region?: string;
}

/** The outcome of one program run in the mock runtime. */
export class MockRun {
    readonly resources: RecordedResource[] = [];
    readonly invokes: RecordedInvoke[] = [];
    /** Stacks the program referenced (`pulumi.StackReference` names), in order. */
    readonly stackReferences: string[] = [];
    private readonly index = new Map<string, RecordedResource>();
    /** What the program returned (stack outputs), when it did not throw. */
    outputs: Record<string, unknown> | undefined;
    error: unknown;
    private signalFailure: () => void = () => undefined;
    /** Resolves when the program fails; a failed program may leave registrations that never finish. */
    readonly failed = new Promise<void>((resolve) => {
        this.signalFailure = resolve;
    });

    fail(err: unknown): void {
        this.error = this.error ?? err;
        this.signalFailure();
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
    /** The resource called `name` (of `type`, when names repeat across types). */
    named(name: string, type?: string): RecordedResource {
        const found = this.resources.find((r) => r.name === name && (type === undefined || r.type === type));
        if (!found) {
            throw new Error(`no resource named ${name}; have: ${this.resources.map((r) => r.name).join(", ")}`);
        }
        return found;
    }
    byUrn(urn: string): RecordedResource | undefined {
        return this.index.get(urn);
    }
    record(resource: RecordedResource): void {
        this.resources.push(resource);
        this.index.set(resource.urn, resource);
        this.onResource?.(resource);
    }
    /** Called with every registration as it completes (the plan starts its analysis from here). */
    onResource?: (resource: RecordedResource) => void;
    /** Called when a resource's outputs are registered after it (`registerOutputs`). */
    onOutputs?: (resource: RecordedResource) => void;
    /** Resources under `ancestorUrn` (children, grandchildren, …). */
    descendantsOf(ancestorUrn: string): RecordedResource[] {
        const byUrn = new Map(this.resources.map((r) => [r.urn, r]));
        return this.resources.filter((r) => {
            for (let p = r.parent; p; p = byUrn.get(p)?.parent) {
                if (p === ancestorUrn) {
                    return true;
                }
            }
            return false;
        });
    }
    /** Non-stack, non-provider resources: what a deployment would create. */
    get workload(): RecordedResource[] {
        return this.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
    }
}

/** Computed attributes AWS would return for a few types, so dependent inputs look real. */
function computedState(type: string, name: string, inputs: Record<string, any>, region: string | undefined): Record<string, any> {
    const r = region ?? "us-east-1";
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const state: Record<string, any> = {
        arn: `arn:aws:${service}:${r}:${MOCK_ACCOUNT_ID}:${name}`,
        ...inputs,
    };
    if (inputs.name === undefined && type.startsWith("aws:")) {
        state.name = inputs.namePrefix ? `${inputs.namePrefix}${name}` : `${name}-0000000`;
    }
    switch (type) {
        case "aws:ecr/repository:Repository":
            state.registryId = MOCK_ACCOUNT_ID;
            state.repositoryUrl = `${MOCK_ACCOUNT_ID}.dkr.ecr.${r}.amazonaws.com/${inputs.name}`;
            state.arn = `arn:aws:ecr:${r}:${MOCK_ACCOUNT_ID}:repository/${inputs.name}`;
            break;
        case "aws:iam/role:Role":
            state.arn = `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${state.name}`;
            break;
        case "aws:cloudwatch/logGroup:LogGroup":
            state.arn = `arn:aws:logs:${r}:${MOCK_ACCOUNT_ID}:log-group:${state.name}`;
            break;
        case "aws:kms/key:Key":
            state.arn = `arn:aws:kms:${r}:${MOCK_ACCOUNT_ID}:key/${name}`;
            state.keyId = name;
            break;
        case "aws:sqs/queue:Queue":
            state.arn = `arn:aws:sqs:${r}:${MOCK_ACCOUNT_ID}:${state.name}`;
            state.url = `https://sqs.${r}.amazonaws.com/${MOCK_ACCOUNT_ID}/${state.name}`;
            break;
        case "aws:ecs/taskDefinition:TaskDefinition":
            // Registered as revision 1 of its family.
            state.revision = 1;
            state.arn = `arn:aws:ecs:${r}:${MOCK_ACCOUNT_ID}:task-definition/${inputs.family}:1`;
            state.arnWithoutRevision = `arn:aws:ecs:${r}:${MOCK_ACCOUNT_ID}:task-definition/${inputs.family}`;
            break;
        case "aws:s3/bucket:Bucket":
            state.bucket = inputs.bucket ?? `${name}-0000000`;
            state.arn = `arn:aws:s3:::${state.bucket}`;
            state.bucketRegionalDomainName = `${state.bucket}.s3.${r}.amazonaws.com`;
            break;
        case "aws:sns/topic:Topic":
            state.arn = `arn:aws:sns:${r}:${MOCK_ACCOUNT_ID}:${state.name}`;
            break;
        case "aws:sfn/stateMachine:StateMachine":
            state.arn = `arn:aws:states:${r}:${MOCK_ACCOUNT_ID}:stateMachine:${state.name}`;
            break;
        case "aws:lb/loadBalancer:LoadBalancer":
            // Real shapes: arn ...:loadbalancer/app/<name>/<id>, arnSuffix app/<name>/<id>.
            state.arn = `arn:aws:elasticloadbalancing:${r}:${MOCK_ACCOUNT_ID}:loadbalancer/app/${name}/50dc6c495c0c9188`;
            state.arnSuffix = `app/${name}/50dc6c495c0c9188`;
            state.dnsName = `${name}-1234567890.${r}.elb.amazonaws.com`;
            state.zoneId = ALB_ZONE_IDS[r] ?? "Z35SXDOTRQ7X7K";
            break;
        case "aws:lb/targetGroup:TargetGroup":
            state.arn = `arn:aws:elasticloadbalancing:${r}:${MOCK_ACCOUNT_ID}:targetgroup/${name}/73e2d6bc24d8a067`;
            state.arnSuffix = `targetgroup/${name}/73e2d6bc24d8a067`;
            break;
        case "aws:dynamodb/table:Table":
            state.arn = `arn:aws:dynamodb:${r}:${MOCK_ACCOUNT_ID}:table/${state.name}`;
            state.streamArn = `${state.arn}/stream/2025-01-01T00:00:00.000`;
            break;
        case "aws:dynamodb/tableReplica:TableReplica": {
            // A replica has the global table's name, in its own region.
            const table = String(inputs.globalTableArn ?? "").split(":table/")[1] ?? name;
            state.arn = `arn:aws:dynamodb:${r}:${MOCK_ACCOUNT_ID}:table/${table}`;
            break;
        }
        case "aws:globalaccelerator/accelerator:Accelerator": {
            // Global Accelerator ARNs have no region; its DNS names are in one fixed hosted zone.
            const id = `${hexId(name, 8)}-${hexId(`${name}1`, 4)}-${hexId(`${name}2`, 4)}-${hexId(`${name}3`, 4)}-${hexId(`${name}4`, 12)}`;
            state.arn = `arn:aws:globalaccelerator::${MOCK_ACCOUNT_ID}:accelerator/${id}`;
            state.dnsName = `a${hexId(name, 16)}.awsglobalaccelerator.com`;
            state.hostedZoneId = "Z2BJ6XQ5FK7U4H";
            state.ipSets = [{ ipFamily: "IPv4", ipAddresses: ["75.2.60.5", "99.83.190.51"] }];
            break;
        }
        case "aws:globalaccelerator/listener:Listener":
            state.arn = `${inputs.acceleratorArn}/listener/${hexId(name, 8)}`;
            break;
        case "aws:globalaccelerator/endpointGroup:EndpointGroup":
            state.arn = `${inputs.listenerArn}/endpoint-group/${hexId(name, 12)}`;
            break;
        case "aws:ec2/vpc:Vpc":
            state.defaultRouteTableId = `${name}-rtb-default`;
            break;
        case "aws:eks/cluster:Cluster": {
            // The shapes DescribeCluster returns: a regional API endpoint, the CA bundle, the OIDC issuer.
            const id = hexId(state.name, 32).toUpperCase();
            state.arn = `arn:aws:eks:${r}:${MOCK_ACCOUNT_ID}:cluster/${state.name}`;
            state.endpoint = `https://${id}.gr7.${r}.eks.amazonaws.com`;
            state.certificateAuthority = { data: Buffer.from(`-----BEGIN CERTIFICATE-----\n${id}\n-----END CERTIFICATE-----\n`).toString("base64") };
            state.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${r}.amazonaws.com/id/${id}` }] }];
            state.vpcConfig = { ...inputs.vpcConfig, clusterSecurityGroupId: `sg-${hexId(`${state.name}-cluster-sg`, 17)}`, vpcId: "vpc-0example" };
            state.platformVersion = "eks.1";
            state.status = "ACTIVE";
            break;
        }
        case "aws:sqs/queue:Queue":
            state.arn = `arn:aws:sqs:${r}:${MOCK_ACCOUNT_ID}:${state.name}`;
            state.url = `https://sqs.${r}.amazonaws.com/${MOCK_ACCOUNT_ID}/${state.name}`;
            break;
        case "aws:ec2/launchTemplate:LaunchTemplate":
            state.latestVersion = 1;
            state.defaultVersion = 1;
            break;
    }
    return state;
}

/** A stable hex string derived from `seed`, for IDs that AWS generates. */
function hexId(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) {
        let h = 2166136261 ^ i;
        for (const ch of seed) {
            h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
        }
        out += (h >>> 0).toString(16).padStart(8, "0");
    }
    return out.slice(0, length);
}

let current: MockRun | undefined;
let lightened = false;
let last: MockRun | undefined;

// A program that throws rejects several SDK promises at once (the stack's outputs, its URN, …), and an
// error inside an `apply` surfaces only as an unhandled rejection. Both belong to the run in progress.
process.on("unhandledRejection", (reason) => {
    const run = current ?? (last && last.error === reason ? last : undefined);
    if (!run) {
        throw reason;
    }
    run.fail(reason);
});
const providerRegions = new Map<string, string | undefined>();
let currentOptions: RunOptions = {};

const mocks: pulumi.runtime.Mocks = {
    newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === STACK_REFERENCE_TYPE) {
            return stackReference(String(args.inputs.name));
        }
        const isProvider = args.type.startsWith("pulumi:providers:");
        const region = isProvider ? args.inputs.region : regionOf(args.provider);
        if (region !== undefined && region === currentOptions.regionDown) {
            throw regionDown(new RegionDownError(region, isProvider ? `configuring provider ${args.name}` : `registering ${args.type} ${args.name}`));
        }
        // Subnet IDs have AWS's form, which some consumers check (Karpenter's EC2NodeClass CRD: "subnet-[0-9a-z]+").
        const id = args.type === "aws:ec2/subnet:Subnet" ? `subnet-${hexId(args.name, 17)}` : `${args.name}-id`;
        return { id, state: computedState(args.type, args.name, args.inputs, region) };
    },
    call(args: pulumi.runtime.MockCallArgs) {
        const region = regionOf(args.provider);
        current?.invokes.push({ token: args.token, args: args.inputs, region });
        if (region !== undefined && region === currentOptions.regionDown) {
            throw regionDown(new RegionDownError(region, `invoking ${args.token}`));
        }
        const fixture = INVOKE_FIXTURES[args.token];
        if (!fixture) {
            throw new Error(`no invoke fixture for ${args.token}; add one in plan/engine/fixtures.ts`);
        }
        return fixture(args.inputs, region);
    },
};

/**
 * Fails the run at once, as the engine stops a program whose step failed: the SDK would otherwise leave
 * the resources that wait on the failed one pending forever.
 */
function regionDown(err: RegionDownError): RegionDownError {
    current?.fail(err);
    return err;
}

/**
 * The engine's answer to a StackReference: the named stack's outputs, or all of them unknown when
 * nobody planned it (as a preview shows a stack whose outputs it cannot read yet).
 */
function stackReference(name: string): { id: string; state: Record<string, any> } {
    current?.stackReferences.push(name);
    const outputs = currentOptions.stackOutputs?.(name);
    if (outputs === undefined && !pulumi.runtime.isDryRun()) {
        // Unknown values exist only in a preview: outside one the SDK waits for them forever. From here
        // on the run is a preview, as `pulumi preview` of a stack whose reference it cannot read yet.
        (pulumi.runtime as unknown as { _setIsDryRun(v: boolean): void })._setIsDryRun(true);
    }
    return { id: name, state: { name, outputs: outputs ?? unknownValue, secretOutputNames: [] } };
}

function regionOf(providerRef: string | undefined): string | undefined {
    if (!providerRef) {
        // The engine's default provider is configured from the stack's `aws:region`.
        return new pulumi.Config("aws").get("region");
    }
    return providerRegions.get(providerUrnOf(providerRef));
}

/** The URN in a provider reference `urn::id` (URNs contain `::` themselves). */
function providerUrnOf(providerRef: string): string {
    return providerRef.split("::").slice(0, -1).join("::");
}

/** The URN an alias spec stands for, as the engine's step generator collapses it. */
function aliasUrn(alias: any, req: any): string {
    if (alias.getUrn?.()) {
        return alias.getUrn();
    }
    const spec = alias.getSpec?.();
    if (!spec) {
        return String(alias);
    }
    const parent: string = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    return engineUrn(parent, spec.getType() || req.getType(), spec.getName() || req.getName(),
        spec.getStack() || undefined, spec.getProject() || undefined);
}

/**
 * URNs as the engine makes them (`Deployment.generateURN`): the parent's full qualified type, and none
 * for children of the root stack. The SDK's MockMonitor keeps only the parent's last type and includes
 * the stack's, so its URNs would differ from what `pulumi preview` shows and policies see.
 */
export function engineUrn(parent: string, type: string, name: string,
    stack = pulumi.runtime.getStack(), project = pulumi.runtime.getProject()): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The SDK passes each of its internal promises (several per resource) through `debuggablePromise`,
 * which defines three properties on it (an id, a context and a stack trace, read only in its report of
 * leaked promises with PULUMI_DEBUG_PROMISE_LEAKS) and chains a `then` and a `catch` to keep the set of
 * promises not yet settled. Outside `--debug` this keeps that set, the chain and the report of leaks at
 * exit, and drops the three properties and their Error: less work and garbage per resource.
 */
function lightenDebuggablePromises(): void {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T> };
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };
    const original = debuggable.debuggablePromise;
    let scheduled = false;
    debuggable.debuggablePromise = <T>(p: Promise<T>, ctx: unknown): Promise<T> => {
        if (!scheduled) {
            // The first call schedules the SDK's report of leaked promises at exit.
            scheduled = true;
            return original(p, ctx);
        }
        const leakCandidates = state.getStore().leakCandidates;
        leakCandidates.add(p);
        // `then` and `catch` as the SDK chains them: one promise fewer would reorder registrations.
        return p.then((value) => {
            leakCandidates.delete(p);
            return value;
        }).catch((err) => {
            leakCandidates.delete(p);
            if (err !== null && typeof err === "object") {
                (err as { promise?: unknown }).promise = p;
            }
            throw err;
        });
    };
}

/**
 * The SDK records where in the program each resource was made: `Resource.callsites()` lifts
 * `Error.stackTraceLimit` to Infinity, captures and formats the whole stack and parses every frame,
 * for the engine to show in Pulumi Cloud. Neither the analyzer requests nor the plan use it, and it
 * was ~0.1 s of a 2,500-resource plan's CPU, so outside `--debug` the SDK is told of no callsites (it
 * then sends no source position, as for a frame it cannot place).
 */
function skipSourcePositions(): void {
    (pulumi.Resource as unknown as { callsites(): unknown[] }).callsites = () => [];
}

/** A protobuf Struct's JavaScript form, converted already, where the SDK's deserializer asks for a Struct. */
const converted = (tree: Record<string, any>) => ({ toJavaScript: () => tree }) as unknown as Parameters<typeof pulumi.runtime.deserializeProperties>[0];

/**
 * Answers RegisterResource as the SDK's MockMonitor does (its `registerResource`: the mocks' resource,
 * the engine's URN, the state serialized into the response, the state kept for `getResource`), and
 * records every request in full. The request's and the state's protobuf Structs are converted to
 * JavaScript once each, where the MockMonitor and the recording converted the request three times.
 */
function recordRegistrations(): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    monitor.newUrn = engineUrn;
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
        const recorded = current?.byUrn(req.getUrn());
        if (recorded) {
            recorded.wireOutputs = req.getOutputs()?.toJavaScript() ?? {};
            current?.onOutputs?.(recorded);
        }
        return registerOutputs(req, callback);
    };
    monitor.registerResource = async (req: any, callback: (err: any, resp: any) => void) => {
        const run = current;
        let response: any;
        let wireOutputs: Record<string, any> = {};
        const wireInputs = req.getObject()?.toJavaScript() ?? {};
        const inputs = pulumi.runtime.deserializeProperties(converted(swapAssetText(wireInputs, "", EMPTY_ASSET_TEXT)));
        try {
            const result = await mocks.newResource({
                type: req.getType(), name: req.getName(), inputs, provider: req.getProvider(), custom: req.getCustom(), id: req.getImportid(),
            });
            const urn = engineUrn(req.getParent(), req.getType(), req.getName());
            const state = await serializeProperties("", result.state);
            monitor.resources.set(urn, { urn, id: result.id ?? null, state });
            response = new resproto.RegisterResourceResponse();
            response.setUrn(urn);
            response.setId(result.id || "");
            response.setObject(structproto.Struct.fromJavaScript(state));
            wireOutputs = req.getCustom() ? swapAssetText(state, EMPTY_ASSET_TEXT, "") : {};
        } catch (err) {
            callback(err, undefined);
            return;
        }
        if (req.getType() === STACK_REFERENCE_TYPE) {
            // As in a preview, outputs the referenced stack does not know yet stay unknown.
            response.setResult(resproto.Result.SKIP);
        }
        if (run) {
            record(run, req, response, inputs, wireInputs, wireOutputs);
        }
        callback(null, response);
    };
}

/** Records one registration as the engine saw it. */
function record(run: MockRun, req: any, resp: any, inputs: Record<string, any>, wireInputs: Record<string, any>,
    wireOutputs: Record<string, any>): void {
    const urn: string = resp.getUrn();
    const type: string = req.getType();
    const provider: string | undefined = req.getProvider() || undefined;
    const awsProvider: string | undefined = req.getProvidersMap().get("aws") || undefined;
    const providerRef = provider ?? awsProvider;
    const providerUrn = providerRef ? providerUrnOf(providerRef) : undefined;
    const isProvider = type.startsWith("pulumi:providers:");
    // A provider without a region of its own (a Kubernetes provider for an EKS cluster) works
    // in the region of the component that made it, so its resources are attributed there.
    const providerRegion = isProvider ? inputs.region ?? (req.getParent() ? run.byUrn(req.getParent())?.region : undefined) : undefined;
    if (isProvider) {
        providerRegions.set(urn, providerRegion);
    }
    run.record({
        type,
        name: req.getName(),
        urn,
        custom: req.getCustom(),
        parent: req.getParent() || undefined,
        provider,
        providerUrn,
        // A component without a provider of its own belongs to its parent's region.
        region: isProvider ? providerRegion : providerUrn ? providerRegions.get(providerUrn)
            : !req.getCustom() && req.getParent() ? run.byUrn(req.getParent())?.region : undefined,
        inputs,
        id: resp.getId() || undefined,
        protect: req.getProtect(),
        retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
        dependencies: req.getDependenciesList(),
        propertyDependencies: Object.fromEntries([...req.getPropertydependenciesMap().entries()]
            .map(([k, v]: [string, any]) => [k, v.getUrnsList()])),
        aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((a: any) => aliasUrn(a, req))],
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts: customTimeouts(req.getCustomtimeouts()),
        deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
        version: req.getVersion() || undefined,
        wireInputs,
        wireOutputs,
    });
}

function customTimeouts(t: any): RecordedResource["customTimeouts"] {
    if (!t || !(t.getCreate() || t.getUpdate() || t.getDelete())) {
        return undefined;
    }
    return { create: t.getCreate() || undefined, update: t.getUpdate() || undefined, delete: t.getDelete() || undefined };
}

export interface RunOptions {
    /** Project name; stack config keys are `<project>:<key>`. @default "aws-containers" */
    readonly project?: string;
    /** Stack name. @default "test" */
    readonly stack?: string;
    /** Full config map (`project:key` → string value), as `pulumi config` holds it. */
    readonly config?: { [key: string]: string };
    /** Run as a preview (outputs of resources unknown). @default false */
    readonly preview?: boolean;
    /** Called with every registration as it completes. */
    readonly onResource?: (resource: RecordedResource) => void;
    /** Called when a resource's outputs are registered after it (`registerOutputs`). */
    readonly onOutputs?: (resource: RecordedResource) => void;
    /** Keep the SDK's promise bookkeeping in full (`--debug`). @default false */
    readonly debug?: boolean;
    /**
     * Answers a `pulumi.StackReference` to the stack `name` (as the program wrote it) with that stack's
     * outputs in wire form; undefined leaves every output unknown. It may throw to stop the program.
     */
    readonly stackOutputs?: (name: string) => StackOutputs | undefined;
    /** The outage drill: every registration, invoke and provider configuration in this region fails. */
    readonly regionDown?: string;
}

/**
 * Runs `program` in Pulumi's mock runtime inside a fresh stack resource and returns every registered
 * resource. Runs are sequential: one process runs one program at a time.
 */
export async function runProgram(program: () => unknown, options: RunOptions = {}): Promise<MockRun> {
    if (current) {
        throw new Error("runProgram: another program is still running in this process");
    }
    const run = new MockRun();
    run.onResource = options.onResource;
    run.onOutputs = options.onOutputs;
    current = run;
    currentOptions = options;
    providerRegions.clear();
    try {
        pulumi.runtime.setAllConfig(options.config ?? {}, []);
        // The organization Pulumi Cloud gives an individual account; StackReference names start with it.
        await pulumi.runtime.setMocks(mocks, options.project ?? "aws-containers", options.stack ?? "test", options.preview ?? false, "organization");
        recordRegistrations();
        if (!options.debug && !lightened) {
            lightened = true;
            lightenDebuggablePromises();
            skipSourcePositions();
        }
        try {
            // A run that failed (see regionDown) may leave the program waiting on resources that never register.
            const outputs = pulumi.runtime.runInPulumiStack(async () => (await program()) as any) as Promise<Record<string, unknown>>;
            outputs.catch(() => undefined);
            const finished = await Promise.race([outputs.then((o) => ({ o })), run.failed.then(() => undefined)]);
            run.outputs = finished?.o;
        } catch (err) {
            run.fail(err);
        }
        await Promise.race([(pulumi.runtime as any).waitForRPCs(), run.failed]);
        // Let rejections queued by the last RPCs reach the handler above while this run is current.
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        last = run;
        current = undefined;
        currentOptions = {};
    }
    return run;
}
