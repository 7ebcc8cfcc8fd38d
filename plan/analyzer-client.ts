import * as http2 from "http2";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerInfo, Diagnostic, ENFORCEMENT_LEVELS, EnforcementLevel, PolicyConfigEntry, PolicyPackConfig } from "./analyzer-types";
import { hasField } from "./protobuf-wire";

export type { AnalyzerInfo, Diagnostic, EnforcementLevel, PolicyConfigEntry, PolicyInfo, PolicyPackConfig } from "./analyzer-types";

/** The protocol's numbers for CrossGuard's enforcement levels (`analyzerpb.EnforcementLevel` has no reverse mapping). */
const LEVELS: { [level in EnforcementLevel]: analyzerpb.EnforcementLevel } = {
    advisory: analyzerpb.EnforcementLevel.ADVISORY,
    mandatory: analyzerpb.EnforcementLevel.MANDATORY,
    disabled: analyzerpb.EnforcementLevel.DISABLED,
    remediate: analyzerpb.EnforcementLevel.REMEDIATE,
};

export function levelName(level: analyzerpb.EnforcementLevel): EnforcementLevel {
    return ENFORCEMENT_LEVELS.find((name) => LEVELS[name] === level) ?? "advisory";
}

/**
 * The Analyzer service of a policy pack, called over gRPC's HTTP/2 protocol with Node's own http2
 * client. Every resource costs an `Analyze` call, and a general gRPC client's per-call machinery
 * (interceptors, name resolution, load balancing, channelz) cost more CPU than the pack's analysis;
 * a unary call to one known server needs none of it.
 */
export class AnalyzerClient {
    private readonly connection: GrpcConnection;

    constructor(address: string) {
        this.connection = new GrpcConnection(address);
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = analyzerpb.AnalyzerInfo.deserializeBinary(await this.connection.unary(METHODS.getAnalyzerInfo, new Empty().serializeBinary()));
        const initialConfig: PolicyPackConfig = {};
        for (const [name, config] of info.getInitialconfigMap().entries()) {
            initialConfig[name] = fromPolicyConfig(config);
        }
        return {
            name: info.getName(),
            version: info.getVersion(),
            supportsConfig: info.getSupportsconfig(),
            initialConfig,
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: levelName(p.getEnforcementlevel()),
                    configSchema: schema && {
                        properties: (schema.getProperties()?.toJavaScript() ?? {}) as { [key: string]: any },
                        required: schema.getRequiredList(),
                    },
                };
            }),
        };
    }

    async configure(config: PolicyPackConfig): Promise<void> {
        const req = new analyzerpb.ConfigureAnalyzerRequest();
        for (const [name, entry] of Object.entries(config)) {
            const pc = new analyzerpb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS[entry.enforcementLevel ?? "advisory"]);
            pc.setProperties(Struct.fromJavaScript((entry.properties ?? {}) as any));
            req.getPolicyconfigMap().set(name, pc);
        }
        await this.connection.unary(METHODS.configure, req.serializeBinary());
    }

    async configureStack(req: analyzerpb.AnalyzerStackConfigureRequest): Promise<void> {
        await this.connection.unary(METHODS.configureStack, req.serializeBinary());
    }

    /** `Analyze`, with the request already in wire form (`AnalyzerRequests.analyze`). */
    async analyze(request: Buffer): Promise<Diagnostic[]> {
        return diagnostics(await this.connection.unary(METHODS.analyze, request));
    }

    /** `AnalyzeStack`, with the request already in wire form (`AnalyzerRequests.stackEntry`). */
    async analyzeStack(request: Buffer): Promise<Diagnostic[]> {
        return diagnostics(await this.connection.unary(METHODS.analyzeStack, request));
    }

    close(): void {
        this.connection.close();
    }
}

/** The service's methods as gRPC names them (`/package.Service/Method`, from analyzer.proto). */
export const METHODS = {
    getAnalyzerInfo: "/pulumirpc.Analyzer/GetAnalyzerInfo",
    configure: "/pulumirpc.Analyzer/Configure",
    configureStack: "/pulumirpc.Analyzer/ConfigureStack",
    analyze: "/pulumirpc.Analyzer/Analyze",
    analyzeStack: "/pulumirpc.Analyzer/AnalyzeStack",
} as const;

/** gRPC status codes by number, for errors (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const STATUS_NAMES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
    "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"];

/** A message's frame: a compressed flag, its length as 4 bytes big-endian, then the message. */
const FRAME_HEADER = 5;

/**
 * Unary gRPC calls on one HTTP/2 connection, as https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 * defines them: a POST to the method's path with `content-type: application/grpc` and `te: trailers`,
 * one length-prefixed message each way, and the call's status in the trailers.
 */
export class GrpcConnection {
    private readonly session: http2.ClientHttp2Session;
    private failure?: Error;

    constructor(private readonly address: string) {
        this.session = http2.connect(`http://${address}`);
        // A failed connection fails its calls (each stream reports it); keep it from being unhandled.
        this.session.on("error", (err) => {
            this.failure = err;
        });
    }

    unary(path: string, request: Uint8Array): Promise<Buffer> {
        return new Promise((resolve, reject) => {
            const fail = (why: string) => reject(new Error(`${path} on the policy pack at ${this.address}: ${why}`));
            if (this.failure) {
                fail(this.failure.message);
                return;
            }
            const stream = this.session.request({
                ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers",
            });
            const chunks: Buffer[] = [];
            let status: http2.IncomingHttpHeaders = {};
            // A call that fails before any message answers with headers only ("Trailers-Only").
            stream.on("response", (headers) => {
                status = headers;
            });
            stream.on("trailers", (trailers) => {
                status = trailers;
            });
            stream.on("data", (chunk: Buffer) => chunks.push(chunk));
            stream.on("error", (err) => fail(err.message));
            stream.on("close", () => {
                const code = status["grpc-status"];
                if (code === undefined) {
                    fail(`the call ended without a gRPC status (HTTP status ${status[":status"] ?? "none"})`);
                } else if (code !== "0") {
                    fail(`${STATUS_NAMES[Number(code)] ?? `status ${code}`}: ${grpcMessage(status["grpc-message"])}`);
                } else {
                    try {
                        resolve(unframe(Buffer.concat(chunks)));
                    } catch (err) {
                        fail(err instanceof Error ? err.message : String(err));
                    }
                }
            });
            const header = Buffer.allocUnsafe(FRAME_HEADER);
            header[0] = 0;
            header.writeUInt32BE(request.length, 1);
            stream.write(header);
            stream.end(request);
        });
    }

    close(): void {
        this.session.close();
    }
}

/** `grpc-message` is percent-encoded UTF-8; a server that did not encode it is shown as it sent it. */
function grpcMessage(header: string | string[] | undefined): string {
    const raw = String(header ?? "");
    try {
        return decodeURIComponent(raw);
    } catch {
        return raw;
    }
}

/** The one message of a unary response. */
function unframe(body: Buffer): Buffer {
    if (body.length < FRAME_HEADER) {
        throw new Error(`the response holds ${body.length} bytes, not a message`);
    }
    if (body[0] !== 0) {
        throw new Error("the response is compressed, which this client never asks for");
    }
    const length = body.readUInt32BE(1);
    if (body.length !== FRAME_HEADER + length) {
        throw new Error(`the response holds ${body.length - FRAME_HEADER} bytes after its header, which announces ${length}`);
    }
    return body.subarray(FRAME_HEADER);
}

function fromPolicyConfig(config: analyzerpb.PolicyConfig): PolicyConfigEntry {
    return {
        enforcementLevel: levelName(config.getEnforcementlevel()),
        properties: (config.getProperties()?.toJavaScript() ?? {}) as { [key: string]: unknown },
    };
}

/** `AnalyzeResponse.diagnostics`. */
const DIAGNOSTICS_FIELD = 2;

/**
 * The diagnostics of an encoded `AnalyzeResponse`. Most responses hold none, only a "not applicable"
 * entry per policy of another type: those are seen to hold none without decoding them.
 */
function diagnostics(response: Buffer): Diagnostic[] {
    if (!hasField(response, DIAGNOSTICS_FIELD)) {
        return [];
    }
    return analyzerpb.AnalyzeResponse.deserializeBinary(response).getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: levelName(d.getEnforcementlevel()),
        urn: d.getUrn(),
    }));
}
