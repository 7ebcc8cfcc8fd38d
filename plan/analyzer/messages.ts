/**
 * What crosses between the main thread (session.ts) and the analysis worker (worker.ts): requests,
 * replies and the violations they carry. Types only, in a module of their own, so that the worker,
 * the stack analysis it loads and the session share them without importing one another.
 */
import type { PackLaunch } from "../pack/process";
import type { AnalyzerInfo, PolicyPackConfig } from "../pack/types";
import type { PlannedResource, StackIdentity } from "./requests";

/** A policy violation attributed to a resource of the planned stack. */
export interface Violation {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    readonly urn: string;
    readonly message: string;
    readonly description: string;
}

/** What the main thread asks; `stack` numbers the stacks one session analyses in turn. */
export type WorkerRequest =
    | { readonly op: "begin"; readonly stack: number; readonly id: StackIdentity; readonly config?: PolicyPackConfig }
    | { readonly op: "resource"; readonly stack: number; readonly resource: PlannedResource }
    | { readonly op: "outputs"; readonly stack: number; readonly urn: string; readonly wireOutputs: Record<string, any> }
    /** The final resources in order, by URN; in full only those never posted as `resource`. */
    | { readonly op: "end"; readonly stack: number; readonly urns: string[]; readonly unposted: PlannedResource[] };

/** An error as it crosses the thread boundary; `planInput` keeps a PlanInputError one. */
export interface WorkerError {
    readonly message: string;
    readonly stack?: string;
    readonly planInput: boolean;
}

export type WorkerReply =
    | { readonly op: "ready"; readonly info: AnalyzerInfo; readonly at: number }
    | { readonly op: "failed"; readonly error: WorkerError }
    | { readonly op: "done"; readonly stack: number; readonly violations?: Violation[]; readonly error?: WorkerError };

export interface WorkerOptions {
    readonly launch: PackLaunch;
    /** Where the worker puts the pack's process ID as soon as it spawns, for the main thread to kill it on exit. */
    readonly packPid: Int32Array;
}
