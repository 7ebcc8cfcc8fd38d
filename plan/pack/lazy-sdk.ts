/**
 * Defers modules the Pulumi SDKs load eagerly but a plan's processes seldom or never use, so that each
 * loads on first use instead of at every start (@pulumi/pulumi 3.248, @pulumi/aws 7, @pulumi/kubernetes 4):
 * - @pulumi/pulumi's index loads the Automation API (`./automation`: execa, tmp, a log tailer), which
 *   drives the Pulumi CLI and which neither a pack nor a program in the mock runtime calls (~0.1 s of a
 *   core per process);
 * - its function serialization (`runtime/closure`) loads `@npmcli/arborist`, `normalize-package-data`
 *   and `typescript`, used only to serialize a function into a Lambda's code (typescript alone ~0.4 s);
 * - the provider SDKs' indexes load every namespace's index (@pulumi/aws: 238 of them, each defining
 *   its resources), where a program uses a few dozen: a namespace loads when the program first reads
 *   from it (`aws.ecs.Service`), which also registers its resource module before any of its resources
 *   exists (the SDK needs that only to rebuild references to resources the program made).
 * Each is matched by the requiring file, so an SDK whose files differ simply loads everything as before.
 */
import * as fs from "fs";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Module = require("module") as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
};

const SDK = String.raw`[\\/]@pulumi[\\/]pulumi[\\/]`;
/** Requires that load on first use: [requiring file, request, how the requiring file imports it]. */
const DEFERRED: [from: RegExp, request: string, shape: Shape][] = [
    [new RegExp(`${SDK}index\\.js$`), "./automation", "namespace"],
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]codePaths\\.js$`), "@npmcli/arborist", "namespace"],
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]codePaths\\.js$`), "normalize-package-data", "function"],
    [new RegExp(`${SDK}runtime[\\\\/]closure[\\\\/]parseFunction\\.js$`), "../../typescript-shim", "namespace"],
];
/** A provider SDK's index (or a namespace's), whose `./<name>` requires of folders are namespaces. */
const PROVIDER_INDEX = /[\\/]@pulumi[\\/](aws|kubernetes)[\\/](.+[\\/])?index\.js$/;
const NAMESPACE_REQUEST = /^\.\/[A-Za-z0-9]+$/;

/**
 * How the requiring file uses the module: `__importStar(require(…))` and property reads (namespace),
 * or `__importDefault(require(…)).default(…)`, a call of the module itself (function).
 */
type Shape = "namespace" | "function";

/**
 * Stands in for a module until it is used. For a namespace `__esModule` is answered without loading, so
 * that the SDKs' `__importStar` returns the proxy itself instead of copying the module's properties
 * now; for a function it is false, so that `__importDefault` wraps the proxy, which loads when called.
 * Every other operation loads the module and acts on it; properties are reported configurable, as a
 * proxy must for properties its own target lacks.
 */
export function lazy(loadModule: () => unknown, shape: Shape = "namespace"): unknown {
    let loaded: any;
    const real = () => (loaded ??= loadModule());
    const target = shape === "function" ? function deferred() { /* stands in for the module */ } : {};
    return new Proxy(target, {
        get: (_, key) => (key === "__esModule" && loaded === undefined ? shape === "namespace" : real()[key]),
        has: (_, key) => key in real(),
        set: (_, key, value) => Reflect.set(real(), key, value),
        ownKeys: () => Reflect.ownKeys(real()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
            return descriptor && { ...descriptor, configurable: true };
        },
        apply: (_, self, args) => Reflect.apply(real(), self, args),
    });
}

/** Per provider index's folder, the names of its entries: one listing instead of two stats per require. */
const listings = new Map<string, Set<string>>();

/** Whether `request` from the provider index `from` names a namespace: a folder, not a module file. */
function isNamespace(from: string, request: string): boolean {
    const dir = path.dirname(from);
    let names = listings.get(dir);
    if (names === undefined) {
        names = new Set(fs.readdirSync(dir));
        listings.set(dir, names);
    }
    const name = request.slice(2);
    // Node resolves `./name` to name.js before the folder `name/` (whose index.js a namespace is).
    return names.has(name) && !names.has(`${name}.js`);
}

let installed = false;

/** From now on, the modules above load when first used. Call before @pulumi/pulumi loads. */
export function deferUnusedSdkModules(): void {
    if (installed) {
        return;
    }
    installed = true;
    const load = Module._load;
    Module._load = function (this: unknown, request, parent, isMain) {
        const from = parent?.filename;
        if (from !== undefined) {
            const deferred = DEFERRED.find(([file, r]) => r === request && file.test(from));
            if (deferred) {
                return lazy(() => load.call(this, request, parent, isMain), deferred[2]);
            }
            if (NAMESPACE_REQUEST.test(request) && PROVIDER_INDEX.test(from) && isNamespace(from, request)) {
                return lazy(() => load.call(this, request, parent, isMain));
            }
        }
        return load.call(this, request, parent, isMain);
    };
}
