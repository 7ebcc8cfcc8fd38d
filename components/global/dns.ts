import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DnsArgs, ResolvedActiveActive } from "./args";

/** A region's load balancer as DNS sees it. */
export interface RegionalEndpoint {
    readonly dnsName: pulumi.Input<string>;
    readonly zoneId: pulumi.Input<string>;
}

/**
 * A Route 53 health check per region, probing that region's ALB over HTTPS (HTTP when the ALBs serve
 * HTTP only). Route 53 resolves `fqdn` and sends it as Host and, for HTTPS, as SNI; a certificate that
 * does not name it makes the checker retry without SNI (Route 53 API, HealthCheckConfig.EnableSNI),
 * so checking by the ALB's own DNS name works with the service certificate.
 */
export function createHealthChecks(name: string, a: ResolvedActiveActive, endpoints: { [region: string]: RegionalEndpoint },
    global: pulumi.CustomResourceOptions): { [region: string]: aws.route53.HealthCheck } {
    const checks: { [region: string]: aws.route53.HealthCheck } = {};
    for (const region of a.regions) {
        checks[region] = new aws.route53.HealthCheck(`${name}-${region}-health`, {
            type: a.https ? "HTTPS" : "HTTP",
            port: a.https ? 443 : 80,
            fqdn: endpoints[region].dnsName,
            resourcePath: a.healthCheck.path,
            requestInterval: a.healthCheck.intervalSeconds,
            failureThreshold: a.healthCheck.threshold,
            measureLatency: true,
            tags: { Name: `${name}-${region}` },
        }, global);
    }
    return checks;
}

/**
 * Latency records, one per region (`setIdentifier` = region), each an alias to that region's ALB and
 * bound to its health check: Route 53 answers with the lowest-latency healthy region, so a failing
 * region drops out of DNS. Optionally an alias to the accelerator's static addresses.
 */
export function createDnsRecords(name: string, a: ResolvedActiveActive, dns: DnsArgs, endpoints: { [region: string]: RegionalEndpoint },
    checks: { [region: string]: { readonly id: pulumi.Input<string> } }, accelerator: { readonly dnsName: pulumi.Input<string>; readonly hostedZoneId: pulumi.Input<string> },
    global: pulumi.CustomResourceOptions): void {
    for (const region of a.regions) {
        new aws.route53.Record(`${name}-${region}-latency`, {
            zoneId: dns.hostedZoneId,
            name: dns.recordName,
            type: "A",
            setIdentifier: region,
            latencyRoutingPolicies: [{ region }],
            healthCheckId: checks[region].id,
            aliases: [{ name: endpoints[region].dnsName, zoneId: endpoints[region].zoneId, evaluateTargetHealth: true }],
        }, global);
    }
    if (dns.acceleratorRecordName) {
        new aws.route53.Record(`${name}-accelerator`, {
            zoneId: dns.hostedZoneId,
            name: dns.acceleratorRecordName,
            type: "A",
            aliases: [{ name: accelerator.dnsName, zoneId: accelerator.hostedZoneId, evaluateTargetHealth: true }],
        }, global);
    }
}
