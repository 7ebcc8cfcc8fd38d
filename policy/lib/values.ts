/**
 * Plain, crash-proof views of resource properties.
 *
 * CrossGuard hands policies `props` wrapped in `unknownCheckingProxy` (@pulumi/policy proxy.js): reading a
 * property whose value is not known yet (during preview) throws `UnknownValueError`, and CrossGuard then
 * reports "can't run policy during preview" as an advisory instead of running the check. That is noise on
 * every pull request, so policies here never read the proxy directly: `plain` copies the properties once,
 * turning every unknown into the `UNKNOWN` marker, and checks skip what they cannot judge.
 */

/** Marks a value the engine does not know yet (preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;
export type Value = undefined | null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };
export type Obj = { [key: string]: Value };

// The sentinels CrossGuard deserialises unknowns to; read from the module that defines them so they cannot drift.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const proxyModule = require("@pulumi/policy/proxy") as { [key: string]: unknown };
const SENTINELS = new Set<string>(Object.keys(proxyModule)
    .filter((k) => /^unknown[A-Z]\w*Value$/.test(k) && typeof proxyModule[k] === "string")
    .map((k) => proxyModule[k] as string));

// CrossGuard's proxy hands out the object it wraps under this key (@pulumi/policy proxy.js). Copying the
// deserialised object itself reaches the same values (a sentinel string where the proxy would throw)
// without a trap call and a new proxy per property read.
const PROXY_TARGET = proxyModule.getSpecialProxyTarget as string;

/** A deep plain copy of `v` in which every unknown value, however it is represented, becomes `UNKNOWN`. */
export function plain(v: unknown): Value {
    if (v !== null && typeof v === "object") {
        const target = read(v as { [key: string]: unknown }, PROXY_TARGET);
        if (target !== undefined && target !== UNKNOWN && target !== v) {
            return plain(target);
        }
    }
    if (typeof v === "string") {
        return SENTINELS.has(v) ? UNKNOWN : v;
    }
    if (v === null || v === undefined || typeof v === "boolean" || typeof v === "number" || v === UNKNOWN) {
        return v as Value;
    }
    if (typeof v !== "object") {
        return undefined;
    }
    const source = v as { [key: string]: unknown };
    if (Array.isArray(v)) {
        const length = read(source, "length");
        if (typeof length !== "number") {
            return UNKNOWN;
        }
        return Array.from({ length }, (_, i) => plain(read(source, String(i))));
    }
    const out: Obj = {};
    for (const key of Object.keys(source)) {
        const value = plain(read(source, key));
        if (value !== undefined) {
            out[key] = value;
        }
    }
    return out;
}

/** Reads one property; a throwing read (the proxy's UnknownValueError) yields `UNKNOWN`. */
function read(source: { [key: string]: unknown }, key: string): unknown {
    try {
        return source[key];
    } catch {
        return UNKNOWN;
    }
}

export function isUnknown(v: Value): v is Unknown {
    return v === UNKNOWN;
}

/** The value at `path`: `UNKNOWN` if any step is unknown, `undefined` if any step is absent. */
export function get(v: Value, ...path: (string | number)[]): Value {
    let cur: Value = v;
    for (const key of path) {
        if (cur === UNKNOWN) {
            return UNKNOWN;
        }
        if (cur === null || cur === undefined || typeof cur !== "object") {
            return undefined;
        }
        cur = Array.isArray(cur) ? (typeof key === "number" ? cur[key] : undefined) : (cur as Obj)[String(key)];
    }
    return cur;
}

export function str(v: Value): string | undefined {
    return typeof v === "string" ? v : undefined;
}

export function num(v: Value): number | undefined {
    if (typeof v === "number") {
        return v;
    }
    // Several provider inputs are numbers carried as strings (ECS task cpu and memory).
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
        return Number(v);
    }
    return undefined;
}

/** A boolean, accepting the "true"/"false" strings some providers use (launch template network interfaces). */
export function bool(v: Value): boolean | undefined {
    if (typeof v === "boolean") {
        return v;
    }
    return v === "true" ? true : v === "false" ? false : undefined;
}

export function arr(v: Value): Value[] | undefined {
    return Array.isArray(v) ? v : undefined;
}

export function obj(v: Value): Obj | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The known strings of a list (unknown elements are left out); `undefined` when the list is absent or unknown. */
export function strings(v: Value): string[] | undefined {
    const list = arr(v);
    return list?.filter((e): e is string => typeof e === "string");
}

/** True when the list itself, or any element of it, is unknown. */
export function hasUnknown(v: Value): boolean {
    if (v === UNKNOWN) {
        return true;
    }
    return Array.isArray(v) && v.some((e) => e === UNKNOWN);
}

/** True when `v` holds an unknown value anywhere inside. */
export function anyUnknown(v: Value): boolean {
    if (v === UNKNOWN) {
        return true;
    }
    if (Array.isArray(v)) {
        return v.some(anyUnknown);
    }
    return v !== null && typeof v === "object" && Object.values(v).some(anyUnknown);
}

/** One item or a list (IAM `Action`, `Resource`), as a list. */
export function asList(v: Value): Value[] {
    if (v === undefined || v === null) {
        return [];
    }
    return Array.isArray(v) ? v : [v];
}

/** Parses a JSON document held in a string property; `UNKNOWN` when unknown, `undefined` when absent or not JSON. */
export function json(v: Value): Value {
    if (v === UNKNOWN) {
        return UNKNOWN;
    }
    if (typeof v === "string") {
        try {
            return plain(JSON.parse(v));
        } catch {
            return undefined;
        }
    }
    // Some inputs (IAM documents given as objects) arrive already structured.
    return obj(v) ?? arr(v);
}
