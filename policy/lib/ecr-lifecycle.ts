/**
 * A small evaluator of ECR lifecycle policies, following the rules AWS documents (Amazon ECR User Guide,
 * "How lifecycle policies work" and "Lifecycle policy properties"), so a policy can be run on an image history
 * offline and its outcome checked. What it implements:
 * - rules are evaluated by ascending rulePriority; an image is expired by at most one rule;
 * - an image that matches a rule's tag selection cannot be expired by a rule of lower priority (a later one),
 *   yet later rules still see it: it counts towards their `imageCountMoreThan`;
 * - tagPrefixList matches when every prefix in the list matches one of the image's tags; tagPatternList
 *   (wildcard `*`) when every pattern matches one of the image's tags;
 * - `tagged` needs a prefix or pattern list, `untagged` takes none, `any` selects every image and must come last;
 * - imageCountMoreThan keeps the N most recently pushed selected images and expires the rest;
 *   sinceImagePushed expires selected images pushed more than N days before the evaluation.
 */

export interface ImageRecord {
    readonly digest: string;
    readonly tags: readonly string[];
    /** Days before the evaluation the image was pushed. */
    readonly ageDays: number;
}

export interface LifecycleRuleDoc {
    rulePriority: number;
    selection: {
        tagStatus: string;
        tagPrefixList?: string[];
        tagPatternList?: string[];
        countType: string;
        countUnit?: string;
        countNumber: number;
    };
    action: { type: string };
}

/** Problems that make AWS refuse the document, or make a rule unable to ever select an image. */
export function lifecycleDocumentErrors(doc: unknown): string[] {
    const rules = (doc as { rules?: unknown })?.rules;
    if (!Array.isArray(rules) || rules.length === 0) {
        return ["the policy has no rules array"];
    }
    const errors: string[] = [];
    const priorities = new Set<number>();
    const sorted = [...rules].sort((a, b) => Number(a?.rulePriority) - Number(b?.rulePriority));
    sorted.forEach((r: any, i) => {
        const where = `rule ${r?.rulePriority}`;
        const s = r?.selection ?? {};
        if (!Number.isInteger(r?.rulePriority) || r.rulePriority < 1) errors.push(`${where}: rulePriority must be a positive integer`);
        if (priorities.has(r?.rulePriority)) errors.push(`${where}: rulePriority is not unique`);
        priorities.add(r?.rulePriority);
        if (!["tagged", "untagged", "any"].includes(s.tagStatus)) errors.push(`${where}: tagStatus ${JSON.stringify(s.tagStatus)} is not tagged, untagged or any`);
        const lists = [s.tagPrefixList, s.tagPatternList].filter((l) => l !== undefined);
        if (s.tagStatus === "tagged" && lists.length !== 1) errors.push(`${where}: a tagged rule needs exactly one of tagPrefixList and tagPatternList`);
        if (s.tagStatus !== "tagged" && lists.length > 0) errors.push(`${where}: only a tagged rule may list tag prefixes or patterns`);
        for (const l of lists) {
            if (!Array.isArray(l) || l.length === 0 || !l.every((x: unknown) => typeof x === "string" && x.length > 0)) {
                errors.push(`${where}: a tag list must be a non-empty list of non-empty strings`);
            }
        }
        if (s.tagStatus === "any" && i !== sorted.length - 1) errors.push(`${where}: a rule with tagStatus any must have the highest rulePriority`);
        if (s.countType === "sinceImagePushed" && s.countUnit !== "days") errors.push(`${where}: sinceImagePushed needs countUnit "days"`);
        if (s.countType === "imageCountMoreThan" && s.countUnit !== undefined) errors.push(`${where}: imageCountMoreThan takes no countUnit`);
        if (!["sinceImagePushed", "imageCountMoreThan"].includes(s.countType)) errors.push(`${where}: countType ${JSON.stringify(s.countType)} is not sinceImagePushed or imageCountMoreThan`);
        if (!Number.isInteger(s.countNumber) || s.countNumber < 1) errors.push(`${where}: countNumber must be a positive integer`);
        if (r?.action?.type !== "expire") errors.push(`${where}: action.type must be "expire"`);
        // Several prefixes in one list match only an image carrying a tag for each of them: almost always a
        // mistake for "any of these" (one rule per prefix). Same for patterns.
        if (Array.isArray(s.tagPrefixList) && s.tagPrefixList.length > 1) {
            errors.push(`${where}: tagPrefixList ${JSON.stringify(s.tagPrefixList)} selects only images tagged with every one of these prefixes; use one rule per prefix`);
        }
        if (Array.isArray(s.tagPatternList) && s.tagPatternList.length > 1) {
            errors.push(`${where}: tagPatternList ${JSON.stringify(s.tagPatternList)} selects only images matching every one of these patterns; use one rule per pattern`);
        }
    });
    const untagged = rules.filter((r: any) => r?.selection?.tagStatus === "untagged").length;
    if (untagged > 1) errors.push("only one rule may select untagged images");
    return errors;
}

function wildcard(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Whether `image` matches the rule's tag selection. */
export function selects(rule: LifecycleRuleDoc, image: ImageRecord): boolean {
    const s = rule.selection;
    if (s.tagStatus === "any") return true;
    if (s.tagStatus === "untagged") return image.tags.length === 0;
    if (image.tags.length === 0) return false;
    if (s.tagPrefixList) return s.tagPrefixList.every((p) => image.tags.some((t) => t.startsWith(p)));
    if (s.tagPatternList) return s.tagPatternList.every((p) => image.tags.some((t) => wildcard(p).test(t)));
    return false;
}

/** Runs the policy on `images`; returns, for each expired digest, the priority of the rule that expires it. */
export function evaluateLifecycle(rules: readonly LifecycleRuleDoc[], images: readonly ImageRecord[]): Map<string, number> {
    const expired = new Map<string, number>();
    // Images claimed by the tag selection of an earlier rule: a later rule may count them but not expire them.
    const claimed = new Set<string>();
    for (const rule of [...rules].sort((a, b) => a.rulePriority - b.rulePriority)) {
        const selected = images.filter((i) => !expired.has(i.digest) && selects(rule, i)).sort((a, b) => a.ageDays - b.ageDays);
        const s = rule.selection;
        const doomed = s.countType === "imageCountMoreThan" ? selected.slice(s.countNumber) : selected.filter((i) => i.ageDays > s.countNumber);
        for (const i of doomed) {
            if (!claimed.has(i.digest)) {
                expired.set(i.digest, rule.rulePriority);
            }
        }
        selected.forEach((i) => claimed.add(i.digest));
    }
    return expired;
}
