import { ArgumentErrors, show } from "../validation";

/**
 * Task-level CPU units and the memory sizes (MiB) Fargate accepts with each. Source: Amazon ECS
 * Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors"
 * (task-cpu-memory-error.html); 8 and 16 vCPU need platform version 1.4.0 (LATEST).
 */
export const FARGATE_SIZES: { readonly [cpu: number]: readonly number[] } = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

/** CPU architectures of `runtimePlatform.cpuArchitecture`. */
export const CPU_ARCHITECTURES: readonly string[] = ["ARM64", "X86_64"];

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) {
        out.push(v);
    }
    return out;
}

/** Describes the memory Fargate allows with `cpu`, e.g. "16384-61440 MiB in steps of 4096". */
function describeMemory(cpu: number): string {
    const sizes = FARGATE_SIZES[cpu];
    if (sizes.length <= 4) {
        return sizes.join(", ") + " MiB";
    }
    return `${sizes[0]}-${sizes[sizes.length - 1]} MiB in steps of ${sizes[1] - sizes[0]}`;
}

/**
 * Records an error unless `cpu`/`memory` is a Fargate task size (checklist C4). `path` prefixes the
 * property names (e.g. "services[2]."), so the error points at the caller's argument.
 */
export function checkFargateSize(errors: ArgumentErrors, path: string, cpu: number, memory: number): void {
    const cpus = Object.keys(FARGATE_SIZES).map(Number);
    if (!cpus.includes(cpu)) {
        errors.require(false, `${path}cpu`, `${show(cpu)} is not a Fargate task CPU size; allowed: ${cpus.join(", ")} (CPU units, 1024 = 1 vCPU)`);
        return;
    }
    errors.require(FARGATE_SIZES[cpu].includes(memory), `${path}memory`,
        `${show(memory)} MiB is not valid with ${cpu} CPU units on Fargate; allowed with ${cpu}: ${describeMemory(cpu)}`);
}
