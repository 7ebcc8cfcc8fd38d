/**
 * The Analyzer service's client: its methods, their requests and responses in the pack's terms
 * (pack/types.ts), over the gRPC connection of grpc-connection.ts.
 */
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerInfo, ENFORCEMENT_LEVELS, EnforcementLevel, PolicyConfigEntry, PolicyPackConfig } from "../pack/types";
import { GrpcConnection } from "./grpc-connection";
import { hasField } from "./protobuf-wire";

/** A violation as the pack reports it. */
export interface Diagnostic {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly policyPackVersion: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    /** URN the pack attached; empty for most `Analyze` diagnostics. */
    readonly urn: string;
}

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
