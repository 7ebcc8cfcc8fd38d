import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../plan/engine/program";

/** The fixture pack: probes and four mandatory policies, so the plan's protocol can be tested alone. */
export const FIXTURE_PACK = path.join(REPO_ROOT, "test", "fixtures", "policy-pack");

/**
 * The pack the plan tests run against: PLAN_POLICY_PACK if set, else the project's pack in policy/
 * once its program exists, else the fixture pack.
 */
export const PACK = path.resolve(process.env.PLAN_POLICY_PACK
    ?? (fs.existsSync(path.join(REPO_ROOT, "policy", "index.ts")) ? path.join(REPO_ROOT, "policy") : FIXTURE_PACK));

/**
 * The mandatory policies test/fixtures/bad-program violates, per pack name, one per deliberate fault:
 * an unscanned repository, an invalid Fargate size, an App Mesh mesh, EKS 1.29.
 */
export const BAD_PROGRAM_MANDATORY: { [pack: string]: { [resource: string]: string } } = {
    "plan-fixture": {
        "unscanned": "ecr-scan-on-push",
        "oversized-memory": "fargate-task-size",
        "legacy-mesh": "no-app-mesh",
        "outdated": "eks-version-supported",
    },
    "aws-containers": {
        "unscanned": "c3-ecr-image-scanning",
        "oversized-memory": "c4-fargate-cpu-memory",
        "legacy-mesh": "c5-no-app-mesh",
        "outdated": "v1-eks-extended-support",
    },
};

export const FIXTURES = path.join(REPO_ROOT, "test", "fixtures");
