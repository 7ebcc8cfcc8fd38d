/**
 * The CLI's picture outputs: `--diagram FILE.mmd|FILE.svg` (Mermaid text, or the SVG the official
 * renderer draws of it) and `--markdown FILE.md`. With several plans (`--all`) each stack gets its own
 * file, its name before the extension (`plan.svg` → `plan.registry.svg`). The report's modules load
 * only when asked for, as the CLI loads the plan's: the pack starts meanwhile.
 */
import * as fs from "fs";
import * as path from "path";
import type { PlanResult } from "../plan";
import { PlanInputError } from "../plan-error";
import type * as ArchitectureModule from "./architecture";
import type * as DiagramModule from "./diagram";
import type * as MarkdownModule from "./markdown";
import type * as RenderModule from "./render-svg";

export interface PictureOptions {
    readonly diagram?: string;
    readonly markdown?: string;
}

const DIAGRAM_EXTENSIONS = [".mmd", ".svg"];

/** Checks the file names before anything is planned, so a wrong extension costs no plan. */
export function checkPictureOptions(options: PictureOptions): void {
    if (options.diagram !== undefined && !DIAGRAM_EXTENSIONS.includes(path.extname(options.diagram).toLowerCase())) {
        throw new PlanInputError(`--diagram ${options.diagram}: the file must end in .mmd (Mermaid text) or .svg (rendered)`);
    }
}

/**
 * Writes the diagram and the markdown report of every plan; returns the files written. `costOf` gives a
 * plan's cost estimate as the text report prints it, for the markdown report's cost section.
 */
export async function writePictures(results: PlanResult[], options: PictureOptions,
    costOf: (result: PlanResult) => readonly string[] | undefined = () => undefined): Promise<string[]> {
    const { architectureOf, planView } = require("./architecture") as typeof ArchitectureModule;
    const { mermaidDiagram } = require("./diagram") as typeof DiagramModule;
    const { markdownReport } = require("./markdown") as typeof MarkdownModule;
    const { MermaidRenderer } = require("./render-svg") as typeof RenderModule;
    const written: string[] = [];
    const fileFor = (file: string, stack: string) => results.length === 1 ? file
        : path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.${stack}${path.extname(file)}`);
    if (options.markdown) {
        for (const result of results) {
            const file = fileFor(options.markdown, result.stack);
            const cost = costOf(result);
            fs.writeFileSync(file, markdownReport(result, cost && cost.length > 0 ? ["```text", ...cost, "```"].join("\n") : undefined));
            written.push(file);
        }
    }
    if (options.diagram) {
        const svg = path.extname(options.diagram).toLowerCase() === ".svg";
        const renderer = svg ? await MermaidRenderer.launch() : undefined;
        try {
            for (const result of results) {
                const file = fileFor(options.diagram, result.stack);
                const text = mermaidDiagram(architectureOf(planView(result)));
                fs.writeFileSync(file, renderer ? await renderer.render(text) : text);
                written.push(file);
            }
        } finally {
            await renderer?.close();
        }
    }
    return written;
}
