import { RegionalNetworkArgs } from "../network";
import { MicroservicesSettings, SharedMicroservicesSettings } from "./args";

/**
 * FargateMicroservices settings for several regions at once: what is shared, plus per-region maps for
 * what AWS keeps regional (VPC ranges, ACM certificates, access log buckets). Used by the
 * fargate-microservices stack and by ActiveActive, so both read a region's settings the same way.
 */
export interface RegionalMicroservicesSettings extends SharedMicroservicesSettings {
    /** RegionalNetwork settings shared by every region. @default RegionalNetwork's defaults */
    readonly network?: RegionalNetworkArgs;
    /** VPC range per region, over `network.cidrBlock`; distinct ranges keep peering or Transit Gateway possible later. @default network.cidrBlock */
    readonly cidrBlocks?: { [region: string]: string };
    /** ACM certificate ARN per region (certificates are regional); a region without one serves HTTP only. @default none */
    readonly certificateArns?: { [region: string]: string };
    /** Access log bucket per region (ALB logs go to a bucket in the same region). @default none */
    readonly accessLogsBuckets?: { [region: string]: string };
}

/** The network of `region`: the shared settings with that region's VPC range. */
export function networkForRegion(settings: RegionalMicroservicesSettings, region: string): RegionalNetworkArgs {
    return { ...settings.network, cidrBlock: settings.cidrBlocks?.[region] ?? settings.network?.cidrBlock };
}

/**
 * The FargateMicroservices settings of `region`. Secret ARNs may say `{region}`: Secrets Manager
 * replicas and per-region parameters keep their name, so one line serves every region.
 */
export function settingsForRegion(settings: RegionalMicroservicesSettings, region: string): MicroservicesSettings {
    const { network: _n, cidrBlocks: _c, certificateArns, accessLogsBuckets, ...shared } = settings;
    return {
        ...shared,
        certificateArn: certificateArns?.[region],
        accessLogsBucket: accessLogsBuckets?.[region],
        services: (settings.services ?? []).map((svc) => ({
            ...svc,
            // Only plain strings carry the placeholder; String() of an Output would yield a warning text, not the ARN.
            secrets: svc.secrets && Object.fromEntries(Object.entries(svc.secrets).map(([k, v]) =>
                [k, typeof v === "string" ? v.replace(/\{region\}/g, region) : v])),
        })),
    };
}
