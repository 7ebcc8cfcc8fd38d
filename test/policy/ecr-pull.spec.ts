import * as assert from "node:assert/strict";
import { longestGapMinutes, secEcrPullSecretRefreshed, secEcrTokenRefreshInterval } from "../../policy/ecr-pull";
import { expectResource, expectStack, TestResource, UNKNOWN, variant } from "./harness";

/** ECR pulls outside EKS: refresher CronJobs and the Secrets they keep fresh. */

const ECR_CONFIG = JSON.stringify({ auths: { "123456789012.dkr.ecr.us-east-1.amazonaws.com": { username: "AWS", password: "eyJ", auth: "QVdTOmV5Sg==" } } });

function refresher(schedule = "0 */8 * * *", annotations: Record<string, string> = {
    "aws-containers.io/refreshes-secret": "ecr-pull-credentials", "aws-containers.io/target-namespaces": "shop,batch",
}): TestResource {
    return {
        type: "kubernetes:batch/v1:CronJob", name: "ecr-pull-cronjob",
        props: {
            apiVersion: "batch/v1", kind: "CronJob",
            metadata: { name: "ecr-pull-refresher", namespace: "ecr-pull", annotations },
            spec: {
                schedule, concurrencyPolicy: "Forbid",
                jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "apply", image: "registry.k8s.io/kubectl:v1.36.0" }] } } } },
            },
        },
    };
}

/** A refresher that says nothing about itself but runs the AWS CLI's get-login-password (the seed's recipe). */
const SCRIPTED = variant(refresher("0 */8 * * *", {}), "props.spec.jobTemplate.spec.template.spec.containers", [{
    name: "refresh", image: "public.ecr.aws/aws-cli/aws-cli:2.37.5",
    command: ["/bin/sh", "-c", "aws ecr get-login-password --region us-east-1 | ..."],
}]);

function pullSecret(name = "ecr-pull-credentials", namespace = "shop"): TestResource {
    return {
        type: "kubernetes:core/v1:Secret", name: `${namespace}-pull-secret`,
        props: { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/dockerconfigjson", metadata: { name, namespace },
            data: { ".dockerconfigjson": Buffer.from(ECR_CONFIG).toString("base64") } },
    };
}

function deployment(image: string, secret = "ecr-pull-credentials"): TestResource {
    return {
        type: "kubernetes:apps/v1:Deployment", name: "orders",
        props: { metadata: { name: "orders", namespace: "batch" },
            spec: { template: { spec: { imagePullSecrets: [{ name: secret }], containers: [{ name: "app", image }] } } } },
    };
}

describe("policy: ECR token refresh outside EKS (sec-ecr-token-refresh-interval)", () => {
    it("reads the gap between runs of a schedule, wrapping at midnight and for restricted days", () => {
        assert.deepEqual(["0 */8 * * *", "0 */7 * * *", "30 */10 * * *", "0 0,12 * * *", "0 1,14 * * *", "@hourly", "@daily",
            "0 */6 * * 1-5", "@every 13h", "*/15 * * * *", "0 0-23/11 * * *", "not a schedule"].map(longestGapMinutes),
        [480, 420, 600, 720, 780, 60, 1440, 1440, 780, 15, 660, undefined]);
    });

    it("passes a refresher that runs every 8 hours, and a CronJob that refreshes nothing", async () => {
        await expectResource(secEcrTokenRefreshInterval, refresher(), []);
        await expectResource(secEcrTokenRefreshInterval, refresher("@daily", {}), []);
    });

    it("flags a refresher whose schedule leaves tokens to expire", async () => {
        await expectResource(secEcrTokenRefreshInterval, refresher("0 */13 * * *"), [
            "ecr-pull-cronjob: schedule \"0 */13 * * *\" leaves up to 13 hours between refreshes; ECR tokens expire after 12 hours, so refresh at least every 12 hours.",
        ]);
        await expectResource(secEcrTokenRefreshInterval, variant(SCRIPTED, "props.spec.schedule", "@daily"), [
            "ecr-pull-cronjob: schedule \"@daily\" leaves up to 24 hours between refreshes; ECR tokens expire after 12 hours, so refresh at least every 12 hours.",
        ]);
    });

    it("flags a suspended refresher and a schedule it cannot read; skips one not known yet", async () => {
        await expectResource(secEcrTokenRefreshInterval, variant(refresher(), "props.spec.suspend", true), [
            "ecr-pull-cronjob is suspended, so nothing refreshes its ECR tokens, which expire after 12 hours.",
        ]);
        await expectResource(secEcrTokenRefreshInterval, refresher("0 8 * * MON-XYZ"), [
            "ecr-pull-cronjob: schedule \"0 8 * * MON-XYZ\" cannot be read, so it cannot be shown to refresh ECR tokens within 12 hours.",
        ]);
        await expectResource(secEcrTokenRefreshInterval, variant(refresher(), "props.spec.schedule", UNKNOWN.string), []);
    });

    it("takes a tighter limit from the pack config", async () => {
        await expectResource(secEcrTokenRefreshInterval, refresher("0 */10 * * *"), [
            "ecr-pull-cronjob: schedule \"0 */10 * * *\" leaves up to 10 hours between refreshes; ECR tokens expire after 12 hours, so refresh at least every 8 hours.",
        ], { maxIntervalHours: 8 });
    });
});

describe("policy: every ECR imagePullSecret is refreshed (sec-ecr-pull-secret-refreshed)", () => {
    it("passes Secrets and workloads whose Secret a working refresher of the stack rewrites in their namespace", async () => {
        await expectStack(secEcrPullSecretRefreshed, [refresher(), pullSecret(), deployment("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/orders:1.0.0")], []);
        await expectStack(secEcrPullSecretRefreshed, [refresher("0 */8 * * *", {
            "aws-containers.io/refreshes-secret": "ecr-pull-credentials", "aws-containers.io/target-namespace-selector": "ecr-pull=enabled",
        }), pullSecret("ecr-pull-credentials", "anywhere")], []);
    });

    it("flags an ECR pull Secret that nothing refreshes, and one whose refresher targets other namespaces", async () => {
        await expectStack(secEcrPullSecretRefreshed, [pullSecret()], [["shop-pull-secret",
            "Secret shop-pull-secret uses the ECR pull Secret shop/ecr-pull-credentials, which no refresher CronJob of this stack rewrites; its token expires 12 hours after it was written."]]);
        await expectStack(secEcrPullSecretRefreshed, [refresher(), pullSecret("ecr-pull-credentials", "web")], [["web-pull-secret",
            "Secret web-pull-secret uses the ECR pull Secret web/ecr-pull-credentials, which no refresher CronJob of this stack rewrites; its token expires 12 hours after it was written."]]);
    });

    it("flags a workload pulling from ECR with a Secret whose only refresher runs too rarely", async () => {
        await expectStack(secEcrPullSecretRefreshed, [refresher("0 0 * * *"), deployment("123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/orders:1.0.0")], [["orders",
            "Deployment orders uses the ECR pull Secret batch/ecr-pull-credentials, which no refresher CronJob of this stack rewrites; its token expires 12 hours after it was written."]]);
    });

    it("ignores pull Secrets of other registries and workloads whose images are not in ECR", async () => {
        const other = variant(pullSecret(), "props.data", { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: { "ghcr.io": {} } })).toString("base64") });
        await expectStack(secEcrPullSecretRefreshed, [other, deployment("ghcr.io/acme/orders:1.0.0")], []);
    });
});
