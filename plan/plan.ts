import * as path from "path";
import { PolicyPackConfig } from "./analyzer-client";
import { PlannedResource, withDefaultProviders } from "./analyzer-requests";
import { runProgram } from "./mock-engine";
import { checkPolicyPackDir } from "./policy-process";
import { PolicySession, Violation } from "./policy-session";
import { ProgramSpec, projectStack, REPO_ROOT } from "./program";
import { PlanInputError } from "./stack-config";

export { Violation } from "./policy-session";
export { PlannedResource } from "./analyzer-requests";

export const DEFAULT_POLICY_PACK = path.join(REPO_ROOT, "policy");

export interface PlanOptions {
    /** The policy pack folder. @default "policy/" of this project */
    readonly policyPack?: string;
    /** Per-policy enforcement levels and settings, as `--policy-pack-config` takes them. */
    readonly policyConfig?: PolicyPackConfig;
    /** A pack already running (several plans in one process); else one is started and stopped. */
    readonly session?: PolicySession;
    /** Forward the pack's stderr and keep full stack traces. @default false */
    readonly debug?: boolean;
}

/** What a plan found: every resource the stack would have, every violation, and where the time went. */
export interface PlanResult {
    readonly project: string;
    readonly stack: string;
    readonly resources: PlannedResource[];
    readonly violations: Violation[];
    readonly policyPack: { readonly name: string; readonly version: string; readonly policies: number };
    readonly outputs: Record<string, unknown> | undefined;
    /** Milliseconds: running the program; analysing it (after the program finished); starting the pack. */
    readonly timings: { readonly programMs: number; readonly policyMs: number; readonly policyStartMs: number };
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
    const sessionPromise = options.session ? Promise.resolve(options.session) : PolicySession.start(packDir, { debug: options.debug });
    let policyStartMs = 0;
    sessionPromise.then(() => (policyStartMs = Date.now() - started), () => undefined);
    let session: PolicySession | undefined;
    try {
        const run = await runProgram(spec.program, { project: spec.project, stack: spec.stack, config: spec.config });
        const programDone = Date.now();
        if (run.error !== undefined) {
            throw programError(spec, run.error);
        }
        session = await sessionPromise;
        const resources = withDefaultProviders(run, spec);
        const violations = await session.analyze(resources, spec, options.policyConfig);
        return {
            project: spec.project,
            stack: spec.stack,
            resources,
            violations,
            policyPack: { name: session.info.name, version: session.info.version, policies: session.info.policies.length },
            outputs: run.outputs,
            timings: { programMs: programDone - started, policyMs: Date.now() - programDone, policyStartMs },
        };
    } finally {
        if (!options.session) {
            (session ?? await sessionPromise.catch(() => undefined))?.close();
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
