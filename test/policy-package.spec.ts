import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { REPO_ROOT } from "./harness";

const POLICY_DIR = path.join(REPO_ROOT, "policy");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** Every file under `dir`, relative to it, with "/" separators. */
function listFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join("/")];
    });
}

/**
 * D7: `pulumi policy publish` runs `npm pack --loglevel=error` in policy/, takes the tarball's name from
 * its standard output and uploads that tarball. It must hold everything the pack's index needs and
 * nothing may reach outside it.
 */
describe("the policy pack as its own package (D7)", function () {
    this.timeout(300_000);
    let tmp: string;
    let unpacked: string;
    let files: string[];

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-policy-"));
        // Exactly what the Pulumi CLI runs (sdk/nodejs/npm/npm.go, Pack): the file name is all of stdout.
        const stdout = execFileSync(NPM, ["pack", "--loglevel=error"], { cwd: POLICY_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        const tarball = path.join(POLICY_DIR, stdout.trim());
        assert.ok(fs.existsSync(tarball), `npm pack's output ${JSON.stringify(stdout)} does not name a tarball`);
        fs.renameSync(tarball, path.join(tmp, "pack.tgz"));
        execFileSync("tar", ["-xzf", "pack.tgz"], { cwd: tmp });
        unpacked = path.join(tmp, "package");
        files = listFiles(unpacked).sort();
    });

    after(() => {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("holds the pack's manifest, sources and README, and nothing else", () => {
        const sources = listFiles(POLICY_DIR).filter((f) => f.endsWith(".ts") && !f.startsWith("node_modules/") && !f.startsWith("bin/"));
        assert.deepEqual(files, [...sources, "PulumiPolicy.yaml", "README.md", "package.json", "tsconfig.json"].sort());
        const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8"));
        assert.ok(files.includes(pkg.main), `main ${pkg.main} is not in the pack`);
    });

    it("imports nothing outside the pack, and only packages it declares", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, "package.json"), "utf8"));
        const declared = new Set(Object.keys(pkg.dependencies ?? {}));
        const problems: string[] = [];
        for (const f of files.filter((p) => p.endsWith(".ts"))) {
            const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(unpacked, f), "utf8"), true, true);
            for (const { fileName: spec } of importedFiles) {
                if (spec.startsWith(".")) {
                    const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), spec));
                    if (target.startsWith("..") || ![`${target}.ts`, `${target}/index.ts`].some((t) => files.includes(t))) {
                        problems.push(`${f}: ${spec} is not in the pack`);
                    }
                } else {
                    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    if (!declared.has(name) && !builtinModules.includes(name.replace(/^node:/, ""))) {
                        problems.push(`${f}: ${spec} is not a dependency in policy/package.json`);
                    }
                }
            }
        }
        assert.deepEqual(problems, []);
    });

    it("type-checks from the unpacked folder with its own tsconfig", () => {
        // Packages come from the repository's install; the check above limits them to declared ones.
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(unpacked, "node_modules"), "dir");
        const config = ts.readConfigFile(path.join(unpacked, "tsconfig.json"), ts.sys.readFile);
        const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, unpacked);
        assert.deepEqual(parsed.fileNames.map((f) => path.relative(unpacked, f).split(path.sep).join("/")).sort(),
            files.filter((f) => f.endsWith(".ts")), "the pack's tsconfig compiles exactly its sources");
        const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
        const outside = program.getSourceFiles().map((s) => s.fileName)
            .filter((f) => !f.includes("/node_modules/") && !path.resolve(f).startsWith(unpacked + path.sep));
        assert.deepEqual(outside, [], "compiled sources from outside the pack");
        const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        assert.deepEqual(diagnostics, []);
    });
});
