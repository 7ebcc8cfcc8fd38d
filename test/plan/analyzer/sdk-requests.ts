import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { specialResourceSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { durationSeconds, PlannedResource } from "../../../plan/analyzer/requests";

/**
 * The analyzer requests built with the SDK's generated google-protobuf messages, field by field as
 * analyzer.proto defines them: the reference the plan's direct encoder (plan/analyzer/requests.ts) must
 * match byte for byte.
 */
export class SdkRequests {
    constructor(private readonly lookup: (urn: string) => PlannedResource | undefined) {}

    analyze(r: PlannedResource): analyzerpb.AnalyzeRequest {
        return this.describe(new analyzerpb.AnalyzeRequest(), r, r.wireInputs);
    }

    analyzeStack(resources: PlannedResource[]): analyzerpb.AnalyzeStackRequest {
        return new analyzerpb.AnalyzeStackRequest().setResourcesList(resources.map((r) => {
            const res = this.describe(new analyzerpb.AnalyzerResource(), r, r.wireOutputs);
            res.setParent(r.parent ?? "");
            res.setDependenciesList(r.dependencies);
            for (const [key, urns] of Object.entries(r.propertyDependencies)) {
                res.getPropertydependenciesMap().set(key, new analyzerpb.AnalyzerPropertyDependencies().setUrnsList(urns));
            }
            return res;
        }));
    }

    private describe<M extends analyzerpb.AnalyzeRequest | analyzerpb.AnalyzerResource>(msg: M, r: PlannedResource, props: Record<string, any>): M {
        msg.setType(r.type);
        msg.setName(r.name);
        msg.setUrn(r.urn);
        msg.setProperties(struct(props));
        const opts = new analyzerpb.AnalyzerResourceOptions();
        opts.setProtect(r.protect);
        opts.setIgnorechangesList(r.ignoreChanges);
        opts.setDeletebeforereplace(r.deleteBeforeReplace);
        opts.setDeletebeforereplacedefined(r.deleteBeforeReplaceDefined);
        opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
        opts.setAliasesList(r.aliases);
        opts.setParent(r.parent ?? "");
        const timeouts = new analyzerpb.AnalyzerResourceOptions.CustomTimeouts();
        timeouts.setCreate(durationSeconds(r.customTimeouts?.create));
        timeouts.setUpdate(durationSeconds(r.customTimeouts?.update));
        timeouts.setDelete(durationSeconds(r.customTimeouts?.delete));
        opts.setCustomtimeouts(timeouts);
        msg.setOptions(opts);
        const provider = r.providerUrn && r.provider ? this.lookup(r.providerUrn) : undefined;
        if (provider) {
            const p = new analyzerpb.AnalyzerProviderResource();
            p.setType(provider.type);
            p.setUrn(provider.urn);
            p.setName(provider.name);
            p.setProperties(struct(provider.wireInputs));
            msg.setProvider(p);
        }
        return msg;
    }
}

/** As the engine marshals a property for an analyzer: resource references become their ID or URN, `__` keys go. */
function analyzerValue(v: any): any {
    if (Array.isArray(v)) {
        return v.map(analyzerValue);
    }
    if (v === null || typeof v !== "object") {
        return v;
    }
    if (v[specialSigKey] === specialResourceSig) {
        return v.id || v.urn;
    }
    return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith("__")).map(([k, x]) => [k, analyzerValue(x)]));
}

function struct(props: Record<string, any>): Struct {
    return Struct.fromJavaScript(analyzerValue(props));
}
