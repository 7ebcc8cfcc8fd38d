import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APPLY_SCRIPT, registriesFile, TOKEN_SCRIPT } from "../components/ecr-pull/scripts";

/**
 * The refresher's two scripts, run by bash with stand-ins for `aws` and `kubectl` on PATH that log their
 * arguments and answer as the real tools do; jq, base64 and date are the machine's own. The scripts' fixed
 * paths (/etc/ecr-pull, /work) are moved into a temporary folder.
 */
const HAS_TOOLS = ["bash", "jq", "base64"].every((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status === 0);

function sandbox(): { dir: string; run: (script: string, env: Record<string, string>) => { status: number | null; stdout: string; stderr: string; log: string[] } } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-pull-"));
    fs.mkdirSync(path.join(dir, "bin"));
    const tool = (name: string, body: string) => fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/bash\necho "${name} $*" >> "${dir}/log"\n${body}\n`, { mode: 0o755 });
    // aws: a token per region (or a failure for the region in FAIL_REGION), and an assume-role answer.
    tool("aws", `if [ "$1" = sts ]; then echo '{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s","SessionToken":"t"}}'; exit 0; fi
region="\${@: -1}"; [ "$region" = "\${FAIL_REGION:-}" ] && { echo "AccessDenied" >&2; exit 254; }; echo "token-$region-\${AWS_ACCESS_KEY_ID:-own}"`);
    // kubectl: namespaces for -l, the real create --dry-run output shape, and apply reading the object from stdin.
    tool("kubectl", `case "$1" in
  get) echo -n "team-a team-b";;
  create) ns=""; while [ $# -gt 0 ]; do [ "$1" = --namespace ] && ns="$2"; shift; done
    jq -n --arg ns "$ns" --arg c "$(base64 -w0 < ${dir}/work/.dockerconfigjson)" '{apiVersion:"v1",kind:"Secret",type:"kubernetes.io/dockerconfigjson",metadata:{name:env.DOCKERCONFIG_NAME,namespace:$ns},data:{".dockerconfigjson":$c}}';;
  apply) obj=$(cat); ns=$(jq -r .metadata.namespace <<<"$obj"); [ "$ns" = "\${FAIL_NAMESPACE:-}" ] && exit 1; echo "$obj" > ${dir}/applied-$ns.json;;
esac`);
    fs.mkdirSync(path.join(dir, "work"));
    const run = (script: string, env: Record<string, string>) => {
        const file = path.join(dir, "script.sh");
        fs.writeFileSync(file, script.replace(/\/etc\/ecr-pull\//g, `${dir}/`).replace(/\/work\//g, `${dir}/work/`));
        const r = spawnSync("bash", [file], { env: { PATH: `${dir}/bin:${process.env.PATH}`, ...env }, encoding: "utf8" });
        const log = fs.existsSync(path.join(dir, "log")) ? fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n") : [];
        fs.rmSync(path.join(dir, "log"), { force: true });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, log };
    };
    return { dir, run };
}

(HAS_TOOLS ? describe : describe.skip)("EcrPull refresher scripts (bash, with stand-in aws and kubectl)", () => {
    const registries = registriesFile([
        { accountId: "123456789012", region: "us-east-1", repositories: ["shop/orders"], server: "123456789012.dkr.ecr.us-east-1.amazonaws.com" },
        { accountId: "210987654321", region: "us-west-2", repositories: ["vendor/agent"], server: "210987654321.dkr.ecr.us-west-2.amazonaws.com",
            assumeRoleArn: "arn:aws:iam::210987654321:role/ecr-pull-partners" },
    ]);

    it("token.sh writes one auth per registry, assuming the registry's role where one is given", () => {
        const { dir, run } = sandbox();
        fs.writeFileSync(path.join(dir, "registries"), registries);
        const r = run(TOKEN_SCRIPT, {});
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.log, [
            "aws ecr get-login-password --region us-east-1",
            "aws sts assume-role --role-arn arn:aws:iam::210987654321:role/ecr-pull-partners --role-session-name ecr-pull-refresher --duration-seconds 900 --output json",
            "aws ecr get-login-password --region us-west-2",
        ]);
        const config = JSON.parse(fs.readFileSync(path.join(dir, "work", ".dockerconfigjson"), "utf8"));
        assert.deepEqual(config, { auths: {
            "123456789012.dkr.ecr.us-east-1.amazonaws.com": { username: "AWS", password: "token-us-east-1-own", auth: Buffer.from("AWS:token-us-east-1-own").toString("base64") },
            "210987654321.dkr.ecr.us-west-2.amazonaws.com": { username: "AWS", password: "token-us-west-2-ASIAEXAMPLE", auth: Buffer.from("AWS:token-us-west-2-ASIAEXAMPLE").toString("base64") },
        } });
    });

    it("token.sh fails, writing nothing, when one registry's token cannot be had", () => {
        const { dir, run } = sandbox();
        fs.writeFileSync(path.join(dir, "registries"), registries);
        const r = run(TOKEN_SCRIPT, { FAIL_REGION: "us-west-2" });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /AccessDenied/);
        assert.equal(fs.existsSync(path.join(dir, "work", ".dockerconfigjson")), false);
    });

    it("apply.sh applies the Secret server-side in every listed namespace, stamped with the refresh time", () => {
        const { dir, run } = sandbox();
        fs.writeFileSync(path.join(dir, "work", ".dockerconfigjson"), "{\"auths\":{}}");
        const r = run(APPLY_SCRIPT, { DOCKERCONFIG_NAME: "ecr-pull-credentials", TARGET_NAMESPACES: "shop batch" });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.log.filter((l) => l.startsWith("kubectl apply")), [
            "kubectl apply --server-side --field-manager ecr-pull-refresher --force-conflicts -f -",
            "kubectl apply --server-side --field-manager ecr-pull-refresher --force-conflicts -f -",
        ]);
        for (const ns of ["shop", "batch"]) {
            const secret = JSON.parse(fs.readFileSync(path.join(dir, `applied-${ns}.json`), "utf8"));
            assert.equal(secret.metadata.name, "ecr-pull-credentials");
            assert.equal(secret.type, "kubernetes.io/dockerconfigjson");
            assert.match(secret.metadata.annotations["aws-containers.io/last-refresh"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        }
    });

    it("apply.sh lists namespaces by label with a selector, and fails the run when one namespace fails, after trying the others", () => {
        const { dir, run } = sandbox();
        fs.writeFileSync(path.join(dir, "work", ".dockerconfigjson"), "{\"auths\":{}}");
        const r = run(APPLY_SCRIPT, { DOCKERCONFIG_NAME: "ecr-pull-credentials", NAMESPACE_SELECTOR: "ecr-pull=enabled", FAIL_NAMESPACE: "team-a" });
        assert.equal(r.status, 1);
        assert.equal(r.log[0], "kubectl get namespaces -l ecr-pull=enabled -o jsonpath={.items[*].metadata.name}");
        assert.match(r.stderr, /FAILED to refresh team-a\/ecr-pull-credentials/);
        assert.ok(fs.existsSync(path.join(dir, "applied-team-b.json")), "team-b is refreshed although team-a failed");
    });
});
