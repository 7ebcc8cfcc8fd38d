/**
 * The plan's folders and which may import which (README, Design, "The plan in folders"): dependencies
 * run one way, cli → report → plan.ts → analyzer → engine and pack; nothing imports cli or bench; no
 * module imports itself through others. Imports are read with the TypeScript compiler, every form the
 * plan uses counted: static and type-only imports, re-exports, `require`, `require.resolve` and
 * `typeof import(...)` (the lazy loads).
 */
import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as path from "path";
import * as ts from "typescript";
import { REPO_ROOT } from "../../plan/engine/program";

/** Each folder of the plan (and the two shared modules at its top) with the folders it may import. */
const MAY_IMPORT: { [folder: string]: readonly string[] } = {
    "plan-error": [],
    engine: ["plan-error"],
    pack: ["plan-error"],
    analyzer: ["engine", "pack", "plan-error"],
    plan: ["analyzer", "engine", "pack", "plan-error"],
    // Several stacks in dependency order (plan/stacks.ts), each planned by plan.ts.
    stacks: ["plan", "engine", "plan-error"],
    report: ["stacks", "plan", "analyzer", "engine", "plan-error"],
    cli: ["report", "stacks", "plan", "analyzer", "engine", "pack", "plan-error"],
    bench: ["report", "stacks", "plan", "analyzer", "engine", "pack", "plan-error"],
};

/**
 * Folders of the project outside the plan that a folder may import: the benchmark builds its platform from the
 * components; the report prices a plan with the pack's own estimator (policy/cost/), so the plan and the budget
 * policy compute one estimate.
 */
const MAY_IMPORT_OUTSIDE: { [folder: string]: readonly string[] } = { bench: ["components"], report: ["policy"] };

/** The folder (as MAY_IMPORT names it) of a file of plan/ or bench/, or of the project's top-level folder otherwise. */
function folderOf(file: string): string {
    const [top, second, ...rest] = path.relative(REPO_ROOT, file).split(path.sep);
    if (top === "plan") {
        return rest.length > 0 ? second : second.replace(/\.ts$/, "");
    }
    return top;
}

/** Every module specifier `source` names, in the order they appear. */
function importsOf(source: ts.SourceFile): string[] {
    const found: string[] = [];
    const visit = (node: ts.Node) => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push(node.moduleSpecifier.text);
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)
            && ts.isStringLiteral(node.moduleReference.expression)) {
            found.push(node.moduleReference.expression.text);
        } else if (ts.isCallExpression(node) && isRequireOrImport(node.expression) && node.arguments.length > 0
            && ts.isStringLiteralLike(node.arguments[0])) {
            found.push(node.arguments[0].text);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
            found.push(node.argument.literal.text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** `require(...)`, `require.resolve(...)` or `import(...)`. */
function isRequireOrImport(callee: ts.Expression): boolean {
    return callee.kind === ts.SyntaxKind.ImportKeyword
        || (ts.isIdentifier(callee) && callee.text === "require")
        || (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "require"
            && callee.name.text === "resolve");
}

/** The .ts file (or plain .js module, named with its extension) a relative specifier of `from` names, or undefined when none exists. */
function resolveRelative(from: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => /\.[tj]s$/.test(f) && fs.existsSync(f) && fs.statSync(f).isFile());
}

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const file = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" ? [] : tsFiles(file);
        }
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [file] : [];
    });
}

/** A cycle of `graph` as its files in import order (the first repeated at the end), or undefined when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
    const done = new Set<string>();
    const onPath: string[] = [];
    const visit = (file: string): string[] | undefined => {
        const at = onPath.indexOf(file);
        if (at >= 0) {
            return [...onPath.slice(at), file];
        }
        if (done.has(file)) {
            return undefined;
        }
        onPath.push(file);
        for (const next of graph.get(file) ?? []) {
            const cycle = visit(next);
            if (cycle) {
                return cycle;
            }
        }
        onPath.pop();
        done.add(file);
        return undefined;
    };
    for (const file of graph.keys()) {
        const cycle = visit(file);
        if (cycle) {
            return cycle;
        }
    }
    return undefined;
}

describe("the plan's dependency direction (plan/**, bench/**)", () => {
    const files = [...tsFiles(path.join(REPO_ROOT, "plan")), ...tsFiles(path.join(REPO_ROOT, "bench"))];
    const rel = (f: string) => path.relative(REPO_ROOT, f);
    /** Each file's relative imports, resolved; an import that names no file is kept as its specifier. */
    const graph = new Map<string, string[]>();
    const unresolved: string[] = [];
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        const targets: string[] = [];
        for (const spec of importsOf(source).filter((s) => s.startsWith("."))) {
            const target = resolveRelative(file, spec);
            if (target === undefined) {
                unresolved.push(`${rel(file)} → "${spec}"`);
            } else {
                targets.push(target);
            }
        }
        graph.set(file, [...new Set(targets)]);
    }

    it("reads every form of import the plan uses", () => {
        const source = ts.createSourceFile("probe.ts", [
            'import * as a from "./a";', 'import type { B } from "./b";', 'export { c } from "./c";', 'import d = require("./d");',
            'const e = require("./e") as typeof import("./f");', 'require.resolve("./g");', 'void import("./h");', 'require("fs");',
        ].join("\n"), ts.ScriptTarget.ES2022, true);
        assert.deepEqual(importsOf(source), ["./a", "./b", "./c", "./d", "./e", "./f", "./g", "./h", "fs"]);
    });

    it("finds a cycle, and none in a graph without one", () => {
        assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), ["a", "b", "c", "a"]);
        assert.equal(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), undefined);
    });

    it("puts every module in a folder that the rules name", () => {
        assert.ok(files.length > 20, `found only ${files.length} modules`);
        assert.deepEqual(files.filter((f) => !(folderOf(f) in MAY_IMPORT)).map(rel), []);
    });

    it("resolves every relative import to a module (a require of a moved file fails here, not at run time)", () => {
        assert.deepEqual(unresolved, []);
    });

    it("imports only the folders each folder may import: cli → report → plan → analyzer → engine and pack", () => {
        const forbidden: string[] = [];
        for (const [file, targets] of graph) {
            const from = folderOf(file);
            for (const target of targets) {
                const to = folderOf(target);
                const inside = target.startsWith(path.join(REPO_ROOT, "plan") + path.sep) || target.startsWith(path.join(REPO_ROOT, "bench") + path.sep);
                const allowed = to === from || (inside ? MAY_IMPORT[from]?.includes(to) : MAY_IMPORT_OUTSIDE[from]?.includes(to));
                if (!allowed) {
                    forbidden.push(`${rel(file)} (${from}) → ${rel(target)} (${to})`);
                }
            }
        }
        assert.deepEqual(forbidden, []);
    });

    it("has no import cycle, type-only imports and lazy requires included", () => {
        const cycle = findCycle(graph);
        assert.equal(cycle?.map(rel).join(" → "), undefined);
    });
});
