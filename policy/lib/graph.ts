import { Res } from "./policy";
import { get, isUnknown, Value } from "./values";

/**
 * Links between resources of a stack. A reference (a service's target group ARN, a lifecycle policy's
 * repository name) is matched by value when it is known; during preview it is often unknown, and then
 * the engine's property dependencies say which resources fed that input.
 */

export function ofTypes(resources: readonly Res[], types: readonly string[]): Res[] {
    return resources.filter((r) => types.includes(r.type));
}

/** What a link needs of a resource: the estimate (cost/estimate.ts) links its own view of resources too. */
type Linkable = Pick<Res, "urn" | "props" | "propertyDependsOn">;

export interface Links<T extends Linkable = Res> {
    /** Candidates the reference points at. */
    readonly targets: T[];
    /** True when the reference could not be resolved: its value is unknown and no dependency names a candidate. */
    readonly unresolved: boolean;
}

/**
 * Which of `candidates` the value `ref` (found under the top-level input `property` of `from`) refers to,
 * comparing it with each candidate's `keys` (e.g. ["name", "arn", "id"]).
 */
export function resolve<T extends Linkable>(from: Linkable, property: string, ref: Value, candidates: readonly T[], keys: readonly string[]): Links<T> {
    if (typeof ref === "string") {
        const byValue = candidates.filter((c) => c.urn === ref || keys.some((k) => get(c.props, k) === ref));
        if (byValue.length > 0) {
            return { targets: byValue, unresolved: false };
        }
    }
    const deps = from.propertyDependsOn[property] ?? [];
    const byDependency = candidates.filter((c) => deps.includes(c.urn));
    if (byDependency.length > 0) {
        return { targets: byDependency, unresolved: false };
    }
    // A known reference that matches nothing points outside the stack (an imported or looked-up resource),
    // unless some candidate's key is itself unknown yet and might be the one.
    const candidateUnknown = typeof ref === "string" && candidates.some((c) => keys.some((k) => isUnknown(get(c.props, k))));
    return { targets: [], unresolved: isUnknown(ref) || candidateUnknown };
}
