import * as assert from "node:assert/strict";
import { MockRun, RecordedResource, runProgram, RunOptions } from "../plan/engine/mock-engine";
import { STACKS_DIR } from "../plan/engine/program";
import * as fs from "fs";
import * as path from "path";
import { loadStackConfig } from "../plan/engine/stack-config";

/** Multi-region one-stack configs (test/fixtures/multi-region): still supported, and what per-region stacks are compared with. */
export const MULTI_REGION_DIR = path.join(__dirname, "fixtures", "multi-region");

/** The config of `stack`: a stack of the project, else one of the multi-region fixtures. */
export function stackConfig(stack: string): { [key: string]: string } {
    const dir = fs.existsSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`)) ? STACKS_DIR : MULTI_REGION_DIR;
    return loadStackConfig(dir, stack, "aws-containers");
}

export { MockRun, RecordedResource, runProgram } from "../plan/engine/mock-engine";

export { REPO_ROOT, STACKS_DIR } from "../plan/engine/program";

/** Runs the project's stack program with `stacks/Pulumi.<stack>.yaml`, plus `overrides` (keys without the project prefix). */
export async function runStack(stack: string, overrides: { [key: string]: unknown } = {}, options: RunOptions = {}): Promise<MockRun> {
    const config = stackConfig(stack);
    for (const [k, v] of Object.entries(overrides)) {
        config[`aws-containers:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const main = require("../stacks") as () => Promise<Record<string, unknown>>;
    return runProgram(main, { ...options, stack, config });
}

/**
 * Asserts that the run failed on argument validation: an error at `propertyPath` whose reason
 * contains every one of `fragments` (the bad value, what is allowed), and that no resource other
 * than the stack and explicit providers was registered.
 */
export function assertInputError(run: MockRun, propertyPath: string, ...fragments: string[]): void {
    const err = run.error as { errors?: { propertyPath: string; reason: string }[]; message?: string } | undefined;
    assert.ok(err, `expected an argument error at ${propertyPath}, but the program succeeded`);
    assert.ok(Array.isArray(err.errors), `expected an InputPropertiesError, got: ${String(err.message ?? err)}`);
    const match = err.errors!.find((e) => e.propertyPath === propertyPath);
    assert.ok(match, `no error at ${propertyPath}; errors: ${JSON.stringify(err.errors)}`);
    for (const f of fragments) {
        assert.ok(match.reason.includes(f), `reason "${match.reason}" does not mention ${JSON.stringify(f)}`);
        assert.ok(err.message!.includes(f), `message does not carry ${JSON.stringify(f)}`);
    }
    assert.deepEqual(run.workload.map((r) => r.urn), [], "resources were registered before validation failed");
}

/** Types of resources, sorted, with counts: a compact exact fingerprint of a component. */
export function typeCounts(resources: RecordedResource[]): { [type: string]: number } {
    const counts: { [type: string]: number } = {};
    for (const r of [...resources].sort((a, b) => a.type.localeCompare(b.type))) {
        counts[r.type] = (counts[r.type] ?? 0) + 1;
    }
    return counts;
}

/** Parses a JSON string input (policies, container definitions) of a recorded resource. */
export function jsonInput<T = any>(r: RecordedResource, key: string): T {
    const v = r.inputs[key];
    assert.equal(typeof v, "string", `${r.name}.${key} is not a JSON string`);
    return JSON.parse(v) as T;
}
