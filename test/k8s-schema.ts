import { RecordedResource } from "./harness";

/**
 * Checks a recorded @pulumi/kubernetes resource against the Kubernetes OpenAPI schema, with the validators
 * that the kubernetes-models package (4.5.x: Kubernetes 1.33) compiles from it: types, enums, required fields
 * and formats. The schema allows unknown fields; their names are checked by tsc, through @pulumi/kubernetes's
 * input types, which are generated from the same OpenAPI document.
 */
export function k8sSchemaErrors(r: RecordedResource): string[] {
    const m = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(r.type);
    if (!m) {
        throw new Error(`${r.type} is not a Kubernetes resource type`);
    }
    const [, group, version, kind] = m;
    const path = `kubernetes-models/${group === "core" ? "" : `${group}/`}${version}/${kind}`;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Model = (require(path) as { [k: string]: new (data: object) => { validate(): void } })[kind];
    try {
        new Model(unwrapSecrets(r.inputs) as object).validate();
        return [];
    } catch (err) {
        const errors = (err as { errors?: { instancePath: string; message: string }[] }).errors;
        return errors ? errors.map((e) => `${r.name}${e.instancePath}: ${e.message}`) : [`${r.name}: ${(err as Error).message}`];
    }
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** The value inside every secret the SDK left in its wire form (`{ <sig>: <secret sig>, value }`). */
function unwrapSecrets(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(unwrapSecrets);
    }
    if (v !== null && typeof v === "object") {
        const o = v as { [k: string]: unknown };
        if (SECRET_SIG in o) {
            return unwrapSecrets(o.value);
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
    }
    return v;
}
