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
