import * as assert from "node:assert/strict";
import { c7PodIdentityAgent, c11EksObservability, c12EksAutoscaling, c13ManagedAddons, v3NativeSidecars } from "../../policy/eks-stack";
import {
    c2EcsCapacityProviders, c3EcrLifecyclePolicy, c3EcrReplication, c10ContainerHealthCheck, c10TargetGroupHealth, c15MultiAzSubnets,
} from "../../policy/stack";
import { APP_CONTAINER, ec2Service, ecsStack, fixtures, taskDefinition } from "./fixtures";
import { STACK_POLICIES } from "./all";
import { expectStack, taggedType, TestResource, UNKNOWN, urnOf, validateStack, variant } from "./harness";

const without = (resources: TestResource[], name: string) => resources.filter((r) => r.name !== name);
const replace = (resources: TestResource[], r: TestResource) => resources.map((x) => (x.name === r.name ? r : x));
const ADDONS = ["coredns", "kube-proxy", "vpc-cni", "aws-ebs-csi-driver", "eks-pod-identity-agent", "amazon-cloudwatch-observability"];
const eksStack = (): TestResource[] => [fixtures.eksCluster(), ...ADDONS.map((a) => fixtures.addon(a)), fixtures.nodeGroup(), fixtures.karpenterRelease(), fixtures.nodePool()];

describe("policy: stack rules", () => {
    it("C2: every ECS cluster declares capacity providers", async () => {
        await expectStack(c2EcsCapacityProviders, ecsStack(), []);
        await expectStack(c2EcsCapacityProviders, without(ecsStack(), "shop-us-east-1-capacity"),
            [["shop-us-east-1-cluster", "ECS cluster shop-us-east-1-cluster has no ClusterCapacityProviders."]]);
    });

    it("C2: during preview the cluster name is unknown and the dependency links them", async () => {
        const capacity = { ...variant(fixtures.capacityProviders(), "props.clusterName", UNKNOWN.string),
            propertyDependencies: { clusterName: [urnOf("aws:ecs/cluster:Cluster", "shop-us-east-1-cluster")] } };
        await expectStack(c2EcsCapacityProviders, replace(ecsStack(), capacity), []);
    });

    it("C3: every repository has a lifecycle policy", async () => {
        await expectStack(c3EcrLifecyclePolicy, [fixtures.repository(), fixtures.lifecyclePolicy()], []);
        await expectStack(c3EcrLifecyclePolicy, [fixtures.repository()], [["registry-shop-orders", "ECR repository registry-shop-orders has no LifecyclePolicy."]]);
        const other = variant(fixtures.lifecyclePolicy(), "props.repository", "shop/payments");
        await expectStack(c3EcrLifecyclePolicy, [fixtures.repository(), other], [["registry-shop-orders", "ECR repository registry-shop-orders has no LifecyclePolicy."]]);
    });

    it("C3: the registry stack replicates to the regions its providers and replica templates name", async () => {
        const registry = [fixtures.repository(), fixtures.lifecyclePolicy(), fixtures.creationTemplate("eu-west-1"), fixtures.creationTemplate("ap-southeast-2")];
        await expectStack(c3EcrReplication, [...registry, fixtures.replication(["eu-west-1", "ap-southeast-2"])], []);
        await expectStack(c3EcrReplication, [...registry, fixtures.replication(["eu-west-1"])],
            [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to ap-southeast-2."]]);
        await expectStack(c3EcrReplication, registry,
            [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to ap-southeast-2, eu-west-1."]]);
    });

    it("C3: a stack with repositories and workloads in two regions must replicate to the other one", async () => {
        const workloads = [fixtures.repository(), fixtures.ecsCluster("us-east-1"), fixtures.ecsCluster("eu-central-1")];
        await expectStack(c3EcrReplication, [...workloads, fixtures.replication(["eu-central-1"])], []);
        await expectStack(c3EcrReplication, workloads, [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to eu-central-1."]]);
        // A rule filtered to other repositories, or a destination in another account, does not count.
        const filtered = variant(fixtures.replication(["eu-central-1"]), "props.replicationConfiguration.rules.0.repositoryFilters", [{ filter: "billing/", filterType: "PREFIX_MATCH" }]);
        await expectStack(c3EcrReplication, [...workloads, filtered], [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to eu-central-1."]]);
        const otherAccount = variant(fixtures.replication(["eu-central-1"]), "props.replicationConfiguration.rules.0.destinations.0.registryId", "210987654321");
        await expectStack(c3EcrReplication, [...workloads, otherAccount], [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to eu-central-1."]]);
        // Regions served by other stacks come from config.
        await expectStack(c3EcrReplication, [fixtures.repository(), fixtures.replication(["eu-west-1"])],
            [["registry-shop-orders", "ECR repository registry-shop-orders (us-east-1) is not replicated to sa-east-1."]], { workloadRegions: ["eu-west-1", "sa-east-1"] });
    });

    it("C10: containers behind a load balancer have a health check", async () => {
        await expectStack(c10ContainerHealthCheck, ecsStack(), []);
        const { healthCheck: _omit, ...noHealth } = APP_CONTAINER;
        await expectStack(c10ContainerHealthCheck, replace(ecsStack(), taskDefinition([noHealth])),
            [["orders-td", "Container app of orders-td serves orders-svc's load balancer but has no healthCheck."]]);
    });

    it("C10: a load-balanced service's target group has an explicit health check and deregistration delay (lb and alb aliases)", async () => {
        for (const type of ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"]) {
            const stack = replace(ecsStack(), fixtures.targetGroup(type));
            await expectStack(c10TargetGroupHealth, stack, []);
            await expectStack(c10TargetGroupHealth, replace(stack, variant(fixtures.targetGroup(type), "props.deregistrationDelay", undefined)),
                [["orders-tg", "Target group orders-tg of service orders-svc has no explicit deregistrationDelay (the AWS default is 300 s)."]]);
            await expectStack(c10TargetGroupHealth, replace(stack, variant(fixtures.targetGroup(type), "props.healthCheck", undefined)),
                [["orders-tg", "Target group orders-tg of service orders-svc has no explicit healthCheck."]]);
        }
    });

    it("C10: in preview the target group ARN is unknown and the dependency links it", async () => {
        const service = { ...variant(fixtures.service(), "props.loadBalancers.0.targetGroupArn", UNKNOWN.string),
            propertyDependencies: { loadBalancers: [urnOf("aws:lb/targetGroup:TargetGroup", "orders-tg")] } };
        const tg = variant(variant(fixtures.targetGroup(), "props.arn", UNKNOWN.string), "props.healthCheck.enabled", false);
        await expectStack(c10TargetGroupHealth, replace(replace(ecsStack(), service), tg),
            [["orders-tg", "Target group orders-tg of service orders-svc disables its health check."]]);
    });

    it("C15: service subnets span at least two AZs", async () => {
        await expectStack(c15MultiAzSubnets, ecsStack(), []);
        const oneAz = [fixtures.subnet("us-east-1a", "subnet-a"), fixtures.subnet("us-east-1a", "subnet-b"), fixtures.subnet("us-east-1a", "subnet-c")];
        await expectStack(c15MultiAzSubnets, [...oneAz, ...ecsStack().filter((r) => r.type !== "aws:ec2/subnet:Subnet")],
            [["orders-svc", "orders-svc spans 1 Availability Zone(s) (us-east-1a); at least 2 are needed."]]);
        await expectStack(c15MultiAzSubnets, ecsStack(), [["orders-svc", "orders-svc spans 3 Availability Zone(s) (us-east-1a, us-east-1b, us-east-1c); at least 4 are needed."]],
            { minAvailabilityZones: 4 });
        const group = variant(fixtures.nodeGroup(), "props.subnetIds", ["subnet-a"]);
        await expectStack(c15MultiAzSubnets, [...ecsStack(), group], [["platform-system", "platform-system spans 1 Availability Zone(s) (us-east-1a); at least 2 are needed."]]);
    });

    it("C7/C11/C13: each cluster has the pod identity, observability and core add-ons", async () => {
        await expectStack(c7PodIdentityAgent, eksStack(), []);
        await expectStack(c11EksObservability, eksStack(), []);
        await expectStack(c13ManagedAddons, eksStack(), []);
        await expectStack(c7PodIdentityAgent, without(eksStack(), "platform-eks-pod-identity-agent"),
            [["platform-cluster", "EKS cluster platform-cluster lacks the managed add-on eks-pod-identity-agent."]]);
        await expectStack(c11EksObservability, without(eksStack(), "platform-amazon-cloudwatch-observability"),
            [["platform-cluster", "EKS cluster platform-cluster lacks the Container Insights add-on amazon-cloudwatch-observability."]]);
        await expectStack(c13ManagedAddons, without(without(eksStack(), "platform-coredns"), "platform-aws-ebs-csi-driver"),
            [["platform-cluster", "EKS cluster platform-cluster lacks the managed add-ons coredns, aws-ebs-csi-driver."]]);
        const autoMode = variant(fixtures.eksCluster(), "props.computeConfig", { enabled: true });
        await expectStack(c13ManagedAddons, [autoMode], []);
    });

    it("C12: clusters autoscale with Karpenter or Auto Mode", async () => {
        await expectStack(c12EksAutoscaling, eksStack(), []);
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), fixtures.nodeGroup()], [["platform-cluster", "EKS cluster platform-cluster has neither Karpenter nor Auto Mode."]]);
        await expectStack(c12EksAutoscaling, [variant(fixtures.eksCluster(), "props.computeConfig", { enabled: true })], []);
    });

    it("C12: Karpenter counts for the cluster its chart names, not for every cluster of the stack", async () => {
        const second = { ...variant(fixtures.eksCluster(), "props.name", "batch"), name: "batch-cluster" };
        await expectStack(c12EksAutoscaling, [...eksStack(), second], [["batch-cluster", "EKS cluster batch-cluster has neither Karpenter nor Auto Mode."]]);
        // A chart for a cluster of another stack covers none here.
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), variant(fixtures.karpenterRelease(), "props.values.settings.clusterName", "elsewhere")],
            [["platform-cluster", "EKS cluster platform-cluster has neither Karpenter nor Auto Mode."]]);
        // During preview the name is unknown and the engine's dependency names the cluster.
        const previewed = { ...variant(fixtures.karpenterRelease(), "props.values.settings.clusterName", UNKNOWN.string),
            propertyDependencies: { values: [urnOf("aws:eks/cluster:Cluster", "batch-cluster")] } };
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), second, previewed], [["platform-cluster", "EKS cluster platform-cluster has neither Karpenter nor Auto Mode."]]);
        // A chart whose cluster cannot be told, or NodePools of a Karpenter installed elsewhere, cover every cluster.
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), second, variant(fixtures.karpenterRelease(), "props.values", undefined)], []);
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), second, fixtures.nodePool()], []);
        // Karpenter installed through helm.v4.Chart (a remote component whose inputs are registered) counts too.
        await expectStack(c12EksAutoscaling, [fixtures.eksCluster(), fixtures.karpenterChart()], []);
    });

    it("V3: native sidecars need a cluster that enables them", async () => {
        await expectStack(v3NativeSidecars, [...eksStack(), fixtures.deployment()], []);
        await expectStack(v3NativeSidecars, [variant(fixtures.eksCluster(), "props.version", "1.28"), fixtures.deployment()],
            [["orders", "orders runs native sidecars (log-shipper) but the cluster runs Kubernetes 1.28; use 1.29 or later."]]);
        await expectStack(v3NativeSidecars, [fixtures.deployment()], [["orders", "orders runs native sidecars (log-shipper) but the cluster runs Kubernetes 1.27; use 1.29 or later."]],
            { clusterVersion: "1.27" });
    });

    it("a stack policy tagged with the type it judges finds nothing without it, so CrossGuard may skip it", async () => {
        // Every tagged policy's fault at once: no capacity providers, a container without a health check
        // behind a target group without one, a repository neither expired nor replicated to the second
        // workload region, an EKS cluster without add-ons or autoscaling whose private endpoint a Deployment is applied
        // through, a node group left at 0.
        const { healthCheck: _omit, ...noHealth } = APP_CONTAINER;
        const faulty = [
            ...replace(replace(without(ecsStack(), "shop-us-east-1-capacity"), taskDefinition([noHealth])),
                variant(fixtures.targetGroup(), "props.healthCheck", undefined)),
            fixtures.ecsCluster("eu-central-1"), fixtures.repository(), fixtures.eksCluster(),
            // A Spot-only, undiscoverable, EC2-placed-anyhow service pinned to platform 1.3.0 with a 16 vCPU task.
            { ...variant(variant(variant(variant(fixtures.service(), "props.capacityProviderStrategies", [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]),
                "props.serviceConnectConfiguration", undefined), "props.platformVersion", "1.3.0"), "props.taskDefinition", "arn:aws:ecs:us-east-1:123456789012:task-definition/big:1"), name: "spot-svc" },
            { ...variant(variant(taskDefinition(), "props.cpu", "16384"), "props.memory", "32768"), name: "big-td", props: { ...variant(variant(taskDefinition(), "props.cpu", "16384"), "props.memory", "32768").props, arn: "arn:aws:ecs:us-east-1:123456789012:task-definition/big:1" } },
            { ...variant(variant(ec2Service(), "props.orderedPlacementStrategies", undefined), "props.launchType", undefined), name: "default-launch-svc" },
            variant(variant(fixtures.registryScanning(), "props.scanType", "ENHANCED"), "props.rules.0.repositoryFilters", [{ filter: "billing/*", filterType: "WILDCARD" }]),
            variant(fixtures.queue(), "props.redrivePolicy", undefined), fixtures.vpc(),
            // Applied through the private-only endpoint; and a node group nothing scales up from 0.
            fixtures.deployment(), variant(fixtures.nodeGroup(), "props.scalingConfig", { minSize: 0, desiredSize: 0, maxSize: 10 }),
            // A Fargate profile in a subnet tagged for internet-facing load balancers.
            variant(fixtures.subnet("us-east-1a", "subnet-pub"), "props.tags", { "kubernetes.io/role/elb": "1" }),
            { type: "aws:eks/fargateProfile:FargateProfile", name: "apps", props: { clusterName: "platform", subnetIds: ["subnet-pub"], selectors: [{ namespace: "apps" }] } },
        ];
        const tagged = STACK_POLICIES.map((p) => ({ p, type: taggedType(p.validateStack) })).filter((t) => t.type !== undefined);
        assert.deepEqual(tagged.map((t) => t.p.name).sort(), [
            "c10-container-health-check", "c10-target-group-health", "c11-eks-observability", "c12-eks-autoscaling",
            "c13-managed-addons", "c15-ec2-placement", "c2-ecs-capacity-providers", "c3-ecr-enhanced-scanning-coverage",
            "c3-ecr-lifecycle-policy", "c3-ecr-replication", "c4-fargate-platform-version", "c5-service-discovery",
            "c7-pod-identity-agent", "c8-spot-only-load-balanced", "deploy-eks-endpoint-reachable", "deploy-node-group-scaled",
            "sec-fargate-profile-private-subnets", "sec-sqs-dead-letter-queue", "sec-vpc-flow-logs",
        ]);
        for (const { p, type } of tagged) {
            const found = await validateStack(p, faulty, {}, false);
            assert.ok(found.messages.length > 0, `${p.name} finds the fault with its ${type}`);
            const rest = faulty.filter((r) => r.type !== type);
            assert.deepEqual((await validateStack(p, rest, {}, false)).messages, [], `${p.name} without ${type}`);
        }
    });
});
