/**
 * Type-checks a user's program before the plan runs it, as `pulumi preview` does for TypeScript:
 * strict, against this checkout's types, `aws-containers` and the @pulumi packages resolved exactly as
 * the plan resolves them at run time (program.ts), so a type error or a wrong import fails the plan
 * with the compiler's own messages instead of surfacing, or not, as a run-time error.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PlanInputError } from "../plan-error";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The TypeScript file `entry` names (a file, or a folder's index.ts), or undefined for a JavaScript program. */
export function typescriptEntry(entry: string): string | undefined {
    const candidates = [entry, `${entry}.ts`, path.join(entry, "index.ts")];
    return candidates.find((f) => f.endsWith(".ts") && fs.existsSync(f) && fs.statSync(f).isFile());
}

/** Throws a PlanInputError carrying every diagnostic when the program at `entry` does not type-check. */
export function typecheckProgram(root: string, entry: string): void {
    const file = typescriptEntry(entry);
    if (file === undefined) {
        return;
    }
    const pulumiPackages = (name: string) => path.join(REPO_ROOT, "node_modules", "@pulumi", name);
    const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")],
        paths: {
            "aws-containers": [path.join(REPO_ROOT, "components")],
            "@pulumi/pulumi": [pulumiPackages("pulumi")], "@pulumi/pulumi/*": [`${pulumiPackages("pulumi")}/*`],
            "@pulumi/aws": [pulumiPackages("aws")], "@pulumi/aws/*": [`${pulumiPackages("aws")}/*`],
            "@pulumi/kubernetes": [pulumiPackages("kubernetes")], "@pulumi/kubernetes/*": [`${pulumiPackages("kubernetes")}/*`],
        },
    };
    const program = ts.createProgram([file], options);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (diagnostics.length === 0) {
        return;
    }
    const cwd = process.env.INIT_CWD ?? process.cwd();
    const text = ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => cwd,
        getNewLine: () => "\n",
    }).trimEnd();
    throw new PlanInputError(`the program in ${root} does not type-check (strict, against this checkout's aws-containers; ` +
        `--no-typecheck skips this check):\n${text}`);
}
