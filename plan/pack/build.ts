/**
 * Compiles a TypeScript policy pack to JavaScript once, so that its process starts without ts-node and
 * typescript: the pack's fixed start (~0.9 s on an idle machine, most of it loading typescript,
 * transpiling the pack and ts-node's require hooks) otherwise dominates the plan of a small program.
 *
 * The output is content-addressed: `<pack>/node_modules/.cache/aws-containers-plan/<hash>/` holds the
 * pack's sources transpiled in its own folder layout under `pack/` (with its PulumiPolicy.yaml and a
 * package.json whose `main` is the compiled entry) and `preload.js` (from `preload.ts`). The hash
 * covers every source file's name and content, package.json, PulumiPolicy.yaml, the compiler options,
 * the typescript version and the preload, so an unchanged pack reuses the output and any edit builds a
 * new one. Inside `<pack>/node_modules`, module resolution walks up to the pack's and the project's
 * node_modules exactly as from the pack itself. Transpiling skips type checking: `npm test` type-checks
 * the pack, and a pack with syntax errors runs through ts-node, which reports them as before.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** A pack compiled to JavaScript: run `run-policy-pack` in `dir` with `-r preload`. */
export interface CompiledPack {
    readonly dir: string;
    readonly preload: string;
    /** False when an earlier plan's output was reused. */
    readonly built: boolean;
}

/** The plan's own sources: `compilePlanModules` compiles modules of this folder and its sub-folders. */
const PLAN_DIR = path.join(__dirname, "..");
/** Bump when the layout of the output changes, so older outputs are never reused. */
const FORMAT = "1";
const CACHE = path.join("node_modules", ".cache", "aws-containers-plan");
/** Outputs (and leftovers of interrupted builds) unused for this long are removed. */
const STALE_MS = 24 * 3600 * 1000;

/** The plan's own code (the pack's preload, the worker's modules): emitted as tsconfig.json emits it. */
const PLAN_OPTIONS: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true, strict: true,
};

/** Why a pack cannot be compiled: it then runs through ts-node. */
export class NotCompiled extends Error {}

/**
 * The compiled form of the pack in `packDir`, built if it does not exist yet. Throws `NotCompiled`
 * (or a file system error) with the reason when the pack has to run through ts-node instead.
 */
export function compilePolicyPack(packDir: string): CompiledPack {
    const dir = path.resolve(packDir);
    const pkgText = fs.readFileSync(path.join(dir, "package.json"), "utf8");
    const entry = packEntry(dir, JSON.parse(pkgText) as { main?: string });
    const options = compilerOptions(dir);
    const sources = packSources(dir);
    if (!sources.has(entry)) {
        throw new NotCompiled(`its program ${entry} is not a TypeScript file of the pack`);
    }
    checkImports(dir, sources);
    const preloadSource = fs.readFileSync(path.join(__dirname, "preload.ts"), "utf8");
    const policyYaml = fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8");

    const hash = contentHash([FORMAT, dir, ts.version, options, PLAN_OPTIONS, preloadSource, pkgText, policyYaml, [...sources]]);
    const out = cachedOutput(path.join(dir, CACHE), hash, () => {
        const files = new Map<string, string>();
        for (const [rel, text] of sources) {
            files.set(path.join("pack", rel.replace(/\.ts$/, ".js")), transpile(text, path.join(dir, rel), options));
        }
        files.set("preload.js", transpile(preloadSource, path.join(__dirname, "preload.ts"), PLAN_OPTIONS));
        files.set(path.join("pack", "PulumiPolicy.yaml"), policyYaml);
        // @pulumi/policy reads the pack's name and version from here, so everything but `main` stays.
        const pkg = { ...JSON.parse(pkgText), main: entry.replace(/\.ts$/, ".js") };
        files.set(path.join("pack", "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
        return files;
    });
    return { dir: path.join(out.dir, "pack"), preload: path.join(out.dir, "preload.js"), built: out.built };
}

/**
 * The plan's own module `entry` (a .ts file of plan/) and every module of plan/ it imports, compiled
 * to JavaScript in the project's `node_modules/.cache/aws-containers-plan/plan-<hash>/`, from where
 * their packages resolve as from plan/ itself: the worker thread loads these instead of registering
 * ts-node, which would load typescript (~0.45 s of a core) to transpile them on every plan. Returns the
 * compiled entry. Throws `NotCompiled` (or a file system error) when they have to run through ts-node.
 */
export function compilePlanModules(entry: string): string {
    const sources = new Map<string, string>();
    const visit = (file: string) => {
        const rel = path.relative(PLAN_DIR, file);
        if (sources.has(rel)) {
            return;
        }
        if (rel.startsWith("..") || !fs.existsSync(file)) {
            throw new NotCompiled(`${file} is not a TypeScript module of plan/`);
        }
        const text = fs.readFileSync(file, "utf8");
        sources.set(rel, text);
        for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
            if (spec.startsWith(".")) {
                visit(path.resolve(path.dirname(file), `${spec}.ts`));
            }
        }
    };
    visit(path.resolve(entry));
    const hash = contentHash([FORMAT, PLAN_DIR, ts.version, PLAN_OPTIONS, [...sources]]);
    const out = cachedOutput(path.join(PLAN_DIR, "..", CACHE), `plan-${hash}`, () => new Map([...sources].map(([rel, text]) =>
        [path.join("plan", rel.replace(/\.ts$/, ".js")), transpile(text, path.join(PLAN_DIR, rel), PLAN_OPTIONS)])));
    return path.join(out.dir, "plan", path.relative(PLAN_DIR, entry).replace(/\.ts$/, ".js"));
}

function contentHash(parts: unknown[]): string {
    return crypto.createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 20);
}

/**
 * `<root>/<name>/`, holding the files `build` returns (relative path → text) once; later calls reuse it.
 * Written to a private folder and renamed into place, so a concurrent plan sees all or nothing.
 */
function cachedOutput(root: string, name: string, build: () => Map<string, string>): { dir: string; built: boolean } {
    const out = path.join(root, name);
    if (fs.existsSync(out)) {
        const now = new Date();
        fs.utimesSync(out, now, now);
        return { dir: out, built: false };
    }
    fs.mkdirSync(root, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(root, `.tmp-${name}-`));
    try {
        for (const [rel, text] of build()) {
            writeFile(path.join(tmp, rel), text);
        }
        fs.renameSync(tmp, out);
    } catch (err) {
        fs.rmSync(tmp, { recursive: true, force: true });
        // Another plan renamed the same output into place first: it is identical, use it.
        if (!fs.existsSync(out)) {
            throw err;
        }
        return { dir: out, built: false };
    }
    removeStale(root, name);
    return { dir: out, built: true };
}

/** The pack's program as Node resolves `require(<pack dir>)`: package.json `main`, else `index`. */
function packEntry(dir: string, pkg: { main?: string }): string {
    const base = path.normalize(pkg.main ?? "index").replace(/[\\/]$/, "");
    // Node's order, with ts-node's `.ts` registered after `.js`.
    const candidates = [base, `${base}.js`, `${base}.ts`, path.join(base, "index.js"), path.join(base, "index.ts")];
    const found = candidates.find((c) => fs.existsSync(path.join(dir, c)) && fs.statSync(path.join(dir, c)).isFile());
    if (found === undefined || !found.endsWith(".ts")) {
        throw new NotCompiled(`its program (${found ?? base}) is not TypeScript`);
    }
    return found.split(path.sep).join("/");
}

/**
 * The options ts-node would use: the nearest tsconfig.json from the pack's folder up, with what ts-node
 * forces for emitting (@ts-node 10 `DEFAULT_COMPILER_OPTIONS`), and an inline source map whose root is
 * the pack's folder, so a stack trace (`--debug`) names the pack's .ts files.
 */
function compilerOptions(dir: string): ts.CompilerOptions {
    const configFile = ts.findConfigFile(dir, ts.sys.fileExists);
    if (configFile === undefined) {
        throw new NotCompiled("no tsconfig.json in its folder or above");
    }
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new NotCompiled(`${configFile}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        },
    });
    if (parsed === undefined || parsed.errors.some((e) => e.category === ts.DiagnosticCategory.Error)) {
        throw new NotCompiled(`${configFile} has errors`);
    }
    if (parsed.options.module !== ts.ModuleKind.CommonJS) {
        throw new NotCompiled(`${configFile} does not set "module": "commonjs"`);
    }
    return {
        ...parsed.options,
        noEmit: false, declaration: false, declarationMap: false, emitDeclarationOnly: false, composite: false,
        sourceMap: false, inlineSourceMap: true, inlineSources: false, outDir: undefined, rootDir: undefined,
        configFilePath: undefined,
    };
}

/** Every .ts source of the pack (relative path, with `/`, to content), outside node_modules and dot folders. */
function packSources(dir: string): Map<string, string> {
    const sources = new Map<string, string>();
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = rel === "" ? e.name : `${rel}/${e.name}`;
            if (e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith(".")) {
                walk(child);
            } else if (e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) {
                sources.set(child, fs.readFileSync(path.join(dir, child), "utf8"));
            }
        }
    };
    walk("");
    return sources;
}

/** A relative import must name a source of the pack: the compiled copy could not reach anything else. */
function checkImports(dir: string, sources: Map<string, string>): void {
    for (const [rel, text] of sources) {
        for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
            if (!spec.startsWith(".")) {
                continue;
            }
            const target = path.posix.join(path.posix.dirname(rel), spec);
            if (![`${target}.ts`, `${target}/index.ts`].some((t) => sources.has(t))) {
                throw new NotCompiled(`${rel} imports "${spec}", which is not a TypeScript source inside the pack (${dir})`);
            }
        }
    }
}

function transpile(text: string, fileName: string, options: ts.CompilerOptions): string {
    const result = ts.transpileModule(text, {
        fileName,
        compilerOptions: { ...options, sourceRoot: path.dirname(fileName) },
        reportDiagnostics: true,
    });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
        throw new NotCompiled(`${fileName}: ${ts.flattenDiagnosticMessageText(errors[0].messageText, "\n")}`);
    }
    return result.outputText;
}

function writeFile(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

/** Removes outputs and interrupted builds that no plan used for a day (a running plan touches its own). */
function removeStale(root: string, keep: string): void {
    for (const name of fs.readdirSync(root)) {
        const entry = path.join(root, name);
        try {
            if (name !== keep && Date.now() - fs.statSync(entry).mtimeMs > STALE_MS) {
                fs.rmSync(entry, { recursive: true, force: true });
            }
        } catch {
            // Removed meanwhile by another plan.
        }
    }
}
