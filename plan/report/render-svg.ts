/**
 * Mermaid text → SVG with the official renderer: the pinned `mermaid` package's browser bundle, loaded
 * from node_modules into a blank page of headless Chromium (Debian's `chromium`, never a download),
 * driven by playwright-core. Every request the page makes is refused, so rendering is offline.
 * A parse or render error is thrown with Mermaid's message; a missing browser says how to install it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { BrowserContext, Page } from "playwright-core";

/** Where Debian's `chromium` package puts the browser; `CHROMIUM_PATH` overrides it. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

const CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** DejaVu Sans ships with Debian's Chromium; Verdana has nearly its metrics where DejaVu is missing. */
const FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif";

export class DiagramRenderError extends Error {}

export function chromiumPath(): string {
    const exe = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
    if (!fs.existsSync(exe)) {
        throw new DiagramRenderError(`Chromium is not at ${exe}: install Debian's package (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`);
    }
    return exe;
}

/** One headless Chromium with Mermaid loaded, for any number of diagrams. */
export class MermaidRenderer {
    private constructor(private readonly context: BrowserContext, private readonly page: Page, private readonly profile: string) {}

    static async launch(): Promise<MermaidRenderer> {
        const executablePath = chromiumPath();
        const { chromium } = require("playwright-core") as typeof import("playwright-core");
        // A fresh profile each time: nothing cached or synced from an earlier run.
        const profile = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-mermaid-"));
        let context: BrowserContext | undefined;
        try {
            context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS });
            const page = context.pages()[0] ?? await context.newPage();
            await page.route("**/*", (route) => route.abort());
            await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>");
            await page.addScriptTag({ path: require.resolve("mermaid/dist/mermaid.min.js") });
            await page.evaluate((fontFamily) => {
                (globalThis as any).mermaid.initialize({
                    startOnLoad: false,
                    securityLevel: "strict",
                    theme: "default",
                    fontFamily,
                    themeVariables: { fontFamily },
                    flowchart: { useMaxWidth: false, htmlLabels: true, curve: "basis" },
                    // Shapes are drawn with a seeded jitter: a fixed seed gives the same SVG every run.
                    handDrawnSeed: 1,
                    deterministicIds: true,
                });
            }, FONT_FAMILY);
            return new MermaidRenderer(context, page, profile);
        } catch (err) {
            await context?.close().catch(() => undefined);
            fs.rmSync(profile, { recursive: true, force: true });
            throw new DiagramRenderError(`could not start Chromium (${executablePath}) with Mermaid: ${(err as Error).message}`);
        }
    }

    /** The SVG of `text`; throws DiagramRenderError with Mermaid's message when it cannot parse or draw it. */
    async render(text: string): Promise<string> {
        const result = await this.page.evaluate(async (source) => {
            const mermaid = (globalThis as any).mermaid;
            try {
                await mermaid.parse(source);
                const { svg } = await mermaid.render("architecture", source);
                // Mermaid returns HTML serialisation (labels hold a bare <br>); a .svg file is read as XML, so
                // serialise the drawn element as XML and check that it parses as an SVG document.
                // This function runs in the page: its DOM, not Node's (the project compiles without lib "dom").
                const dom = globalThis as any;
                const holder = dom.document.createElement("div");
                holder.innerHTML = svg;
                const xml: string = new dom.XMLSerializer().serializeToString(holder.querySelector("svg"));
                const parsed = new dom.DOMParser().parseFromString(xml, "image/svg+xml");
                const bad = parsed.getElementsByTagName("parsererror")[0];
                if (bad) {
                    return { error: `the SVG is not well-formed XML: ${bad.textContent}` };
                }
                return { svg: xml };
            } catch (err) {
                return { error: String((err as Error)?.message ?? err) };
            }
        }, text);
        if ("error" in result) {
            throw new DiagramRenderError(`Mermaid could not render the diagram: ${result.error}`);
        }
        if (/aria-roledescription="error"/.test(result.svg)) {
            throw new DiagramRenderError("Mermaid drew its error diagram");
        }
        return result.svg;
    }

    /** A PNG of `svg` at its own size, to look at. */
    async png(svg: string): Promise<Buffer> {
        const page = await this.context.newPage();
        try {
            await page.route("**/*", (route) => route.abort());
            await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
            return await page.locator("svg").first().screenshot();
        } finally {
            await page.close();
        }
    }

    async close(): Promise<void> {
        await this.context.close();
        fs.rmSync(this.profile, { recursive: true, force: true });
    }
}

/** Renders one diagram in a browser of its own. */
export async function renderSvg(text: string): Promise<string> {
    const renderer = await MermaidRenderer.launch();
    try {
        return await renderer.render(text);
    } finally {
        await renderer.close();
    }
}
