/**
 * Defers the SDK's modules for serializing functions (@pulumi/pulumi 3.248): its index loads
 * `@npmcli/arborist` (`runtime/closure/codePaths.js`) and `typescript` (`runtime/closure/parseFunction.js`)
 * eagerly, yet uses them only to serialize a function into a Lambda's code, which neither a policy
 * pack nor the plan's programs do at plan time. Loading typescript alone costs ~0.4 s of a core.
 * Those requires return a proxy that loads the real module on first use. They are matched by the
 * requiring file, so an SDK whose files differ simply loads everything as before.
 */

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("module") as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
};

const SDK = String.raw`[\\/]@pulumi[\\/]pulumi[\\/]`;
/** Requires the SDK makes eagerly but uses only to serialize functions: [requiring file, request]. */
const LAZY: [RegExp, string][] = [
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]codePaths\\.js$`), "@npmcli/arborist"],
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]parseFunction\\.js$`), "../../typescript-shim"],
];

/**
 * Stands in for a module until a property is read. `__esModule` is answered without loading so that
 * the SDK's `__importStar` returns the proxy itself instead of copying the module's properties now.
 */
export function lazy(loadModule: () => unknown): unknown {
    let loaded: Record<PropertyKey, unknown> | undefined;
    const real = () => (loaded ??= loadModule() as Record<PropertyKey, unknown>);
    return new Proxy({}, {
        get: (_, key) => (key === "__esModule" ? true : real()[key]),
        has: (_, key) => key in real(),
    });
}

let installed = false;

/** From now on, the SDK's serialization modules load when first used. Call before @pulumi/pulumi loads. */
export function deferSerializationModules(): void {
    if (installed) {
        return;
    }
    installed = true;
    const load = Module._load;
    Module._load = function (this: unknown, request, parent, isMain) {
        const from = parent?.filename;
        if (from !== undefined && LAZY.some(([file, r]) => r === request && file.test(from))) {
            return lazy(() => load.call(this, request, parent, isMain));
        }
        return load.call(this, request, parent, isMain);
    };
}
