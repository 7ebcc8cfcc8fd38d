/**
 * A policy pack as plain data: how it describes itself in `GetAnalyzerInfo` and how it is configured.
 * Its own module, without the protobuf classes of the analyzer client (analyzer/client.ts), so that the
 * main thread can check a policy config against it without loading them.
 */

/** Enforcement levels by their CrossGuard names. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** One policy as the pack describes itself in `GetAnalyzerInfo`. */
export interface PolicyInfo {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /** JSON schema of the policy's config: `properties` and `required`. */
    readonly configSchema?: { readonly properties: { [key: string]: any }; readonly required: string[] };
}

export interface AnalyzerInfo {
    readonly name: string;
    readonly version: string;
    readonly supportsConfig: boolean;
    readonly policies: PolicyInfo[];
    /** Config the pack was constructed with (`new PolicyPack(name, args, initialConfig)`). */
    readonly initialConfig: PolicyPackConfig;
}

/** Per-policy enforcement level and properties, the shape `pulumi preview --policy-pack-config` takes. */
export interface PolicyConfigEntry {
    readonly enforcementLevel?: EnforcementLevel;
    readonly properties?: { [key: string]: unknown };
}
export type PolicyPackConfig = { [policy: string]: PolicyConfigEntry };
