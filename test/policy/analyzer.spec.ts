import * as assert from "node:assert/strict";
import * as path from "path";
import { PlanResult, planProgram } from "../../plan/plan";
import { PolicySession } from "../../plan/analyzer/session";
import { userProgram } from "../../plan/engine/program";
import { PACK } from "../plan/packs";

/**
 * Through the real analyzer protocol (the offline plan drives the pack's gRPC server as the engine does):
 * what the pack adds to @pulumi/policy's server (policy/lib/server.ts).
 */
describe("policy pack over the analyzer protocol", () => {
    let session: PolicySession;
    before(async () => {
        session = await PolicySession.start(PACK);
    });
    after(() => session?.close());

    it("one empty StringAsset in a program fails no Analyze: the program plans and the rest is judged", async () => {
        const result: PlanResult = await planProgram(userProgram(path.join(__dirname, "empty-asset-program")), { policyPack: PACK, session });
        assert.deepEqual(result.violations.map((v) => [v.policyName, v.enforcementLevel, v.urn.split("::").pop()]),
            [["sec-log-retention", "advisory", "markers-log"]]);
        const object = result.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.ok(object, "the object with the empty asset was planned");
    });

    it("a namePatterns entry that is no regular expression is refused at Configure, naming the policy, property and value", async () => {
        const config = { "sec-no-plaintext-secrets": { properties: { namePatterns: ["PASSWORD", "("] } } };
        await assert.rejects(planProgram(userProgram(path.join(__dirname, "empty-asset-program")), { policyPack: PACK, session, policyConfig: config }),
            /policy sec-no-plaintext-secrets: namePatterns "\(" is not a regular expression/);
    });

    it("a valid namePatterns config is accepted and used", async () => {
        const config = { "sec-no-plaintext-secrets": { properties: { namePatterns: ["PASSWORD", "^DSN$"] } } };
        const result = await planProgram(userProgram(path.join(__dirname, "empty-asset-program")), { policyPack: PACK, session, policyConfig: config });
        assert.equal(result.violations.length, 1);
    });
});
