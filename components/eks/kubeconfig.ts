import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * A kubeconfig that authenticates with `aws eks get-token` in the cluster's region, the shape
 * `aws eks update-kubeconfig` writes (client.authentication.k8s.io/v1beta1 exec; AWS CLI reference
 * eks/get-token). JSON is valid YAML. Marked secret: it names the endpoint and is what admins connect with.
 */
export function kubeconfig(cluster: aws.eks.Cluster, region: pulumi.Input<string>): pulumi.Output<string> {
    const doc = pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority.data, cluster.arn, region])
        .apply(([name, endpoint, ca, arn, r]) => JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: arn, cluster: { "server": endpoint, "certificate-authority-data": ca } }],
            contexts: [{ name: arn, context: { cluster: arn, user: arn } }],
            "current-context": arn,
            users: [{
                name: arn,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["--region", r, "eks", "get-token", "--cluster-name", name, "--output", "json"],
                    },
                },
            }],
        }));
    return pulumi.secret(doc);
}

/** The Kubernetes provider of the cluster, a child of `parent`, created once the cluster exists. */
export function clusterProvider(name: string, config: pulumi.Input<string>, cluster: aws.eks.Cluster, parent: pulumi.Resource): k8s.Provider {
    return new k8s.Provider(name, {
        kubeconfig: config,
        enableServerSideApply: true,
    }, { parent, dependsOn: [cluster] });
}
