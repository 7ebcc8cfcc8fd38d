import * as assert from "node:assert/strict";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialResourceSig, specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { AnalyzerRequests, durationSeconds, PlannedResource, PlannedStack, WIRE_SIGNATURE } from "../../../plan/analyzer/requests";
import { runProgram } from "../../../plan/engine/mock-engine";
import { projectStack } from "../../../plan/engine/program";
import { SdkRequests } from "./sdk-requests";

/** A custom resource on an explicit provider, with every option and property shape the wire form has. */
function everyShape(provider: PlannedResource): PlannedResource {
    const longAscii = "x".repeat(200);
    // Past 16 KiB with multi-byte characters: sub-message lengths need 3-byte varints.
    const longUnicode = "Zürich – 東京 – ".repeat(1200);
    const props = {
        name: "shapes", empty: "", zero: 0, negative: -42, fraction: 0.25, big: 2 ** 53, off: false, on: true, nothing: null,
        list: [1, "two", [3, [4]], { five: 5 }, null, false, []], emptyObject: {}, unknown: unknownValue,
        secret: { [specialSigKey]: specialSecretSig, value: "hunter2" },
        role: { [specialSigKey]: specialResourceSig, urn: "urn:pulumi:s::p::aws:iam/role:Role::r", id: "r-id" },
        component: { [specialSigKey]: specialResourceSig, urn: "urn:pulumi:s::p::my:c:C::c", id: "" },
        __internal: "dropped", ascii: longAscii, unicode: longUnicode, "ключ": "значение", "10": "numeric key", "9": "sorts as text",
        nested: { b: { c: { d: [longUnicode] } }, a: "first" },
    };
    return {
        type: "aws:ecs/service:Service", name: "shapes", urn: "urn:pulumi:s::p::aws:ecs/service:Service::shapes", custom: true,
        parent: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", provider: `${provider.urn}::${provider.id}`, providerUrn: provider.urn,
        region: "eu-west-1", inputs: {}, id: "shapes-id", protect: true, retainOnDelete: true, deleteBeforeReplace: true,
        deleteBeforeReplaceDefined: true, ignoreChanges: ["tags", "desiredCount"], dependencies: ["urn:a", "urn:b"],
        propertyDependencies: { role: ["urn:pulumi:s::p::aws:iam/role:Role::r"], name: [], b: ["urn:a", "urn:b"] },
        aliases: ["urn:pulumi:s::p::aws:ecs/service:Service::old"], additionalSecretOutputs: ["secret"],
        customTimeouts: { create: "1h30m", update: "90s", delete: "1.5m" },
        wireInputs: props, wireOutputs: { ...props, id: "shapes-id", arn: "arn:aws:ecs:eu-west-1:111122223333:service/shapes" },
    };
}

function explicitProvider(): PlannedResource {
    const inputs = { region: "eu-west-1", skipCredentialsValidation: true, defaultTags: { tags: { team: "platform" } }, version: "7.48.0" };
    return {
        type: "pulumi:providers:aws", name: "eu", urn: "urn:pulumi:s::p::pulumi:providers:aws::eu", custom: true, region: "eu-west-1",
        inputs, wireInputs: inputs, wireOutputs: inputs, id: "eu-id", protect: false, retainOnDelete: false, deleteBeforeReplace: false,
        deleteBeforeReplaceDefined: false, ignoreChanges: [], dependencies: [], propertyDependencies: {}, aliases: [], additionalSecretOutputs: [],
    };
}

function bare(): PlannedResource {
    return {
        type: "my:component:Bare", name: "", urn: "urn:pulumi:s::p::my:component:Bare::", custom: false, inputs: {},
        protect: false, retainOnDelete: false, deleteBeforeReplace: false, deleteBeforeReplaceDefined: false, ignoreChanges: [],
        dependencies: [], propertyDependencies: {}, aliases: [], additionalSecretOutputs: [], wireInputs: {}, wireOutputs: {},
    };
}

describe("analyzer requests, encoded directly (plan/analyzer/requests.ts)", () => {
    const provider = explicitProvider();
    const shapes = everyShape(provider);
    const handmade = [provider, shapes, bare()];
    const lookup = (urn: string) => handmade.find((r) => r.urn === urn);

    it("know the SDK's signatures of special values", () => {
        assert.deepEqual(WIRE_SIGNATURE, { key: specialSigKey, resource: specialResourceSig });
    });

    it("turns Go duration strings into seconds as the engine does", () => {
        assert.deepEqual(["20m", "1h30m", "90s", "1.5h", undefined].map(durationSeconds), [1200, 5400, 90, 5400, 0]);
    });

    it("encode Analyze of every property shape and option as the SDK's messages do, byte for byte", () => {
        const ours = new AnalyzerRequests(lookup);
        const sdk = new SdkRequests(lookup);
        for (const r of handmade) {
            assert.ok(ours.analyze(r).equals(Buffer.from(sdk.analyze(r).serializeBinary())), `Analyze of ${r.urn}`);
        }
    });

    it("encode an AnalyzeStack entry of every shape as the SDK's one-resource request, byte for byte", () => {
        const ours = new AnalyzerRequests(lookup);
        const sdk = new SdkRequests(lookup);
        for (const r of handmade) {
            assert.ok(ours.stackEntry(r).equals(Buffer.from(sdk.analyzeStack([r]).serializeBinary())), `AnalyzeStack entry of ${r.urn}`);
        }
    });

    it("drop a message whose encoding fails, and encode the next one whole", () => {
        const ours = new AnalyzerRequests(lookup);
        const broken = { ...bare(), wireInputs: { fine: "yes", nested: { count: BigInt(1) } } };
        assert.throws(() => ours.analyze(broken), /a property value of type bigint has no protobuf Value/);
        const sdk = new SdkRequests(lookup);
        assert.ok(ours.analyze(shapes).equals(Buffer.from(sdk.analyze(shapes).serializeBinary())));
        assert.throws(() => ours.stackEntry({ ...broken, wireOutputs: broken.wireInputs }), /bigint/);
        assert.ok(ours.stackEntry(shapes).equals(Buffer.from(sdk.analyzeStack([shapes]).serializeBinary())));
    });

    it("decode to what the engine would send: references as IDs or URNs, no internal keys, timeouts in seconds", () => {
        const req = analyzerpb.AnalyzeRequest.deserializeBinary(new AnalyzerRequests(lookup).analyze(shapes));
        const props = req.getProperties()!.toJavaScript() as Record<string, any>;
        assert.equal(props.role, "r-id");
        assert.equal(props.component, "urn:pulumi:s::p::my:c:C::c");
        assert.equal(props.__internal, undefined);
        assert.deepEqual(props.secret, { [specialSigKey]: specialSecretSig, value: "hunter2" });
        assert.equal(props.unicode, shapes.wireInputs.unicode);
        assert.deepEqual(props.list, [1, "two", [3, [4]], { five: 5 }, null, false, []]);
        const timeouts = req.getOptions()!.getCustomtimeouts()!;
        assert.deepEqual([timeouts.getCreate(), timeouts.getUpdate(), timeouts.getDelete()], [5400, 90, 90]);
        assert.equal(req.getProvider()!.getProperties()!.toJavaScript().region, "eu-west-1");
    });

    for (const name of ["fargate-microservices-us-east-1", "eks-platform-us-east-1"]) {
        it(`encode every resource of the ${name} stack as the SDK does, byte for byte`, async () => {
            const spec = projectStack(name);
            const stack = new PlannedStack(spec);
            const run = await runProgram(spec.program, { project: spec.project, stack: spec.stack, config: spec.config });
            assert.equal(run.error, undefined);
            for (const r of run.resources) {
                stack.add(r);
            }
            const resources = stack.all(run.resources);
            const ours = new AnalyzerRequests((urn) => stack.lookup(urn));
            const sdk = new SdkRequests((urn) => stack.lookup(urn));
            const mismatched = resources.filter((r) => !ours.analyze(r).equals(Buffer.from(sdk.analyze(r).serializeBinary())));
            assert.deepEqual(mismatched.map((r) => r.urn), []);
            const joined = Buffer.concat(resources.map((r) => ours.stackEntry(r)));
            assert.ok(joined.equals(Buffer.from(sdk.analyzeStack(resources).serializeBinary())));
            assert.ok(resources.length > 100);
        });
    }
});
