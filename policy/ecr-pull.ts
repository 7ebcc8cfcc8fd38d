import { podSpecOf, WORKLOAD_TYPES } from "./kubernetes";
import { Finding, Res, resourcePolicy, stackPolicy } from "./lib/policy";
import { arr, get, isUnknown, obj, str, Value } from "./lib/values";

/**
 * ECR pulls from Kubernetes outside EKS (K3s, kubeadm): ECR tokens last 12 hours, so a dockerconfigjson
 * Secret for ECR is only good while something rewrites it in time. A refresher is a CronJob that says what it
 * refreshes with the annotations below (the aws-containers EcrPull component sets them), or that runs
 * `aws ecr get-login-password`.
 *
 * The schedule reader below is small on purpose: the pack needs only the longest gap of a standard 5-field
 * schedule (and the macros Kubernetes accepts), and a cron library would be the pack's first dependency
 * beyond @pulumi/policy.
 */

export const CRONJOB_TYPE = "kubernetes:batch/v1:CronJob";
export const SECRET_TYPE = "kubernetes:core/v1:Secret";
export const REFRESHES_SECRET = "aws-containers.io/refreshes-secret";
export const TARGET_NAMESPACES = "aws-containers.io/target-namespaces";
export const TARGET_SELECTOR = "aws-containers.io/target-namespace-selector";
/** ECR token lifetime (ECR API Reference, GetAuthorizationToken). */
export const TOKEN_HOURS = 12;
const ECR_HOST_RE = /\b\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\b/;

const MINUTES_PER_DAY = 24 * 60;
const MACROS: { [macro: string]: string } = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
};
const NAMES: { [field: number]: string[] } = {
    3: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    4: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};
const RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];

/** The values one cron field allows (numbers, names, ranges, steps, lists, `*`, `?`), or undefined when it cannot be read. */
function expand(field: string, index: number): Set<number> | undefined {
    const [lo, hi] = RANGES[index];
    const value = (s: string): number => {
        const named = NAMES[index]?.indexOf(s.toUpperCase()) ?? -1;
        const n = named >= 0 ? named + (index === 3 ? 1 : 0) : /^\d+$/.test(s) ? Number(s) : NaN;
        return index === 4 && n === 7 ? 0 : n;
    };
    const out = new Set<number>();
    for (const item of field.split(",")) {
        const m = /^(\*|\?|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
        if (!m) {
            return undefined;
        }
        const whole = m[1] === "*" || m[1] === "?";
        const start = whole ? lo : value(m[1]);
        const end = whole ? hi : m[2] !== undefined ? value(m[2]) : m[3] !== undefined ? hi : start;
        const step = m[3] !== undefined ? Number(m[3]) : 1;
        if ([start, end].some((n) => Number.isNaN(n) || n < lo || n > hi) || start > end || step < 1) {
            return undefined;
        }
        for (let n = start; n <= end; n += step) {
            out.add(n);
        }
    }
    return out;
}

/**
 * The longest time between two runs of a CronJob schedule, in minutes; undefined when the schedule cannot be
 * read. A schedule limited to some days, months or weekdays has gaps of at least a day.
 */
export function longestGapMinutes(schedule: string): number | undefined {
    const s = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, "");
    const every = /^@every\s+(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
    if (every && (every[1] || every[2] || every[3])) {
        return Number(every[1] ?? 0) * 60 + Number(every[2] ?? 0) + Number(every[3] ?? 0) / 60;
    }
    const fields = (MACROS[s] ?? s).split(/\s+/);
    if (fields.length !== 5) {
        return undefined;
    }
    const sets = fields.map(expand);
    if (sets.some((x) => x === undefined)) {
        return undefined;
    }
    const [minutes, hours, days, months, weekdays] = sets as Set<number>[];
    if (days.size < 31 || months.size < 12 || weekdays.size < 7) {
        return MINUTES_PER_DAY;
    }
    const times = [...hours].flatMap((h) => [...minutes].map((m) => h * 60 + m)).sort((x, y) => x - y);
    let longest = times[0] + MINUTES_PER_DAY - times[times.length - 1];
    for (let i = 1; i < times.length; i++) {
        longest = Math.max(longest, times[i] - times[i - 1]);
    }
    return longest;
}

/** True when a CronJob refreshes ECR pull Secrets: it says so, or one of its containers runs get-login-password. */
export function isRefresher(r: Res): boolean {
    if (str(get(r.props, "metadata", "annotations", REFRESHES_SECRET)) !== undefined) {
        return true;
    }
    const spec = podSpecOf(r);
    const containers = [...(arr(get(spec, "containers")) ?? []), ...(arr(get(spec, "initContainers")) ?? [])];
    return containers.some((c) => [...(arr(get(c, "command")) ?? []), ...(arr(get(c, "args")) ?? [])]
        .some((a) => typeof a === "string" && a.includes("get-login-password")));
}

/** What is wrong with a refresher's schedule, or undefined when it refreshes in time (or cannot be judged yet). */
function scheduleProblem(r: Res, maxHours: number): string | undefined {
    if (get(r.props, "spec", "suspend") === true) {
        return `${r.name} is suspended, so nothing refreshes its ECR tokens, which expire after ${TOKEN_HOURS} hours.`;
    }
    const schedule = get(r.props, "spec", "schedule");
    if (typeof schedule !== "string") {
        return undefined;
    }
    const gap = longestGapMinutes(schedule);
    if (gap === undefined) {
        return `${r.name}: schedule "${schedule}" cannot be read, so it cannot be shown to refresh ECR tokens within ${maxHours} hours.`;
    }
    if (gap > maxHours * 60) {
        return `${r.name}: schedule "${schedule}" leaves up to ${Math.round(gap / 6) / 10} hours between refreshes; ECR tokens expire after ` +
            `${TOKEN_HOURS} hours, so refresh at least every ${maxHours} hours.`;
    }
    return undefined;
}

export const secEcrTokenRefreshInterval = resourcePolicy<{ maxIntervalHours: number }>({
    name: "sec-ecr-token-refresh-interval",
    description: "A CronJob that refreshes ECR pull Secrets must run at least every 12 hours, before the tokens it writes expire.",
    enforcementLevel: "mandatory",
    types: [CRONJOB_TYPE],
    config: {
        maxIntervalHours: { type: "number", default: TOKEN_HOURS, description: "Longest time allowed between two refreshes, in hours." },
    },
    check: (r, c) => {
        if (!isRefresher(r)) {
            return [];
        }
        const problem = scheduleProblem(r, c.maxIntervalHours);
        return problem ? [problem] : [];
    },
});

function namespaceOf(r: Res): string {
    return str(get(r.props, "metadata", "namespace")) ?? "default";
}

/** Base64 or plain: the docker config of a dockerconfigjson Secret, when the stack shows it. */
function dockerConfig(r: Res): string | undefined {
    const plainText = str(get(r.props, "stringData", ".dockerconfigjson"));
    if (plainText !== undefined) {
        return plainText;
    }
    const encoded = str(get(r.props, "data", ".dockerconfigjson"));
    return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
}

/** The ECR pull Secrets a stack shows: dockerconfigjson Secrets naming an ECR host, and Secrets that pods pull ECR images with. */
function ecrPullSecrets(resources: readonly Res[]): { name: string; namespace: string; urn: string; by: string }[] {
    const out: { name: string; namespace: string; urn: string; by: string }[] = [];
    for (const r of resources) {
        if (r.type === SECRET_TYPE && get(r.props, "type") === "kubernetes.io/dockerconfigjson") {
            const config = dockerConfig(r);
            const name = str(get(r.props, "metadata", "name"));
            if (config !== undefined && ECR_HOST_RE.test(config) && name !== undefined) {
                out.push({ name, namespace: namespaceOf(r), urn: r.urn, by: `Secret ${r.name}` });
            }
        } else if (WORKLOAD_TYPES.includes(r.type)) {
            const spec = podSpecOf(r);
            const containers = [...(arr(get(spec, "containers")) ?? []), ...(arr(get(spec, "initContainers")) ?? [])];
            if (!containers.some((c) => ECR_HOST_RE.test(str(get(c, "image")) ?? ""))) {
                continue;
            }
            for (const ref of arr(get(spec, "imagePullSecrets")) ?? []) {
                const name = str(get(ref, "name"));
                if (name !== undefined) {
                    out.push({ name, namespace: namespaceOf(r), urn: r.urn, by: `${r.type.split(":")[2]} ${r.name}` });
                }
            }
        }
    }
    return out;
}

/** True when `refresher` (a working one) writes Secret `name` in `namespace`. */
function refreshes(refresher: Res, name: string, namespace: string): boolean {
    const annotations = obj(get(refresher.props, "metadata", "annotations")) ?? {};
    if (annotations[REFRESHES_SECRET] !== name) {
        return false;
    }
    if (typeof annotations[TARGET_SELECTOR] === "string") {
        // The namespaces' labels are in the cluster, not necessarily in the stack: a selector may match any namespace.
        return true;
    }
    const targets: Value = annotations[TARGET_NAMESPACES];
    return typeof targets === "string" && targets.split(",").map((t) => t.trim()).includes(namespace);
}

export const secEcrPullSecretRefreshed = stackPolicy<{ maxIntervalHours: number }>({
    name: "sec-ecr-pull-secret-refreshed",
    description: "Every imagePullSecret for ECR must be rewritten by a refresher CronJob of the stack that runs at least every 12 hours.",
    enforcementLevel: "advisory",
    config: {
        maxIntervalHours: { type: "number", default: TOKEN_HOURS, description: "Longest time between refreshes that counts as refreshing, in hours." },
    },
    check: (resources, c) => {
        const refreshers = resources.filter((r) => r.type === CRONJOB_TYPE && isRefresher(r) && !isUnknown(get(r.props, "metadata")) &&
            scheduleProblem(r, c.maxIntervalHours) === undefined);
        const findings: Finding[] = [];
        for (const s of ecrPullSecrets(resources)) {
            if (!refreshers.some((r) => refreshes(r, s.name, s.namespace))) {
                findings.push({
                    urn: s.urn,
                    message: `${s.by} uses the ECR pull Secret ${s.namespace}/${s.name}, which no refresher CronJob of this stack rewrites; ` +
                        `its token expires ${TOKEN_HOURS} hours after it was written.`,
                });
            }
        }
        return findings;
    },
});

export const ecrPullPolicies = [secEcrTokenRefreshInterval, secEcrPullSecretRefreshed];
