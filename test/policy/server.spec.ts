import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { tolerateEmptyAssets } from "../../policy/lib/server";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const rpc = require("@pulumi/pulumi/runtime/rpc") as { specialSigKey: string; specialAssetSig: string };

/** @pulumi/policy's deserializer as the server calls it: converts the Struct, copies its values. */
function library() {
    const module = {
        deserializeProperties: (struct: { toJavaScript(): unknown }, _proxySecrets: boolean) =>
            JSON.parse(JSON.stringify(struct.toJavaScript())) as Record<string, unknown>,
    };
    tolerateEmptyAssets(module);
    return module;
}

/** A Struct that counts its conversions to JavaScript. */
function struct(tree: Record<string, unknown>) {
    const s = { conversions: 0, toJavaScript: () => (s.conversions++, tree) };
    return s;
}

describe("the pack's deserializer (policy/lib/server.ts)", () => {
    it("converts each request's Struct once, however many policies deserialize it, and gives each policy values of its own", () => {
        const { deserializeProperties } = library();
        const props = struct({ name: "web", tags: { team: "a" }, ports: [80, 443] });
        const first = deserializeProperties(props, false);
        const second = deserializeProperties(props, false);
        const third = deserializeProperties(props, false);
        assert.equal(props.conversions, 1);
        assert.deepEqual(first, { name: "web", tags: { team: "a" }, ports: [80, 443] });
        assert.deepEqual(second, first);
        assert.deepEqual(third, first);
        // One policy changing what it was given changes nothing another sees.
        (first.tags as Record<string, string>).team = "changed";
        assert.deepEqual(second.tags, { team: "a" });
        assert.notEqual(second, third);
    });

    it("converts another Struct anew, and still turns an empty asset into StringAsset(\"\") on every call", async () => {
        const { deserializeProperties } = library();
        const emptyAsset = { [rpc.specialSigKey]: rpc.specialAssetSig, text: "" };
        const withAsset = struct({ source: emptyAsset, key: "k" });
        for (let i = 0; i < 2; i++) {
            const props = deserializeProperties(withAsset, false);
            assert.ok(pulumi.asset.Asset.isInstance(props.source), "an empty asset deserializes to an Asset");
            assert.equal(await (props.source as pulumi.asset.StringAsset).text, "");
            assert.equal(props.key, "k");
        }
        assert.equal(withAsset.conversions, 1);
        const other = struct({ key: "other" });
        assert.deepEqual(deserializeProperties(other, false), { key: "other" });
        assert.equal(other.conversions, 1);
    });
});
