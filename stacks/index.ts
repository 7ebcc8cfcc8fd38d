import { BUILDERS } from "./architectures";
import { readStackConfig } from "./config";

/**
 * The Pulumi program of every stack: reads `stacks/Pulumi.<stack>.yaml` and builds that stack's
 * architecture in its regions. Exported as a function so the Pulumi runtime (and the offline plan)
 * runs it inside the stack and its return value becomes the stack outputs.
 */
async function main(): Promise<Record<string, unknown>> {
    const cfg = readStackConfig();
    const build = BUILDERS[cfg.architecture];
    if (!build) {
        throw new Error(`aws-containers:architecture "${cfg.architecture}" has no builder in this version of the package`);
    }
    return build(cfg);
}

export = main;
