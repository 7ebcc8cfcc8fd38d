import { ActiveActive, ActiveActiveArgs } from "../components/global";
import { requireSection, StackConfig } from "./config";

/** The `aws-containers:active-active` section: ActiveActive's arguments but the regions, which are the stack's. */
export type ActiveActiveSection = Omit<ActiveActiveArgs, "regions" | "homeRegion" | "providerSettings">;

/**
 * The active-active stack (reference architecture 4): microservices in every region of the stack
 * behind one Global Accelerator, a DynamoDB global table homed in the stack's home region, and
 * Route 53 health checks and latency records. Images come from the registry stack's replicas.
 */
export function buildActiveActive(cfg: StackConfig) {
    const section = requireSection<ActiveActiveSection>(cfg, "active-active");
    const app = new ActiveActive("app", {
        ...section,
        regions: cfg.regions,
        homeRegion: cfg.homeRegion,
        providerSettings: cfg.providers,
    });
    return {
        acceleratorDnsName: app.acceleratorDnsName,
        acceleratorIpAddresses: app.acceleratorIpAddresses,
        tableName: app.tableName,
        regionalTableArns: app.regionalTableArns,
        loadBalancerArns: app.loadBalancerArns,
        healthCheckIds: app.healthCheckIds,
        // A pipeline deploys region by region in this order, the canary region first.
        deploymentOrder: app.deploymentOrder,
    };
}
