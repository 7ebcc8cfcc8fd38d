// @ts-check
/**
 * Loads TypeScript without a compiler for code that has not changed: a `.ts` require hook, preloaded
 * (`node -r`) by the plan's process, its analysis worker and the policy pack's process. It is plain
 * JavaScript so that it needs no transpiler itself.
 *
 * Each module is transpiled once into a content-addressed cache,
 * `<project>/node_modules/.cache/aws-containers-plan/ts/<hash>.js`. The hash covers the file's path and
 * text, the text of the nearest tsconfig.json and of every config it extends, the typescript version
 * and this file's format, so an unchanged file is read back and any edit (to it or to its config)
 * misses the cache and is transpiled anew: output of older text is never run. Only on a miss is
 * `typescript` loaded (~0.4 s of a core), and it transpiles as ts-node's transpile-only mode would:
 * the nearest tsconfig.json's options, emitting CommonJS, no type check (`npm test` type-checks).
 *
 * Every process that preloads this file also compiles its CommonJS modules from V8's code cache
 * (code-cache.js).
 *
 * Source maps are inlined but read only with `--debug` or `--enable-source-maps` (Node's own support,
 * not source-map-support), so a plan without them pays nothing for stack traces it never prints.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { writeEntry } = require("./cache-files.js");

/** Bump when what the cache holds changes shape, so older entries are never read. */
const FORMAT = "1";
const CACHE = path.join(__dirname, "..", "..", "node_modules", ".cache", "aws-containers-plan", "ts");

/** @type {typeof import("typescript") | undefined} */
let ts;
let typescriptVersion = "";
/** Folder → the nearest tsconfig.json from it up (undefined: none), and its key. */
const configs = new Map();

function typescript() {
    return (ts ??= require("typescript"));
}

/** The typescript version a miss would transpile with, read without loading it. */
function tsVersion() {
    if (typescriptVersion === "") {
        const pkg = require.resolve("typescript/package.json");
        typescriptVersion = JSON.parse(fs.readFileSync(pkg, "utf8")).version;
    }
    return typescriptVersion;
}

/**
 * The nearest tsconfig.json from `dir` up and the texts it depends on (itself and what it extends,
 * found by a cheap scan: a miss parses it properly).
 * @param {string} dir
 * @returns {{ file: string | undefined, key: string }}
 */
function configOf(dir) {
    let found = configs.get(dir);
    if (found === undefined) {
        const file = path.join(dir, "tsconfig.json");
        if (fs.existsSync(file)) {
            found = { file, key: configTexts(file, new Set()).join("\0") };
        } else {
            const parent = path.dirname(dir);
            found = parent === dir ? { file: undefined, key: "" } : configOf(parent);
        }
        configs.set(dir, found);
    }
    return found;
}

/**
 * @param {string} file
 * @param {Set<string>} seen
 * @returns {string[]}
 */
function configTexts(file, seen) {
    if (seen.has(file)) {
        return [];
    }
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    const texts = [file, text];
    const extended = /"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")/.exec(text);
    for (const spec of extended ? [...extended[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]) : []) {
        const base = spec.startsWith(".") ? path.resolve(path.dirname(file), spec) : spec;
        const target = [base, `${base}.json`, path.join(base, "tsconfig.json")]
            .map((c) => { try { return require.resolve(c, { paths: [path.dirname(file)] }); } catch { return undefined; } })
            .find((c) => c !== undefined && c.endsWith(".json"));
        // An extended config that cannot be found is the compiler's error to report, on the miss.
        texts.push(...(target ? configTexts(target, seen) : [`unresolved:${spec}`]));
    }
    return texts;
}

/**
 * The options a miss transpiles with: the tsconfig's, with what ts-node forces for emitting, CommonJS
 * (a required module is CommonJS) and an inline source map.
 * @param {string | undefined} configFile
 * @returns {import("typescript").CompilerOptions}
 */
function compilerOptions(configFile) {
    const t = typescript();
    let options = {};
    if (configFile !== undefined) {
        const parsed = t.getParsedCommandLineOfConfigFile(configFile, {}, {
            ...t.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => {
                throw new Error(`${configFile}: ${t.flattenDiagnosticMessageText(d.messageText, "\n")}`);
            },
        });
        options = parsed?.options ?? {};
    } else {
        options = { target: t.ScriptTarget.ES2022, esModuleInterop: true, strict: true };
    }
    return {
        ...options,
        module: t.ModuleKind.CommonJS, noEmit: false, declaration: false, declarationMap: false, emitDeclarationOnly: false,
        composite: false, incremental: false, sourceMap: false, inlineSourceMap: true, inlineSources: false, outDir: undefined,
        rootDir: undefined, configFilePath: undefined, tsBuildInfoFile: undefined,
    };
}

/**
 * The JavaScript of `filename` (with text `source`) and whether it came from the cache.
 * @param {string} filename
 * @param {string} source
 * @returns {{ js: string, cached: boolean, entry: string }}
 */
function compiled(filename, source) {
    const config = configOf(path.dirname(filename));
    const hash = crypto.createHash("sha256")
        .update(JSON.stringify([FORMAT, tsVersion(), filename, config.key]))
        .update("\0").update(source).digest("hex").slice(0, 32);
    const entry = path.join(CACHE, `${hash}.js`);
    try {
        return { js: fs.readFileSync(entry, "utf8"), cached: true, entry };
    } catch {
        // Not compiled yet.
    }
    const t = typescript();
    const result = t.transpileModule(source, { fileName: filename, compilerOptions: compilerOptions(config.file), reportDiagnostics: true });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === t.DiagnosticCategory.Error);
    if (errors.length > 0) {
        const d = errors[0];
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        throw new SyntaxError(`${filename}${at ? `:${at.line + 1}:${at.character + 1}` : ""}: ${t.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
    writeEntry(CACHE, entry, result.outputText);
    return { js: result.outputText, cached: false, entry };
}

/**
 * @param {NodeJS.Module & { _compile(code: string, filename: string): void }} module
 * @param {string} filename
 */
function loadTypeScript(module, filename) {
    module._compile(compiled(filename, fs.readFileSync(filename, "utf8")).js, filename);
}

if (process.argv.includes("--debug") || process.execArgv.includes("--enable-source-maps")) {
    process.setSourceMapsEnabled(true);
}
// A process that registered ts-node (mocha) keeps it: this hook is for processes that did not.
// eslint-disable-next-line n/no-deprecated-api
if (!require.extensions[".ts"]) {
    // eslint-disable-next-line n/no-deprecated-api
    require.extensions[".ts"] = /** @type {any} */ (loadTypeScript);
}

// The main thread's modules also load V8's code from a cache (code-cache.js); a worker's are few.
if (require("worker_threads").isMainThread) {
    require("./code-cache.js").install();
}

module.exports = { compiled, CACHE };
