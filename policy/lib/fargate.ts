/**
 * Valid Fargate task sizes: "Troubleshoot Amazon ECS task definition invalid CPU or memory errors",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html (checked for
 * /work/notes/ecs.md §1). cpu in units (1024 = 1 vCPU), memory in MiB: [min, max, step].
 */
export const FARGATE_SIZES: { readonly [cpu: number]: readonly [number, number, number] } = {
    256: [512, 2048, 512], // 512, 1024, 2048 (1536 is not offered; handled below)
    512: [1024, 4096, 1024],
    1024: [2048, 8192, 1024],
    2048: [4096, 16384, 1024],
    4096: [8192, 30720, 1024],
    8192: [16384, 61440, 4096],
    16384: [32768, 122880, 8192],
};

/** True when `memory` MiB is offered with `cpu` units on Fargate. */
export function validFargateSize(cpu: number, memory: number): boolean {
    const range = FARGATE_SIZES[cpu];
    if (!range) {
        return false;
    }
    if (cpu === 256) {
        return memory === 512 || memory === 1024 || memory === 2048;
    }
    const [min, max, step] = range;
    return memory >= min && memory <= max && (memory - min) % step === 0;
}
