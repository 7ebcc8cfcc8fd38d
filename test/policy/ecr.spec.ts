import { c3EcrImageScanning, c3EcrLifecycleRules, secEcrEncryption } from "../../policy/ecr";
import { fixtures, LIFECYCLE_DOCUMENT } from "./fixtures";
import { expectResource, variant } from "./harness";

describe("policy: ECR", () => {
    it("C3: a repository that scans on push passes; one that does not is reported", async () => {
        await expectResource(c3EcrImageScanning, fixtures.repository(), []);
        await expectResource(c3EcrImageScanning, variant(fixtures.repository(), "props.imageScanningConfiguration.scanOnPush", false),
            ["Repository registry-shop-orders does not set imageScanningConfiguration.scanOnPush to true."]);
        await expectResource(c3EcrImageScanning, variant(fixtures.repository(), "props.imageScanningConfiguration", undefined),
            ["Repository registry-shop-orders does not set imageScanningConfiguration.scanOnPush to true."]);
    });

    it("C3: a team whose registry-level scanning covers every repository says so in config, and repositories pass", async () => {
        const unscanned = variant(fixtures.repository(), "props.imageScanningConfiguration", undefined);
        await expectResource(c3EcrImageScanning, unscanned, [], { registryScanningCoversAll: true });
        await expectResource(c3EcrImageScanning, variant(fixtures.registryScanning(), "props.rules", []),
            ["Registry scanning configuration registry-us-east-1-scanning has no rule that scans on push or continuously."],
            { registryScanningCoversAll: true });
    });

    it("C3: registry scanning needs a rule that scans on push or continuously", async () => {
        await expectResource(c3EcrImageScanning, fixtures.registryScanning(), []);
        await expectResource(c3EcrImageScanning, variant(fixtures.registryScanning(), "props.rules", []),
            ["Registry scanning configuration registry-us-east-1-scanning has no rule that scans on push or continuously."]);
    });

    it("C3: the component's lifecycle document expires untagged and old tagged images", async () => {
        await expectResource(c3EcrLifecycleRules, fixtures.lifecyclePolicy(), []);
        await expectResource(c3EcrLifecycleRules, fixtures.creationTemplate(), []);
    });

    it("C3: a lifecycle policy without an untagged rule, or beyond the limits, is reported", async () => {
        const onlyTagged = JSON.stringify({ rules: JSON.parse(LIFECYCLE_DOCUMENT).rules.filter((r: any) => r.selection.tagStatus !== "untagged") });
        await expectResource(c3EcrLifecycleRules, variant(fixtures.lifecyclePolicy(), "props.policy", onlyTagged),
            ["registry-shop-orders-lifecycle: no rule expires untagged images within 30 days (or beyond 500 images)."]);
        await expectResource(c3EcrLifecycleRules, fixtures.lifecyclePolicy(), [
            "registry-shop-orders-lifecycle: no rule expires untagged images within 7 days (or beyond 20 images).",
            "registry-shop-orders-lifecycle: no rule expires tagged images beyond 20 images or after 365 days.",
        ], { maxUntaggedDays: 7, maxImageCount: 20 });
        await expectResource(c3EcrLifecycleRules, variant(fixtures.creationTemplate(), "props.lifecyclePolicy", undefined),
            ["Repository creation template registry-eu-west-1-replica-template gives created repositories no lifecyclePolicy."]);
    });

    it("sec: repositories are KMS-encrypted; the AES256 default is reported", async () => {
        await expectResource(secEcrEncryption, fixtures.repository(), []);
        await expectResource(secEcrEncryption, variant(fixtures.repository(), "props.encryptionConfigurations", undefined),
            ["registry-shop-orders uses encryptionType AES256; allowed: KMS, KMS_DSSE."]);
        await expectResource(secEcrEncryption, variant(fixtures.repository(), "props.encryptionConfigurations", undefined), [],
            { allowedEncryptionTypes: ["KMS", "AES256"] });
    });
});
