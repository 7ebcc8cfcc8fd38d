/**
 * Task-level CPU units and the memory sizes (MiB) Fargate accepts with each. Source: Amazon ECS
 * Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html; 8 and 16 vCPU
 * need platform version 1.4.0 (LATEST). The table is kept once, here, because the pack must stay
 * publishable on its own; the ECS task definition component checks sizes against the same table.
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

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) {
        out.push(v);
    }
    return out;
}

/** True when `memory` MiB is offered with `cpu` units on Fargate. */
export function validFargateSize(cpu: number, memory: number): boolean {
    return FARGATE_SIZES[cpu]?.includes(memory) ?? false;
}

/** CPU units Windows containers may use on Fargate: at least 1 vCPU, and 8 and 16 vCPU are Linux only (same page). */
export const WINDOWS_FARGATE_CPUS: readonly number[] = [1024, 2048, 4096];

/** CPU units that need Linux platform version 1.4.0 or later (same page). */
export const PLATFORM_1_4_CPUS: readonly number[] = [8192, 16384];

/**
 * Task CPU units from a task definition's `cpu`: an integer of units ("1024") or vCPUs ("1 vCPU", "0.5 vcpu"),
 * which RegisterTaskDefinition converts to units (ECS API reference, RegisterTaskDefinition `cpu`).
 */
export function cpuUnits(v: unknown): number | undefined {
    return scaled(v, /^(\d+(?:\.\d+)?)\s*vcpus?$/i, 1024);
}

/** Task memory in MiB from `memory`: MiB ("3072") or GB ("3 GB", "3GB"), converted the same way. */
export function memoryMiB(v: unknown): number | undefined {
    return scaled(v, /^(\d+(?:\.\d+)?)\s*gb$/i, 1024);
}

function scaled(v: unknown, unit: RegExp, factor: number): number | undefined {
    if (typeof v === "number") {
        return v;
    }
    if (typeof v !== "string") {
        return undefined;
    }
    const s = v.trim();
    if (/^\d+$/.test(s)) {
        return Number(s);
    }
    const m = unit.exec(s);
    return m ? Math.round(Number(m[1]) * factor) : undefined;
}
