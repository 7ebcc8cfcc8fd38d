import * as fs from "fs";
import * as assert from "node:assert/strict";
import * as path from "path";
import { PlanResult, planProgram, planStack } from "../../../plan/plan";
import { PolicySession } from "../../../plan/analyzer/session";
import { projectStack, projectStacks, REPO_ROOT, userProgram } from "../../../plan/engine/program";
import { ArchEdge, ArchElement, ArchGroup, ArchNode, Architecture, architectureOf, elements, planView } from "../../../plan/report/architecture";
import { mermaidDiagram, VIOLATION_CLASS } from "../../../plan/report/diagram";
import { markdownReport, reportMarker } from "../../../plan/report/markdown";
import { README_DIAGRAM, README_STACK } from "../../../plan/report/readme-diagram";
import { chromiumPath, DiagramRenderError, MermaidRenderer } from "../../../plan/report/render-svg";
import { BAD_PROGRAM_MANDATORY, FIXTURES, PACK } from "../packs";
import { MULTI_REGION_DIR, stackConfig as harnessConfig } from "../../harness";
import { loadStackConfig } from "../../../plan/engine/stack-config";

/** The stack's `aws-containers:*` configuration as the stack reads it: its file over Pulumi.yaml's project config. */
function stackConfig(stack: string): Record<string, any> {
    const flat = harnessConfig(stack);
    const parse = (v: string) => { try { return JSON.parse(v); } catch { return v; } };
    return Object.fromEntries(Object.entries(flat).filter(([k]) => k.startsWith("aws-containers:"))
        .map(([k, v]) => [k.replace(/^aws-containers:/, ""), /^\s*[[{]/.test(v) ? parse(v) : v]));
}

/** The regions a stack has resources in: an active-active global layer only its home region, the edge layer none (all in us-west-2, drawn as Global). */
function regionsOf(stack: string): string[] {
    const config = stackConfig(stack);
    return config.layer === "global" ? [config.homeRegion ?? config.regions[0]] : config.layer === "edge" ? [] : config.regions;
}

/** The project's stacks of an architecture, one per region. */
const stacksOf = (architecture: string) => projectStacks().filter((s) => stackConfig(s).architecture === architecture && stackConfig(s).layer === undefined);

class View {
    constructor(readonly arch: Architecture) {}

    region(name: string): ArchGroup {
        const g = this.arch.groups.find((x) => x.type === "region" && x.title === name);
        assert.ok(g, `no region group ${name}; groups: ${this.arch.groups.map((x) => x.title).join(", ")}`);
        return g;
    }

    within(group: ArchGroup, predicate: (e: ArchElement) => boolean): ArchElement[] {
        const out: ArchElement[] = [];
        const walk = (els: ArchElement[]) => els.forEach((e) => {
            if (predicate(e)) {
                out.push(e);
            }
            if (e.kind === "group") {
                walk(e.children);
            }
        });
        walk(group.children);
        return out;
    }

    nodes(group: ArchGroup, type: ArchNode["type"]): ArchNode[] {
        return this.within(group, (e) => e.kind === "node" && e.type === type) as ArchNode[];
    }

    groups(group: ArchGroup, type: ArchGroup["type"]): ArchGroup[] {
        return this.within(group, (e) => e.kind === "group" && e.type === type) as ArchGroup[];
    }

    edgesFrom(e: ArchElement, type: ArchEdge["type"]): ArchEdge[] {
        return this.arch.edges.filter((x) => x.from === e.id && x.type === type);
    }

    byId(id: string): ArchElement {
        const e = elements(this.arch).find((x) => x.id === id);
        assert.ok(e, `no element ${id}`);
        return e;
    }

    titles(ids: string[]): string[] {
        return ids.map((id) => this.byId(id).title).sort();
    }
}

/** Node and edge ids of a Mermaid flowchart SVG. */
function svgIds(svg: string): { nodes: Set<string>; edges: Set<string>; clusters: Set<string> } {
    const nodes = new Set([...svg.matchAll(/id="architecture-flowchart-([A-Za-z0-9_]+)-\d+"/g)].map((m) => m[1]));
    const edges = new Set([...svg.matchAll(/data-id="(L_[A-Za-z0-9_]+)"/g)].map((m) => m[1]));
    const clusters = new Set([...svg.matchAll(/<g class="cluster[^"]*" id="architecture-([A-Za-z0-9_]+)"/g)].map((m) => m[1]));
    return { nodes, edges, clusters };
}

function assertRendered(arch: Architecture, svg: string): void {
    const ids = svgIds(svg);
    for (const e of elements(arch)) {
        // An empty group is drawn as a node (diagram.ts).
        const seen = e.kind === "node" || e.children.length === 0 ? ids.nodes.has(e.id) : ids.clusters.has(e.id);
        assert.ok(seen, `${e.kind} ${e.id} (${e.title}) is not in the rendered SVG`);
    }
    const edges = [...ids.edges];
    for (const e of arch.edges) {
        assert.ok(edges.some((x) => x.startsWith(`L_${e.from}_${e.to}_`)), `edge ${e.from} → ${e.to} is not in the rendered SVG`);
    }
    assert.equal(edges.length, arch.edges.length, "the SVG draws exactly the diagram's edges");
}

describe("architecture diagrams, rendered by Mermaid in headless Chromium", function () {
    // Fifteen plans and a browser on a shared 2-core machine: more room than one plan needs.
    this.timeout(180_000);
    let renderer: MermaidRenderer;
    let session: PolicySession;
    before(async () => {
        // No skip without a browser: CI installs Debian's chromium (.ci/run), and a missing one fails here, saying so.
        [renderer, session] = await Promise.all([MermaidRenderer.launch(), PolicySession.start(PACK)]);
    });
    after(async () => {
        session?.close();
        await renderer?.close();
    });

    it("says how to install Chromium when it is missing", () => {
        const saved = process.env.CHROMIUM_PATH;
        process.env.CHROMIUM_PATH = path.join(REPO_ROOT, "no-such-chromium");
        try {
            assert.throws(() => chromiumPath(), (err: Error) => err instanceof DiagramRenderError && /apt-get install -y chromium/.test(err.message));
        } finally {
            if (saved === undefined) {
                delete process.env.CHROMIUM_PATH;
            } else {
                process.env.CHROMIUM_PATH = saved;
            }
        }
    });

    it("reports Mermaid's parse errors", async () => {
        await assert.rejects(renderer.render("flowchart TB\n  a[\"unclosed\" --> b\n"), (err: Error) => err instanceof DiagramRenderError && /Mermaid could not render/.test(err.message));
    });

    const plans = new Map<string, PlanResult>();
    const views = new Map<string, View>();
    for (const stack of projectStacks()) {
        describe(`stack ${stack}`, () => {
            let arch: Architecture;
            before(async () => {
                const result = await planStack(stack, { policyPack: PACK, session });
                plans.set(stack, result);
                arch = architectureOf(planView(result));
                views.set(stack, new View(arch));
            });

            it("renders without a Mermaid error, with every node, group and edge drawn", async () => {
                const svg = await renderer.render(mermaidDiagram(arch));
                assert.match(svg, /^<svg [^>]*aria-roledescription="flowchart-v2"/);
                assertRendered(arch, svg);
            });

            it("draws every region the stack runs in, each VPC with its zones", () => {
                const v = views.get(stack)!;
                for (const region of regionsOf(stack)) {
                    const g = v.region(region);
                    for (const vpc of v.groups(g, "vpc")) {
                        const zones = v.within(vpc, (e) => e.kind === "node" && e.type === "zone").map((z) => z.title);
                        assert.deepEqual(zones, [`${region}a`, `${region}b`, `${region}c`]);
                    }
                }
            });
        });
    }

    // After the stacks' suites, which plan them (mocha runs a suite's own tests before its children).
    describe("what the diagrams show", () => {
        it("ecr-pull-k3s: the refresher in the cluster outside EKS writes the pull Secret to each target namespace and pulls from every registry, each in its region", () => {
            const v = views.get("ecr-pull-k3s")!;
            const [cluster] = v.groups(v.arch.groups.find((g) => g.type === "global")!, "k8s-cluster");
            const [refresher] = v.nodes(cluster, "resource");
            assert.match(refresher.details.join(" "), /schedule 0 \*\/8 \* \* \*/);
            assert.deepEqual(v.titles(v.edgesFrom(refresher, "feeds").map((e) => e.to)).sort(), ["batch", "shop"]);
            const pulls = v.edgesFrom(refresher, "pulls").map((e) => e.to);
            assert.deepEqual(["us-east-1", "eu-west-1", "us-west-2"].map((r) => v.nodes(v.region(r), "ecr").map((n) => n.id)), pulls.map((id) => [id]));
        });

        it("fargate-microservices: each region's ALB routes to its own storefront and orders, and all three services share Service Connect", () => {
            assert.equal(stacksOf("fargate-microservices").length, 2);
            for (const stack of stacksOf("fargate-microservices")) for (const region of regionsOf(stack)) {
                const v = views.get(stack)!;
                const g = v.region(region);
                const [vpc] = v.groups(g, "vpc");
                const [alb] = v.nodes(vpc, "alb");
                assert.ok(alb, `no ALB in the VPC of ${region}`);
                const routes = v.edgesFrom(alb, "route");
                const services = new Map(v.nodes(g, "service").map((s) => [s.id, s.title]));
                assert.deepEqual(routes.map((r) => services.get(r.to)).sort(), ["orders", "storefront"], `routes of ${region}'s ALB stay in ${region}`);
                const orders = routes.find((r) => services.get(r.to) === "orders")!;
                assert.deepEqual(orders.labels, ["shop.example.com /api/orders, /api/orders/*"]);
                const [ns] = v.nodes(g, "namespace");
                const calls = v.arch.edges.filter((e) => e.type === "service-connect" && e.to === ns.id);
                assert.deepEqual(calls.map((c) => services.get(c.from)).sort(), ["orders", "payments", "storefront"]);
                assert.deepEqual(calls.find((c) => services.get(c.from) === "payments")!.labels, ["payments:8080"]);
                const [cluster] = v.groups(vpc, "ecs-cluster");
                assert.deepEqual(v.nodes(cluster, "service").map((s) => s.title).sort(), ["orders", "payments", "storefront"]);
            }
        });

        it("the README shows the fargate-microservices diagram as `npm run diagrams` renders it today", () => {
            const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
            assert.ok(readme.includes(`](${path.relative(REPO_ROOT, README_DIAGRAM)})`), "the README links the rendered diagram");
            const committed = fs.readFileSync(README_DIAGRAM, "utf8");
            // The same elements and edges as the stack's diagram now (fonts may move pixels between machines).
            assertRendered(views.get(README_STACK)!.arch, committed);
        });

        it("registry: the home region's ECR replicates to every other workload region", () => {
            const v = views.get("registry")!;
            const config = stackConfig("registry");
            const regions = config.regions as string[];
            const home = config.homeRegion ?? regions[0];
            const [source] = v.nodes(v.region(home), "ecr");
            const targets = v.edgesFrom(source, "replication").map((e) => v.arch.groups.find((g) => v.within(g, (x) => x.id === e.to).length > 0)!.title);
            assert.deepEqual(targets.sort(), regions.filter((r) => r !== home).sort());
            assert.ok(v.edgesFrom(source, "replication").every((e) => /^replicates \d+ repositories$/.test(e.labels[0])));
        });

        it("active-active-global: the accelerator in Global, the table in the home region only", () => {
            const v = views.get("active-active-global")!;
            const config = stackConfig("active-active-global");
            const global = v.arch.groups.find((g) => g.type === "global")!;
            assert.equal(v.nodes(global, "accelerator").length, 1);
            assert.equal(v.nodes(v.region(config.homeRegion), "table").length, 1);
            assert.deepEqual(v.arch.groups.filter((g) => g.type === "region").map((g) => g.title), [config.homeRegion]);
        });

        it("active-active as one stack (test/fixtures/multi-region): the accelerator reaches every region's ALB through its endpoint group, and the table replicates to every other region", async () => {
            const whole = { ...projectStack("active-active-global"), stack: "active-active", config: loadStackConfig(MULTI_REGION_DIR, "active-active", "aws-containers") };
            const v = new View(architectureOf(planView(await planProgram(whole, { policyPack: PACK, session }))));
            const config = Object.fromEntries(Object.entries(whole.config).map(([k, x]) => [k.replace(/^aws-containers:/, ""), /^\s*[[{]/.test(x) ? JSON.parse(x) : x])) as Record<string, any>;
            const regions = config.regions as string[];
            const global = v.arch.groups.find((g) => g.type === "global")!;
            const [accelerator] = v.nodes(global, "accelerator");
            const reached = v.edgesFrom(accelerator, "endpoint").map((e) => v.byId(e.to) as ArchNode);
            assert.deepEqual(reached.map((g) => g.title).sort(), regions.map((r) => `endpoint group ${r}`).sort());
            for (const group of reached) {
                const region = group.title.replace("endpoint group ", "");
                const [alb] = v.nodes(v.region(region), "alb");
                assert.deepEqual(v.edgesFrom(group, "endpoint").map((e) => e.to), [alb.id], `endpoint group ${region} → the ALB of ${region}`);
                assert.deepEqual(v.titles(v.edgesFrom(alb, "route").map((e) => e.to)), ["orders", "storefront"]);
            }
            const home = config["active-active"]?.homeRegion ?? config.homeRegion ?? regions[0];
            const [table] = v.nodes(v.region(home), "table");
            const replicaRegions = v.edgesFrom(table, "table-replica").map((e) => v.arch.groups.find((g) => v.within(g, (x) => x.id === e.to).length > 0)!.title);
            assert.deepEqual(replicaRegions.sort(), regions.filter((r) => r !== home).sort());
        });

        it("sqs-batch: the queue feeds the worker, redrives to its DLQ, the pipeline runs its stages once per item in order, and its advisory is marked on it", () => {
            assert.equal(stacksOf("sqs-batch").length, 2);
            for (const stack of stacksOf("sqs-batch")) for (const region of regionsOf(stack)) {
                const v = views.get(stack)!;
                const g = v.region(region);
                const queues = v.nodes(g, "queue");
                const work = queues.find((q) => q.title === "SQS queue")!;
                const dlq = queues.find((q) => q.title === "DLQ dlq")!;
                assert.deepEqual(v.edgesFrom(work, "dead-letter").map((e) => [e.to, e.labels]), [[dlq.id, ["after 5 receives"]]]);
                const [worker] = v.nodes(g, "service");
                assert.deepEqual(v.edgesFrom(work, "feeds").map((e) => e.to), [worker.id]);
                const [pipeline] = v.groups(g, "state-machine");
                const stages = v.nodes(pipeline, "stage");
                assert.deepEqual(stages.map((s) => s.title), ["transcode", "publish"]);
                assert.deepEqual(v.edgesFrom(stages[0], "next-stage").map((e) => e.to), [stages[1].id]);
                // A queue worker takes no calls, so no service-discovery advisory (issue 19); X-Ray tracing is the pipeline's advisory.
                assert.deepEqual(worker.violations, []);
                assert.deepEqual(pipeline.violations.map((x) => x.policyName), ["sec-step-functions-observability"]);
            }
            const text = mermaidDiagram(views.get("sqs-batch-us-east-1")!.arch);
            assert.match(text, new RegExp(`class [^\\n]*state_machine_batch_us_east_1_pipeline[^\\n]* ${VIOLATION_CLASS.advisory}`));
        });

        it("eks-platform and eks-auto-mode: each cluster with its node pools, managed add-ons and charts; Karpenter reads its interruption queue", () => {
            assert.equal(stacksOf("eks-platform").length, 2);
            for (const stack of stacksOf("eks-platform")) for (const region of regionsOf(stack)) {
                const platform = views.get(stack)!;
                const [cluster] = platform.groups(platform.region(region), "eks-cluster");
                assert.ok(cluster, `no EKS cluster in ${region}`);
                assert.deepEqual(platform.nodes(cluster, "node-group").map((n) => n.title).sort(), ["node group system"]);
                assert.deepEqual(platform.nodes(cluster, "node-pool").map((n) => n.title), ["Karpenter NodePool default"]);
                const [addons] = platform.nodes(cluster, "add-ons");
                assert.equal(addons.title, "6 managed add-ons");
                assert.match(addons.details.join(" "), /vpc-cni.*coredns.*aws-ebs-csi-driver/s);
                const [charts] = platform.nodes(cluster, "charts");
                const [queue] = platform.nodes(platform.region(region), "queue");
                assert.deepEqual(platform.edgesFrom(queue, "feeds").map((e) => [e.to, e.labels]), [[charts.id, ["karpenter"]]]);
            }
            assert.equal(stacksOf("eks-auto-mode").length, 2);
            for (const stack of stacksOf("eks-auto-mode")) for (const region of regionsOf(stack)) {
                const auto = views.get(stack)!;
                const [cluster] = auto.groups(auto.region(region), "eks-cluster");
                assert.ok(cluster.details.includes("Auto Mode"));
                assert.deepEqual(auto.nodes(cluster, "node-pool").map((n) => n.title).sort(), ["Auto Mode node pools", "Karpenter NodePool workloads"]);
                assert.deepEqual(auto.nodes(cluster, "node-group"), []);
            }
        });
    });

    describe("a program with violations (test/fixtures/bad-program)", () => {
        let result: PlanResult;
        let arch: Architecture;
        let svg: string;
        before(async () => {
            result = await planProgram(userProgram(path.join(FIXTURES, "bad-program")), { policyPack: PACK, session });
            arch = architectureOf(planView(result));
            svg = await renderer.render(mermaidDiagram(arch));
        });

        it("marks every mandatory violation on the element it concerns, in the model and in the SVG", () => {
            const expected = BAD_PROGRAM_MANDATORY[result.policyPack.name];
            const marked = elements(arch).filter((e) => e.violations.length > 0);
            const byPolicy = new Map(marked.flatMap((e) => e.violations.map((x) => [x.policyName, e] as const)));
            for (const [resource, policy] of Object.entries(expected)) {
                const e = byPolicy.get(policy);
                assert.ok(e, `${policy} (on ${resource}) is marked nowhere`);
                assert.ok(e.violations.some((x) => x.urn.endsWith(`::${resource}`)));
            }
            assert.equal(byPolicy.get(expected.unscanned)!.type, "ecr");
            assert.equal(byPolicy.get(expected.outdated)!.type, "eks-cluster");
            assert.equal(byPolicy.get(expected["legacy-mesh"])!.title, "Mesh legacy-mesh");
            assertRendered(arch, svg);
            for (const e of marked.filter((x) => x.violations.some((v) => v.enforcementLevel === "mandatory"))) {
                const tag = e.kind === "node" || e.children.length === 0 ? `id="architecture-flowchart-${e.id}-` : `id="architecture-${e.id}"`;
                const at = svg.indexOf(tag);
                assert.ok(at > 0, `${e.id} is not drawn`);
                const open = svg.lastIndexOf("<g ", at);
                assert.match(svg.slice(open, at), new RegExp(VIOLATION_CLASS.mandatory), `${e.id} is drawn without the mandatory class`);
            }
        });

        it("lists them in the markdown report by level, with resource and message, and marks them in its diagram", () => {
            const md = markdownReport(result);
            assert.ok(md.startsWith(reportMarker("dev")));
            assert.match(md, /## Plan of stack `dev`: ❌ fails: mandatory violations/);
            const mandatory = md.slice(md.indexOf("#### Mandatory"), md.indexOf("### Architecture"));
            for (const [resource, policy] of Object.entries(BAD_PROGRAM_MANDATORY[result.policyPack.name])) {
                const row = mandatory.split("\n").find((l) => l.startsWith(`| \`${policy}\` | \`${resource}\``));
                assert.ok(row, `no row for ${policy} on ${resource}`);
                const message = result.violations.find((v) => v.policyName === policy)!.message.split("\n")[0];
                assert.ok(row.includes(message.replace(/\|/g, "\\|")), `the row of ${policy} lacks its message`);
            }
            const block = md.slice(md.indexOf("```mermaid\n") + 11, md.indexOf("\n```\n", md.indexOf("```mermaid")));
            assert.equal(block + "\n", mermaidDiagram(arch));
            assert.match(block, new RegExp(`class [^\\n]+ ${VIOLATION_CLASS.mandatory}`));
            assert.match(md, /### Cost estimate\n\nNo cost estimate for this plan\./);
            assert.match(markdownReport(result, "| month | $12.00 |"), /### Cost estimate\n\n\| month \| \$12\.00 \|/);
        });
    });

    it("collapses repeated services into one node with a count, routes and all", async () => {
        const { syntheticPlatform } = require("../../../bench/program") as typeof import("../../../bench/program");
        const result = await planProgram({ project: "bench", stack: "r1-s12", config: {}, program: () => syntheticPlatform(1, 12) },
            { policyPack: PACK, session });
        const arch = architectureOf(planView(result));
        const v = new View(arch);
        const services = v.nodes(v.region("us-east-1"), "service");
        // Every fourth service is internal (bench/program.ts): 9 behind the ALB, 3 Service Connect only.
        assert.deepEqual(services.map((s) => s.count).sort((a, b) => a - b), [3, 9]);
        const exposed = services.find((s) => s.count === 9)!;
        assert.deepEqual(exposed.members, [0, 1, 2, 4, 5, 6, 8, 9, 10].map((i) => `service-${i}`));
        const [alb] = v.nodes(v.region("us-east-1"), "alb");
        assert.deepEqual(v.edgesFrom(alb, "route").map((e) => [e.to, e.labels]), [[exposed.id, ["9 routes"]]]);
        assertRendered(arch, await renderer.render(mermaidDiagram(arch)));
    });
});
