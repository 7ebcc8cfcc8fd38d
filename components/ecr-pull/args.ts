/**
 * The arguments of EcrPull, their defaults, and their validation: everything is checked (unknown keys
 * included) before the component creates any child, and each error names the argument, the value and what
 * is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkRegion } from "../regions";
import { checkArgumentKeys } from "../schema";
import { REPOSITORY_NAME_RE } from "../registry";
import { ArgumentErrors, duplicates, show } from "../validation";

/** One ECR registry (an account's registry in one region) whose images the cluster pulls. */
export interface EcrPullRegistry {
    /** The 12-digit account that owns the registry; for another account's registry this is a cross-account pull. */
    readonly accountId: string;
    /** The registry's region (an AWS commercial region). */
    readonly region: string;
    /** Repository names the cluster may pull, e.g. "shop/orders"; the IAM policy grants pulls on these only. */
    readonly repositories: string[];
    /**
     * A role in `accountId` to assume for this registry's token (cross-account pulls without a repository policy
     * naming the cluster's account). The refresher's credentials then get `sts:AssumeRole` on it and no pull
     * actions of their own for this registry. @default none: the refresher's own credentials pull
     */
    readonly assumeRoleArn?: string;
}

/** How the refresher Job gets AWS credentials; pick by where the cluster runs. */
export interface EcrPullCredentials {
    /**
     * "instanceProfile" (nodes on EC2: the pod uses the node's instance profile through IMDS),
     * "rolesAnywhere" (on premises / other clouds: an X.509 certificate exchanged through IAM Roles Anywhere),
     * or "accessKey" (last resort: a long-lived IAM user key kept in a Kubernetes Secret).
     */
    readonly source: string;
    /** instanceProfile: attach the pull policy to this existing node role instead of creating a role and instance profile. */
    readonly nodeRoleName?: string;
    /** rolesAnywhere: PEM bundle of the CA that issues the refresher's certificate (one of this or `acmPcaArn`). */
    readonly certificateBundlePem?: string;
    /** rolesAnywhere: ARN of an AWS Private CA that issues the refresher's certificate (one of this or `certificateBundlePem`). */
    readonly acmPcaArn?: string;
    /** rolesAnywhere: the certificate's subject CN the role trusts. @default any certificate the trust anchor accepts */
    readonly certificateCommonName?: string;
    /** rolesAnywhere: a `kubernetes.io/tls` Secret in the refresher namespace with the certificate and key (made by cert-manager or by hand). */
    readonly certificateSecretName?: string;
}

export interface EcrPullArgs {
    /**
     * Kubeconfig of the cluster (contents, not a path; pass it as a secret). With this or `kubeContext` the
     * component makes its own Kubernetes provider; without either it uses the one it inherits (opts.providers),
     * else the ambient kubeconfig (KUBECONFIG, ~/.kube/config).
     */
    readonly kubeconfig?: pulumi.Input<string>;
    /** Context of that kubeconfig to use. @default its current-context */
    readonly kubeContext?: string;
    /** The registries to pull from: several accounts and regions. */
    readonly registries: EcrPullRegistry[];
    /** Namespaces that get the pull Secret and an `ecr-pull` ServiceAccount. Give this or `namespaceSelector`. */
    readonly namespaces?: string[];
    /**
     * A label selector ("team=shop", "ecr-pull", "env!=dev", comma-separated): every namespace that matches
     * gets the pull Secret at each run, including namespaces created later. Give this or `namespaces`.
     */
    readonly namespaceSelector?: string;
    /** Create the `namespaces` (they must otherwise exist before `pulumi up`). @default false */
    readonly createNamespaces?: boolean;
    /** Namespace of the refresher (CronJob, its ServiceAccount, the first-run Job), created by the component. @default "ecr-pull" */
    readonly namespace?: string;
    /** Name of the `kubernetes.io/dockerconfigjson` Secret in every target namespace. @default "ecr-pull-credentials" */
    readonly secretName?: string;
    /** Hours between refreshes: a whole number from 6 to 10 (ECR tokens last 12 hours). @default 8 */
    readonly refreshIntervalHours?: number;
    /** How the refresher gets AWS credentials. @default { source: "instanceProfile" } */
    readonly credentials?: EcrPullCredentials;
    /**
     * Run the first refresh as a Job that `pulumi up` waits for. Turn it off for a first deployment whose nodes do
     * not carry the new instance profile yet (instanceProfile without nodeRoleName): the Job could not succeed.
     * @default true
     */
    readonly initialRefresh?: boolean;
    /** Image with the AWS CLI (bash, jq) that fetches the tokens. @default AWS_CLI_IMAGE */
    readonly awsCliImage?: string;
    /** Image with kubectl (bash, jq) that writes the Secrets. @default KUBECTL_IMAGE */
    readonly kubectlImage?: string;
}

/**
 * Pinned multi-architecture images (tags, not digests; see the README):
 * - kubectl: the official image, linux/amd64, arm64, ppc64le and s390x per the container image table of the
 *   Kubernetes v1.36.0 release notes; its Dockerfile (kubernetes/kubernetes build/server-image/kubectl) adds bash
 *   and jq. kubectl works with API servers one minor version either side.
 * - AWS CLI: the official image on ECR Public (aws/aws-cli docker/Dockerfile: Amazon Linux 2 with jq, built per
 *   architecture); the 2.37.5 tag was found pinned in public code on 2026-12-01, no digest could be confirmed.
 */
export const AWS_CLI_IMAGE = "public.ecr.aws/aws-cli/aws-cli:2.37.5";
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.36.0";

export const CREDENTIAL_SOURCES = ["instanceProfile", "rolesAnywhere", "accessKey"] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];

/** The ServiceAccount every target namespace gets, carrying the Secret as its imagePullSecrets. */
export const PULL_SERVICE_ACCOUNT = "ecr-pull";
export const MIN_INTERVAL_HOURS = 6;
export const MAX_INTERVAL_HOURS = 10;

export interface ResolvedRegistry extends EcrPullRegistry {
    /** `<account>.dkr.ecr.<region>.amazonaws.com` */
    readonly server: string;
}

export interface ResolvedEcrPullArgs {
    readonly registries: ResolvedRegistry[];
    readonly namespaces: string[];
    readonly namespaceSelector?: string;
    readonly createNamespaces: boolean;
    readonly namespace: string;
    readonly secretName: string;
    readonly refreshIntervalHours: number;
    /** The cron schedule "0 \*\/N * * *" for an interval of N hours, in UTC. */
    readonly schedule: string;
    readonly credentials: EcrPullCredentials & { readonly source: CredentialSource };
    readonly kubeContext?: string;
    readonly initialRefresh: boolean;
    /** Whether the component makes its own Kubernetes provider (kubeconfig or kubeContext given). */
    readonly ownProvider: boolean;
    readonly awsCliImage: string;
    readonly kubectlImage: string;
}

const CREDENTIAL_KEYS = ["source", "nodeRoleName", "certificateBundlePem", "acmPcaArn", "certificateCommonName", "certificateSecretName"];
/** Which credential keys each source takes (`source` aside). */
const SOURCE_KEYS: { [S in CredentialSource]: string[] } = {
    instanceProfile: ["nodeRoleName"],
    rolesAnywhere: ["certificateBundlePem", "acmPcaArn", "certificateCommonName", "certificateSecretName"],
    accessKey: [],
};

const ACCOUNT_ID_RE = /^\d{12}$/;
/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what Kubernetes accepts as a Secret name. */
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A label key: optional DNS-subdomain prefix and a name of up to 63 characters (Kubernetes "Labels and Selectors"). */
const LABEL_KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const ROLE_ARN_RE = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const PCA_ARN_RE = /^arn:aws:acm-pca:[a-z0-9-]+:\d{12}:certificate-authority\/[0-9a-f-]{36}$/;
const IAM_ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
/** An image reference with a registry host, a repository and a tag or digest. */
const IMAGE_RE = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/**
 * Checks a label selector of equality terms (`k=v`, `k==v`, `k!=v`) and existence terms (`k`, `!k`),
 * comma-separated; set-based terms (`k in (a,b)`) are refused so that the refresher's `kubectl -l` and
 * the policy pack read the selector the same way.
 */
export function selectorProblem(selector: string): string | undefined {
    if (selector.trim() === "") {
        return "is empty";
    }
    for (const raw of selector.split(",")) {
        const term = raw.trim();
        const m = /^(!?)([^=!]+?)(?:(==|=|!=)(.*))?$/.exec(term);
        if (!m || (m[1] === "!" && m[3] !== undefined)) {
            return `term ${show(term)} is not "key", "!key", "key=value" or "key!=value"`;
        }
        if (!LABEL_KEY_RE.test(m[2]) || m[2].length > 317) {
            return `term ${show(term)} has an invalid label key ${show(m[2])}`;
        }
        if (m[4] !== undefined && !LABEL_VALUE_RE.test(m[4])) {
            return `term ${show(term)} has an invalid label value ${show(m[4])} (up to 63 letters, digits, - _ .)`;
        }
    }
    return undefined;
}

export function resolveEcrPullArgs(args: EcrPullArgs): ResolvedEcrPullArgs {
    const errors = new ArgumentErrors("EcrPull");
    // Unknown keys at any depth, from the schema generated from EcrPullArgs (components/arguments.ts).
    checkArgumentKeys(errors, "EcrPull", args);

    const registries = args.registries ?? [];
    errors.require(Array.isArray(registries) && registries.length > 0, "registries", `got ${show(registries)}; give at least one registry`);
    registries.forEach((r, i) => {
        const at = `registries[${i}]`;
        errors.require(ACCOUNT_ID_RE.test(String(r.accountId)), `${at}.accountId`, `${show(r.accountId)} is not a 12-digit AWS account ID`);
        checkRegion(errors, `${at}.region`, r.region);
        const repos = r.repositories ?? [];
        errors.require(repos.length > 0, `${at}.repositories`, "is empty; name at least one repository the cluster pulls");
        repos.forEach((name, j) => errors.require(typeof name === "string" && name.length >= 2 && name.length <= 256 && REPOSITORY_NAME_RE.test(name),
            `${at}.repositories[${j}]`, `${show(name)} is not a valid ECR repository name`));
        for (const dup of duplicates(repos)) {
            errors.require(false, `${at}.repositories`, `${show(dup)} is listed more than once`);
        }
        if (r.assumeRoleArn !== undefined) {
            const m = ROLE_ARN_RE.exec(r.assumeRoleArn);
            errors.require(m !== null && m[1] === r.accountId, `${at}.assumeRoleArn`,
                `${show(r.assumeRoleArn)} is not an IAM role ARN in the registry's account ${show(r.accountId)} (arn:aws:iam::${r.accountId}:role/NAME)`);
        }
    });
    for (const dup of duplicates(registries.map((r) => `${r.accountId}/${r.region}`))) {
        errors.require(false, "registries", `account and region ${show(dup)} appear more than once; list a registry once with all its repositories`);
    }

    const namespaces = args.namespaces ?? [];
    const selector = args.namespaceSelector;
    errors.require((namespaces.length > 0) !== (selector !== undefined), "namespaces",
        selector === undefined ? `got ${show(namespaces)}; give at least one target namespace, or a namespaceSelector`
            : "and namespaceSelector are both given; give one of them");
    namespaces.forEach((ns, i) => errors.require(typeof ns === "string" && ns.length <= 63 && DNS_LABEL_RE.test(ns), `namespaces[${i}]`,
        `${show(ns)} is not a namespace name (a DNS label: up to 63 lowercase letters, digits and -; no patterns or wildcards)`));
    for (const dup of duplicates(namespaces)) {
        errors.require(false, "namespaces", `${show(dup)} is listed more than once`);
    }
    if (selector !== undefined) {
        const problem = selectorProblem(String(selector));
        errors.require(problem === undefined, "namespaceSelector", `${show(selector)}: ${problem}`);
    }
    errors.require(args.createNamespaces === undefined || selector === undefined, "createNamespaces",
        "applies to the listed namespaces only; with namespaceSelector the namespaces already exist");

    if (args.kubeContext !== undefined) {
        errors.require(typeof args.kubeContext === "string" && args.kubeContext.length > 0, "kubeContext", `${show(args.kubeContext)} is not a context name`);
    }
    const namespace = args.namespace ?? "ecr-pull";
    errors.require(DNS_LABEL_RE.test(namespace) && namespace.length <= 63, "namespace", `${show(namespace)} is not a namespace name (a DNS label)`);
    errors.require(!namespaces.includes(namespace), "namespace",
        `${show(namespace)} is also a target namespace; the refresher runs in a namespace of its own`);
    const secretName = args.secretName ?? "ecr-pull-credentials";
    errors.require(DNS_SUBDOMAIN_RE.test(secretName) && secretName.length <= 253, "secretName", `${show(secretName)} is not a Secret name (a DNS subdomain)`);

    const interval = args.refreshIntervalHours ?? 8;
    errors.require(Number.isInteger(interval) && interval >= MIN_INTERVAL_HOURS && interval <= MAX_INTERVAL_HOURS, "refreshIntervalHours",
        `${show(interval)} is outside the refresh window; give a whole number of hours from ${MIN_INTERVAL_HOURS} to ${MAX_INTERVAL_HOURS} ` +
        `(ECR tokens expire after 12 hours)`);

    const credentials = args.credentials ?? { source: "instanceProfile" };
    const source = credentials.source as CredentialSource;
    const knownSource = (CREDENTIAL_SOURCES as readonly string[]).includes(source);
    errors.require(knownSource, "credentials.source", `${show(credentials.source)} is not a credential source; allowed: ${CREDENTIAL_SOURCES.join(", ")}`);
    if (knownSource) {
        for (const key of Object.keys(credentials).filter((k) => k !== "source" && CREDENTIAL_KEYS.includes(k))) {
            errors.require(SOURCE_KEYS[source].includes(key), `credentials.${key}`, `does not apply to source ${show(source)}`);
        }
    }
    if (credentials.nodeRoleName !== undefined) {
        errors.require(IAM_ROLE_NAME_RE.test(credentials.nodeRoleName), "credentials.nodeRoleName", `${show(credentials.nodeRoleName)} is not an IAM role name`);
    }
    if (source === "rolesAnywhere") {
        errors.require((credentials.certificateBundlePem !== undefined) !== (credentials.acmPcaArn !== undefined), "credentials",
            "rolesAnywhere needs exactly one trust source: certificateBundlePem or acmPcaArn");
        if (credentials.certificateBundlePem !== undefined) {
            errors.require(/-----BEGIN CERTIFICATE-----/.test(credentials.certificateBundlePem), "credentials.certificateBundlePem",
                "is not a PEM certificate bundle (-----BEGIN CERTIFICATE-----)");
        }
        if (credentials.acmPcaArn !== undefined) {
            errors.require(PCA_ARN_RE.test(credentials.acmPcaArn), "credentials.acmPcaArn", `${show(credentials.acmPcaArn)} is not an AWS Private CA ARN`);
        }
        const secret = credentials.certificateSecretName;
        errors.require(secret !== undefined && DNS_SUBDOMAIN_RE.test(secret), "credentials.certificateSecretName",
            `${show(secret ?? "(unset)")} is not a Secret name; rolesAnywhere needs the kubernetes.io/tls Secret holding the refresher's certificate`);
        errors.require(args.awsCliImage !== undefined && args.awsCliImage !== AWS_CLI_IMAGE, "awsCliImage",
            `rolesAnywhere needs an image with the AWS CLI and aws_signing_helper; ${AWS_CLI_IMAGE} has no aws_signing_helper`);
    }

    const awsCliImage = args.awsCliImage ?? AWS_CLI_IMAGE;
    const kubectlImage = args.kubectlImage ?? KUBECTL_IMAGE;
    for (const [key, image] of [["awsCliImage", awsCliImage], ["kubectlImage", kubectlImage]] as const) {
        errors.require(IMAGE_RE.test(image), key, `${show(image)} is not a full image URI with a tag or digest (registry/repository:tag)`);
    }
    errors.throwIfAny();

    return {
        registries: registries.map((r) => ({ ...r, server: `${r.accountId}.dkr.ecr.${r.region}.amazonaws.com` })),
        namespaces,
        namespaceSelector: selector,
        createNamespaces: args.createNamespaces ?? false,
        namespace,
        secretName,
        refreshIntervalHours: interval,
        schedule: `0 */${interval} * * *`,
        credentials: { ...credentials, source },
        kubeContext: args.kubeContext,
        initialRefresh: args.initialRefresh ?? true,
        ownProvider: args.kubeconfig !== undefined || args.kubeContext !== undefined,
        awsCliImage,
        kubectlImage,
    };
}
