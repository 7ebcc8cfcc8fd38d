// EKS Fargate profiles: validation, each profile's pod execution role, and whether CoreDNS must run on Fargate.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../aws-context";
import { ArgumentErrors, duplicates, show } from "../validation";
import { managedPolicy } from "./cluster";

/** Which pods a Fargate profile runs: a namespace and, optionally, labels they must all carry. */
export interface FargateProfileSelector {
    readonly namespace: string;
    /** Up to 5 labels, all of which a pod must have. @default any pod of the namespace */
    readonly labels?: { [key: string]: string };
}

/** A Fargate profile: pods matching any selector run on Fargate, in the platform's private subnets. */
export interface FargateProfileSpec {
    /** Profile name: letters, digits, _ and -, up to 100; also its pod execution role's name prefix. */
    readonly name: string;
    /** 1 to 5 selectors. */
    readonly selectors: FargateProfileSelector[];
}

const PROFILE_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function resolveFargateProfiles(errors: ArgumentErrors, specs: readonly FargateProfileSpec[], autoMode: boolean): FargateProfileSpec[] {
    errors.require(!autoMode || specs.length === 0, "fargateProfiles",
        "is set together with autoMode; Auto Mode schedules every pod on its own nodes and does not use Fargate profiles, remove them");
    specs.forEach((p, i) => {
        const path = `fargateProfiles[${i}]`;
        errors.require(typeof p.name === "string" && PROFILE_NAME.test(p.name), `${path}.name`,
            `${show(p.name)} is not a profile name; use 1 to 100 letters, digits, - or _, starting with a letter or digit`);
        const selectors = p.selectors ?? [];
        errors.require(selectors.length >= 1 && selectors.length <= 5, `${path}.selectors`, `has ${selectors.length} selectors; give 1 to 5`);
        selectors.forEach((s, j) => {
            errors.require(typeof s.namespace === "string" && s.namespace.length <= 63 && NAMESPACE.test(s.namespace), `${path}.selectors[${j}].namespace`,
                `${show(s.namespace)} is not a Kubernetes namespace name (lowercase letters, digits and -, up to 63)`);
            const labels = Object.keys(s.labels ?? {});
            errors.require(labels.length <= 5, `${path}.selectors[${j}].labels`, `has ${labels.length} labels; a selector takes at most 5`);
        });
    });
    for (const dup of duplicates(specs.map((p) => p.name))) {
        errors.require(false, "fargateProfiles", `profile name ${show(dup)} appears more than once; names must be unique`);
    }
    return [...specs];
}

/**
 * True when a profile would take the CoreDNS pods: a kube-system selector without labels, or with labels
 * CoreDNS carries (k8s-app: kube-dns). The coredns add-on must then run them with `computeType: Fargate`
 * (EKS User Guide, "Get started with AWS Fargate for your cluster", "Update CoreDNS").
 */
export function coversCoreDns(profiles: readonly FargateProfileSpec[]): boolean {
    return profiles.some((p) => p.selectors.some((s) => s.namespace === "kube-system" &&
        Object.entries(s.labels ?? {}).every(([k, v]) => k === "k8s-app" && v === "kube-dns")));
}

/**
 * One profile with a pod execution role of its own, which only EKS Fargate for this cluster's profiles may
 * assume (aws:SourceArn, EKS User Guide "Amazon EKS Pod execution IAM role") and which may only pull
 * images and write pod logs (AmazonEKSFargatePodExecutionRolePolicy). Pods go to the private subnets only.
 */
export function createFargateProfile(name: string, spec: FargateProfileSpec, cluster: aws.eks.Cluster, subnetIds: pulumi.Input<pulumi.Input<string>[]>,
    ctx: AwsContext, parent: pulumi.Resource): aws.eks.FargateProfile {
    const opts = { parent };
    const role = new aws.iam.Role(`${name}-pods`, {
        description: `Pod execution role of Fargate profile ${spec.name}`,
        assumeRolePolicy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Service: "eks-fargate-pods.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:eks:${ctx.region}:${ctx.accountId}:fargateprofile/${cluster.name}/*` } },
            }],
        }),
    }, opts);
    new aws.iam.RolePolicyAttachment(`${name}-pods-execution`, { role: role.name, policyArn: managedPolicy(ctx, "AmazonEKSFargatePodExecutionRolePolicy") }, opts);
    return new aws.eks.FargateProfile(name, {
        clusterName: cluster.name,
        fargateProfileName: spec.name,
        podExecutionRoleArn: role.arn,
        subnetIds,
        selectors: spec.selectors.map((s) => ({ namespace: s.namespace, labels: s.labels })),
    }, opts);
}
