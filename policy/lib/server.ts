import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PackPolicyExtras } from "./policy";

/**
 * What the pack adds to @pulumi/policy's analyzer server (1.21.0), installed by index.ts before it
 * constructs the PolicyPack:
 *
 * - Empty assets. The server deserialises every resource's inputs for every policy not tagged with a
 *   single type (server.js `makeAnalyzeRpcFun`), and its deserialiser rejects an asset whose text is ""
 *   ("Invalid asset encountered when unmarshaling resource property", deserialize.js tests `prop["text"]`
 *   for truth). One `new pulumi.asset.StringAsset("")` anywhere in a program would fail every Analyze call.
 *   The wrapper below turns such assets (and archives holding them) into `StringAsset("")`, and leaves
 *   every other input to the library as it is.
 * - One conversion per request. The server deserialises a request's properties once for each policy
 *   that may apply, each time converting the protobuf Struct to JavaScript; the wrapper converts each
 *   Struct once and deserialises that tree for every policy, so each still gets values of its own.
 * - Config checks at Configure. JSON schema cannot say that a string must compile as a regular
 *   expression, and the server's Configure stores whatever it is given; a bad pattern would then fail every
 *   Analyze. Policies with a `validateConfig` are checked when the engine configures the pack, and a bad
 *   value is refused there with INVALID_ARGUMENT naming the policy, the property and the value.
 */

// The SDK's wire signatures (@pulumi/pulumi runtime/rpc), read from the module that defines them.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialAssetSig: string; specialArchiveSig: string };

type Tree = unknown;
type Deserialize = (struct: { toJavaScript(): Tree }, proxySecrets: boolean) => Record<string, unknown>;

function isEmptyAsset(node: Tree): boolean {
    const o = node as Record<string, unknown> | null;
    return o !== null && typeof o === "object" && o[rpc.specialSigKey] === rpc.specialAssetSig &&
        o["text"] === "" && !o["path"] && !o["uri"];
}

function isArchive(node: Tree): node is Record<string, unknown> {
    return node !== null && typeof node === "object" && (node as Record<string, unknown>)[rpc.specialSigKey] === rpc.specialArchiveSig;
}

function holdsEmptyAsset(node: Tree): boolean {
    if (isEmptyAsset(node)) return true;
    if (Array.isArray(node)) return node.some(holdsEmptyAsset);
    return node !== null && typeof node === "object" && Object.values(node as object).some(holdsEmptyAsset);
}

const MARKER = "__awsContainersEmptyAsset";

/** Wraps the library's deserialiser so that empty assets deserialise to `StringAsset("")`. */
export function tolerateEmptyAssets(module: { deserializeProperties: Deserialize }): void {
    const original = module.deserializeProperties;
    if ((original as { tolerant?: boolean }).tolerant) return;
    // One node, deserialised the library's way unless it is (or is an archive holding) an empty asset.
    const rebuild = (node: Tree): unknown => {
        if (isEmptyAsset(node)) return new pulumi.asset.StringAsset("");
        if (isArchive(node) && node["assets"] && typeof node["assets"] === "object") {
            const assets = Object.fromEntries(Object.entries(node["assets"] as object).map(([k, v]) => [k, rebuild(v)]));
            return new pulumi.asset.AssetArchive(assets as Record<string, pulumi.asset.Asset | pulumi.asset.Archive>);
        }
        return original({ toJavaScript: () => ({ v: node }) }, false)["v"];
    };
    // The server deserialises a request's properties once per policy that may apply (every untyped
    // resource policy; every stack policy, for each resource): the protobuf Struct's conversion to
    // JavaScript, most of that cost, is done once per Struct. Each policy still gets values of its own.
    const trees = new WeakMap<object, { tree: Tree; holdsEmptyAsset: boolean }>();
    const treeOf = (struct: { toJavaScript(): Tree }) => {
        let converted = trees.get(struct);
        if (converted === undefined) {
            const tree = struct.toJavaScript();
            converted = { tree, holdsEmptyAsset: holdsEmptyAsset(tree) };
            trees.set(struct, converted);
        }
        return converted;
    };
    const tolerant: Deserialize = (struct, proxySecrets) => {
        const { tree, holdsEmptyAsset: holdsEmpty } = treeOf(struct);
        if (proxySecrets || !holdsEmpty) {
            return original({ toJavaScript: () => tree }, proxySecrets);
        }
        const held: Tree[] = [];
        const mark = (node: Tree): Tree => {
            if (isEmptyAsset(node) || (isArchive(node) && holdsEmptyAsset(node))) {
                held.push(node);
                return { [MARKER]: held.length - 1 };
            }
            if (Array.isArray(node)) return node.map(mark);
            if (node !== null && typeof node === "object" && !(node as Record<string, unknown>)[rpc.specialSigKey]) {
                return Object.fromEntries(Object.entries(node as object).map(([k, v]) => [k, mark(v)]));
            }
            return node;
        };
        const restore = (v: unknown): unknown => {
            if (Array.isArray(v)) return v.map(restore);
            if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
                const o = v as Record<string, unknown>;
                if (typeof o[MARKER] === "number" && Object.keys(o).length === 1) return rebuild(held[o[MARKER] as number]);
                return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, restore(x)]));
            }
            return v;
        };
        return restore(original({ toJavaScript: () => mark(tree) }, false)) as Record<string, unknown>;
    };
    module.deserializeProperties = Object.assign(tolerant, { tolerant: true });
}

interface GrpcModule {
    Server: { prototype: { addService(service: unknown, implementation: Record<string, unknown>): void } };
    status: { INVALID_ARGUMENT: number };
}

type Call = { request: { getPolicyconfigMap(): { entries(): Iterable<[string, { getProperties(): { toJavaScript(): object } | undefined }]> } } };
type Callback = (err: unknown, response?: unknown) => void;

/** The ConfigError a Configure request's config raises in `policies`, if any. */
export function configureError(call: Call, policies: readonly (PackPolicyExtras & { name: string })[]): ConfigError | undefined {
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, entry] of call.request.getPolicyconfigMap().entries()) {
        try {
            byName.get(name)?.validateConfig?.(entry.getProperties()?.toJavaScript() ?? {});
        } catch (e) {
            if (e instanceof ConfigError) return e;
            throw e;
        }
    }
    return undefined;
}

/** Checks each policy's config when the engine configures the analyzer, before the library stores it. */
export function validateAtConfigure(grpc: GrpcModule, policies: readonly (PackPolicyExtras & { name: string })[]): void {
    const addService = grpc.Server.prototype.addService;
    grpc.Server.prototype.addService = function (service: unknown, implementation: Record<string, unknown>) {
        const configure = implementation["configure"] as ((call: Call, callback: Callback) => unknown) | undefined;
        if (typeof configure === "function") {
            implementation = {
                ...implementation,
                configure: (call: Call, callback: Callback) => {
                    const error = configureError(call, policies);
                    return error ? callback({ code: grpc.status.INVALID_ARGUMENT, details: error.message, message: error.message }) : configure(call, callback);
                },
            };
        }
        return addService.call(this, service, implementation);
    };
}

/** Installs both, on the very modules @pulumi/policy's server uses. */
export function installServerFixes(policies: readonly (PackPolicyExtras & { name: string })[]): void {
    const policyDir = path.dirname(require.resolve("@pulumi/policy/server"));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    tolerateEmptyAssets(require(require.resolve("./deserialize", { paths: [policyDir] })));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    validateAtConfigure(require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })), policies);
}
