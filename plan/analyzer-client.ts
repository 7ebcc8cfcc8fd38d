import * as grpc from "@grpc/grpc-js";
import { AnalyzerService, AnalyzerClient as GrpcAnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Enforcement levels by their CrossGuard names (`analyzerpb.EnforcementLevel` has no reverse mapping). */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

const LEVELS: { [level in EnforcementLevel]: analyzerpb.EnforcementLevel } = {
    advisory: analyzerpb.EnforcementLevel.ADVISORY,
    mandatory: analyzerpb.EnforcementLevel.MANDATORY,
    disabled: analyzerpb.EnforcementLevel.DISABLED,
    remediate: analyzerpb.EnforcementLevel.REMEDIATE,
};

export const ENFORCEMENT_LEVELS = Object.keys(LEVELS) as EnforcementLevel[];

export function levelName(level: analyzerpb.EnforcementLevel): EnforcementLevel {
    return ENFORCEMENT_LEVELS.find((name) => LEVELS[name] === level) ?? "advisory";
}

/** One policy as the pack describes itself in `GetAnalyzerInfo`. */
export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** JSON schema of the policy's config: `properties` and `required`. */
    readonly configSchema?: { readonly properties: { [key: string]: any }; readonly required: string[] };
}

export interface AnalyzerInfo {
    readonly name: string;
    readonly version: string;
    readonly supportsConfig: boolean;
    readonly policies: PolicyInfo[];
    /** Config the pack was constructed with (`new PolicyPack(name, args, initialConfig)`). */
    readonly initialConfig: PolicyPackConfig;
}

/** Per-policy enforcement level and properties, the shape `pulumi preview --policy-pack-config` takes. */
export interface PolicyConfigEntry {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties?: { [key: string]: unknown };
}
export type PolicyPackConfig = { [policy: string]: PolicyConfigEntry };

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

/** The Analyzer gRPC service of a policy pack, with promises instead of callbacks. */
export class AnalyzerClient {
    private readonly client: GrpcAnalyzerClient;

    constructor(address: string) {
        // A whole stack goes to AnalyzeStack in one message: lift the 4 MB default, as the engine does.
        this.client = new GrpcAnalyzerClient(address, grpc.credentials.createInsecure(), {
            "grpc.max_send_message_length": -1,
            "grpc.max_receive_message_length": -1,
        });
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await this.call<Empty, analyzerpb.AnalyzerInfo>(this.client.getAnalyzerInfo, new Empty());
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
        await this.call(this.client.configure, req);
    }

    async configureStack(req: analyzerpb.AnalyzerStackConfigureRequest): Promise<void> {
        await this.call(this.client.configureStack, req);
    }

    async analyze(req: analyzerpb.AnalyzeRequest): Promise<Diagnostic[]> {
        return diagnostics(await this.call<analyzerpb.AnalyzeRequest, analyzerpb.AnalyzeResponse>(this.client.analyze, req));
    }

    /**
     * `AnalyzeStack`, with the request already in wire form: protobuf encodes a repeated field as its
     * elements one after another, so the encodings of one-resource requests, concatenated, are the
     * encoding of the request with all of them (see `AnalyzerRequests.stackEntry`).
     */
    async analyzeStack(request: Buffer): Promise<Diagnostic[]> {
        const method = AnalyzerService.analyzeStack;
        return diagnostics(await new Promise<analyzerpb.AnalyzeResponse>((resolve, reject) => {
            this.client.makeUnaryRequest(method.path, (b: Buffer) => b, method.responseDeserialize, request,
                (err: grpc.ServiceError | null, res?: analyzerpb.AnalyzeResponse) => (err ? reject(err) : resolve(res!)));
        }));
    }

    close(): void {
        this.client.close();
    }

    private call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
        return new Promise((resolve, reject) => {
            method.call(this.client, req, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res)));
        });
    }
}

function fromPolicyConfig(config: analyzerpb.PolicyConfig): PolicyConfigEntry {
    return {
        enforcementLevel: levelName(config.getEnforcementlevel()),
        properties: (config.getProperties()?.toJavaScript() ?? {}) as { [key: string]: unknown },
    };
}

function diagnostics(res: analyzerpb.AnalyzeResponse): Diagnostic[] {
    return res.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: levelName(d.getEnforcementlevel()),
        urn: d.getUrn(),
    }));
}
