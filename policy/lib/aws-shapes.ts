/**
 * Checks documents against AWS API shapes (botocore service models, trimmed in reference/aws): unknown
 * members, wrong types, enum values, numeric and length ranges, and required members. Step Functions
 * task Parameters name the same members with a capital first letter and may end a key in ".$" (a path
 * resolved at run time, whose value is not checked).
 */
export interface ShapeModel { shapes: { [name: string]: Shape } }
export interface Shape {
    type: string;
    members?: { [name: string]: { shape: string } };
    member?: { shape: string };
    key?: { shape: string };
    value?: { shape: string };
    required?: string[];
    enum?: string[];
    min?: number;
    max?: number;
}

export interface ShapeOptions {
    /** Member names are capitalised (Step Functions Parameters). */
    readonly pascalCase?: boolean;
    /** Do not require required members (a provider fills some in). */
    readonly partial?: boolean;
}

/** Problems of `value` against shape `shapeName` of `model`, each naming the path. */
export function checkShape(model: ShapeModel, shapeName: string, value: unknown, where: string, opts: ShapeOptions = {}): string[] {
    const shape = model.shapes[shapeName];
    if (!shape) {
        return [`${where}: shape ${shapeName} is not in the model`];
    }
    const problems: string[] = [];
    switch (shape.type) {
        case "structure": {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                return [`${where}: ${JSON.stringify(value)} is not an object (${shapeName})`];
            }
            const members = shape.members ?? {};
            const byKey = new Map(Object.keys(members).map((m) => [opts.pascalCase ? m[0].toUpperCase() + m.slice(1) : m, m]));
            const present = new Set<string>();
            for (const [key, v] of Object.entries(value as object)) {
                const dynamic = key.endsWith(".$");
                const name = dynamic ? key.slice(0, -2) : key;
                const member = byKey.get(name);
                if (!member) {
                    problems.push(`${where}: ${name} is not a member of ${shapeName}; allowed: ${[...byKey.keys()].join(", ")}`);
                    continue;
                }
                present.add(member);
                if (!dynamic && v !== undefined && v !== null) {
                    problems.push(...checkShape(model, members[member].shape, v, `${where}.${name}`, opts));
                }
            }
            if (!opts.partial) {
                for (const r of shape.required ?? []) {
                    if (!present.has(r)) {
                        problems.push(`${where}: required member ${opts.pascalCase ? r[0].toUpperCase() + r.slice(1) : r} of ${shapeName} is missing`);
                    }
                }
            }
            return problems;
        }
        case "list":
            if (!Array.isArray(value)) {
                return [`${where}: ${JSON.stringify(value)} is not a list (${shapeName})`];
            }
            if (shape.min !== undefined && value.length < shape.min) problems.push(`${where}: ${value.length} items, fewer than ${shape.min}`);
            if (shape.max !== undefined && value.length > shape.max) problems.push(`${where}: ${value.length} items, more than ${shape.max}`);
            value.forEach((v, i) => problems.push(...checkShape(model, shape.member!.shape, v, `${where}[${i}]`, opts)));
            return problems;
        case "map":
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                return [`${where}: ${JSON.stringify(value)} is not a map (${shapeName})`];
            }
            for (const [k, v] of Object.entries(value as object)) {
                problems.push(...checkShape(model, shape.key!.shape, k, `${where} key ${k}`, opts));
                problems.push(...checkShape(model, shape.value!.shape, v, `${where}.${k}`, opts));
            }
            return problems;
        case "string":
            if (typeof value !== "string") return [`${where}: ${JSON.stringify(value)} is not a string (${shapeName})`];
            if (shape.enum && !shape.enum.includes(value)) return [`${where}: ${JSON.stringify(value)} is not one of ${shape.enum.join(", ")} (${shapeName})`];
            if (shape.min !== undefined && value.length < shape.min) return [`${where}: shorter than ${shape.min} characters`];
            if (shape.max !== undefined && value.length > shape.max) return [`${where}: longer than ${shape.max} characters`];
            return [];
        case "integer":
        case "long":
        case "double":
        case "float":
            if (typeof value !== "number" || (shape.type !== "double" && shape.type !== "float" && !Number.isInteger(value))) {
                return [`${where}: ${JSON.stringify(value)} is not a${shape.type === "integer" ? "n" : ""} ${shape.type} (${shapeName})`];
            }
            if (shape.min !== undefined && value < shape.min) return [`${where}: ${value} is below ${shape.min} (${shapeName})`];
            if (shape.max !== undefined && value > shape.max) return [`${where}: ${value} is above ${shape.max} (${shapeName})`];
            return [];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${where}: ${JSON.stringify(value)} is not a boolean (${shapeName})`];
        case "timestamp":
        case "blob":
            return [];
        default:
            return [`${where}: unhandled shape type ${shape.type}`];
    }
}
