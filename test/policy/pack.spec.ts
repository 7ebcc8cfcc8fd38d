import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ALL_POLICIES } from "./all";

/** The pack's conventions: names carry checklist IDs, levels follow the checklist, every policy has a config schema. */

const CRITICAL = ["c2", "c3", "c4", "c10", "c15"];
const CHECKLIST_IDS = ["c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15", "v1", "v2", "v3"];
const idOf = (name: string) => name.split("-")[0];

describe("policy: pack conventions", () => {
    it("C2-C15, V1-V3: every checklist item a resource graph can show has at least one policy", () => {
        const ids = new Set(ALL_POLICIES.map((p) => idOf(p.name)));
        assert.deepEqual(CHECKLIST_IDS.filter((id) => !ids.has(id)), []);
    });

    it("names start with a lowercase checklist ID, sec-, deploy- (deploy readiness) or cost- (budgets), and are unique", () => {
        const names = ALL_POLICIES.map((p) => p.name);
        assert.deepEqual(names.filter((n) => !/^(c([2-9]|1[0-5])|v[1-3]|sec|deploy|cost)-[a-z0-9-]+$/.test(n)), []);
        assert.equal(new Set(names).size, names.length);
    });

    it("Critical items are mandatory, Recommended and Optional advisory, except App Mesh (C5) which is mandatory", () => {
        const wrong = ALL_POLICIES.filter((p) => {
            const id = idOf(p.name);
            if (p.name === "c5-no-app-mesh") return p.enforcementLevel !== "mandatory";
            if (CRITICAL.includes(id)) return p.enforcementLevel !== "mandatory" && p.name !== "c8-spot-only-load-balanced";
            if (id.startsWith("c")) return p.enforcementLevel !== "advisory";
            return p.enforcementLevel !== "mandatory" && p.enforcementLevel !== "advisory";
        }).map((p) => p.name);
        assert.deepEqual(wrong, []);
        assert.equal(ALL_POLICIES.find((p) => p.name === "c8-spot-only-load-balanced")?.enforcementLevel, "advisory");
        assert.equal(ALL_POLICIES.find((p) => p.name === "v1-eks-standard-support")?.enforcementLevel, "advisory");
        assert.equal(ALL_POLICIES.find((p) => p.name === "v1-eks-extended-support")?.enforcementLevel, "mandatory");
    });

    it("every policy has a config schema whose tunables all have defaults, and none redefines enforcementLevel", () => {
        for (const p of ALL_POLICIES) {
            assert.ok(p.configSchema, `${p.name} has no configSchema`);
            assert.equal(p.configSchema.properties.enforcementLevel, undefined, p.name);
            for (const [key, schema] of Object.entries(p.configSchema.properties)) {
                assert.notEqual(schema.default, undefined, `${p.name}.${key} has no default`);
                assert.ok(schema.description, `${p.name}.${key} has no description`);
            }
        }
    });

    it("every description states the requirement in one sentence", () => {
        assert.deepEqual(ALL_POLICIES.filter((p) => !/^[A-Z][^]*\.$/.test(p.description) || /\.\s+[A-Z]/.test(p.description)).map((p) => p.name), []);
    });

    it("policy/index.ts passes every exported array to the PolicyPack", () => {
        const dir = path.resolve(__dirname, "../../policy");
        const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
        const arrays = fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "index.ts" && !f.endsWith(".d.ts"))
            .flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/^export const (\w+Policies) = /gm)].map((m) => m[1]));
        assert.deepEqual(arrays.filter((a) => !index.includes(`...${a}`)), []);
        assert.ok(index.includes('new PolicyPack("aws-containers"'));
        assert.equal(arrays.length, 12);
    });
});

describe("policy: README", () => {
    it("lists every policy with its level", () => {
        const readme = fs.readFileSync(path.resolve(__dirname, "../../policy/README.md"), "utf8");
        const rows = new Map([...readme.matchAll(/^\| `([a-z0-9-]+)` \| [^|]+ \| (\w+) \|/gm)].map((m) => [m[1], m[2]]));
        assert.deepEqual(ALL_POLICIES.filter((p) => rows.get(p.name) !== p.enforcementLevel).map((p) => p.name), []);
        assert.equal(rows.size, ALL_POLICIES.length);
    });
});
