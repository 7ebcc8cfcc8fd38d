/**
 * A plan's architecture (architecture.ts) as Mermaid flowchart text: the `--diagram FILE.mmd` output,
 * the block in the markdown report (GitHub renders it in pull requests) and the source of the SVG
 * (render-svg.ts). Regions and what nests in them are subgraphs; an element with violations gets the
 * class of its worst level and a line per policy it breaks.
 */
import { ArchEdge, ArchElement, Architecture, EdgeKind, GroupKind, NodeKind, ViolationView } from "./architecture";

/** Classes the diagram gives violated elements, by enforcement level. */
export const VIOLATION_CLASS: Record<string, string> = {
    mandatory: "violation_mandatory",
    advisory: "violation_advisory",
};

const CLASS_DEFS: [string, string][] = [
    ["region", "fill:#fafafa,stroke:#607d8b,stroke-width:1px,color:#263238"],
    ["global", "fill:#eceff1,stroke:#455a64,stroke-width:1px,color:#263238"],
    ["vpc", "fill:#f1f8e9,stroke:#7cb342,stroke-width:1px,color:#33691e"],
    ["zones", "fill:#ffffff,stroke:#aed581,stroke-width:1px,stroke-dasharray:4 3,color:#33691e"],
    ["ecs_cluster", "fill:#fff8e1,stroke:#ffa000,stroke-width:1px,color:#4e342e"],
    ["eks_cluster", "fill:#e3f2fd,stroke:#1e88e5,stroke-width:1px,color:#0d47a1"],
    ["state_machine", "fill:#f3e5f5,stroke:#8e24aa,stroke-width:1px,color:#4a148c"],
    ["k8s_cluster", "fill:#e8eaf6,stroke:#3949ab,stroke-width:1px,color:#1a237e"],
    [VIOLATION_CLASS.advisory, "fill:#fff3e0,stroke:#ef6c00,stroke-width:3px,stroke-dasharray:6 3,color:#000"],
    [VIOLATION_CLASS.mandatory, "fill:#ffebee,stroke:#c62828,stroke-width:4px,color:#000"],
];

/** Mermaid node shapes, opening and closing brackets. */
const SHAPES: Record<NodeKind, [string, string]> = {
    "zone": ["[", "]"],
    "alb": ["([", "])"],
    "service": ["[", "]"],
    "namespace": ["{{", "}}"],
    "queue": [">", "]"],
    "stage": ["[", "]"],
    "node-group": ["[", "]"],
    "node-pool": ["[", "]"],
    "add-ons": ["[", "]"],
    "charts": ["[", "]"],
    "ecr": ["[(", ")]"],
    "accelerator": ["([", "])"],
    "endpoint-group": ["[", "]"],
    "dns": ["([", "])"],
    "table": ["[(", ")]"],
    "resource": ["[", "]"],
};

/** Mermaid arrows: requests and data flow solid, Service Connect and DNS dotted, cross-region thick. */
const ARROWS: Record<EdgeKind, string> = {
    "route": "-->",
    "service-connect": "<-.->",
    "feeds": "-->",
    "dead-letter": "-.->",
    "next-stage": "-->",
    "replication": "==>",
    "endpoint": "==>",
    "table-replica": "<==>",
    "dns": "-.->",
    "pulls": "-.->",
};

const MAX_POLICIES_SHOWN = 3;

/** The Mermaid flowchart of `arch`. */
export function mermaidDiagram(arch: Architecture): string {
    const lines = [`%% ${arch.stack} (${arch.project}): the architecture of the offline plan`, "flowchart TB"];
    const classes = new Map<string, string[]>();
    const addClass = (cls: string, id: string) => classes.set(cls, [...(classes.get(cls) ?? []), id]);
    const emit = (e: ArchElement, depth: number) => {
        const pad = "    ".repeat(depth);
        const level = worstLevel(e.violations);
        if (level) {
            addClass(VIOLATION_CLASS[level], e.id);
        }
        if (e.kind === "group" && e.children.length > 0) {
            // Mermaid gives a subgraph's title one line of room: anything more overlaps its children.
            lines.push(`${pad}subgraph ${e.id}["${label(e.title, e.details, e.violations, " · ")}"]`);
            if (e.type === "zones") {
                // Zones have no edges, so Mermaid honours a direction of their own: top to bottom puts
                // nodes of one rank side by side.
                lines.push(`${pad}    direction TB`);
            }
            addClass(groupClass(e.type), e.id);
            // Plain nodes before nested groups: dagre then keeps a region's queues and tables out of
            // the boxes of its VPC and clusters.
            [...e.children.filter((c) => c.kind === "node"), ...e.children.filter((c) => c.kind === "group")].forEach((c) => emit(c, depth + 1));
            lines.push(`${pad}end`);
        } else if (e.kind === "group") {
            // An empty subgraph would not be drawn as a box: a node says the same.
            lines.push(`${pad}${e.id}["${label(e.title, e.details, e.violations)}"]`);
            addClass(groupClass(e.type), e.id);
        } else {
            const [open, close] = SHAPES[e.type];
            lines.push(`${pad}${e.id}${open}"${label(e.title, e.details, e.violations)}"${close}`);
        }
    };
    arch.groups.forEach((g) => emit(g, 1));
    for (const edge of arch.edges) {
        lines.push(`    ${edgeLine(edge)}`);
    }
    for (const [cls, style] of CLASS_DEFS) {
        lines.push(`    classDef ${cls} ${style}`);
    }
    // Violation classes last, so that they win over a group's own class.
    const order = CLASS_DEFS.map(([c]) => c);
    for (const [cls, ids] of [...classes].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))) {
        lines.push(`    class ${ids.join(",")} ${cls}`);
    }
    return lines.join("\n") + "\n";
}

function groupClass(type: GroupKind): string {
    return type.replace(/-/g, "_");
}

function edgeLine(e: ArchEdge): string {
    const arrow = ARROWS[e.type];
    return e.labels.length > 0 ? `${e.from} ${arrow}|"${e.labels.map(escape).join("<br/>")}"| ${e.to}` : `${e.from} ${arrow} ${e.to}`;
}

/** A node's or group's label: the title in bold, its details, then one line per violated policy. */
function label(title: string, details: string[], violations: ViolationView[], separator = "<br/>"): string {
    const lines = [`<b>${escape(title)}</b>`, ...details.filter((d) => d).map(escape)];
    // Mandatory first; both marks are in DejaVu Sans, the font the SVG is drawn with.
    const ordered = [...violations].sort((a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory"));
    const policies = [...new Set(ordered.map((v) => `${v.enforcementLevel === "mandatory" ? "✖" : "⚠"} ${v.policyName}`))];
    lines.push(...policies.slice(0, MAX_POLICIES_SHOWN).map(escape));
    if (policies.length > MAX_POLICIES_SHOWN) {
        lines.push(`… ${policies.length - MAX_POLICIES_SHOWN} more violations`);
    }
    return lines.join(separator);
}

/** Text safe inside a quoted Mermaid label: Mermaid's entity codes for quotes and angle brackets. */
function escape(text: string): string {
    return text.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

export function worstLevel(violations: ViolationView[]): "mandatory" | "advisory" | undefined {
    if (violations.some((v) => v.enforcementLevel === "mandatory")) {
        return "mandatory";
    }
    return violations.length > 0 ? "advisory" : undefined;
}
