/**
 * `npm run diagrams`: regenerates the diagram the README shows (docs/fargate-microservices-us-east-1.svg), by
 * planning the stack and rendering its architecture with Mermaid in headless Chromium, exactly as
 * `npm run plan -- fargate-microservices-us-east-1 --diagram FILE.svg` does. Run it when the stack or the
 * diagram changes, and commit the result.
 */
import * as fs from "fs";
import * as path from "path";
import { planStack } from "../plan";
import { REPO_ROOT } from "../engine/program";
import { architectureOf, planView } from "./architecture";
import { mermaidDiagram } from "./diagram";
import { renderSvg } from "./render-svg";

export const README_STACK = "fargate-microservices-us-east-1";
export const README_DIAGRAM = path.join(REPO_ROOT, "docs", `${README_STACK}.svg`);

async function main(): Promise<void> {
    const result = await planStack(README_STACK);
    const svg = await renderSvg(mermaidDiagram(architectureOf(planView(result))));
    fs.mkdirSync(path.dirname(README_DIAGRAM), { recursive: true });
    fs.writeFileSync(README_DIAGRAM, svg + "\n");
    console.log(`wrote ${path.relative(REPO_ROOT, README_DIAGRAM)}`);
}

if (require.main === module) {
    main().then(() => process.exit(0), (err) => {
        console.error(`error: ${(err as Error).message}`);
        process.exit(2);
    });
}
