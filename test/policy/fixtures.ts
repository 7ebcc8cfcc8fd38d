import { lifecyclePolicyDocument } from "../../components/registry/lifecycle";
import { TestResource, urnOf } from "./harness";

/**
 * Happy-path resources, each compliant with every policy; specs change one field per case. Props are
 * shaped like the inputs @pulumi/aws v7 and @pulumi/kubernetes send (JSON documents as strings).
 */

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

export const LIFECYCLE_DOCUMENT = lifecyclePolicyDocument({ untaggedExpireDays: 14, keepTaggedCount: 30, expiringTagPrefixes: ["dev-"], expiringTagPrefixDays: 14, releaseTagPrefixes: ["v"] });

export const TASK_ROLE_TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

export function policyDocument(action: string | string[], resource: string | string[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
}

export const APP_CONTAINER = {
    name: "app",
    image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop/orders:1.0.0`,
    essential: true,
    readonlyRootFilesystem: true,
    portMappings: [{ containerPort: 8080, protocol: "tcp" }],
    healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], interval: 30, retries: 3, timeout: 5 },
    logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/shop/orders", "awslogs-region": REGION, "awslogs-stream-prefix": "app" } },
    environment: [{ name: "LOG_LEVEL", value: "info" }],
    secrets: [{ name: "DB_PASSWORD", valueFrom: arn("secretsmanager", "secret:shop/db-AbCdEf") }],
};

export function taskDefinition(containers: object[] = [APP_CONTAINER], name = "orders-td"): TestResource {
    return {
        type: "aws:ecs/taskDefinition:TaskDefinition", name, region: REGION,
        props: {
            family: "orders", requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "512", memory: "1024",
            taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/orders-task`, executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/orders-exec`,
            runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
            containerDefinitions: JSON.stringify(containers),
            arn: arn("ecs", "task-definition/orders:1"),
        },
    };
}

const TG_ARN = arn("elasticloadbalancing", "targetgroup/orders/0123456789abcdef");

export const fixtures = {
    repository: (): TestResource => ({
        type: "aws:ecr/repository:Repository", name: "registry-shop-orders", region: REGION,
        props: { name: "shop/orders", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfigurations: [{ encryptionType: "KMS" }], registryId: ACCOUNT },
    }),
    lifecyclePolicy: (): TestResource => ({
        type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", name: "registry-shop-orders-lifecycle", region: REGION,
        props: { repository: "shop/orders", policy: LIFECYCLE_DOCUMENT },
    }),
    registryScanning: (): TestResource => ({
        type: "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", name: "registry-us-east-1-scanning", region: REGION,
        props: { scanType: "BASIC", rules: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }] },
    }),
    creationTemplate: (region = "eu-west-1"): TestResource => ({
        type: "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", name: `registry-${region}-replica-template`, region,
        props: { prefix: "ROOT", appliedFors: ["REPLICATION"], imageTagMutability: "IMMUTABLE", encryptionConfigurations: [{ encryptionType: "KMS" }], lifecyclePolicy: LIFECYCLE_DOCUMENT },
    }),
    replication: (regions: string[] = ["eu-west-1"]): TestResource => ({
        type: "aws:ecr/replicationConfiguration:ReplicationConfiguration", name: "registry-replication", region: REGION,
        props: { replicationConfiguration: { rules: [{ destinations: regions.map((region) => ({ region, registryId: ACCOUNT })), repositoryFilters: [{ filter: "shop/orders", filterType: "PREFIX_MATCH" }] }] } },
    }),
    ecsCluster: (region = REGION): TestResource => ({
        type: "aws:ecs/cluster:Cluster", name: `shop-${region}-cluster`, region,
        props: { name: `shop-${region}`, settings: [{ name: "containerInsights", value: "enhanced" }], arn: arn("ecs", `cluster/shop-${region}`, region) },
    }),
    capacityProviders: (region = REGION): TestResource => ({
        type: "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", name: `shop-${region}-capacity`, region,
        props: { clusterName: `shop-${region}`, capacityProviders: ["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 1, weight: 1 }] },
    }),
    taskDefinition: () => taskDefinition(),
    service: (): TestResource => ({
        type: "aws:ecs/service:Service", name: "orders-svc", region: REGION,
        props: {
            cluster: arn("ecs", "cluster/shop-us-east-1"), taskDefinition: arn("ecs", "task-definition/orders:1"), desiredCount: 3,
            capacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 1, weight: 1 }, { capacityProvider: "FARGATE_SPOT", weight: 3 }],
            networkConfiguration: { subnets: ["subnet-a", "subnet-b", "subnet-c"], securityGroups: ["sg-0123"], assignPublicIp: false },
            loadBalancers: [{ targetGroupArn: TG_ARN, containerName: "app", containerPort: 8080 }],
            serviceConnectConfiguration: { enabled: true, namespace: arn("servicediscovery", "namespace/ns-1") },
        },
    }),
    targetGroup: (type = "aws:lb/targetGroup:TargetGroup"): TestResource => ({
        type, name: "orders-tg", region: REGION,
        props: {
            arn: TG_ARN, port: 8080, protocol: "HTTP", targetType: "ip", vpcId: "vpc-1", deregistrationDelay: 30,
            healthCheck: { enabled: true, path: "/health", protocol: "HTTP", matcher: "200", interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
        },
    }),
    listener: (type = "aws:lb/listener:Listener"): TestResource => ({
        type, name: "shop-https", region: REGION,
        props: { loadBalancerArn: arn("elasticloadbalancing", "loadbalancer/app/shop/1"), port: 443, protocol: "HTTPS", certificateArn: arn("acm", "certificate/1"), sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", defaultActions: [{ type: "forward", targetGroupArn: TG_ARN }] },
    }),
    subnet: (az: string, id: string): TestResource => ({
        type: "aws:ec2/subnet:Subnet", name: `net-${id}`, region: REGION,
        props: { id, vpcId: "vpc-1", availabilityZone: az, cidrBlock: "10.0.0.0/20", mapPublicIpOnLaunch: false },
    }),
    eksCluster: (): TestResource => ({
        type: "aws:eks/cluster:Cluster", name: "platform-cluster", region: REGION,
        props: {
            name: "platform", version: "1.34", roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
            vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], endpointPrivateAccess: true, endpointPublicAccess: false },
            encryptionConfig: { provider: { keyArn: arn("kms", "key/1") }, resources: ["secrets"] },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            accessConfig: { authenticationMode: "API" },
        },
    }),
    addon: (addonName: string, clusterName = "platform"): TestResource => ({
        type: "aws:eks/addon:Addon", name: `platform-${addonName}`, region: REGION, props: { clusterName, addonName },
    }),
    nodeGroup: (): TestResource => ({
        type: "aws:eks/nodeGroup:NodeGroup", name: "platform-system", region: REGION,
        props: { clusterName: "platform", amiType: "BOTTLEROCKET_ARM_64", instanceTypes: ["m7g.large", "c7g.large"], subnetIds: ["subnet-a", "subnet-b", "subnet-c"], version: "1.34", scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 3 } },
    }),
    launchTemplate: (): TestResource => ({
        type: "aws:ec2/launchTemplate:LaunchTemplate", name: "nodes-lt", region: REGION,
        props: { metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 }, networkInterfaces: [{ associatePublicIpAddress: "false" }] },
    }),
    instance: (): TestResource => ({
        type: "aws:ec2/instance:Instance", name: "bastion", region: REGION,
        props: { instanceType: "t4g.micro", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
    }),
    autoscalingGroup: (): TestResource => ({
        type: "aws:autoscaling/group:Group", name: "workers", region: REGION,
        props: { vpcZoneIdentifiers: ["subnet-a", "subnet-b"], minSize: 1, maxSize: 3, tags: [{ key: "Name", value: "workers", propagateAtLaunch: true }] },
    }),
    role: (): TestResource => ({
        type: "aws:iam/role:Role", name: "orders-task", region: REGION,
        props: { assumeRolePolicy: TASK_ROLE_TRUST, inlinePolicies: [{ name: "read", policy: policyDocument("s3:GetObject", "arn:aws:s3:::shop-assets/*") }], managedPolicyArns: [] },
    }),
    rolePolicy: (): TestResource => ({
        type: "aws:iam/rolePolicy:RolePolicy", name: "orders-exec-secrets", region: REGION,
        props: { role: "orders-exec", policy: policyDocument(["secretsmanager:GetSecretValue"], arn("secretsmanager", "secret:shop/*")) },
    }),
    rolePolicyAttachment: (): TestResource => ({
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "nodes-ssm", region: REGION,
        props: { role: "nodes", policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
    }),
    queue: (): TestResource => ({
        type: "aws:sqs/queue:Queue", name: "jobs", region: REGION,
        props: { sqsManagedSseEnabled: true, visibilityTimeoutSeconds: 300, arn: arn("sqs", "jobs"), redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "jobs-dlq"), maxReceiveCount: 5 }) },
    }),
    deadLetterQueue: (): TestResource => ({ type: "aws:sqs/queue:Queue", name: "jobs-dlq", region: REGION, props: { sqsManagedSseEnabled: true, arn: arn("sqs", "jobs-dlq") } }),
    queuePolicy: (): TestResource => ({
        type: "aws:sqs/queuePolicy:QueuePolicy", name: "jobs-policy", region: REGION,
        props: {
            queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [
                { Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: arn("sqs", "jobs"), Condition: { Bool: { "aws:SecureTransport": "false" } } },
                { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn("sqs", "jobs") },
            ] }),
        },
    }),
    table: (): TestResource => ({
        type: "aws:dynamodb/table:Table", name: "state", region: REGION,
        props: { billingMode: "PAY_PER_REQUEST", hashKey: "pk", attributes: [{ name: "pk", type: "S" }], serverSideEncryption: { enabled: true }, pointInTimeRecovery: { enabled: true } },
    }),
    logGroup: (): TestResource => ({ type: "aws:cloudwatch/logGroup:LogGroup", name: "orders-logs", region: REGION, props: { retentionInDays: 30, kmsKeyId: arn("kms", "key/1") } }),
    kmsKey: (): TestResource => ({ type: "aws:kms/key:Key", name: "logs-key", region: REGION, props: { enableKeyRotation: true, deletionWindowInDays: 30 } }),
    loadBalancer: (): TestResource => ({
        type: "aws:lb/loadBalancer:LoadBalancer", name: "shop-alb", region: REGION,
        props: {
            arn: arn("elasticloadbalancing", "loadbalancer/app/shop/1"), loadBalancerType: "application", internal: false, subnets: ["subnet-a", "subnet-b"],
            dropInvalidHeaderFields: true, enableDeletionProtection: true, accessLogs: { bucket: "shop-alb-logs", enabled: true },
        },
    }),
    listenerRule: (): TestResource => ({
        type: "aws:lb/listenerRule:ListenerRule", name: "orders-rule", region: REGION,
        props: { listenerArn: arn("elasticloadbalancing", "listener/app/shop/1/443"), priority: 10, conditions: [{ pathPattern: { values: ["/orders/*"] } }], actions: [{ type: "forward", targetGroupArn: TG_ARN }] },
    }),
    launchConfiguration: (): TestResource => ({
        type: "aws:ec2/launchConfiguration:LaunchConfiguration", name: "legacy-lc", region: REGION,
        props: { imageId: "ami-1", instanceType: "m7g.large", associatePublicIpAddress: false, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } },
    }),
    vpc: (): TestResource => ({ type: "aws:ec2/vpc:Vpc", name: "net-vpc", region: REGION, props: { id: "vpc-1", cidrBlock: "10.0.0.0/16" } }),
    flowLog: (): TestResource => ({ type: "aws:ec2/flowLog:FlowLog", name: "net-flow", region: REGION, props: { vpcId: "vpc-1", trafficType: "ALL", logDestination: arn("logs", "log-group:/vpc/flow") } }),
    stateMachine: (): TestResource => ({
        type: "aws:sfn/stateMachine:StateMachine", name: "pipeline", region: REGION,
        props: { roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`, definition: JSON.stringify({ StartAt: "a", States: { a: { Type: "Pass", End: true } } }), loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: arn("logs", "log-group:/sfn:*") }, tracingConfiguration: { enabled: true } },
    }),
    repositoryPolicy: (): TestResource => ({
        type: "aws:ecr/repositoryPolicy:RepositoryPolicy", name: "orders-pull", region: REGION,
        props: { repository: "shop/orders", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::210987654321:root" }, Action: ["ecr:BatchGetImage"] }] }) },
    }),
    daemonTaskDefinition: (): TestResource => ({
        type: "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition", name: "agent-td", region: REGION,
        props: {
            family: "agent", cpu: "256", memory: "512",
            taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/agent-task`, executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/agent-exec`,
            containerDefinitions: [{
                name: "agent", image: "public.ecr.aws/agent:1", essential: true, readonlyRootFilesystem: true,
                environments: [{ name: "LOG_LEVEL", value: "info" }], secrets: [{ name: "API_TOKEN", valueFrom: arn("ssm", "parameter/agent/token") }],
                logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/agent" } },
                healthCheck: { commands: ["CMD-SHELL", "true"] }, linuxParameters: { capabilities: { adds: [], drops: ["ALL"] } },
            }],
        },
    }),
    expressService: (): TestResource => ({
        type: "aws:ecs/expressGatewayService:ExpressGatewayService", name: "web-express", region: REGION,
        props: {
            cluster: "shop", cpu: "512", memory: "1024",
            executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-exec`, infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-infra`, taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
            primaryContainer: { image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/shop/web:1.0.0`, containerPort: 8080, environments: [{ name: "LOG_LEVEL", value: "info" }], secrets: [{ name: "DB_PASSWORD", valueFrom: arn("secretsmanager", "secret:shop/db-AbCdEf") }] },
            networkConfigurations: [{ subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-0123"] }],
        },
    }),
    kubernetesSecret: (): TestResource => ({
        type: "kubernetes:core/v1:Secret", name: "ci-token",
        props: { apiVersion: "v1", kind: "Secret", metadata: { name: "ci-token", annotations: { "kubernetes.io/service-account.name": "ci" } }, type: "kubernetes.io/service-account-token" },
    }),
    mesh: (): TestResource => ({ type: "aws:appmesh/mesh:Mesh", name: "legacy-mesh", region: REGION, props: { name: "legacy" } }),
    // Resources carrying IAM documents, a state machine and an External Secrets store (deploy-readiness policies).
    ...Object.fromEntries(([
        ["userPolicy", "aws:iam/userPolicy:UserPolicy", { user: "ci" }], ["groupPolicy", "aws:iam/groupPolicy:GroupPolicy", { group: "ops" }],
        // queuePolicy and repositoryPolicy are the sound ones above (TLS-only, no public principal).
        ["bucketPolicy", "aws:s3/bucketPolicy:BucketPolicy", { bucket: "shop-assets" }],
        ["topicPolicy", "aws:sns/topicPolicy:TopicPolicy", { arn: arn("sns", "alarms") }],
        ["registryPolicy", "aws:ecr/registryPolicy:RegistryPolicy", {}],
    ] as const).map(([key, type, extra]) => [key, (): TestResource => ({
        type, name: `shop-${key}`, region: REGION, props: { ...extra, policy: policyDocument("s3:GetObject", "arn:aws:s3:::shop-assets/*") },
    })])),
    kmsKeyWithPolicy: (): TestResource => ({
        type: "aws:kms/key:Key", name: "shop-key", region: REGION,
        props: { enableKeyRotation: true, deletionWindowInDays: 30, policy: JSON.stringify({ Version: "2012-10-17", Statement: [
            { Sid: "Admin", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }] }) },
    }),
    validStateMachine: (): TestResource => ({
        type: "aws:sfn/stateMachine:StateMachine", name: "shop-pipeline", region: REGION,
        props: {
            type: "STANDARD", roleArn: `arn:aws:iam::${ACCOUNT}:role/pipeline`, definition: JSON.stringify({ StartAt: "a", States: { a: { Type: "Pass", End: true } } }),
            loggingConfiguration: { level: "ERROR", includeExecutionData: false, logDestination: arn("logs", "log-group:/sfn:*") }, tracingConfiguration: { enabled: true },
        },
    }),
    clusterSecretStore: (): TestResource => ({
        type: "kubernetes:external-secrets.io/v1:ClusterSecretStore", name: "secrets-store",
        props: { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: { name: "aws" }, spec: { provider: { aws: { service: "SecretsManager", region: REGION } } } },
    }),
    nodePool: (): TestResource => ({
        type: "kubernetes:karpenter.sh/v1:NodePool", name: "default-pool",
        props: {
            apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "default" },
            spec: { template: { spec: { requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }, { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] }], nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" } } } },
        },
    }),
    nodeClass: (): TestResource => ({
        type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", name: "default-class",
        props: {
            apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", metadata: { name: "default" },
            spec: { amiSelectorTerms: [{ alias: "bottlerocket@latest" }], role: "platform-nodes", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }, subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "platform" } }], securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "platform" } }] },
        },
    }),
    karpenterRelease: (): TestResource => ({
        type: "kubernetes:helm.sh/v3:Release", name: "karpenter",
        props: { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.15.0", namespace: "kube-system", skipCrds: true, values: { settings: { clusterName: "platform" } } },
    }),
    karpenterChart: (): TestResource => ({
        type: "kubernetes:helm.sh/v4:Chart", name: "karpenter-chart",
        props: { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.15.0", namespace: "kube-system", values: { settings: { clusterName: "platform" } } },
    }),
    deployment: (): TestResource => ({
        type: "kubernetes:apps/v1:Deployment", name: "orders",
        props: {
            apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "orders" },
            spec: {
                replicas: 3, selector: { matchLabels: { app: "orders" } },
                template: {
                    metadata: { labels: { app: "orders" } },
                    spec: {
                        containers: [{ name: "app", image: "orders:1.0.0", env: [{ name: "LOG_LEVEL", value: "info" }, { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }] }],
                        initContainers: [{ name: "log-shipper", image: "fluent-bit:3", restartPolicy: "Always" }],
                    },
                },
            },
        },
    }),
};

/** An EC2-backed service placed as C15 asks: spread over AZs, then binpack. */
export function ec2Service(): TestResource {
    return {
        type: "aws:ecs/service:Service", name: "gpu-svc", region: REGION,
        props: {
            cluster: arn("ecs", "cluster/shop-us-east-1"), taskDefinition: arn("ecs", "task-definition/orders:1"), desiredCount: 2, launchType: "EC2",
            orderedPlacementStrategies: [{ type: "spread", field: "attribute:ecs.availability-zone" }, { type: "binpack", field: "memory" }],
            networkConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-0123"], assignPublicIp: false },
        },
    };
}

/** A minimal, compliant ECS service stack: subnets in three AZs, cluster, capacity, task, target group, service. */
export function ecsStack(): TestResource[] {
    const subnets = [fixtures.subnet("us-east-1a", "subnet-a"), fixtures.subnet("us-east-1b", "subnet-b"), fixtures.subnet("us-east-1c", "subnet-c")];
    const service = fixtures.service();
    return [
        ...subnets, fixtures.ecsCluster(), fixtures.capacityProviders(), fixtures.taskDefinition(), fixtures.targetGroup(),
        { ...service, propertyDependencies: { networkConfiguration: subnets.map((s) => urnOf(s.type, s.name)) } },
    ];
}
