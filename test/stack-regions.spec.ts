/**
 * One stack per region (D23): every shipped workload stack names one region; splitting the multi-region
 * stacks moves nothing (each resource keeps its type, name and inputs); the active-active layers read
 * each other through StackReferences; and the outage drill: with the canary region down, the other
 * regional stacks and the edge stack still plan, and the edge stack drains that region.
 */
import * as fs from "fs";
import * as os from "os";
import * as yaml from "js-yaml";
import * as assert from "node:assert/strict";
import * as path from "path";
import { RegionDownError, StackOutputs } from "../plan/engine/mock-engine";
import { listStacks } from "../plan/engine/stack-config";
import { checkProjectConfig } from "../stacks/config";
import { MockRun, RecordedResource, REPO_ROOT, runStack, STACKS_DIR, stackConfig } from "./harness";

const STACKS = listStacks(STACKS_DIR);
const WORKLOADS = ["fargate-microservices", "sqs-batch", "eks-platform", "eks-auto-mode", "active-active"];
const CANARY = "eu-west-1";

/** A resource as a deployment compares it: type, name and inputs, references to others by their name (URNs differ by stack). */
function identity(r: RecordedResource): string {
    const inputs = JSON.stringify(r.wireInputs).replace(/urn:pulumi:[^"]*?::[^"]*?::[^"]*::([^"]+)/g, "urn:$1");
    return `${r.type} ${r.name} ${inputs}`;
}

/** What a split may leave out: the stack, the components (their types and parents are what changes). */
function deployable(run: MockRun): string[] {
    return run.resources.filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference").map(identity).sort();
}

function outputsOf(run: MockRun): StackOutputs {
    assert.equal(run.error, undefined, String(run.error));
    return run.resources.find((r) => r.type === "pulumi:pulumi:Stack")!.wireOutputs;
}

/** Runs the active-active layers in order, each StackReference answered with the outputs of the stack it names. */
async function runLayers(options: { regionDown?: string; overrides?: { [stack: string]: { [key: string]: unknown } } } = {}) {
    const outputs = new Map<string, StackOutputs>();
    const answer = (name: string) => outputs.get(name.split("/").pop()!);
    const runs = new Map<string, MockRun>();
    for (const stack of ["active-active-global", "active-active-us-east-1", "active-active-eu-west-1", "active-active-ap-southeast-2", "active-active-edge"]) {
        const down = options.regionDown;
        const run = await runStack(stack, options.overrides?.[stack] ?? {}, { stackOutputs: answer, regionDown: down });
        runs.set(stack, run);
        // A stack the drill stopped keeps the outputs it last deployed (the state backend answers StackReferences).
        outputs.set(stack, run.error ? outputsOf(await runStack(stack, options.overrides?.[stack] ?? {}, { stackOutputs: answer })) : outputsOf(run));
    }
    return runs;
}

describe("one stack per region (D23)", () => {
    it("every shipped workload stack names one region: <architecture>-<region>, or active-active's -global and -edge layers", () => {
        for (const stack of STACKS.filter((s) => s !== "registry" && s !== "ecr-pull-k3s")) {
            const cfg = stackConfig(stack);
            const architecture = cfg["aws-containers:architecture"];
            const regions = JSON.parse(cfg["aws-containers:regions"]);
            assert.ok(WORKLOADS.includes(architecture), `${stack}: ${architecture}`);
            const layer = cfg["aws-containers:layer"];
            if (layer === "global" || layer === "edge") {
                assert.equal(stack, `${architecture}-${layer}`);
            } else {
                assert.deepEqual([stack, regions.length], [`${architecture}-${regions[0]}`, 1]);
            }
        }
        for (const architecture of WORKLOADS) {
            assert.ok(STACKS.filter((s) => s.startsWith(`${architecture}-`)).length >= 2, `${architecture} has per-region stacks`);
        }
    });

    it("stack files hold only what differs: the shared sections are in Pulumi.yaml's project config, each once", () => {
        const project = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: { [k: string]: unknown } };
        for (const key of ["microservices", "batch", "eks-platform", "eks-auto-mode", "active-active"]) {
            assert.ok(project.config[`aws-containers:${key}`], key);
        }
        for (const stack of STACKS.filter((s) => s !== "registry" && s !== "ecr-pull-k3s")) {
            const doc = yaml.load(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: object };
            const extra = Object.keys(doc.config).filter((k) => !["aws-containers:architecture", "aws-containers:regions", "aws-containers:layer", "aws-containers:trafficDials"].includes(k));
            assert.deepEqual(extra, [], `${stack} repeats shared settings`);
        }
    });

    it("Pulumi.yaml's project config is checked against the stack schema, its errors naming Pulumi.yaml and the key as written there", () => {
        assert.doesNotThrow(() => checkProjectConfig(path.join(REPO_ROOT, "Pulumi.yaml")));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-containers-project-"));
        try {
            const project = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: { [k: string]: any } };
            const batch = project.config["aws-containers:batch"].value;
            batch.worker.maxCapacty = batch.worker.maxCapacity;
            project.config["aws-containers:layer"] = "regional";
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(project));
            assert.throws(() => checkProjectConfig(path.join(dir, "Pulumi.yaml")), (err: Error) => {
                assert.match(err.message, /^Pulumi\.yaml project config/);
                assert.match(err.message, /aws-containers:batch\.worker\.maxCapacty: is not a known key; did you mean "maxCapacity"\?/);
                assert.match(err.message, /aws-containers:layer: "regional" is not allowed; allowed: "global", "region", "edge"/);
                return true;
            });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const architecture of ["fargate-microservices", "sqs-batch", "eks-platform", "eks-auto-mode"]) {
        it(`${architecture}: the per-region stacks together create exactly the multi-region stack's resources (type, name, inputs)`, async () => {
            const whole = await runStack(architecture);
            assert.equal(whole.error, undefined, String(whole.error));
            const parts: string[] = [];
            for (const stack of STACKS.filter((s) => s.startsWith(`${architecture}-`))) {
                const run = await runStack(stack);
                assert.equal(run.error, undefined, `${stack}: ${String(run.error)}`);
                parts.push(...deployable(run));
            }
            assert.deepEqual(parts.sort(), deployable(whole));
        });
    }

    describe("active-active in layers", () => {
        let layers: Map<string, MockRun>;
        before(async () => {
            layers = await runLayers();
        });

        it("global, regional and edge stacks together create exactly the one-stack resources (providers shared by two layers counted once)", async () => {
            const whole = await runStack("active-active");
            assert.equal(whole.error, undefined, String(whole.error));
            const parts = new Set([...layers.values()].flatMap(deployable));
            assert.deepEqual([...parts].sort(), [...new Set(deployable(whole))].sort());
        });

        it("depends one way: regions read the global stack, the edge reads the global and every regional stack", () => {
            const refs = (s: string) => layers.get(s)!.stackReferences.map((n) => n.split("/").pop());
            assert.deepEqual(refs("active-active-global"), []);
            assert.deepEqual(refs("active-active-eu-west-1"), ["active-active-global"]);
            assert.deepEqual(refs("active-active-edge"), ["active-active-global", "active-active-us-east-1", "active-active-eu-west-1", "active-active-ap-southeast-2"]);
            const edge = layers.get("active-active-edge")!;
            assert.deepEqual([...new Set(edge.resources.filter((r) => r.custom && r.region).map((r) => r.region))], ["us-west-2"]);
            const group = edge.named("app-eu-west-1-endpoints");
            assert.match(group.wireInputs.endpointConfigurations[0].endpointId, /^arn:aws:elasticloadbalancing:eu-west-1:.*app-eu-west-1-alb/);
        });

        it("each layer aliases the one-stack ActiveActive, so resources moved with pulumi state move keep their URNs' parents", () => {
            for (const [stack, type] of [["active-active-global", "ActiveActiveGlobal"], ["active-active-eu-west-1", "ActiveActiveRegion"], ["active-active-edge", "ActiveActiveEdge"]]) {
                const layer = layers.get(stack)!.named("app", `aws-containers:global:${type}`);
                assert.deepEqual(layer.aliases, [`urn:pulumi:${stack}::aws-containers::aws-containers:global:ActiveActive::app`]);
            }
        });

        it("a StackReference nobody answers leaves its outputs unknown, as in a preview", async () => {
            const run = await runStack("active-active-edge");
            assert.equal(run.error, undefined, String(run.error));
            assert.equal(run.named("app-eu-west-1-endpoints").wireInputs.endpointConfigurations[0].endpointId, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        });
    });

    describe(`outage drill: the canary region ${CANARY} down`, () => {
        let drill: Map<string, MockRun>;
        before(async () => {
            drill = await runLayers({
                regionDown: CANARY,
                overrides: { "active-active-edge": { trafficDials: { "us-east-1": 100, [CANARY]: 0, "ap-southeast-2": 100 } } },
            });
        });

        it("the canary region's own stacks cannot deploy: their provider in that region does not answer", async () => {
            const err = drill.get(`active-active-${CANARY}`)!.error;
            assert.ok(err instanceof RegionDownError, String(err));
            assert.equal(err.region, CANARY);
            for (const stack of STACKS.filter((s) => s.endsWith(`-${CANARY}`) && !s.startsWith("active-active"))) {
                const run = await runStack(stack, {}, { regionDown: CANARY });
                assert.ok(run.error instanceof RegionDownError, `${stack}: ${String(run.error)}`);
            }
        });

        it("the other regional stacks, the global and the edge stack plan cleanly", async () => {
            for (const stack of ["active-active-global", "active-active-us-east-1", "active-active-ap-southeast-2", "active-active-edge"]) {
                assert.equal(drill.get(stack)!.error, undefined, `${stack}: ${String(drill.get(stack)!.error)}`);
            }
            for (const stack of STACKS.filter((s) => /-(us-east-1|ap-southeast-2|us-west-2|eu-central-1)$/.test(s) && !s.startsWith("active-active"))) {
                const run = await runStack(stack, {}, { regionDown: CANARY });
                assert.equal(run.error, undefined, `${stack}: ${String(run.error)}`);
            }
        });

        it("the edge stack drains the region: its dial goes to 0 through us-west-2, touching nothing in that region", () => {
            const edge = drill.get("active-active-edge")!;
            assert.equal(edge.named("app-eu-west-1-endpoints").wireInputs.trafficDialPercentage, 0);
            assert.equal(edge.named("app-us-east-1-endpoints").wireInputs.trafficDialPercentage, 100);
            assert.deepEqual(edge.resources.filter((r) => r.region === CANARY).map((r) => r.urn), []);
            assert.deepEqual(edge.invokes.filter((i) => i.region === CANARY), []);
        });
    });
});
