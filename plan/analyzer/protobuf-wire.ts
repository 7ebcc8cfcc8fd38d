/**
 * Protocol buffers' binary encoding, written straight into one growing buffer: the plan encodes an
 * `Analyze` request and an `AnalyzeStack` entry for every resource, and building google-protobuf
 * message objects first cost more CPU than the pack's own analysis of them. Covers what the analyzer
 * messages use: varints, doubles, strings and length-delimited sub-messages; and, to read, whether a
 * message holds a field at all. Two values that JSON-shaped wire data never holds are written validly but
 * not as google-protobuf writes them: NaN (another NaN bit pattern) and unpaired UTF-16 surrogates
 * (U+FFFD, as Node's UTF-8 encoder writes them).
 * Format: https://protobuf.dev/programming-guides/encoding/
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
/** A sub-message's length is reserved at its widest varint (up to 2^35) and moved up once known. */
const LENGTH_RESERVE = 5;

export class ProtobufWriter {
    private buf = Buffer.allocUnsafe(4096);
    private pos = 0;
    private readonly open: number[] = [];

    /** The bytes written since the last `finish`, as their own buffer; the writer starts again empty. */
    finish(): Buffer {
        if (this.open.length > 0) {
            throw new Error(`protobuf writer: ${this.open.length} sub-message(s) not ended`);
        }
        const bytes = Buffer.from(this.buf.subarray(0, this.pos));
        this.pos = 0;
        return bytes;
    }

    /** Drops whatever was written since the last `finish`, such as a message whose encoding failed. */
    reset(): void {
        this.pos = 0;
        this.open.length = 0;
    }

    varintField(field: number, value: number): void {
        this.tag(field, WIRE_VARINT);
        this.varint(value);
    }

    /** A bool field; proto3 leaves `false` out, so callers skip it. */
    boolField(field: number, value: boolean): void {
        this.varintField(field, value ? 1 : 0);
    }

    doubleField(field: number, value: number): void {
        this.tag(field, WIRE_FIXED64);
        this.reserve(8);
        this.buf.writeDoubleLE(value, this.pos);
        this.pos += 8;
    }

    stringField(field: number, value: string): void {
        this.tag(field, WIRE_LENGTH_DELIMITED);
        this.string(value);
    }

    /** Bytes already encoded (a whole field, say), copied in as they are. */
    raw(bytes: Uint8Array): void {
        this.reserve(bytes.length);
        this.buf.set(bytes, this.pos);
        this.pos += bytes.length;
    }

    /** Starts a sub-message in `field`; everything written until `end()` is its content. */
    begin(field: number): void {
        this.tag(field, WIRE_LENGTH_DELIMITED);
        this.reserve(LENGTH_RESERVE);
        this.open.push(this.pos);
        this.pos += LENGTH_RESERVE;
    }

    end(): void {
        const at = this.open.pop()!;
        const start = at + LENGTH_RESERVE;
        const length = this.pos - start;
        const width = varintWidth(length);
        this.buf.copyWithin(at + width, start, this.pos);
        this.pos = at;
        this.varint(length);
        this.pos = at + width + length;
    }

    private tag(field: number, wireType: number): void {
        this.varint(field * 8 + wireType);
    }

    private varint(value: number): void {
        if (!Number.isInteger(value) || value < 0 || value > Number.MAX_SAFE_INTEGER) {
            throw new Error(`protobuf writer: ${value} is not an unsigned varint`);
        }
        this.reserve(10);
        const buf = this.buf;
        let v = value;
        while (v > 0x7f) {
            buf[this.pos++] = (v % 0x80) | 0x80;
            v = Math.floor(v / 0x80);
        }
        buf[this.pos++] = v;
    }

    private string(value: string): void {
        // Most strings are short ASCII (names, URNs, ARNs): copied byte by byte, without a native call.
        const n = value.length;
        if (n < 128) {
            this.reserve(1 + n);
            const buf = this.buf;
            let i = 0;
            for (; i < n; i++) {
                const c = value.charCodeAt(i);
                if (c >= 0x80) {
                    break;
                }
                buf[this.pos + 1 + i] = c;
            }
            if (i === n) {
                buf[this.pos] = n;
                this.pos += 1 + n;
                return;
            }
        }
        const bytes = Buffer.byteLength(value, "utf8");
        this.varint(bytes);
        this.reserve(bytes);
        this.pos += this.buf.write(value, this.pos, "utf8");
    }

    private reserve(bytes: number): void {
        if (this.pos + bytes > this.buf.length) {
            const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
            this.buf.copy(grown, 0, 0, this.pos);
            this.buf = grown;
        }
    }
}

function varintWidth(value: number): number {
    let width = 1;
    for (let v = value; v > 0x7f; v = Math.floor(v / 0x80)) {
        width++;
    }
    return width;
}

/**
 * Whether the encoded message `bytes` holds `field` at its top level. Throws on bytes that are not a
 * protobuf message (a truncated field, a group, an unknown wire type).
 */
export function hasField(bytes: Uint8Array, field: number): boolean {
    let pos = 0;
    const varint = (): number => {
        let value = 0;
        for (let scale = 1; ; scale *= 0x80) {
            if (pos >= bytes.length) {
                throw new Error("protobuf: a varint runs past the end of the message");
            }
            const b = bytes[pos++];
            value += (b & 0x7f) * scale;
            if (b < 0x80) {
                return value;
            }
        }
    };
    while (pos < bytes.length) {
        const tag = varint();
        if (Math.floor(tag / 8) === field) {
            return true;
        }
        switch (tag % 8) {
            case WIRE_VARINT:
                varint();
                break;
            case WIRE_FIXED64:
                pos += 8;
                break;
            case WIRE_LENGTH_DELIMITED: {
                const length = varint();
                pos += length;
                break;
            }
            case WIRE_FIXED32:
                pos += 4;
                break;
            default:
                throw new Error(`protobuf: wire type ${tag % 8} is not one proto3 messages use`);
        }
    }
    if (pos > bytes.length) {
        throw new Error("protobuf: a field runs past the end of the message");
    }
    return false;
}
