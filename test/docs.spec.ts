import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./harness";

/** Every file under `dir`, relative to it, with its content. */
function readTree(dir: string, base = dir, out: Map<string, string> = new Map()): Map<string, string> {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            readTree(full, base, out);
        } else {
            out.set(path.relative(base, full).split(path.sep).join("/"), fs.readFileSync(full, "utf8"));
        }
    }
    return out;
}

/**
 * docs/reference is generated from the TSDoc of the exported components and their Args (typedoc.json):
 * regenerating it must give exactly the committed files, so the reference cannot drift from the code.
 */
describe("the generated argument reference (docs/reference)", function () {
    this.timeout(300_000);

    it("is what `npm run docs` generates from the current sources", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-docs-"));
        try {
            execFileSync(process.execPath, [path.join(path.dirname(require.resolve("typedoc/package.json")), "bin", "typedoc"), "--out", tmp, "--logLevel", "Error"],
                { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
            const fresh = readTree(tmp);
            const committed = readTree(path.join(REPO_ROOT, "docs", "reference"));
            const differ = [...new Set([...fresh.keys(), ...committed.keys()])].sort()
                .filter((f) => fresh.get(f) !== committed.get(f))
                .map((f) => `${f} (${!committed.has(f) ? "missing" : !fresh.has(f) ? "no longer generated" : "changed"})`);
            assert.deepEqual(differ, [], "docs/reference is out of date with the sources: run `npm run docs` and commit the result");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("documents every exported component class", () => {
        const components = require("../components") as Record<string, unknown>;
        const classes = fs.readdirSync(path.join(REPO_ROOT, "docs", "reference", "classes")).map((f) => f.replace(/\.md$/, ""));
        const exported = Object.entries(components)
            .filter(([, v]) => typeof v === "function" && /^class /.test(Function.prototype.toString.call(v)))
            .map(([k]) => k);
        assert.deepEqual(classes.sort(), exported.sort());
    });
});
