import * as assert from "node:assert/strict";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "../../../plan/analyzer/client";
import { PlannedResource, PlannedStack } from "../../../plan/analyzer/requests";
import { StackAnalysis } from "../../../plan/analyzer/stack-analysis";
import { runProgram } from "../../../plan/engine/mock-engine";
import { projectStack } from "../../../plan/engine/program";
import type { AnalyzerInfo } from "../../../plan/pack/types";
import { SdkRequests } from "./sdk-requests";

describe("the AnalyzeStack request, encoded as resources register (plan/analyzer/stack-analysis.ts)", () => {
    const spec = projectStack("fargate-microservices-us-east-1");
    let resources: PlannedResource[];
    let stack: PlannedStack;
    let encodedAsItRan: Buffer;
    let laterOutputs: string[];

    before(async function () {
        this.timeout(60_000);
        stack = new PlannedStack(spec);
        // No pack: the Analyze calls wait on it forever, the stack's entries are encoded regardless.
        const noPack = new Promise<{ client: AnalyzerClient; info: AnalyzerInfo }>(() => undefined);
        const analysis = new StackAnalysis(noPack, spec);
        laterOutputs = [];
        const run = await runProgram(spec.program, {
            project: spec.project, stack: spec.stack, config: spec.config,
            ...stack.feed({
                add: (r) => analysis.add(r),
                outputs: (r) => {
                    laterOutputs.push(r.type);
                    analysis.outputs(r.urn, r.wireOutputs);
                },
            }),
        });
        assert.equal(run.error, undefined);
        resources = stack.all(run.resources);
        encodedAsItRan = analysis.stackRequest(resources);
    });

    it("components and the stack register outputs after themselves, which the entries follow", () => {
        assert.ok(laterOutputs.includes("pulumi:pulumi:Stack"));
        assert.ok(laterOutputs.includes("aws-containers:microservices:FargateMicroservices"));
    });

    it("is byte for byte the SDK's encoding of the request built at the end from the final resources", () => {
        const atTheEnd = new SdkRequests((urn) => stack.lookup(urn)).analyzeStack(resources).serializeBinary();
        assert.ok(encodedAsItRan.equals(Buffer.from(atTheEnd)));
    });

    it("decodes to every resource in the stack's order, with its final outputs", () => {
        const decoded = analyzerpb.AnalyzeStackRequest.deserializeBinary(encodedAsItRan).getResourcesList();
        assert.deepEqual(decoded.map((r) => r.getUrn()), resources.map((r) => r.urn));
        const component = resources.find((r) => r.type === "aws-containers:microservices:FargateMicroservices")!;
        assert.ok(Object.keys(component.wireOutputs).length > 0);
        const entry = decoded.find((r) => r.getUrn() === component.urn)!;
        assert.deepEqual(entry.getProperties()?.toJavaScript(), component.wireOutputs);
    });

    describe("end: the analyzed resources named by URN, the rest given in full", () => {
        /** A client that records the `AnalyzeStack` request the analysis sends. */
        function recording(): { client: AnalyzerClient; sent: Buffer[] } {
            const sent: Buffer[] = [];
            const fake = {
                configure: async () => undefined,
                configureStack: async () => undefined,
                analyze: async () => [],
                analyzeStack: async (body: Buffer) => {
                    sent.push(body);
                    return [];
                },
            };
            return { client: fake as unknown as AnalyzerClient, sent };
        }
        const info: AnalyzerInfo = { name: "recording", version: "0.0.0", supportsConfig: true, policies: [], initialConfig: {} };

        it("sends every resource in the stack's order, one never analyzed encoded from what end was given", async () => {
            const { client, sent } = recording();
            const analysis = new StackAnalysis(Promise.resolve({ client, info }), spec);
            const late = resources.find((r) => r.type === "aws:ecs/service:Service")!;
            resources.filter((r) => r !== late).forEach((r) => analysis.add(r));
            await analysis.end(resources.map((r) => r.urn), [late]);
            const expected = new SdkRequests((urn) => stack.lookup(urn)).analyzeStack(resources).serializeBinary();
            assert.equal(sent.length, 1);
            assert.ok(sent[0].equals(Buffer.from(expected)));
        });

        it("fails, naming the URN, when a resource was neither analyzed nor given", async () => {
            const { client, sent } = recording();
            const analysis = new StackAnalysis(Promise.resolve({ client, info }), spec);
            resources.slice(1).forEach((r) => analysis.add(r));
            await assert.rejects(analysis.end(resources.map((r) => r.urn)),
                (err: Error) => err.message.includes(resources[0].urn) && /neither analyzed nor given/.test(err.message));
            assert.equal(sent.length, 0);
        });
    });
});
