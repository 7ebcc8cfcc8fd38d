/**
 * ECR lifecycle policy documents. Format: Amazon ECR User Guide, "Lifecycle policy properties"
 * (rulePriority, selection.tagStatus / tagPrefixList / tagPatternList / countType / countUnit /
 * countNumber, action.type "expire"). A rule with tagStatus "any" would have to come last, so the
 * keep-last-N rule selects tagged images with the pattern "*" instead.
 */

export interface LifecycleSettings {
    /** Days after which untagged images expire. */
    readonly untaggedExpireDays: number;
    /** How many tagged images to keep; older tagged images expire. */
    readonly keepTaggedCount: number;
    /** Tag prefixes of short-lived images, such as "dev-". */
    readonly expiringTagPrefixes: string[];
    /** Days after which images whose tag starts with one of `expiringTagPrefixes` expire. */
    readonly expiringTagPrefixDays: number;
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
    const rules: LifecycleRule[] = [{
        rulePriority: 1,
        description: `Expire untagged images after ${s.untaggedExpireDays} days`,
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: s.untaggedExpireDays },
        action: { type: "expire" },
    }];
    if (s.expiringTagPrefixes.length > 0) {
        rules.push({
            rulePriority: 2,
            description: `Expire ${s.expiringTagPrefixes.join(", ")} images after ${s.expiringTagPrefixDays} days`,
            selection: {
                tagStatus: "tagged", tagPrefixList: s.expiringTagPrefixes,
                countType: "sinceImagePushed", countUnit: "days", countNumber: s.expiringTagPrefixDays,
            },
            action: { type: "expire" },
        });
    }
    rules.push({
        rulePriority: 3,
        description: `Keep the last ${s.keepTaggedCount} tagged images`,
        selection: { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: s.keepTaggedCount },
        action: { type: "expire" },
    });
    return JSON.stringify({ rules });
}
