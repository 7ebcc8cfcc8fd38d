import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as os from "os";
import * as path from "path";
import { projectStacks, REPO_ROOT } from "../../plan/engine/program";
import { BAD_PROGRAM_MANDATORY, FIXTURE_PACK, FIXTURES, PACK } from "./packs";
import { CliRun, plan, planFrom } from "./run-plan";

describe(`npm run plan (exit status and messages, pack ${path.relative(REPO_ROOT, PACK)})`, function () {
    // Six plans start at once, one of them every stack: on a shared 2-core machine that outlasts mocha's 60 s.
    this.timeout(300_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));
    const json = (name: string) => path.join(tmp, name);
    let bad: CliRun;
    let all: CliRun;
    let unknownStack: CliRun;
    let malformed: CliRun;
    let throwing: CliRun;
    let noPack: CliRun;
    before(async () => {
        [bad, all, unknownStack, malformed, throwing, noPack] = await Promise.all([
            // These fixtures are about the plan's other results; `npm test`'s tsc type-checks them, and the
            // type check itself has its own tests below.
            plan("--program", path.join(FIXTURES, "bad-program"), "--no-typecheck", "--policy-pack", PACK, "--json", json("bad.json")),
            plan("--all", "--policy-pack", PACK, "--json", json("all.json")),
            plan("no-such-stack", "--policy-pack", PACK),
            plan("--program", path.join(FIXTURES, "malformed-config"), "--no-typecheck", "--policy-pack", PACK),
            plan("--program", path.join(FIXTURES, "throwing-program"), "--no-typecheck", "--policy-pack", PACK),
            plan("registry", "--policy-pack", path.join(FIXTURES, "bad-program")),
        ]);
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("a bad program exits 1 with exactly its four mandatory violations (C3, C4, C5, V1)", () => {
        assert.equal(bad.status, 1, bad.stderr);
        const doc = JSON.parse(fs.readFileSync(json("bad.json"), "utf8"));
        const expected = BAD_PROGRAM_MANDATORY[doc.policyPack.name];
        assert.ok(expected, `no expected violations recorded for pack ${doc.policyPack.name} in test/plan/packs.ts`);
        const mandatory = doc.violations.filter((v: any) => v.enforcementLevel === "mandatory")
            .map((v: any) => `${v.urn.split("::").pop()} ${v.policyName}`).sort();
        assert.deepEqual(mandatory, Object.entries(expected).map(([name, policy]) => `${name} ${policy}`).sort());
        assert.equal(doc.summary.mandatory, 4);
        assert.match(bad.stdout, /Mandatory violations: 4\n {2}\[/);
        assert.match(bad.stdout, /Summary: 10 resources in 1 region; 4 mandatory, \d+ advisory violations\. FAIL/);
    });

    it("--all plans every stack with exit 0, each after the stacks it depends on, and writes one JSON plan per stack", () => {
        assert.equal(all.status, 0, all.stdout + all.stderr);
        const docs = JSON.parse(fs.readFileSync(json("all.json"), "utf8"));
        assert.deepEqual(docs.map((d: any) => d.stack).sort(), projectStacks());
        const order = docs.map((d: any) => d.stack);
        for (const doc of docs) {
            for (const dependency of doc.dependencies) {
                assert.ok(order.indexOf(dependency) >= 0 && order.indexOf(dependency) < order.indexOf(doc.stack), `${doc.stack} planned before ${dependency}`);
            }
        }
        assert.deepEqual(docs.find((d: any) => d.stack === "active-active-edge").dependencies,
            ["active-active-global", "active-active-us-east-1", "active-active-eu-west-1", "active-active-ap-southeast-2"]);
        for (const doc of docs) {
            assert.equal(doc.summary.mandatory, 0, `${doc.stack}: ${JSON.stringify(doc.violations)}`);
            assert.deepEqual(Object.keys(doc.resources[0]).sort(), ["custom", "inputs", "name", "parent", "provider", "region", "type", "urn"]);
        }
    });

    it("an unknown stack exits 2 and lists the stacks there are", () => {
        assert.equal(unknownStack.status, 2);
        assert.match(unknownStack.stderr, /^error: unknown stack "no-such-stack": .*stacks[/\\]Pulumi\.no-such-stack\.yaml does not exist; stacks here: (\S+, )*registry\b/);
    });

    it("a malformed stack config exits 2 naming the file and the line", () => {
        assert.equal(malformed.status, 2);
        assert.match(malformed.stderr, /^error: .*malformed-config[/\\]Pulumi\.dev\.yaml is not valid YAML: .*\(3:3\)/);
    });

    it("a program that throws exits 2 with the argument, the bad value and what is allowed", () => {
        assert.equal(throwing.status, 2);
        assert.match(throwing.stderr, /^error: the program of stack dev \(project throwing-program\) failed: RegionalNetwork has invalid arguments:\n {2}- natGateways: "double" is not a NAT strategy; allowed: perAz, single, none/);
    });

    it("a folder that is not a complete policy pack exits 2 saying what is missing", () => {
        assert.equal(noPack.status, 2);
        assert.match(noPack.stderr, /^error: the policy pack in .*bad-program is not complete: PulumiPolicy\.yaml, package\.json do not exist/);
    });
});

describe("npm run plan with the fixture pack", () => {
    it("exits 0 when violations are advisory only (--policy-config)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-config-"));
        const config = path.join(dir, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const run = await plan("--program", path.join(FIXTURES, "bad-program"), "--no-typecheck", "--policy-pack", FIXTURE_PACK, "--policy-config", config);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /Mandatory violations: 0\n\nAdvisory violations: 4\n/);
        assert.match(run.stdout, /OK \(advisory only\)/);
    });

    describe("--program is type-checked first, and relative to where npm run started (issue 17)", function () {
        // The compiler reads this checkout's types, @pulumi/aws included: tens of seconds on a loaded machine.
        this.timeout(600_000);
        let typeError: CliRun;
        let skipped: CliRun;
        let noRegion: CliRun;
        before(async () => {
            [typeError, skipped, noRegion] = await Promise.all([
                planFrom(FIXTURES, "--program", "type-error-program", "--policy-pack", PACK),
                planFrom(FIXTURES, "--program", "type-error-program", "--no-typecheck", "--policy-pack", PACK),
                plan("--program", path.join(FIXTURES, "no-region-program"), "--policy-pack", PACK),
            ]);
        });

        it("a type error and a wrong import exit 2 with the compiler's messages, before the program runs", () => {
            assert.equal(typeError.status, 2, typeError.stderr);
            const dir = path.join(FIXTURES, "type-error-program");
            assert.equal(typeError.stderr.split("\n")[0], `error: the program in ${dir} does not type-check ` +
                "(strict, against this checkout's aws-containers; --no-typecheck skips this check):");
            assert.match(typeError.stderr, /^type-error-program\/index\.ts\(2,24\): error TS2307: Cannot find module '\.\/no-such-module'/m);
            assert.match(typeError.stderr, /^type-error-program\/index\.ts\(4,30\): error TS2322: Type 'string' is not assignable to type 'number'\./m);
            assert.equal(typeError.stdout.includes("Summary:"), false);
        });

        it("--no-typecheck runs it, so the run-time error shows", () => {
            assert.equal(skipped.status, 2, skipped.stderr);
            assert.match(skipped.stderr, /^error: the program of stack dev \(project type-error-program\) failed: Cannot find module '\.\/no-such-module'/);
        });

        it("a component without a region says so once, with exit 2", () => {
            assert.equal(noRegion.status, 2, noRegion.stderr);
            const message = `RegionalNetwork "n" has no region: pass its region's provider with { provider }`;
            assert.equal(noRegion.stderr.split(message).length - 1, 1, noRegion.stderr);
            assert.match(noRegion.stderr, /^error: the program of stack dev \(project no-region-program\) failed: RegionalNetwork "n" has no region/);
            assert.ok(!noRegion.stderr.includes("error serializing"), noRegion.stderr);
        });
    });
});
