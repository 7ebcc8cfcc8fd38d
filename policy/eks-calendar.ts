/**
 * The Amazon EKS Kubernetes version calendar, as data (checklist V1): 14 months of standard support,
 * then 12 months of extended support; dates are UTC, and extended-support billing starts at the
 * beginning of the end-of-standard-support day.
 *
 * Source: AWS, "Understand the Kubernetes version lifecycle on EKS",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc; 1.25-1.26 from the earlier revision of the same table).
 * 1.35 is from the AWS release notes cross-checked with endoflife.date. Compiled 2026-11-22 (/work/notes/eks.md).
 * 1.36 is GA but its dates were only found in a blog, so it is left out: versions newer than the newest
 * row are treated as in standard support. Update this table (or override it through the policy config)
 * when AWS publishes a new row; `aws eks describe-cluster-versions` prints the same dates.
 */
export const EKS_CALENDAR_SOURCE = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";
export const EKS_CALENDAR_DATE = "2026-11-22";

export interface EksVersionSupport {
    readonly version: string;
    readonly endOfStandardSupport: string;
    readonly endOfExtendedSupport: string;
}

export const EKS_CALENDAR: readonly EksVersionSupport[] = [
    { version: "1.25", endOfStandardSupport: "2024-05-01", endOfExtendedSupport: "2025-05-01" },
    { version: "1.26", endOfStandardSupport: "2024-06-11", endOfExtendedSupport: "2025-06-11" },
    { version: "1.27", endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
    { version: "1.28", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
    { version: "1.29", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    { version: "1.30", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.31", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.32", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.33", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.34", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
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
    if (date >= row.endOfExtendedSupport) {
        return "ended";
    }
    return date >= row.endOfStandardSupport ? "extended" : "standard";
}
