import { spawn } from "child_process";
import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as path from "path";
import { REPO_ROOT } from "../../plan/engine/program";

export interface CliRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Node's arguments in package.json's `plan` script, so the tests run the command exactly as users do. */
const PLAN_SCRIPT = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: { plan: string } })
    .scripts.plan.split(/\s+/);

/** Runs `npm run plan -- ...args` the way package.json does, without npm in between. */
export function plan(...args: string[]): Promise<CliRun> {
    return planFrom(REPO_ROOT, ...args);
}

/** As `plan`, run by npm from `initCwd` (npm runs the script in the package root and says where it started in INIT_CWD). */
export function planFrom(initCwd: string, ...args: string[]): Promise<CliRun> {
    assert.equal(PLAN_SCRIPT[0], "node", `package.json's plan script runs ${PLAN_SCRIPT[0]}, not node`);
    const child = spawn(process.execPath, [...PLAN_SCRIPT.slice(1), ...args],
        { cwd: REPO_ROOT, env: { ...process.env, INIT_CWD: initCwd }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr })));
}
