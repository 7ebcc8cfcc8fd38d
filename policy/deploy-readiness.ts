import { ECS_CONTAINER_DEFINITION } from "./lib/data/ecs-container-definition";
import { EKS_CLUSTER_TYPES } from "./eks";
import { HELM_RELEASE_TYPES } from "./kubernetes";
import { checkShape } from "./lib/aws-shapes";
import { CHECKED_CR_TYPES, customResourceProblems } from "./lib/crd-check";
import { evaluateLifecycle, lifecycleDocumentErrors, LifecycleRuleDoc } from "./lib/ecr-lifecycle";
import { ofTypes } from "./lib/graph";
import { iamDocumentProblems, policyDocumentsOf } from "./lib/iam-catalogue";
import { Finding, resourcePolicy, stackPolicy } from "./lib/policy";
import { get, isUnknown, json, num, Obj, Value } from "./lib/values";

/**
 * Deploy readiness (issue 18): what AWS or Kubernetes would refuse at `pulumi up`, caught at preview,
 * for any program. Advisory by default: the catalogues they judge by can lag a brand-new API field.
 */

/** Whether `v` holds an unknown value anywhere (preview): such a value cannot be judged yet. */
function anyUnknown(v: Value): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(anyUnknown);
    return v !== null && typeof v === "object" && Object.values(v).some(anyUnknown);
}

/** `v` when it is wholly known, else undefined. */
function known(v: Value): unknown | undefined {
    return v === undefined || anyUnknown(v) ? undefined : v;
}

export const deployContainerDefinitionShape = resourcePolicy({
    name: "deploy-ecs-container-definition-shape",
    description: "ECS container definitions should use only ContainerDefinition members, with values the ECS API accepts.",
    enforcementLevel: "advisory",
    types: ["aws:ecs/taskDefinition:TaskDefinition"],
    config: {},
    check: (r) => {
        const defs = known(json(r.props["containerDefinitions"]));
        if (!Array.isArray(defs)) return [];
        return defs.flatMap((d, i) => checkShape(ECS_CONTAINER_DEFINITION, "ContainerDefinition", d, `${r.name} container ${i}`));
    },
});

/** Types whose inputs carry IAM policy documents (identity, trust and resource policies). */
export const IAM_DOCUMENT_TYPES = [
    "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/role:Role", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy",
    "aws:kms/key:Key", "aws:s3/bucketPolicy:BucketPolicy", "aws:sqs/queuePolicy:QueuePolicy", "aws:sns/topicPolicy:TopicPolicy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy",
] as const;

export const deployIamDocuments = resourcePolicy({
    name: "deploy-iam-documents",
    description: "IAM policy documents should name existing actions, on resources they support, with existing condition keys.",
    enforcementLevel: "advisory",
    types: IAM_DOCUMENT_TYPES,
    config: {},
    check: (r) => {
        const inputs: { [key: string]: unknown } = {};
        for (const [k, v] of Object.entries(r.props)) {
            const plainValue = known(v);
            if (plainValue !== undefined) inputs[k] = plainValue;
        }
        return policyDocumentsOf(inputs).flatMap(([key, doc]) => iamDocumentProblems(doc, `${r.name}.${key}`));
    },
});

export const deployStateMachineValid = resourcePolicy({
    name: "deploy-state-machine-valid",
    description: "Step Functions state machine definitions should be valid Amazon States Language.",
    enforcementLevel: "advisory",
    types: ["aws:sfn/stateMachine:StateMachine"],
    config: {},
    check: (r) => {
        const doc = known(json(r.props["definition"]));
        if (doc === undefined) return [];
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const validate = require("asl-validator") as (d: unknown) => { isValid: boolean; errors: { path?: string; message?: string }[] };
        const result = validate(doc);
        return result.isValid ? [] : result.errors.map((e) => `State machine ${r.name}: ${e.path ?? ""} ${e.message ?? JSON.stringify(e)}`.replace(/\s+/g, " "));
    },
});

/** An image history in which each rule's own prefixes and patterns occur, young and old. */
function historyFor(rules: LifecycleRuleDoc[]) {
    const tags = new Set<string>(["release-1", "sha-0a1b"]);
    for (const r of rules) {
        (r.selection.tagPrefixList ?? []).forEach((p) => tags.add(`${p}x`));
        (r.selection.tagPatternList ?? []).forEach((p) => tags.add(p.replace(/\*/g, "x")));
    }
    const images = [...tags].flatMap((t) => Array.from({ length: 40 }, (_, i) => ({ digest: `${t}@${i}`, tags: [`${t}${i}`], ageDays: i * 3 })));
    images.push(...Array.from({ length: 10 }, (_, i) => ({ digest: `untagged@${i}`, tags: [], ageDays: i * 5 })));
    return images;
}

export const deployEcrLifecycleRules = resourcePolicy({
    name: "deploy-ecr-lifecycle-rules",
    description: "ECR lifecycle rules should be accepted by ECR and each able to expire some image under its documented semantics.",
    enforcementLevel: "advisory",
    types: ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"],
    config: {},
    check: (r) => {
        const doc = known(json(r.props[r.type.endsWith("LifecyclePolicy") ? "policy" : "lifecyclePolicy"])) as { rules?: LifecycleRuleDoc[] } | undefined;
        if (doc === undefined) return [];
        const errors = lifecycleDocumentErrors(doc);
        if (errors.length > 0) return errors.map((e) => `${r.name}: ${e}.`);
        const rules = doc.rules!;
        const expired = new Set(evaluateLifecycle(rules, historyFor(rules)).values());
        return rules.filter((rule) => !expired.has(rule.rulePriority))
            .map((rule) => `${r.name}: rule ${rule.rulePriority} can never expire an image (earlier rules claim every image it selects, or it selects none).`);
    },
});

export const deployCustomResourceSchema = resourcePolicy({
    name: "deploy-custom-resource-schema",
    description: "Karpenter and External Secrets custom resources should pass their CRD's schema and CEL validation rules.",
    enforcementLevel: "advisory",
    types: CHECKED_CR_TYPES,
    config: {},
    check: (r) => {
        const body = known(r.props as Value) as { apiVersion?: string; kind?: string; metadata?: unknown; spec?: unknown } | undefined;
        return body ? customResourceProblems(r.type, r.name, body) : [];
    },
});

/** Kubernetes resources and Helm releases applied through a provider (not Pulumi's own stack resources). */
const isInCluster = (type: string) => type.startsWith("kubernetes:") && !type.startsWith("pulumi:");

export const deployEksEndpointReachable = stackPolicy({
    name: "deploy-eks-endpoint-reachable",
    onlyWith: EKS_CLUSTER_TYPES[0],
    description: "A stack that applies Kubernetes resources to an EKS cluster it creates should give that cluster a public endpoint for the deployer's CIDRs.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => {
        const inCluster = resources.filter((r) => isInCluster(r.type));
        if (inCluster.length === 0) return [];
        return ofTypes(resources, EKS_CLUSTER_TYPES)
            .filter((c) => get(c.props, "vpcConfig", "endpointPublicAccess") === false)
            .map((c): Finding => ({
                urn: c.urn,
                message: `EKS cluster ${c.name} has a private-only endpoint, yet the stack applies ${inCluster.length} Kubernetes resources through it: ` +
                    "the first `pulumi up` can finish only from inside its VPC; open the endpoint to the deployer's CIDRs (publicAccessCidrs) or split the stack.",
            }));
    },
});

export const deployNodeGroupScaled = stackPolicy({
    name: "deploy-node-group-scaled",
    onlyWith: "aws:eks/nodeGroup:NodeGroup",
    description: "An EKS managed node group should have nodes or something that scales it (Cluster Autoscaler); Karpenter does not resize managed groups.",
    enforcementLevel: "advisory",
    config: {},
    check: (resources) => {
        const autoscaler = ofTypes(resources, HELM_RELEASE_TYPES).some((r) => /cluster-autoscaler/.test(String(r.props["chart"] ?? "")));
        if (autoscaler) return [];
        return ofTypes(resources, ["aws:eks/nodeGroup:NodeGroup"]).flatMap((g): Finding[] => {
            const scaling = g.props["scalingConfig"] as Obj | undefined;
            const desired = num(get(scaling, "desiredSize"));
            const max = num(get(scaling, "maxSize"));
            if (isUnknown(scaling as Value) || desired === undefined || desired > 0 || (max ?? 0) === 0) return [];
            return [{ urn: g.urn, message: `Node group ${g.name} has desiredSize 0 and nothing in the stack scales it (no Cluster Autoscaler): it stays empty.` }];
        });
    },
});

export const deployReadinessPolicies = [
    deployContainerDefinitionShape, deployIamDocuments, deployStateMachineValid, deployEcrLifecycleRules, deployCustomResourceSchema,
    deployEksEndpointReachable, deployNodeGroupScaled,
];
