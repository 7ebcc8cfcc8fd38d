/**
 * The programs the plan runs and where this project keeps them: the project's own stacks, a user's
 * program folder (loaded against this checkout's packages), and the project's fixed paths.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import Module = require("module");
import * as path from "path";
import { PlanInputError } from "../plan-error";
import { listStacks, loadStackConfig, readProjectName } from "./stack-config";
// Loaded only for a type check: it loads the TypeScript compiler, which a plan of a project stack never needs.
import type * as Typecheck from "./typecheck";

/** A Pulumi program with one stack's config: what the plan runs in the mock runtime. */
export interface ProgramSpec {
    readonly project: string;
    readonly stack: string;
    readonly config: { [key: string]: string };
    /** Runs the program inside the stack and returns its outputs (like the SDK's `run` does). */
    readonly program: () => unknown;
}

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const STACKS_DIR = path.join(REPO_ROOT, "stacks");
export const DEFAULT_POLICY_PACK = path.join(REPO_ROOT, "policy");
/** A pack with no policies: the benchmark plans with it to measure the analyzer protocol's own cost. */
export const EMPTY_POLICY_PACK = path.join(REPO_ROOT, "bench", "empty-pack");

/** The project's own stack `stack`: `stacks/` with `stacks/Pulumi.<stack>.yaml`. */
export function projectStack(stack: string): ProgramSpec {
    const project = readProjectName(REPO_ROOT);
    const config = loadStackConfig(STACKS_DIR, stack, project);
    return { project, stack, config, program: () => (require(STACKS_DIR) as () => unknown)() };
}

/** Every stack of the project, by its `stacks/Pulumi.<stack>.yaml`. */
export function projectStacks(): string[] {
    return listStacks(STACKS_DIR);
}

/**
 * A user's program: a folder with `Pulumi.yaml` and one `Pulumi.<stack>.yaml` (or `stack` names one
 * of several). Its entry is Pulumi.yaml's `main`, else the folder itself (package.json `main`, index).
 * A TypeScript entry is type-checked first (typecheck.ts) when `options.typecheck` is true (the CLI's default).
 */
export function userProgram(dir: string, stack?: string, options: { typecheck?: boolean } = {}): ProgramSpec {
    const root = path.resolve(dir);
    const project = readProjectName(root);
    const doc = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { main?: string; stackConfigDir?: string };
    const configDir = path.join(root, doc.stackConfigDir ?? ".");
    const stacks = fs.existsSync(configDir) ? listStacks(configDir) : [];
    if (!stack) {
        if (stacks.length !== 1) {
            throw new PlanInputError(`${configDir} must hold exactly one Pulumi.<stack>.yaml for --program, ` +
                `found ${stacks.length === 0 ? "none" : stacks.join(", ")}; name one as the stack argument`);
        }
        stack = stacks[0];
    }
    const config = loadStackConfig(configDir, stack, project);
    const entry = path.join(root, doc.main ?? ".");
    if (options.typecheck ?? false) {
        (require("./typecheck") as typeof Typecheck).typecheckProgram(root, entry);
    }
    return {
        project,
        stack,
        config,
        program: () => {
            shareRuntimeWith(root);
            // A program's top-level code is what registers its resources: load it afresh for every plan.
            for (const file of Object.keys(require.cache).filter((f) => f.startsWith(root + path.sep))) {
                delete require.cache[file];
            }
            let exported: unknown;
            try {
                exported = require(entry);
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((err as Error).message).includes(`'${entry}'`)) {
                    throw new PlanInputError(`the program's entry ${entry} does not exist: set main in Pulumi.yaml or add index.ts`);
                }
                throw err;
            }
            return typeof exported === "function" ? exported() : exported;
        },
    };
}

/** Packages a program must share with the plan: the mock runtime lives in this copy of @pulumi/pulumi. */
const SHARED = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes"];
let sharedRoots: string[] | undefined;

/**
 * Makes the program in `root` load the plan's @pulumi packages (a second copy of @pulumi/pulumi would
 * not see the mocks) and this checkout's components for `aws-containers`, so a program plans
 * against the package it ships with.
 */
function shareRuntimeWith(root: string): void {
    if (sharedRoots) {
        sharedRoots.push(root);
        return;
    }
    sharedRoots = [root];
    const roots = sharedRoots;
    const m = Module as unknown as { _resolveFilename: (request: string, parent: any, ...rest: any[]) => string };
    const resolve = m._resolveFilename;
    m._resolveFilename = function (request: string, parent: any, ...rest: any[]) {
        const fromProgram = parent?.filename && roots.some((r) => parent.filename.startsWith(r + path.sep));
        if (fromProgram) {
            if (request === "aws-containers") {
                return require.resolve(path.join(REPO_ROOT, "components"));
            }
            if (SHARED.some((p) => request === p || request.startsWith(`${p}/`))) {
                return require.resolve(request);
            }
        }
        return resolve.call(this, request, parent, ...rest);
    };
}
