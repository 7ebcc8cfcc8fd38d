/**
 * Preloaded (`-r`) into a policy pack whose TypeScript loads through the plan's compile cache
 * (compile-cache.js, preloaded before this file, which it loads): no ts-node is loaded.
 *
 * It removes two start-up costs that do nothing for such a pack (@pulumi/pulumi 3.248):
 * - `cmd/run-policy-pack/run.js` always loads `typescript` and `ts-node` (via `tsutils.js`) and registers
 *   ts-node with type checking, only to compile `.ts` files, which the compile cache loads already; and
 *   it reads the pack's tsconfig.json with the SDK's vendored typescript, only to pass it to ts-node.
 *   Those requires get stand-ins: ts-node's `register` does nothing, typescript reports its real
 *   version, the vendored one reads no options.
 * - The SDK's index loads modules a pack never uses (the Automation API, function serialization):
 *   lazy-sdk.ts defers them.
 * - `cmd/run-policy-pack/index.js` registers source-map-support, which maps the stack traces of
 *   errors to TypeScript lines: the plan starts the pack with `--stack-trace-limit=0` outside
 *   `--debug`, so there are no frames to map, and with `--debug` with Node's own `--enable-source-maps`
 *   (the SDK's registration is kept then).
 * Together about two thirds of the pack's start. Each is matched by the requiring file, so an SDK
 * whose files differ simply loads everything as before.
 */
import * as fs from "fs";
import * as path from "path";
import { deferUnusedSdkModules } from "./lazy-sdk";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("module") as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
};

const SDK = String.raw`[\\/]@pulumi[\\/]pulumi[\\/]`;
const TS_SETUP = new RegExp(`${SDK}(tsutils|cmd[\\\\/]run-policy-pack[\\\\/]run)\\.js$`);
const TS_NODE_REQUEST = /(^|[\\/])ts-node(@[\d.]+)?$/;
const TYPESCRIPT_REQUEST = /(^|[\\/])typescript(@[\d.]+[\\/]typescript\.js)?$/;
const VENDORED_TYPESCRIPT_REQUEST = "./typescript-shim";
const PACK_MAIN = new RegExp(`${SDK}cmd[\\\\/]run-policy-pack[\\\\/]index\\.js$`);
const SOURCE_MAPS_REQUEST = "source-map-support/register";

/** The version of the typescript `parent` would load, without loading it (the SDK only logs it). */
function typescriptVersion(request: string, parentFile: string): string {
    const vendored = /typescript@([\d.]+)/.exec(request);
    if (vendored) {
        return vendored[1];
    }
    // Throws as the real require would when typescript is not installed, so the SDK falls back alike.
    const pkg = require.resolve("typescript/package.json", { paths: [path.dirname(parentFile)] });
    return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

const load = Module._load;
Module._load = function (this: unknown, request, parent, isMain) {
    const from = parent?.filename;
    if (from !== undefined && request === SOURCE_MAPS_REQUEST && PACK_MAIN.test(from) && !process.execArgv.includes("--enable-source-maps")) {
        return {};
    }
    if (from !== undefined && TS_SETUP.test(from)) {
        if (TS_NODE_REQUEST.test(request)) {
            return { register: () => undefined, VERSION: "not loaded: the pack is compiled" };
        }
        if (TYPESCRIPT_REQUEST.test(request)) {
            return { version: typescriptVersion(request, from) };
        }
        if (request === VENDORED_TYPESCRIPT_REQUEST) {
            return { parseConfigFileTextToJson: () => ({ config: {} }) };
        }
    }
    return load.call(this, request, parent, isMain);
};
deferUnusedSdkModules();
