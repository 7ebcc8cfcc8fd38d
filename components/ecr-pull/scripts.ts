/**
 * The two steps of one refresh, as bash scripts mounted from a ConfigMap: `token.sh` (AWS CLI image) writes
 * the docker config with one token per registry to a memory-backed volume; `apply.sh` (kubectl image)
 * server-side applies the Secret into every target namespace and stamps it with the time of the refresh.
 * Each step exits non-zero on any failure, so the Job fails visibly and is retried up to its backoffLimit.
 */
import { ResolvedRegistry } from "./args";

/** Annotation on each refreshed Secret: when the refresher last wrote it (RFC 3339, UTC). */
export const LAST_REFRESH_ANNOTATION = "aws-containers.io/last-refresh";
/** Field manager of the refresher's server-side applies, so Secrets show who owns their data. */
export const FIELD_MANAGER = "ecr-pull-refresher";

/** One line per registry: server, region, and the role to assume or "-". */
export function registriesFile(registries: readonly ResolvedRegistry[]): string {
    return registries.map((r) => `${r.server} ${r.region} ${r.assumeRoleArn ?? "-"}\n`).join("");
}

// A token is base64 and the role ARNs are checked at construction, so no value needs shell quoting beyond "$x".
export const TOKEN_SCRIPT = `#!/bin/bash
# Gets one ECR token per registry and writes them as a docker config to /work/.dockerconfigjson.
set -euo pipefail
auths='{}'
while read -r server region role; do
  if [ "$role" = "-" ]; then
    token=$(aws ecr get-login-password --region "$region")
  else
    creds=$(aws sts assume-role --role-arn "$role" --role-session-name ecr-pull-refresher --duration-seconds 900 --output json)
    token=$(AWS_ACCESS_KEY_ID=$(jq -r .Credentials.AccessKeyId <<<"$creds") \\
      AWS_SECRET_ACCESS_KEY=$(jq -r .Credentials.SecretAccessKey <<<"$creds") \\
      AWS_SESSION_TOKEN=$(jq -r .Credentials.SessionToken <<<"$creds") \\
      aws ecr get-login-password --region "$region")
  fi
  auth=$(printf 'AWS:%s' "$token" | base64 -w0)
  auths=$(jq -c --arg s "$server" --arg t "$token" --arg a "$auth" '.[$s] = {username: "AWS", password: $t, auth: $a}' <<<"$auths")
  echo "got a token for $server"
done < /etc/ecr-pull/registries
jq -n --argjson a "$auths" '{auths: $a}' > /work/.dockerconfigjson
`;

export const APPLY_SCRIPT = `#!/bin/bash
# Applies the Secret $DOCKERCONFIG_NAME (type kubernetes.io/dockerconfigjson) in every target namespace.
set -euo pipefail
if [ -n "\${NAMESPACE_SELECTOR:-}" ]; then
  namespaces=$(kubectl get namespaces -l "$NAMESPACE_SELECTOR" -o jsonpath='{.items[*].metadata.name}')
else
  namespaces="$TARGET_NAMESPACES"
fi
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
failed=0
for ns in $namespaces; do
  if kubectl create secret generic "$DOCKERCONFIG_NAME" --namespace "$ns" --type kubernetes.io/dockerconfigjson \\
      --from-file .dockerconfigjson=/work/.dockerconfigjson --dry-run=client -o json \\
    | jq --arg now "$now" '.metadata.annotations["${LAST_REFRESH_ANNOTATION}"] = $now' \\
    | kubectl apply --server-side --field-manager ${FIELD_MANAGER} --force-conflicts -f -; then
    echo "refreshed $ns/$DOCKERCONFIG_NAME at $now"
  else
    echo "FAILED to refresh $ns/$DOCKERCONFIG_NAME" >&2
    failed=1
  fi
done
exit "$failed"
`;
