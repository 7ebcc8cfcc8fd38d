/**
 * The Amazon EKS Kubernetes version calendar, as data (checklist V1): 14 months of standard support,
 * then 12 months of extended support; dates are UTC. "Once a version is past the end of standard
 * support date, it enters extended support" (same page), so each end day is still inside its period.
 * This table is the one source for both the policy pack and the EksPlatform component (which imports
 * it), so the pack can be published on its own and the two never disagree.
 *
 * Source: AWS, "Understand the Kubernetes version lifecycle on EKS",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc; 1.25-1.26 from the earlier revision of the same table).
 * 1.35 is from the AWS release notes cross-checked with endoflife.date. Compiled 2026-11-22.
 * 1.36 is GA but its dates come from a secondary source (see its note). Versions newer than the newest
 * row are treated by the policy as in standard support. Update this table (or override it through the
 * policy config) when AWS publishes a new row; `aws eks describe-cluster-versions` prints the same dates.
 */
export const EKS_CALENDAR_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";
export const EKS_CALENDAR_DATE = "2026-11-22";

export interface EksVersionSupport {
    readonly version: string;
    /** Day the version became available on EKS. */
    readonly released?: string;
    /** Last day of standard support. */
    readonly endOfStandardSupport: string;
    /** Last day of extended support; after it EKS upgrades the control plane itself. */
    readonly endOfExtendedSupport: string;
    /** Where the row's dates come from, when not the AWS table. */
    readonly note?: string;
}

export const EKS_CALENDAR: readonly EksVersionSupport[] = [
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

/** Compares "major.minor" versions numerically ("1.9" < "1.10"); NaN-safe (unparsable sorts first). */
export function compareVersions(a: string, b: string): number {
    const pa = a.replace(/^v/, "").split(/[.-]/).map((p) => parseInt(p, 10) || 0);
    const pb = b.replace(/^v/, "").split(/[.-]/).map((p) => parseInt(p, 10) || 0);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) {
            return d;
        }
    }
    return 0;
}

export type SupportPhase = "standard" | "extended" | "ended";

/** Where `version` ("1.31", or "1.31.2") stands on `date` (YYYY-MM-DD) according to `calendar`. */
export function supportPhase(version: string, date: string, calendar: readonly EksVersionSupport[]): SupportPhase {
    const minor = version.replace(/^v/, "").split(".").slice(0, 2).join(".");
    const row = calendar.find((r) => r.version === minor);
    if (!row) {
        const sorted = [...calendar].sort((x, y) => compareVersions(x.version, y.version));
        if (sorted.length === 0 || compareVersions(minor, sorted[sorted.length - 1].version) > 0) {
            return "standard"; // newer than the calendar knows
        }
        return compareVersions(minor, sorted[0].version) < 0 ? "ended" : "standard";
    }
    // ISO dates compare correctly as strings; the end days themselves are still in their period.
    if (date > row.endOfExtendedSupport) {
        return "ended";
    }
    return date > row.endOfStandardSupport ? "extended" : "standard";
}
