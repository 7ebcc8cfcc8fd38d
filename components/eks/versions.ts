/**
 * The EKS Kubernetes version calendar, kept as data (checklist V1).
 *
 * Source: AWS, "Understand the Kubernetes version lifecycle on EKS"
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc, table rows 1.29–1.34, and the earlier
 * latest/ug/clusters/kubernetes-versions.adoc for 1.27–1.28). Rows 1.25–1.26 come from the older AWS table;
 * 1.35 from endoflife.date/amazon-eks, agreeing with AWS's 14 + 12 month policy; 1.36 from a secondary
 * source only (see its note). Dates are UTC. Policy: 14 months of standard support, then 12 months of
 * extended support, billed from the first day after standard support ends.
 *
 * Retrieved 2026-11-22. Re-check with `aws eks describe-cluster-versions` when adding a row.
 */
export const EKS_CALENDAR_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";
export const EKS_CALENDAR_RETRIEVED = "2026-11-22";

export interface EksVersionRow {
    readonly version: string;
    /** Day the version became available on EKS. */
    readonly released: string;
    /** Last day of standard support. */
    readonly endOfStandardSupport: string;
    /** Last day of extended support; after it EKS upgrades the control plane itself. */
    readonly endOfExtendedSupport: string;
    /** Where the row's dates come from, when not the AWS table. */
    readonly note?: string;
}

export const EKS_VERSION_CALENDAR: readonly EksVersionRow[] = [
    { version: "1.25", released: "2023-02-22", endOfStandardSupport: "2024-05-01", endOfExtendedSupport: "2025-05-01" },
    { version: "1.26", released: "2023-04-11", endOfStandardSupport: "2024-06-11", endOfExtendedSupport: "2025-06-11" },
    { version: "1.27", released: "2023-05-24", endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
    { version: "1.28", released: "2023-09-26", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
    { version: "1.29", released: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    { version: "1.30", released: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.31", released: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.32", released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.33", released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.34", released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    {
        version: "1.35", released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27",
        note: "endoflife.date/amazon-eks and aws-samples eks-operation-review (verified 2026-04-24); AWS row not read",
    },
    {
        version: "1.36", released: "2026-06-02", endOfStandardSupport: "2027-08-02", endOfExtendedSupport: "2028-08-02",
        note: "GA on EKS per translated AWS pages; dates from a secondary source (2026-08-16), extended end derived (+12 months)",
    },
];

/** First versions with a feature the component relies on. */
export const EKS_FEATURE_MINIMUMS = {
    /** EKS Pod Identity (checklist C7). */
    podIdentity: "1.28",
    /**
     * Native sidecars, init containers with `restartPolicy: Always` (checklist V3). Upstream KEP-753: alpha
     * in 1.28 (gate off, which EKS does not enable), beta and on by default from 1.29, GA in 1.33.
     */
    nativeSidecars: "1.29",
    /** EKS Auto Mode: "requires Kubernetes version 1.29 or greater" (AWS, create-auto.html). */
    autoMode: "1.29",
} as const;

/** "standard", "extended" (supported, billed extra) or "unsupported" (past extended support). */
export type SupportStatus = "standard" | "extended" | "unsupported";

export interface VersionVerdict {
    readonly row: EksVersionRow;
    readonly status: SupportStatus;
}

/** The calendar row and support status of `version` on `checkDate` (YYYY-MM-DD); undefined when not in the calendar. */
export function supportStatus(version: string, checkDate: string): VersionVerdict | undefined {
    const row = EKS_VERSION_CALENDAR.find((r) => r.version === version);
    if (!row) {
        return undefined;
    }
    // ISO dates compare correctly as strings; the end days themselves are still in support.
    const status: SupportStatus = checkDate <= row.endOfStandardSupport ? "standard"
        : checkDate <= row.endOfExtendedSupport ? "extended" : "unsupported";
    return { row, status };
}

/** Versions in standard or extended support on `checkDate`, oldest first. */
export function supportedVersions(checkDate: string): string[] {
    return EKS_VERSION_CALENDAR.filter((r) => supportStatus(r.version, checkDate)!.status !== "unsupported").map((r) => r.version);
}

/** Compares "1.29"-style versions numerically. */
export function compareVersions(a: string, b: string): number {
    const [am, an] = a.split(".").map(Number);
    const [bm, bn] = b.split(".").map(Number);
    return am - bm || an - bn;
}

/** Today as YYYY-MM-DD (UTC), the default day of the support check. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}
