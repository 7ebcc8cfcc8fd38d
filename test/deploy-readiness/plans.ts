/**
 * Every shipped stack and example, planned once in the mock runtime (as the stack specs do), so each
 * deploy-readiness check can look at all of their resources.
 */
import * as path from "path";
import { MockRun, runProgram } from "../../plan/engine/mock-engine";
import { projectStacks, REPO_ROOT, userProgram } from "../../plan/engine/program";
import { runStack } from "../harness";

export const EXAMPLES = ["shop-network", "gpu-and-efs"];
const runs = new Map<string, Promise<MockRun>>();

/** The planned run of `name`: a stack of stacks/ or "examples/<dir>". */
export function plan(name: string): Promise<MockRun> {
    if (!runs.has(name)) {
        runs.set(name, (async () => {
            const run = name.startsWith("examples/")
                ? await (async () => {
                    const spec = userProgram(path.join(REPO_ROOT, name));
                    return runProgram(spec.program, { project: spec.project, stack: spec.stack, config: spec.config });
                })()
                : await runStack(name);
            if (run.error) {
                throw new Error(`${name} failed to plan: ${String(run.error)}`);
            }
            return run;
        })());
    }
    return runs.get(name)!;
}

/** Names of everything the rung plans: each stack, then each example. */
export function planned(): string[] {
    return [...projectStacks(), ...EXAMPLES.map((e) => `examples/${e}`)];
}

/**
 * The mock runtime names a resource's ID `<name>-id`; AWS would answer `subnet-…`, `sg-…`, `vpc-…`. Documents
 * checked against patterns that expect real IDs (CRD schemas) get IDs of the right form instead.
 */
export function withRealisticIds<T>(run: MockRun, value: T): T {
    const prefixes: { [type: string]: string } = { "aws:ec2/subnet:Subnet": "subnet", "aws:ec2/securityGroup:SecurityGroup": "sg", "aws:ec2/vpc:Vpc": "vpc" };
    const ids = new Map<string, string>();
    run.resources.forEach((r, i) => {
        if (prefixes[r.type] && r.id) ids.set(r.id, `${prefixes[r.type]}-${(0x0a1b2c3d4e5f6000 + i).toString(16).slice(0, 17)}`);
    });
    const swap = (v: any): any => (typeof v === "string" ? ids.get(v) ?? v : Array.isArray(v) ? v.map(swap)
        : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)])) : v);
    return swap(value);
}
