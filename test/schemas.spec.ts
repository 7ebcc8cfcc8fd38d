import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as path from "path";
import Ajv from "ajv";
import * as yaml from "js-yaml";
import { generateSchemas, SCHEMAS_DIR } from "../schemas/generate";
import { listStacks } from "../plan/engine/stack-config";
import { STACKS_DIR } from "./harness";

/**
 * The published schemas (schemas/) are the types: regenerated in memory, they must equal the files,
 * and every shipped stack file must name its schema and pass it.
 */
describe("published JSON Schemas (schemas/)", function () {
    // Generating reads every type of the package with the compiler: tens of seconds on a loaded machine.
    this.timeout(600_000);
    let generated: { [file: string]: object };
    before(() => {
        generated = generateSchemas();
    });

    it("equal what the TypeScript types generate (regenerate with `npm run schemas`)", () => {
        for (const [file, schema] of Object.entries(generated)) {
            const published = JSON.parse(fs.readFileSync(path.join(SCHEMAS_DIR, file), "utf8"));
            assert.deepEqual(published, schema, `schemas/${file} differs from the types; run \`npm run schemas\` and commit the result`);
        }
        assert.deepEqual(Object.keys(generated).sort(), ["components.schema.json", "stack.schema.json"]);
    });

    it("hold no Pulumi Input, Output or promise type: config and YAML hold plain values", () => {
        const text = JSON.stringify(generated);
        assert.ok(!/OutputInstance|Input<|Promise<|Failed to correctly infer/.test(text));
    });

    it("every shipped Pulumi.<stack>.yaml names the stack schema on its first line and passes it", () => {
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = ajv.compile(generated["stack.schema.json"]);
        const stacks = listStacks(STACKS_DIR);
        assert.ok(stacks.length >= 6, stacks.join(", "));
        for (const stack of stacks) {
            const text = fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8");
            assert.equal(text.split("\n")[0], "# yaml-language-server: $schema=../schemas/stack.schema.json", stack);
            assert.ok(validate(yaml.load(text)), `${stack}: ${JSON.stringify(validate.errors)}`);
        }
    });

    it("refuse, in an editor as at run time, a misspelt key and a key of another project's namespace passes", () => {
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = ajv.compile(generated["stack.schema.json"]);
        const doc = { config: { "aws-containers:architecture": "registry", "aws-containers:regions": ["us-east-1"], "aws-containers:regoins": [], "aws:region": "us-east-1" } };
        assert.equal(validate(doc), false);
        assert.deepEqual(validate.errors!.map((e) => [e.keyword, (e.params as any).additionalProperty]), [["additionalProperties", "aws-containers:regoins"]]);
    });
});
