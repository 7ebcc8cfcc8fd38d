/**
 * Preloaded into the policy pack's process (after `ts-node/register/transpile-only`): the SDK's
 * `run-policy-pack` registers ts-node with `typeCheck: true` and ignores PULUMI_NODEJS_TRANSPILE_ONLY
 * (only `cmd/run` honours it, @pulumi/pulumi 3.248 `cmd/run-policy-pack/run.js`), which type-checks the
 * pack against all of @pulumi/aws on every start: ~4 s instead of ~0.7 s. `npm test` type-checks the
 * pack already, so its second, type-checking registration is skipped here.
 */
import * as path from "path";

const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [process.cwd(), __dirname] });
// eslint-disable-next-line @typescript-eslint/no-var-requires
const tsnode = require(require.resolve("ts-node", { paths: [path.dirname(runPolicyPack)] }));
tsnode.register = () => undefined;
