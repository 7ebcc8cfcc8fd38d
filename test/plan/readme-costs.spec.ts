import * as fs from "fs";
import * as assert from "node:assert/strict";
import { costBlock, currentBlock, README, stackCosts } from "../../plan/report/readme-costs";
import { projectStacks } from "../../plan/engine/program";

describe("README: the decision guide's cost table", function () {
    // It plans all six stacks (about 20 s alone, over a minute on a loaded 2-core machine).
    this.timeout(300000);

    it("is what the plan estimates for the shipped stacks now (else run npm run readme:costs)", async () => {
        const rows = await stackCosts();
        assert.deepEqual(rows.map((r) => r.stack), projectStacks());
        for (const r of rows) {
            assert.deepEqual(r.estimate.unmatchedUsage, [], `${r.stack}'s usage file names resources the stack does not have`);
        }
        assert.equal(currentBlock(fs.readFileSync(README, "utf8")), costBlock(rows),
            "README.md's cost block is stale: run `npm run readme:costs` and commit README.md");
    });
});
