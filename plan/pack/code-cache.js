// @ts-check
/**
 * V8's compiled code of every CommonJS module a plan's process loads (the SDKs', the plan's, the
 * components' and the pack's), cached across starts, as Node 22's `module.enableCompileCache()` does
 * and Node 20 cannot. Installed by compile-cache.js on a process's main thread.
 *
 * Without it V8 parses and compiles each module's code at every start: about a fifth of a plan's
 * module loading. A module is compiled with the code V8 produced for the same text in an earlier run,
 * which V8 serialized when that run ended, so the code of functions compiled lazily while the plan ran
 * is reused too (the `v8-compile-cache` package serializes right after compiling, before any function
 * ran, which measured no gain here).
 *
 * Entries live in `<project>/node_modules/.cache/aws-containers-plan/v8/<hash>`; the hash covers the
 * module's path and text, Node's version and the process's V8 flags, so edited code is compiled anew
 * (V8 also refuses data from another V8 or other flags). A module that V8 cannot compile as a script
 * (ES module syntax), one that may call `import()` (see MAY_IMPORT) and a process started with
 * `--inspect-brk` take Node's own path.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { writeEntry } = require("./cache-files.js");

/** Bump when the entries change shape. */
const FORMAT = "1";
const CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "aws-containers-plan", "v8");

/** What V8's code depends on besides the text: Node (V8's version) and the flags the process runs with. */
const PROCESS_KEY = JSON.stringify([FORMAT, process.version, process.arch,
    process.execArgv.filter((a) => a.startsWith("--") && !a.startsWith("--require")), process.env.NODE_OPTIONS ?? ""]);

/**
 * Code that may call `import()`, directly or through code it evaluates. Node 20 cannot give a script
 * compiled with cached data an `import()` (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so such a module
 * is compiled by Node as usual.
 */
const MAY_IMPORT = /\bimport\s*\(|\beval\s*\(|\bFunction\s*\(/;

/** Compiled this run without usable cached data: serialized when the process ends. @type {[vm.Script, string][]} */
const produced = [];

/**
 * @param {string} filename
 * @param {string} content
 */
function entryOf(filename, content) {
    const hash = crypto.createHash("sha256").update(PROCESS_KEY).update("\0").update(filename).update("\0").update(content)
        .digest("hex").slice(0, 32);
    return path.join(CACHE, hash);
}

/**
 * A module's wrapper function compiled by V8 from cached code where there is some.
 * @param {string} filename
 * @param {string} content
 * @returns {Function | undefined} undefined when the text is no CommonJS script
 */
function compileWrapper(filename, content) {
    if (MAY_IMPORT.test(content)) {
        return undefined;
    }
    const entry = entryOf(filename, content);
    /** @type {Buffer | undefined} */
    let cachedData;
    try {
        cachedData = fs.readFileSync(entry);
    } catch {
        // Not cached yet.
    }
    let script;
    try {
        script = new vm.Script(Module.wrap(content), { filename, cachedData });
    } catch {
        return undefined;
    }
    if (cachedData === undefined) {
        produced.push([script, entry]);
    } else if (script.cachedDataRejected) {
        // Serialized under other V8 flags: the SDK's closure serialization turns on a flag as it loads
        // (runtime/closure/v8.js), after the modules before it compiled. Their code is serialized now,
        // under the flags they compile with.
        writeEntry(CACHE, entry, script.createCachedData());
    }
    return script.runInThisContext({ displayErrors: true });
}

/**
 * Node's `Module.prototype._compile` for CommonJS: the wrapper called with the module's own `require`
 * (as Node makes it: resolve, resolve.paths, main, extensions, cache).
 * @this {any}
 * @param {string} content
 * @param {string} filename
 * @param {string | undefined} format
 */
function compileCached(content, filename, format) {
    const wrapper = format === "module" ? undefined : compileWrapper(filename, content);
    if (wrapper === undefined) {
        return nodeCompile.call(this, content, filename, format);
    }
    const mod = this;
    /** @param {string} id */
    const require = (id) => mod.require(id);
    /** @param {string} request @param {any} [options] */
    const resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    /** @param {string} request */
    resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    Object.assign(require, { resolve, main: process.mainModule, extensions: Module._extensions, cache: Module._cache });
    return Reflect.apply(wrapper, mod.exports, [mod.exports, require, mod, filename, path.dirname(filename)]);
}

/** Serializes the code of this run's new modules, functions compiled while it ran included. */
function save() {
    for (const [script, entry] of produced.splice(0)) {
        writeEntry(CACHE, entry, script.createCachedData());
    }
}

/** Node's own, for what the cache does not compile. @type {Function} */
const nodeCompile = Module.prototype._compile;
let installed = false;

/**
 * From now on this thread compiles CommonJS modules from the cache. A pack's process ends when the plan
 * stops it (SIGTERM), so on a run that compiled something new it saves then, before exiting as the
 * signal would have it.
 */
function install() {
    if (installed || process.execArgv.some((a) => a.startsWith("--inspect-brk"))) {
        return;
    }
    installed = true;
    // Node 22.1+ has this built in (not exercised here: the project runs on Node 20).
    const builtIn = /** @type {{ enableCompileCache?: (dir: string) => unknown }} */ (/** @type {unknown} */ (Module)).enableCompileCache;
    if (typeof builtIn === "function") {
        builtIn(path.join(CACHE, "..", "node-compile-cache"));
        return;
    }
    // @ts-ignore: a method of Node's Module the typings do not declare.
    Module.prototype._compile = compileCached;
    process.once("exit", save);
    process.once("SIGTERM", () => {
        save();
        // This listener is gone now: the signal again ends the process as it would have without it.
        process.kill(process.pid, "SIGTERM");
    });
}

module.exports = { install, CACHE, entryOf };
