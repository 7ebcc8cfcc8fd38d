import { compareVersions, EKS_CALENDAR, EKS_CALENDAR_DATE, EKS_CALENDAR_SOURCE, EksVersionSupport, supportPhase } from "../../policy/eks-calendar";

/**
 * The EKS Kubernetes version calendar (checklist V1) is kept once, as data with its source and date, in
 * the policy pack (`policy/eks-calendar.ts`), which must stay publishable on its own; the component
 * checks versions against the same table, so a cluster the component accepts is one the pack accepts.
 */
export { compareVersions, EKS_CALENDAR_SOURCE };
export const EKS_CALENDAR_RETRIEVED = EKS_CALENDAR_DATE;
export type EksVersionRow = EksVersionSupport;
export const EKS_VERSION_CALENDAR: readonly EksVersionRow[] = EKS_CALENDAR;

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
    const phase = supportPhase(version, checkDate, EKS_VERSION_CALENDAR);
    return { row, status: phase === "ended" ? "unsupported" : phase };
}

/** Versions in standard or extended support on `checkDate`, oldest first. */
export function supportedVersions(checkDate: string): string[] {
    return EKS_VERSION_CALENDAR.filter((r) => supportStatus(r.version, checkDate)!.status !== "unsupported").map((r) => r.version);
}

/** Today as YYYY-MM-DD (UTC), the default day of the support check. */
export function today(): string {
    return new Date().toISOString().slice(0, 10);
}
