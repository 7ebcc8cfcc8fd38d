import {
    c2FargateHostAccess, c4ContainerLogging, c4FargateCpuMemory, c4TaskRoles, c5NoAppMesh, c5ServiceDiscovery, c8EcsFargateCapacity,
    c8SpotOnlyLoadBalanced, c9GravitonTasks, c11EcsContainerInsights, c15Ec2Placement,
} from "../../policy/ecs";
import { APP_CONTAINER, ecsStack, fixtures, taskDefinition } from "./fixtures";
import { expectResource, expectStack, TestResource, variant } from "./harness";

const replace = (resources: TestResource[], r: TestResource) => resources.map((x) => (x.name === r.name ? r : x));
const withService = (service: TestResource) => replace(ecsStack(), service);

describe("policy: ECS", () => {
    it("C2: Fargate tasks with GPUs, privileged containers or host paths are reported", async () => {
        await expectResource(c2FargateHostAccess, fixtures.taskDefinition(), []);
        await expectResource(c2FargateHostAccess, taskDefinition([{ ...APP_CONTAINER, resourceRequirements: [{ type: "GPU", value: "1" }] }]),
            ["Fargate task definition orders-td: container app requests a GPU; Fargate offers none of these, run it on EC2 capacity."]);
        await expectResource(c2FargateHostAccess, variant(fixtures.taskDefinition(), "props.volumes", [{ name: "docker", hostPath: "/var/run/docker.sock" }]),
            ["Fargate task definition orders-td: volume docker mounts a host path; Fargate offers none of these, run it on EC2 capacity."]);
        await expectResource(c2FargateHostAccess, variant(taskDefinition([{ ...APP_CONTAINER, privileged: true }]), "props.requiresCompatibilities", ["EC2"]), []);
    });

    it("C4: Fargate cpu/memory must be a Fargate size (8 vCPU in 4 GB steps, 16 vCPU in 8 GB steps)", async () => {
        await expectResource(c4FargateCpuMemory, fixtures.taskDefinition(), []);
        await expectResource(c4FargateCpuMemory, variant(variant(fixtures.taskDefinition(), "props.cpu", "8192"), "props.memory", "20480"), []);
        await expectResource(c4FargateCpuMemory, variant(variant(fixtures.taskDefinition(), "props.cpu", "8192"), "props.memory", "18432"),
            ["Fargate task definition orders-td: cpu 8192 with memory 18432 MiB is not a Fargate size."]);
        await expectResource(c4FargateCpuMemory, variant(variant(fixtures.taskDefinition(), "props.cpu", "16384"), "props.memory", "122880"), []);
        await expectResource(c4FargateCpuMemory, variant(fixtures.taskDefinition(), "props.memory", "8192"),
            ["Fargate task definition orders-td: cpu 512 with memory 8192 MiB is not a Fargate size."]);
        await expectResource(c4FargateCpuMemory, variant(fixtures.taskDefinition(), "props.cpu", undefined),
            ["Fargate task definition orders-td must set both task-level cpu and memory."]);
    });

    it("C4: task and execution roles are set", async () => {
        await expectResource(c4TaskRoles, fixtures.taskDefinition(), []);
        await expectResource(c4TaskRoles, variant(fixtures.taskDefinition(), "props.taskRoleArn", undefined), ["Task definition orders-td has no taskRoleArn."]);
        await expectResource(c4TaskRoles, variant(fixtures.taskDefinition(), "props.executionRoleArn", undefined), ["Task definition orders-td has no executionRoleArn."]);
    });

    it("C4: every container has a logConfiguration", async () => {
        await expectResource(c4ContainerLogging, fixtures.taskDefinition(), []);
        const { logConfiguration: _omit, ...noLogs } = APP_CONTAINER;
        await expectResource(c4ContainerLogging, taskDefinition([APP_CONTAINER, { ...noLogs, name: "sidecar" }]),
            ["Container sidecar of orders-td has no logConfiguration.logDriver."]);
    });

    it("C5: any App Mesh resource, or an APPMESH proxy, is reported", async () => {
        await expectResource(c5NoAppMesh, fixtures.mesh(), ["aws:appmesh/mesh:Mesh legacy-mesh is an App Mesh resource."]);
        await expectResource(c5NoAppMesh, { ...fixtures.mesh(), type: "aws:appmesh/virtualNode:VirtualNode" }, ["aws:appmesh/virtualNode:VirtualNode legacy-mesh is an App Mesh resource."]);
        await expectResource(c5NoAppMesh, fixtures.taskDefinition(), []);
        await expectResource(c5NoAppMesh, variant(fixtures.taskDefinition(), "props.proxyConfiguration", { type: "APPMESH", containerName: "envoy" }),
            ["Task definition orders-td uses an APPMESH proxy configuration."]);
        await expectResource(c5NoAppMesh, fixtures.service(), []);
    });

    it("C5: services use Service Connect, Cloud Map or VPC Lattice", async () => {
        await expectStack(c5ServiceDiscovery, ecsStack(), []);
        const bare = variant(fixtures.service(), "props.serviceConnectConfiguration", undefined);
        await expectStack(c5ServiceDiscovery, withService(bare), [["orders-svc", "ECS service orders-svc uses neither Service Connect, Cloud Map (serviceRegistries) nor VPC Lattice."]]);
        await expectStack(c5ServiceDiscovery, withService(variant(bare, "props.serviceRegistries", { registryArn: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" })), []);
        // A queue worker takes no calls: no load balancer, no port mappings.
        const { portMappings: _ports, ...noPorts } = APP_CONTAINER;
        const worker = variant(bare, "props.loadBalancers", undefined);
        await expectStack(c5ServiceDiscovery, replace(withService(worker), taskDefinition([noPorts])), []);
        await expectStack(c5ServiceDiscovery, withService(worker), [["orders-svc", "ECS service orders-svc uses neither Service Connect, Cloud Map (serviceRegistries) nor VPC Lattice."]]);
    });

    it("C8: clusters attach FARGATE and FARGATE_SPOT", async () => {
        await expectResource(c8EcsFargateCapacity, fixtures.capacityProviders(), []);
        await expectResource(c8EcsFargateCapacity, variant(fixtures.capacityProviders(), "props.capacityProviders", ["FARGATE"]),
            ["Cluster capacity providers shop-us-east-1-capacity lack FARGATE_SPOT."]);
    });

    it("C8: a load-balanced service on FARGATE_SPOT alone is advisory-reported", async () => {
        await expectStack(c8SpotOnlyLoadBalanced, ecsStack(), []);
        await expectStack(c8SpotOnlyLoadBalanced, withService(variant(fixtures.service(), "props.capacityProviderStrategies", [{ capacityProvider: "FARGATE_SPOT", weight: 1 }])),
            [["orders-svc", "Load-balanced service orders-svc runs only on FARGATE_SPOT."]]);
        const worker = variant(fixtures.service(), "props.loadBalancers", undefined);
        await expectStack(c8SpotOnlyLoadBalanced, withService(variant(worker, "props.capacityProviderStrategies", [{ capacityProvider: "FARGATE_SPOT", weight: 1 }])), []);
    });

    it("C9: tasks run on ARM64; x86_64 (or the default) is reported", async () => {
        await expectResource(c9GravitonTasks, fixtures.taskDefinition(), []);
        await expectResource(c9GravitonTasks, variant(fixtures.taskDefinition(), "props.runtimePlatform", undefined),
            ["Task definition orders-td runs on X86_64; allowed: ARM64."]);
        await expectResource(c9GravitonTasks, variant(fixtures.taskDefinition(), "props.runtimePlatform.cpuArchitecture", "X86_64"), [], { allowedArchitectures: ["ARM64", "X86_64"] });
        // Windows containers run on X86_64 only: not judged.
        await expectResource(c9GravitonTasks, variant(fixtures.taskDefinition(), "props.runtimePlatform", { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE", cpuArchitecture: "X86_64" }), []);
    });

    it("C11: clusters enable Container Insights", async () => {
        await expectResource(c11EcsContainerInsights, fixtures.ecsCluster(), []);
        await expectResource(c11EcsContainerInsights, variant(fixtures.ecsCluster(), "props.settings", [{ name: "containerInsights", value: "disabled" }]),
            ["ECS cluster shop-us-east-1-cluster has containerInsights disabled; allowed: enabled, enhanced."]);
        await expectResource(c11EcsContainerInsights, variant(fixtures.ecsCluster(), "props.settings", undefined),
            ["ECS cluster shop-us-east-1-cluster has containerInsights unset; allowed: enabled, enhanced."]);
    });

    it("C15: EC2-backed services spread over AZs, then binpack; Fargate services are not concerned", async () => {
        const ec2 = variant(variant(fixtures.service(), "props.capacityProviderStrategies", undefined), "props.launchType", "EC2");
        await expectStack(c15Ec2Placement, ecsStack(), []);
        const message = "EC2-backed service orders-svc does not spread on attribute:ecs.availability-zone then binpack.";
        await expectStack(c15Ec2Placement, withService(ec2), [["orders-svc", message]]);
        await expectStack(c15Ec2Placement, withService(variant(ec2, "props.orderedPlacementStrategies",
            [{ type: "spread", field: "attribute:ecs.availability-zone" }, { type: "binpack", field: "memory" }])), []);
        await expectStack(c15Ec2Placement, withService(variant(ec2, "props.orderedPlacementStrategies", [{ type: "binpack", field: "memory" }])), [["orders-svc", message]]);
    });
});
