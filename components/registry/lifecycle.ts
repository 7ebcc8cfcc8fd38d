/**
 * ECR lifecycle policy documents. Format and semantics: Amazon ECR User Guide, "Lifecycle policy properties"
 * and "How lifecycle policies work" (evaluated offline by policy/lib/ecr-lifecycle.ts):
 * - a tagPrefixList matches only images that carry every prefix in it, so each expiring prefix gets its own rule;
 * - an image matched by an earlier rule's tags cannot be expired by a later rule, but still counts towards
 *   its image count; so release images are kept by rules that select only them (one per release prefix),
 *   and a last rule bounds every other tagged image (it also counts the releases and short-lived images
 *   that earlier rules hold, but cannot expire them);
 * - a rule with tagStatus "any" would have to come last, so the last rule selects tagged images with "*".
 */

export interface LifecycleSettings {
    /** Days after which untagged images expire. */
    readonly untaggedExpireDays: number;
    /** How many images to keep per release prefix, and how many tagged images in all before other tags expire. */
    readonly keepTaggedCount: number;
    /** Tag prefixes of short-lived images, such as "dev-". */
    readonly expiringTagPrefixes: string[];
    /** Days after which images whose tag starts with one of `expiringTagPrefixes` expire. */
    readonly expiringTagPrefixDays: number;
    /** Tag prefixes of release images, such as "v", kept by their own count. */
    readonly releaseTagPrefixes: string[];
}

interface LifecycleRule {
    rulePriority: number;
    description: string;
    selection: {
        tagStatus: "tagged" | "untagged" | "any";
        tagPrefixList?: string[];
        tagPatternList?: string[];
        countType: "sinceImagePushed" | "imageCountMoreThan";
        countUnit?: "days";
        countNumber: number;
    };
    action: { type: "expire" };
}

export function lifecyclePolicyDocument(s: LifecycleSettings): string {
    const rules: Omit<LifecycleRule, "rulePriority">[] = [{
        description: `Expire untagged images after ${s.untaggedExpireDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: s.untaggedExpireDays },
        action: { type: "expire" },
    }];
    for (const prefix of s.expiringTagPrefixes) {
        rules.push({
            description: `Expire ${prefix}* images after ${s.expiringTagPrefixDays} days`,
            selection: { tagStatus: "tagged", tagPrefixList: [prefix], countType: "sinceImagePushed", countUnit: "days", countNumber: s.expiringTagPrefixDays },
            action: { type: "expire" },
        });
    }
    for (const prefix of s.releaseTagPrefixes) {
        rules.push({
            description: `Keep the last ${s.keepTaggedCount} ${prefix}* release images`,
            selection: { tagStatus: "tagged", tagPrefixList: [prefix], countType: "imageCountMoreThan", countNumber: s.keepTaggedCount },
            action: { type: "expire" },
        });
    }
    rules.push({
        description: `Expire other tagged images beyond the last ${s.keepTaggedCount} tagged images`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: s.keepTaggedCount },
        action: { type: "expire" },
    });
    return JSON.stringify({ rules: rules.map((r, i) => ({ rulePriority: i + 1, ...r })) });
}
