/**
 * Unary gRPC calls over Node's own http2 client, which is all the analyzer client needs of gRPC (see
 * client.ts for why no general gRPC client).
 */
import * as http2 from "http2";

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
