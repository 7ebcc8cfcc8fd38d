import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { REPO_ROOT } from "./harness";

/**
 * D6 (docs/design.md): the components can be served by the SDK's component provider host (what
 * `pulumi package add` runs), which derives a schema from the exported classes' TypeScript source.
 * Every exported component must be in it with its inputs and outputs.
 */
describe("multi-language schema (D6)", () => {
    let schema: any;
    const exported = getPulumiComponents(components);

    before(async () => {
        const provider = new ComponentProvider({ components: exported, dirname: REPO_ROOT, name: "aws-containers" });
        schema = JSON.parse(await provider.getSchema());
    });

    it("finds every exported ComponentResource class", () => {
        const names = exported.map((c) => c.name).sort();
        assert.ok(names.includes("RegionalNetwork") && names.includes("ContainerRegistry"), names.join(", "));
        assert.deepEqual(Object.keys(schema.resources).sort(), names.map((n) => `aws-containers:index:${n}`));
    });

    it("exports every component class of components/ from the package root, so the schema has them all", () => {
        const declared = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) {
                return declared(full);
            }
            const source = e.name.endsWith(".ts") ? fs.readFileSync(full, "utf8") : "";
            return [...source.matchAll(/^export class (\w+) extends pulumi\.ComponentResource\b/gm)].map((m) => m[1]);
        });
        const classes = declared(path.join(REPO_ROOT, "components")).sort();
        assert.ok(classes.includes("FargateMicroservices"), classes.join(", "));
        assert.deepEqual(Object.keys(schema.resources).sort(), classes.map((n) => `aws-containers:index:${n}`));
    });

    it("describes RegionalNetwork's inputs and outputs", () => {
        const r = schema.resources["aws-containers:index:RegionalNetwork"];
        assert.equal(r.isComponent, true);
        assert.deepEqual(Object.keys(r.inputProperties).sort(), [
            "availabilityZones", "azCount", "cidrBlock", "flowLogTrafficType", "interfaceEndpointServices",
            "interfaceEndpoints", "logRetentionInDays", "logsKmsKeyArn", "natGateways", "privateSubnetPrefixLength", "privateSubnetTags",
            "publicSubnetPrefixLength", "publicSubnetTags",
        ]);
        assert.equal(r.inputProperties.natGateways.type, "string");
        assert.deepEqual(Object.keys(r.properties).sort(), [
            "availabilityZones", "interfaceEndpointSecurityGroupId", "privateRouteTableIds", "privateSubnetIds", "publicSubnetIds",
            "vpcCidrBlock", "vpcId",
        ]);
    });

    it("describes ContainerRegistry with its nested argument types", () => {
        const r = schema.resources["aws-containers:index:ContainerRegistry"];
        assert.deepEqual(r.requiredInputs.sort(), ["homeRegion", "repositories"]);
        assert.equal(r.inputProperties.repositories.items.$ref, "#/types/aws-containers:index:RepositorySpec");
        assert.deepEqual(Object.keys(schema.types["aws-containers:index:RepositorySpec"].properties).sort(), ["mutableTags", "name", "pullAccountIds"]);
        assert.deepEqual(Object.keys(r.properties).sort(), ["registryId", "replicaRegions", "repositoryArns", "repositoryUrls"]);
    });

    it("gives every exported component at least one input and one output", () => {
        for (const [token, r] of Object.entries<any>(schema.resources)) {
            assert.ok(Object.keys(r.inputProperties ?? {}).length > 0, `${token} has no inputs`);
            assert.ok(Object.keys(r.properties ?? {}).length > 0, `${token} has no outputs`);
        }
    });
});
