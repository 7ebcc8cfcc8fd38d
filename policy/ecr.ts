import { ofTypes } from "./lib/graph";
import { Finding, resourcePolicy, stackPolicy } from "./lib/policy";
import { arr, get, hasUnknown, isUnknown, json, num, str, Value } from "./lib/values";

/** ECR (checklist C3 and encryption at rest). Cross-resource ECR rules are stack policies in stack.ts. */

export const ECR_REPOSITORY_TYPES = ["aws:ecr/repository:Repository"] as const;
export const ECR_LIFECYCLE_TYPES = ["aws:ecr/lifecyclePolicy:LifecyclePolicy"] as const;
export const ECR_REPLICATION_TYPES = ["aws:ecr/replicationConfiguration:ReplicationConfiguration"] as const;
export const REGISTRY_SCANNING_TYPES = ["aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"] as const;
export const CREATION_TEMPLATE_TYPES = ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"] as const;

export const c3EcrImageScanning = resourcePolicy<{ registryScanningCoversAll: boolean }>({
    name: "c3-ecr-image-scanning",
    description: "ECR repositories must scan images: scan on push, or registry scanning with at least one rule (basic on push or enhanced continuous).",
    enforcementLevel: "mandatory",
    types: [...ECR_REPOSITORY_TYPES, ...REGISTRY_SCANNING_TYPES],
    config: {
        registryScanningCoversAll: {
            type: "boolean", default: false,
            description: "Set true when the account's registry scanning configuration (managed outside this stack) scans every " +
                "repository; it then overrides the repositories' own scanOnPush, which need not be set.",
        },
    },
    check: (r, c) => {
        if (r.type === "aws:ecr/repository:Repository") {
            const scan = get(r.props, "imageScanningConfiguration", "scanOnPush");
            return scan === true || isUnknown(scan) || c.registryScanningCoversAll ? []
                : [`Repository ${r.name} does not set imageScanningConfiguration.scanOnPush to true.`];
        }
        const rules = get(r.props, "rules");
        if (isUnknown(rules)) {
            return [];
        }
        const scanning = (arr(rules) ?? []).filter((rule) => {
            const frequency = get(rule, "scanFrequency");
            return isUnknown(frequency) || (typeof frequency === "string" && frequency !== "MANUAL");
        });
        return scanning.length > 0 ? [] : [`Registry scanning configuration ${r.name} has no rule that scans on push or continuously.`];
    },
});

interface LifecycleConfig {
    maxUntaggedDays: number;
    maxImageCount: number;
    maxImageAgeDays: number;
}

/** What a lifecycle policy document (ECR User Guide, "Lifecycle policy properties") fails to expire. */
export function lifecycleProblems(document: Value, c: LifecycleConfig): string[] {
    if (isUnknown(document)) {
        return [];
    }
    const rules = arr(get(document, "rules"));
    if (isUnknown(get(document, "rules"))) {
        return [];
    }
    if (!rules) {
        return ["the lifecycle policy is missing or is not a JSON document with rules"];
    }
    // A document given as an object may hold outputs unknown during preview: a rule that cannot be read is not judged.
    const fields = [["selection", "tagStatus"], ["selection", "countType"], ["selection", "countNumber"], ["selection", "tagPatternList"],
        ["selection", "tagPrefixList"], ["action", "type"]];
    if (rules.some((rule) => isUnknown(rule) || isUnknown(get(rule, "selection")) || fields.some((f) => hasUnknown(get(rule, ...f))))) {
        return [];
    }
    interface Rule { tagStatus: Value; countType: Value; count: number | undefined; action: Value; allTags: boolean }
    const expiring = rules.map((rule): Rule => ({
        tagStatus: get(rule, "selection", "tagStatus"),
        countType: get(rule, "selection", "countType"),
        count: num(get(rule, "selection", "countNumber")),
        action: get(rule, "action", "type"),
        // A tagged rule bounds every tagged image only when it selects them all (pattern "*", no prefix list).
        allTags: (arr(get(rule, "selection", "tagPatternList")) ?? []).includes("*") && get(rule, "selection", "tagPrefixList") === undefined,
    })).filter((rule) => rule.action === "expire" || isUnknown(rule.action));
    const bounded = (rule: Rule): boolean => rule.count !== undefined && (
        (rule.countType === "sinceImagePushed" && rule.count <= (rule.tagStatus === "untagged" ? c.maxUntaggedDays : c.maxImageAgeDays)) ||
        (rule.countType === "imageCountMoreThan" && rule.count <= c.maxImageCount));
    const problems: string[] = [];
    if (!expiring.some((rule) => (rule.tagStatus === "untagged" || rule.tagStatus === "any") && bounded(rule))) {
        problems.push(`no rule expires untagged images within ${c.maxUntaggedDays} days (or beyond ${c.maxImageCount} images)`);
    }
    if (!expiring.some((rule) => (rule.tagStatus === "any" || (rule.tagStatus === "tagged" && rule.allTags)) && bounded(rule))) {
        problems.push(`no rule expires tagged images beyond ${c.maxImageCount} images or after ${c.maxImageAgeDays} days`);
    }
    return problems;
}

export const c3EcrLifecycleRules = resourcePolicy<LifecycleConfig>({
    name: "c3-ecr-lifecycle-rules",
    description: "ECR lifecycle policies must expire untagged images and old tagged images within the configured limits.",
    enforcementLevel: "mandatory",
    types: [...ECR_LIFECYCLE_TYPES, ...CREATION_TEMPLATE_TYPES],
    config: {
        maxUntaggedDays: { type: "integer", minimum: 1, default: 30, description: "Untagged images must expire within this many days." },
        maxImageCount: { type: "integer", minimum: 1, default: 500, description: "A count rule may keep at most this many images." },
        maxImageAgeDays: { type: "integer", minimum: 1, default: 365, description: "An age rule for tagged images may keep them at most this many days." },
    },
    check: (r, c) => {
        const key = r.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy" ? "policy" : "lifecyclePolicy";
        const document = r.props[key];
        if (document === undefined && key === "lifecyclePolicy") {
            return [`Repository creation template ${r.name} gives created repositories no lifecyclePolicy.`];
        }
        return lifecycleProblems(json(document), c).map((p) => `${r.name}: ${p}.`);
    },
});

export const secEcrEncryption = resourcePolicy<{ allowedEncryptionTypes: string[] }>({
    name: "sec-ecr-encryption",
    description: "ECR repositories must be encrypted at rest with AWS KMS.",
    enforcementLevel: "mandatory",
    types: [...ECR_REPOSITORY_TYPES, ...CREATION_TEMPLATE_TYPES],
    config: {
        allowedEncryptionTypes: {
            type: "array", items: { type: "string", enum: ["KMS", "KMS_DSSE", "AES256"] }, default: ["KMS", "KMS_DSSE"],
            description: "Accepted encryptionType values; AES256 (the ECR default) uses S3-managed keys.",
        },
    },
    check: (r, c) => {
        const configs = r.props["encryptionConfigurations"];
        if (isUnknown(configs)) {
            return [];
        }
        const first = arr(configs)?.[0];
        const type = get(first, "encryptionType");
        if (isUnknown(first) || isUnknown(type)) {
            return [];
        }
        const effective = str(type) ?? "AES256"; // ECR's default when no encryption configuration is given
        return c.allowedEncryptionTypes.includes(effective) ? [] :
            [`${r.name} uses encryptionType ${effective}; allowed: ${c.allowedEncryptionTypes.join(", ")}.`];
    },
});

/** True when an ECR scanning filter (WILDCARD: `*` matches any run of characters) matches a repository name. */
export function wildcardMatches(filter: string, name: string): boolean {
    const pattern = filter.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    return new RegExp(`^${pattern}$`).test(name);
}

export const c3EcrEnhancedScanningCoverage = stackPolicy({
    name: "c3-ecr-enhanced-scanning-coverage",
    onlyWith: REGISTRY_SCANNING_TYPES[0],
    description: "With registry-level ENHANCED scanning, every repository of the stack must match a scanning rule's filter (its own scanOnPush no longer applies).",
    enforcementLevel: "mandatory",
    config: {},
    check: (resources) => {
        const configs = ofTypes(resources, REGISTRY_SCANNING_TYPES).filter((c) => c.props["scanType"] === "ENHANCED");
        return ofTypes(resources, ECR_REPOSITORY_TYPES).flatMap((repo): Finding[] => {
            const name = repo.props["name"];
            const config = configs.find((c) => c.region === undefined || repo.region === undefined || c.region === repo.region);
            if (!config || typeof name !== "string") return [];
            const rules = config.props["rules"];
            if (hasUnknown(rules) || (arr(rules) ?? []).some((r) => hasUnknown(get(r, "repositoryFilters")) || isUnknown(get(r, "scanFrequency")))) return [];
            const covered = (arr(rules) ?? []).some((rule) => get(rule, "scanFrequency") !== "MANUAL" &&
                (arr(get(rule, "repositoryFilters")) ?? []).some((f) => {
                    const filter = get(f, "filter");
                    return isUnknown(filter) || (typeof filter === "string" && wildcardMatches(filter, name));
                }));
            return covered ? [] : [{ urn: repo.urn, message: `Repository ${repo.name} (${name}) matches no filter of the ENHANCED scanning configuration ${config.name}, so it is not scanned.` }];
        });
    },
});

export const ecrPolicies = [c3EcrImageScanning, c3EcrLifecycleRules, secEcrEncryption, c3EcrEnhancedScanningCoverage];
