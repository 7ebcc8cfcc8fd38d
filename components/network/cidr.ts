/** IPv4 CIDR arithmetic for carving subnets out of a VPC range without overlap. */

export interface Cidr {
    /** First address as an unsigned 32-bit integer. */
    readonly base: number;
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; returns undefined unless it is a valid network address (no host bits set). */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    if (base % blockSize(prefix) !== 0) {
        return undefined;
    }
    return { base, prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

export function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

/**
 * Allocates blocks of the requested prefix lengths inside `within`, in order, each aligned to its own
 * size and placed after the previous one. Returns undefined when they do not fit.
 */
export function carve(within: Cidr, prefixes: readonly number[]): Cidr[] | undefined {
    const end = within.base + blockSize(within.prefix);
    let next = within.base;
    const out: Cidr[] = [];
    for (const prefix of prefixes) {
        if (prefix < within.prefix || prefix > 32) {
            return undefined;
        }
        const size = blockSize(prefix);
        const start = Math.ceil(next / size) * size;
        if (start + size > end) {
            return undefined;
        }
        out.push({ base: start, prefix });
        next = start + size;
    }
    return out;
}
