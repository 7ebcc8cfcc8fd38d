import * as assert from "node:assert/strict";
import { hasField, ProtobufWriter } from "../../../plan/analyzer/protobuf-wire";

describe("protobuf wire helpers (plan/analyzer/protobuf-wire.ts)", () => {
    it("tells whether a message holds a field, past fields of every wire type", () => {
        const w = new ProtobufWriter();
        w.varintField(1, 300);
        w.doubleField(4, 1.5);
        w.begin(3);
        w.stringField(2, "nested field 2 does not count");
        w.end();
        w.stringField(5, "x".repeat(300));
        const bytes = w.finish();
        assert.deepEqual([1, 2, 3, 4, 5, 6].map((f) => hasField(bytes, f)), [true, false, true, true, true, false]);
        assert.equal(hasField(Buffer.alloc(0), 1), false);
    });

    it("rejects what is not a protobuf message", () => {
        const w = new ProtobufWriter();
        w.stringField(5, "truncated");
        const bytes = w.finish();
        assert.throws(() => hasField(bytes.subarray(0, 4), 6), /runs past the end/);
        assert.throws(() => hasField(Buffer.from([0x80]), 6), /runs past the end/);
        assert.throws(() => hasField(Buffer.from([0x0b]), 6), /wire type 3/);
    });

    it("rejects a sub-message left open and a value that is no varint", () => {
        const w = new ProtobufWriter();
        w.begin(1);
        assert.throws(() => w.finish(), /not ended/);
        assert.throws(() => new ProtobufWriter().varintField(1, -1), /not an unsigned varint/);
    });
});
