/**
 * Preloaded (`-r`) into a policy pack that `build.ts` compiled to JavaScript. It runs as plain
 * JavaScript: `build.ts` transpiles this file next to the compiled pack, and no ts-node is loaded.
 *
 * It removes two start-up costs that do nothing for a compiled pack (@pulumi/pulumi 3.248):
 * - `cmd/run-policy-pack/run.js` always loads `typescript` and `ts-node` (via `tsutils.js`) and registers
 *   ts-node with type checking, only to compile `.ts` files, and the compiled pack has none. Those two
 *   requires get stand-ins: ts-node's `register` does nothing, typescript reports its real version.
 * - The SDK's index loads `@npmcli/arborist` (`runtime/closure/codePaths.js`) and `typescript`
 *   (`runtime/closure/parseFunction.js`) eagerly, yet uses them only to serialize functions, which a
 *   policy pack never does. Those requires return a proxy that loads the real module on first use.
 * Together about two thirds of the pack's start. Both are matched by the requiring file, so an SDK
 * whose files differ simply loads everything as before.
 */
import * as fs from "fs";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("module") as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
    enableCompileCache?: (dir: string) => unknown;
};

const SDK = String.raw`[\\/]@pulumi[\\/]pulumi[\\/]`;
const TS_SETUP = new RegExp(`${SDK}(tsutils|cmd[\\\\/]run-policy-pack[\\\\/]run)\\.js$`);
const TS_NODE_REQUEST = /(^|[\\/])ts-node(@[\d.]+)?$/;
const TYPESCRIPT_REQUEST = /(^|[\\/])typescript(@[\d.]+[\\/]typescript\.js)?$/;
/** Requires the SDK makes eagerly but uses only to serialize functions: [requiring file, request]. */
const LAZY: [RegExp, string][] = [
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]codePaths\\.js$`), "@npmcli/arborist"],
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]parseFunction\\.js$`), "../../typescript-shim"],
];

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

/**
 * Stands in for a module until a property is read. `__esModule` is answered without loading so that
 * the SDK's `__importStar` returns the proxy itself instead of copying the module's properties now.
 */
function lazy(loadModule: () => unknown): unknown {
    let loaded: Record<PropertyKey, unknown> | undefined;
    const real = () => (loaded ??= loadModule() as Record<PropertyKey, unknown>);
    return new Proxy({}, {
        get: (_, key) => (key === "__esModule" ? true : real()[key]),
        has: (_, key) => key in real(),
    });
}

// Node 22.1+ can also cache V8's compiled code of every module across starts (the pack's and the
// SDK's). Node 20 has no such API, so there this does nothing (and was not exercised here).
Module.enableCompileCache?.(path.join(__dirname, "..", ".node-compile-cache"));

const load = Module._load;
Module._load = function (this: unknown, request, parent, isMain) {
    const from = parent?.filename;
    if (from !== undefined && TS_SETUP.test(from)) {
        if (TS_NODE_REQUEST.test(request)) {
            return { register: () => undefined, VERSION: "not loaded: the pack is compiled" };
        }
        if (TYPESCRIPT_REQUEST.test(request)) {
            return { version: typescriptVersion(request, from) };
        }
    }
    if (from !== undefined && LAZY.some(([file, r]) => r === request && file.test(from))) {
        return lazy(() => load.call(this, request, parent, isMain));
    }
    return load.call(this, request, parent, isMain);
};
