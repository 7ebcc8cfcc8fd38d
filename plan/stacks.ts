/**
 * Plans several stacks of a project in dependency order: each StackReference is answered with the
 * outputs planned for the stack it names (or given from an earlier plan's JSON). A stack whose
 * reference names a project stack not planned yet has its dependencies planned first and is then
 * planned again (which stack a program references is known only once it runs); a reference to a stack
 * nobody plans keeps its outputs unknown.
 */
import { RegionDownError, StackOutputs } from "./engine/mock-engine";
import type { ProgramSpec } from "./engine/program";
import { planProgram, PlanOptions, PlanResult } from "./plan";

/** One stack's outcome: its plan, or why it could not be planned, and the stacks it depends on. */
export interface StackPlan {
    readonly stack: string;
    readonly result?: PlanResult;
    readonly error?: unknown;
    /** Stacks its StackReferences name (the last part of each name). */
    readonly dependencies: string[];
    /** With `--region-down`: the stack touches the region that is down, so it cannot deploy now. */
    readonly blockedByRegion?: string;
}

export interface OrderOptions extends Omit<PlanOptions, "stackOutputs"> {
    /** Every stack of the project: a reference to one of these is planned before its dependent. */
    readonly projectStacks: readonly string[];
    /** Outputs known before planning (`--stack-outputs`), by stack name. */
    readonly knownOutputs?: { [stack: string]: StackOutputs };
    /** Called with each plan as it completes, in dependency order. */
    readonly onPlan?: (plan: StackPlan) => void;
}

/** The stack a StackReference name `org/project/stack` (or `project/stack`, `stack`) points to. */
export function referencedStack(name: string): string {
    return name.split("/").pop()!;
}

/** Plans `stacks` (and the project stacks they reference) in dependency order. */
export async function planInOrder(stacks: readonly string[], specOf: (stack: string) => ProgramSpec, options: OrderOptions): Promise<StackPlan[]> {
    const outputs = new Map<string, StackOutputs>(Object.entries(options.knownOutputs ?? {}));
    const done = new Map<string, StackPlan>();
    const started = new Set<string>();
    const order: StackPlan[] = [];

    const plan = async (stack: string): Promise<void> => {
        if (started.has(stack)) {
            return;
        }
        started.add(stack);
        for (;;) {
            const missing = new Set<string>();
            const answer = (ref: string) => {
                const name = referencedStack(ref);
                if (!outputs.has(name) && options.projectStacks.includes(name) && !started.has(name)) {
                    missing.add(name);
                }
                return outputs.get(name);
            };
            let entry: StackPlan;
            const attempt = await planProgram(specOf(stack), { ...options, stackOutputs: answer }).then((result) => ({ result }), (err: unknown) => ({ err }));
            if (missing.size > 0) {
                for (const dependency of missing) {
                    await plan(dependency);
                }
                continue;
            }
            if ("result" in attempt) {
                const result = attempt.result;
                outputs.set(stack, result.stackOutputs);
                entry = { stack, result, dependencies: unique(result.stackReferences.map(referencedStack)) };
            } else {
                const err = attempt.err;
                const down = regionDownIn(err);
                if (down && options.regionDown) {
                    // A StackReference reads the state backend, not the region: dependents still see
                    // what this stack last deployed, i.e. its outputs planned without the outage.
                    const normal = await planProgram(specOf(stack), { ...options, regionDown: undefined, stackOutputs: (ref) => outputs.get(referencedStack(ref)) }).catch(() => undefined);
                    if (normal) {
                        outputs.set(stack, normal.stackOutputs);
                    }
                }
                entry = { stack, error: err, dependencies: [], blockedByRegion: down };
            }
            done.set(stack, entry);
            order.push(entry);
            options.onPlan?.(entry);
            return;
        }
    };
    for (const stack of stacks) {
        await plan(stack);
    }
    return order;
}

/** The region of a RegionDownError anywhere in `err`'s cause chain. */
function regionDownIn(err: unknown): string | undefined {
    for (let e: any = err; e; e = e.cause) {
        if (e instanceof RegionDownError) {
            return e.region;
        }
        if (typeof e.message === "string") {
            const m = /region (\S+) is down in this drill/.exec(e.message);
            if (m) {
                return m[1];
            }
        }
    }
    return undefined;
}

function unique(xs: string[]): string[] {
    return [...new Set(xs)];
}
