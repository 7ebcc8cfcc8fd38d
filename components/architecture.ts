import { ArgumentErrors, show } from "./validation";

/**
 * The one spelling of CPU architectures in every component's arguments (docs/design.md, "Names"):
 * "arm64" (Graviton, checklist C9) or "x86_64". Each AWS or Kubernetes API spells them its own way;
 * the mappings below are the only place that knows those spellings.
 */
export const CPU_ARCHITECTURES: readonly string[] = ["arm64", "x86_64"];
export type CpuArchitecture = "arm64" | "x86_64";

/** Records an error unless `value` is one of CPU_ARCHITECTURES; `path` is where the user wrote it. */
export function checkCpuArchitecture(errors: ArgumentErrors, path: string, value: unknown): value is CpuArchitecture {
    const ok = typeof value === "string" && CPU_ARCHITECTURES.includes(value);
    errors.require(ok, path, `${show(value)} is not a CPU architecture; allowed: ${CPU_ARCHITECTURES.join(", ")}`);
    return ok;
}

/** ECS `runtimePlatform.cpuArchitecture` (RuntimePlatform: "ARM64" | "X86_64"). */
export function ecsCpuArchitecture(arch: CpuArchitecture): "ARM64" | "X86_64" {
    return arch === "arm64" ? "ARM64" : "X86_64";
}

/** The `kubernetes.io/arch` label value (Go's GOARCH: "arm64" | "amd64"), which Karpenter requirements use. */
export function kubernetesArch(arch: CpuArchitecture): "arm64" | "amd64" {
    return arch === "arm64" ? "arm64" : "amd64";
}
