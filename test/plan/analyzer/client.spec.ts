import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerService } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient, METHODS } from "../../../plan/analyzer/client";
import { GrpcConnection } from "../../../plan/analyzer/grpc-connection";

/** A grpc-js server (the library @pulumi/policy serves with) whose Analyzer answers as the test says. */
async function serve(handlers: Partial<grpc.UntypedServiceImplementation>): Promise<{ address: string; server: grpc.Server }> {
    const server = new grpc.Server();
    server.addService(AnalyzerService, handlers as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    return { address: `127.0.0.1:${port}`, server };
}

function diagnostic(policyName: string, message: string): analyzerpb.AnalyzeDiagnostic {
    const d = new analyzerpb.AnalyzeDiagnostic();
    d.setPolicyname(policyName);
    d.setPolicypackname("probe");
    d.setMessage(message);
    d.setEnforcementlevel(analyzerpb.EnforcementLevel.MANDATORY);
    d.setUrn("urn:pulumi:s::p::aws:ecr/repository:Repository::r");
    return d;
}

function notApplicable(policyName: string): analyzerpb.PolicyNotApplicable {
    const n = new analyzerpb.PolicyNotApplicable();
    n.setPolicyName(policyName);
    n.setReason("Policy only applies to resources of type 'aws:eks/cluster:Cluster'");
    return n;
}

describe("the analyzer client's gRPC over HTTP/2 (plan/analyzer/client.ts, grpc-connection.ts)", () => {
    let address: string;
    let server: grpc.Server;
    const received: Buffer[] = [];

    before(async () => {
        ({ address, server } = await serve({
            analyze: (call: grpc.ServerUnaryCall<analyzerpb.AnalyzeRequest, analyzerpb.AnalyzeResponse>, cb: grpc.sendUnaryData<analyzerpb.AnalyzeResponse>) => {
                received.push(Buffer.from(call.request.serializeBinary()));
                const res = new analyzerpb.AnalyzeResponse();
                res.setNotApplicableList([notApplicable("c7"), notApplicable("c11")]);
                if (call.request.getName() === "faulty") {
                    res.setDiagnosticsList([diagnostic("c3-ecr-image-scanning", "Repository r does not scan on push.")]);
                }
                cb(null, res);
            },
            analyzeStack: (_call: unknown, cb: grpc.sendUnaryData<analyzerpb.AnalyzeResponse>) =>
                cb({ code: grpc.status.INTERNAL, details: "policy c2 threw: cannot read 'name' of undefined – ünïcode 100%" }),
        }));
    });

    after(() => server.forceShutdown());

    it("names the service's methods as the generated gRPC service does", () => {
        assert.deepEqual(METHODS, {
            getAnalyzerInfo: AnalyzerService.getAnalyzerInfo.path, configure: AnalyzerService.configure.path,
            configureStack: AnalyzerService.configureStack.path, analyze: AnalyzerService.analyze.path,
            analyzeStack: AnalyzerService.analyzeStack.path,
        });
    });

    it("sends the encoded request as it is, and reads the diagnostics, if any, past the not-applicable entries", async () => {
        const client = new AnalyzerClient(address);
        try {
            const request = (name: string) => Buffer.from(new analyzerpb.AnalyzeRequest().setType("aws:ecr/repository:Repository")
                .setName(name).setUrn(`urn:pulumi:s::p::aws:ecr/repository:Repository::${name}`).serializeBinary());
            assert.deepEqual(await client.analyze(request("clean")), []);
            assert.ok(received[received.length - 1].equals(request("clean")));
            const found = await client.analyze(request("faulty"));
            assert.deepEqual(found.map((d) => [d.policyName, d.enforcementLevel, d.message, d.urn]), [
                ["c3-ecr-image-scanning", "mandatory", "Repository r does not scan on push.", "urn:pulumi:s::p::aws:ecr/repository:Repository::r"],
            ]);
            // Many calls at once share the connection.
            const many = await Promise.all(Array.from({ length: 200 }, (_, i) => client.analyze(request(i % 2 ? "faulty" : "clean"))));
            assert.equal(many.flat().length, 100);
        } finally {
            client.close();
        }
    });

    it("fails a call with the gRPC status and the server's message", async () => {
        const client = new AnalyzerClient(address);
        try {
            await assert.rejects(client.analyzeStack(Buffer.alloc(0)),
                { message: `${METHODS.analyzeStack} on the policy pack at ${address}: INTERNAL: policy c2 threw: cannot read 'name' of undefined – ünïcode 100%` });
            // A method the server does not implement answers with headers only.
            await assert.rejects(client.getAnalyzerInfo(), /GetAnalyzerInfo on the policy pack at .*: UNIMPLEMENTED/);
        } finally {
            client.close();
        }
    });

    it("fails calls, rather than hanging, when nothing serves the address", async () => {
        const { address: gone, server: short } = await serve({});
        short.forceShutdown();
        const connection = new GrpcConnection(gone);
        try {
            await assert.rejects(connection.unary(METHODS.analyze, Buffer.alloc(0)), /Analyze on the policy pack at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
        } finally {
            connection.close();
        }
    });
});
