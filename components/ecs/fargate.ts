import { FARGATE_SIZES, validFargateSize } from "../../policy/lib/fargate";
import { ArgumentErrors, show } from "../validation";

/** The Fargate size table (checklist C4) is shared with the policy pack, so both accept the same sizes. */
export { FARGATE_SIZES };

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
    errors.require(validFargateSize(cpu, memory), `${path}memory`,
        `${show(memory)} MiB is not valid with ${cpu} CPU units on Fargate; allowed with ${cpu}: ${describeMemory(cpu)}`);
}
