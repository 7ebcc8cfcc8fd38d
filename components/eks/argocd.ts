import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, helmRelease, InCluster } from "./charts";

/**
 * Argo CD for GitOps. It calls no AWS API, so it has no IAM role. The UI stays a ClusterIP service: expose
 * it deliberately through an internal Ingress. Dex is off until an SSO connector is configured.
 */
export function createArgoCd(name: string, where: InCluster, parent: pulumi.Resource, dependsOn: pulumi.Resource[]): k8s.helm.v3.Release {
    return helmRelease(name, CHARTS.argoCd, {
        dex: { enabled: false },
        server: { service: { type: "ClusterIP" } },
    }, where, parent, { dependsOn });
}
