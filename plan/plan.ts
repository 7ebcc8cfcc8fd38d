/**
 * One plan: a program run in the mock engine (engine/) while the policy pack analyses it (analyzer/,
 * pack/), joined into what the reports (report/) show.
 */
import * as path from "path";
import type { Violation } from "./analyzer/messages";
import { PlannedResource, PlannedStack } from "./analyzer/requests";
import { PolicySession } from "./analyzer/session";
import { runProgram, StackOutputs } from "./engine/mock-engine";
import { DEFAULT_POLICY_PACK, ProgramSpec, projectStack } from "./engine/program";
import { checkPolicyPackDir } from "./pack/process";
import type { PolicyPackConfig } from "./pack/types";
import { PlanInputError } from "./plan-error";

export interface PlanOptions {
    /** The policy pack folder. @default "policy/" of this project */
    readonly policyPack?: string;
    /** Per-policy enforcement levels and settings, as `--policy-pack-config` takes them. */
    readonly policyConfig?: PolicyPackConfig;
    /** A pack already running (several plans in one process); else one is started and stopped. */
    readonly session?: PolicySession;
    /** Forward the pack's stderr and keep full stack traces. @default false */
    readonly debug?: boolean;
    /**
     * Load a TypeScript pack through the compile cache (pack/compile-cache.js) rather than through
     * ts-node: the same pack, started in a third of the time. @default true
     */
    readonly compilePack?: boolean;
    /** Answers the program's StackReferences (see RunOptions.stackOutputs); unanswered ones stay unknown. */
    readonly stackOutputs?: (name: string) => StackOutputs | undefined;
    /** The outage drill: everything in this region fails as an unreachable endpoint would. */
    readonly regionDown?: string;
}

/** What a plan found: every resource the stack would have, every violation, and where the time went. */
export interface PlanResult {
    readonly project: string;
    readonly stack: string;
    readonly resources: PlannedResource[];
    readonly violations: Violation[];
    readonly policyPack: { readonly name: string; readonly version: string; readonly policies: number };
    readonly outputs: Record<string, unknown> | undefined;
    /** The stack's outputs in wire form (unknowns and secrets marked), as a StackReference to it reads them. */
    readonly stackOutputs: StackOutputs;
    /** The stacks its StackReferences name, as the program wrote them. */
    readonly stackReferences: string[];
    /**
     * Milliseconds: running the program (analysis runs alongside once the pack is up); the policy work
     * left after the program finished; of that, the time after the pack was ready; starting the pack.
     */
    readonly timings: { readonly programMs: number; readonly policyMs: number; readonly analysisMs: number; readonly policyStartMs: number };
}

/** Plans the project's stack `stack` (`stacks/` with `stacks/Pulumi.<stack>.yaml`). */
export function planStack(stack: string, options: PlanOptions = {}): Promise<PlanResult> {
    return planProgram(projectStack(stack), options);
}

/**
 * Runs `spec` in Pulumi's mock runtime and the policy pack over what it registered. The pack starts
 * while the program runs. Throws `PlanInputError` when the program fails or the pack cannot start.
 */
export async function planProgram(spec: ProgramSpec, options: PlanOptions = {}): Promise<PlanResult> {
    const packDir = path.resolve(options.policyPack ?? DEFAULT_POLICY_PACK);
    checkPolicyPackDir(packDir);
    const started = Date.now();
    const session = options.session ?? PolicySession.launch(packDir, { debug: options.debug, compile: options.compilePack });
    try {
        // As in the engine, each resource is analyzed as soon as it registers (once the pack is ready).
        const stack = new PlannedStack(spec);
        const analysis = session.beginStack(spec, options.policyConfig);
        const run = await runProgram(spec.program, {
            project: spec.project, stack: spec.stack, config: spec.config, debug: options.debug, ...stack.feed(analysis),
            stackOutputs: options.stackOutputs, regionDown: options.regionDown,
        });
        const programDone = Date.now();
        if (run.error !== undefined) {
            throw programError(spec, run.error);
        }
        const info = await session.ready;
        const resources = stack.all(run.resources);
        const violations = await analysis.finish(resources);
        const done = Date.now();
        return {
            project: spec.project,
            stack: spec.stack,
            resources,
            violations,
            policyPack: { name: info.name, version: info.version, policies: info.policies.length },
            outputs: run.outputs,
            stackOutputs: run.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.wireOutputs ?? {},
            stackReferences: [...run.stackReferences],
            timings: {
                programMs: programDone - started,
                policyMs: done - programDone,
                analysisMs: done - Math.max(programDone, session.readyAt),
                policyStartMs: session.readyAt - session.launchedAt,
            },
        };
    } finally {
        if (!options.session) {
            session.close();
        }
    }
}

/** A program that threw is bad input: say which stack and why, keeping the error for `--debug`. */
function programError(spec: ProgramSpec, err: unknown): PlanInputError {
    if (err instanceof PlanInputError) {
        return err;
    }
    const message = err instanceof Error ? err.message : String(err);
    return new PlanInputError(`the program of stack ${spec.stack} (project ${spec.project}) failed: ${message}`, { cause: err });
}
