/**
 * The Kubernetes side of EcrPull: the refresher's namespace and ServiceAccount, RBAC that lets it write one
 * Secret name in the target namespaces only, the `ecr-pull` ServiceAccount of each target namespace, the
 * CronJob, and a one-off Job that `pulumi up` waits for so the first Secret exists before any workload pulls.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PULL_SERVICE_ACCOUNT, ResolvedEcrPullArgs } from "./args";
import { APPLY_SCRIPT, registriesFile, TOKEN_SCRIPT } from "./scripts";

/** Annotations on the CronJob that say what it refreshes (read by the policy pack, see policy/ecr-pull.ts). */
export const REFRESHES_SECRET_ANNOTATION = "aws-containers.io/refreshes-secret";
export const TARGET_NAMESPACES_ANNOTATION = "aws-containers.io/target-namespaces";
export const TARGET_SELECTOR_ANNOTATION = "aws-containers.io/target-namespace-selector";
export const REFRESHER_SERVICE_ACCOUNT = "ecr-pull-refresher";
export const REFRESHER_NAME = "ecr-pull-refresher";
export const AWS_CREDENTIALS_SECRET = "ecr-pull-aws-credentials";

const LABELS = { "app.kubernetes.io/name": "ecr-pull", "app.kubernetes.io/component": "token-refresher", "app.kubernetes.io/managed-by": "pulumi" };
const CERT_DIR = "/var/run/secrets/rolesanywhere";

/** What the pod needs from the AWS side, per credential source. */
export interface PodCredentials {
    /** accessKey: the IAM user's key, kept in a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. */
    readonly accessKey?: aws.iam.AccessKey;
    /** rolesAnywhere: the AWS config file whose credential_process runs aws_signing_helper. */
    readonly awsConfig?: pulumi.Input<string>;
}

/** Where the Kubernetes objects go: children of the component, on its own Kubernetes provider when it made one. */
export interface InCluster {
    readonly parent: pulumi.Resource;
    readonly provider?: k8s.Provider;
}

export interface Refresher {
    readonly cronJob: k8s.batch.v1.CronJob;
    readonly initialJob?: k8s.batch.v1.Job;
    readonly pullServiceAccounts: k8s.core.v1.ServiceAccount[];
}

export function createRefresher(name: string, a: ResolvedEcrPullArgs, creds: PodCredentials, at: InCluster,
    awsDependsOn: pulumi.Resource[]): Refresher {
    const opts = { ...at };
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: a.namespace, labels: LABELS } }, opts);
    const inNs = { ...at, dependsOn: [ns] };
    const sa = new k8s.core.v1.ServiceAccount(`${name}-refresher`, {
        metadata: { name: REFRESHER_SERVICE_ACCOUNT, namespace: a.namespace, labels: LABELS },
    }, inNs);
    const rbac = createRbac(name, a, at, ns);
    // The last-resort source: the key's secret is a secret output, and Secret data is secret in state too.
    const keySecret = creds.accessKey && new k8s.core.v1.Secret(`${name}-aws-credentials`, {
        metadata: { name: AWS_CREDENTIALS_SECRET, namespace: a.namespace, labels: LABELS },
        type: "Opaque",
        stringData: { AWS_ACCESS_KEY_ID: creds.accessKey.id, AWS_SECRET_ACCESS_KEY: creds.accessKey.secret },
    }, inNs);
    const pullServiceAccounts = createPullServiceAccounts(name, a, at);

    const files: { [key: string]: pulumi.Input<string> } = {
        "token.sh": TOKEN_SCRIPT,
        "apply.sh": APPLY_SCRIPT,
        "registries": registriesFile(a.registries),
    };
    if (creds.awsConfig !== undefined) {
        files["aws-config"] = creds.awsConfig;
    }
    const config = new k8s.core.v1.ConfigMap(`${name}-scripts`, {
        metadata: { name: REFRESHER_NAME, namespace: a.namespace, labels: LABELS },
        data: files,
    }, inNs);

    const template = podTemplate(a, creds);
    const annotations: { [key: string]: string } = { [REFRESHES_SECRET_ANNOTATION]: a.secretName };
    if (a.namespaceSelector !== undefined) {
        annotations[TARGET_SELECTOR_ANNOTATION] = a.namespaceSelector;
    } else {
        annotations[TARGET_NAMESPACES_ANNOTATION] = a.namespaces.join(",");
    }
    const ready = [sa, config, ...rbac, ...pullServiceAccounts, ...(keySecret ? [keySecret] : [])];
    const jobSpec = {
        // A refresh retries 3 times (10 s, 20 s, 40 s apart) within 10 minutes, then fails and stays in the history.
        backoffLimit: 3,
        activeDeadlineSeconds: 600,
        template,
    };
    const cronJob = new k8s.batch.v1.CronJob(`${name}-cronjob`, {
        metadata: { name: REFRESHER_NAME, namespace: a.namespace, labels: LABELS, annotations },
        spec: {
            schedule: a.schedule,
            timeZone: "Etc/UTC",
            concurrencyPolicy: "Forbid",
            // A run missed by up to an hour (controller down, node drain) still starts; tokens outlive it by hours.
            startingDeadlineSeconds: 3600,
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 5,
            jobTemplate: { metadata: { labels: LABELS }, spec: jobSpec },
        },
    }, { ...at, dependsOn: ready });
    // Auto-named, so a changed registry list replaces it with a new Job that runs at once (create before delete).
    const initialJob = a.initialRefresh ? new k8s.batch.v1.Job(`${name}-initial`, {
        metadata: {
            namespace: a.namespace,
            labels: LABELS,
            annotations: { ...annotations, "pulumi.com/replaceUnready": "true" },
        },
        spec: jobSpec,
    }, { ...at, dependsOn: [...ready, ...awsDependsOn], customTimeouts: { create: "10m", update: "10m" } }) : undefined;
    return { cronJob, initialJob, pullServiceAccounts };
}

/**
 * Fixed namespaces: a Role and RoleBinding in each. A label selector: one ClusterRole (the namespaces are not
 * known in advance) that adds `list` on namespaces. Either way only get, create and patch of the one Secret
 * name: the refresher applies server-side, so even a create is a PATCH that carries the name.
 */
function createRbac(name: string, a: ResolvedEcrPullArgs, at: InCluster, ns: k8s.core.v1.Namespace): pulumi.Resource[] {
    const secretRule = { apiGroups: [""], resources: ["secrets"], resourceNames: [a.secretName], verbs: ["get", "create", "patch"] };
    const subjects = [{ kind: "ServiceAccount", name: REFRESHER_SERVICE_ACCOUNT, namespace: a.namespace }];
    const roleName = `${a.namespace}-refresher`;
    if (a.namespaceSelector !== undefined) {
        const role = new k8s.rbac.v1.ClusterRole(`${name}-clusterrole`, {
            metadata: { name: roleName, labels: LABELS },
            rules: [secretRule, { apiGroups: [""], resources: ["namespaces"], verbs: ["list"] }],
        }, { ...at });
        const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-clusterrolebinding`, {
            metadata: { name: roleName, labels: LABELS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
            subjects,
        }, { ...at, dependsOn: [role, ns] });
        return [role, binding];
    }
    return a.namespaces.flatMap((target) => {
        const dependsOn = a.createNamespaces ? [targetNamespace(name, target, at)] : [];
        const role = new k8s.rbac.v1.Role(`${name}-${target}-role`, {
            metadata: { name: roleName, namespace: target, labels: LABELS },
            rules: [secretRule],
        }, { ...at, dependsOn });
        const binding = new k8s.rbac.v1.RoleBinding(`${name}-${target}-rolebinding`, {
            metadata: { name: roleName, namespace: target, labels: LABELS },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
            subjects,
        }, { ...at, dependsOn: [role, ns] });
        return [role, binding];
    });
}

const targetNamespaces = new WeakMap<pulumi.Resource, Map<string, k8s.core.v1.Namespace>>();

/** The target namespace `target`, created once per component when `createNamespaces` is set. */
function targetNamespace(name: string, target: string, at: InCluster): k8s.core.v1.Namespace {
    const known = targetNamespaces.get(at.parent) ?? new Map<string, k8s.core.v1.Namespace>();
    targetNamespaces.set(at.parent, known);
    let ns = known.get(target);
    if (!ns) {
        ns = new k8s.core.v1.Namespace(`${name}-${target}-namespace`, { metadata: { name: target } }, { ...at, retainOnDelete: true });
        known.set(target, ns);
    }
    return ns;
}

/**
 * The `ecr-pull` ServiceAccount of each listed namespace, with the Secret as its imagePullSecrets, so a workload
 * that names it pulls with the refreshed token (Kubernetes "Add ImagePullSecrets to a service account").
 * Namespaces found by a selector are not known here; their owners add the ServiceAccount (see the README).
 */
function createPullServiceAccounts(name: string, a: ResolvedEcrPullArgs, at: InCluster): k8s.core.v1.ServiceAccount[] {
    return a.namespaces.map((target) => new k8s.core.v1.ServiceAccount(`${name}-${target}-sa`, {
        metadata: { name: PULL_SERVICE_ACCOUNT, namespace: target, labels: LABELS },
        imagePullSecrets: [{ name: a.secretName }],
        // Workloads that only need to pull do not need an API token.
        automountServiceAccountToken: false,
    }, { ...at, dependsOn: a.createNamespaces ? [targetNamespace(name, target, at)] : [] }));
}

/** The pod of one refresh: `token` (init, AWS CLI) then `apply` (kubectl), sharing a memory-backed volume. */
function podTemplate(a: ResolvedEcrPullArgs, creds: PodCredentials): k8s.types.input.core.v1.PodTemplateSpec {
    const hardened = {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
    };
    const mounts = [
        { name: "work", mountPath: "/work" },
        { name: "tmp", mountPath: "/tmp" },
        { name: "scripts", mountPath: "/etc/ecr-pull", readOnly: true },
    ];
    const tokenEnv: k8s.types.input.core.v1.EnvVar[] = [{ name: "HOME", value: "/tmp" }, { name: "AWS_PAGER", value: "" }];
    const tokenMounts = [...mounts];
    const volumes: k8s.types.input.core.v1.Volume[] = [
        // Memory-backed: the tokens never reach the node's disk.
        { name: "work", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
        { name: "scripts", configMap: { name: REFRESHER_NAME, defaultMode: 0o555 } },
    ];
    if (creds.awsConfig !== undefined) {
        tokenEnv.push({ name: "AWS_CONFIG_FILE", value: "/etc/ecr-pull/aws-config" });
        tokenMounts.push({ name: "certificate", mountPath: CERT_DIR, readOnly: true });
        // Group-readable: the pod's fsGroup (65532) owns the files, the user reads them through it.
        volumes.push({ name: "certificate", secret: { secretName: a.credentials.certificateSecretName!, defaultMode: 0o440 } });
    }
    return {
        metadata: { labels: LABELS },
        spec: {
            serviceAccountName: REFRESHER_SERVICE_ACCOUNT,
            restartPolicy: "Never",
            nodeSelector: { "kubernetes.io/os": "linux" },
            securityContext: { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
            initContainers: [{
                name: "token",
                image: a.awsCliImage,
                command: ["/bin/bash", "/etc/ecr-pull/token.sh"],
                env: tokenEnv,
                envFrom: creds.accessKey ? [{ secretRef: { name: AWS_CREDENTIALS_SECRET } }] : undefined,
                volumeMounts: tokenMounts,
                securityContext: hardened,
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            }],
            containers: [{
                name: "apply",
                image: a.kubectlImage,
                command: ["/bin/bash", "/etc/ecr-pull/apply.sh"],
                env: [
                    { name: "HOME", value: "/tmp" },
                    { name: "DOCKERCONFIG_NAME", value: a.secretName },
                    a.namespaceSelector !== undefined
                        ? { name: "NAMESPACE_SELECTOR", value: a.namespaceSelector }
                        : { name: "TARGET_NAMESPACES", value: a.namespaces.join(" ") },
                ],
                volumeMounts: mounts,
                securityContext: hardened,
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
            }],
            volumes,
        },
    };
}

/** The AWS config of the rolesAnywhere source: credentials from aws_signing_helper (IAM Roles Anywhere User Guide, "Obtaining temporary security credentials"). */
export function rolesAnywhereConfig(trustAnchorArn: pulumi.Input<string>, profileArn: pulumi.Input<string>, roleArn: pulumi.Input<string>,
    region: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`[default]
region = ${region}
credential_process = aws_signing_helper credential-process --certificate ${CERT_DIR}/tls.crt --private-key ${CERT_DIR}/tls.key --trust-anchor-arn ${trustAnchorArn} --profile-arn ${profileArn} --role-arn ${roleArn} --region ${region}
`;
}
