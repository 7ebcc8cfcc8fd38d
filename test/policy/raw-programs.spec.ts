import { c3EcrEnhancedScanningCoverage, c3EcrImageScanning } from "../../policy/ecr";
import {
    c2FargateHostAccess, c4ContainerLogging, c4FargateCpuMemory, c4TaskRoles, c8EcsFargateCapacity, c8SpotOnlyLoadBalanced, c15Ec2Placement,
} from "../../policy/ecs";
import { c9GravitonNodes, c15NodePoolZones, secEksEndpoint } from "../../policy/eks";
import { secHttpsForwarding, secHttpsListeners, secNoPublicIp, secPrivateSubnets } from "../../policy/network";
import { secImdsv2, secLeastPrivilege, secNoPlaintextSecrets } from "../../policy/security";
import { c4FargatePlatformVersion, c4TaskRoleTrust } from "../../policy/stack";
import { APP_CONTAINER, ec2Service, ecsStack, fixtures, policyDocument, TASK_ROLE_TRUST, taskDefinition } from "./fixtures";
import { expectResource, expectStack, TestResource, UNKNOWN, urnOf, variant } from "./harness";

/**
 * What a team writing plain @pulumi/aws and @pulumi/kubernetes resources breaks in ordinary ways (issue 19):
 * each case starts from a sound resource (test/policy/fixtures.ts) and changes one thing.
 */

const replace = (resources: TestResource[], r: TestResource) => resources.map((x) => (x.name === r.name ? r : x));
const env = (name: string, value: string) => taskDefinition([{ ...APP_CONTAINER, environment: [{ name, value }] }]);
const plaintext = (name: string) => [`orders-td: container app sets ${name} as a plaintext environment value.`];
const role = (name: string, trust: string): TestResource => ({
    ...variant(variant(fixtures.role(), "props.assumeRolePolicy", trust), "props.arn", `arn:aws:iam::123456789012:role/${name}`), name,
});
const EC2_TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });

describe("policy on raw programs: secrets (C4)", () => {
    it("values shaped like secrets are reported whatever the variable is called", async () => {
        await expectResource(secNoPlaintextSecrets, env("DATABASE_URL", "postgres://orders:s3cr3t-pw@db.internal:5432/orders"), plaintext("DATABASE_URL"));
        await expectResource(secNoPlaintextSecrets, env("DB_DSN", "Server=db;Database=orders;User Id=app;Password=s3cr3t;"), plaintext("DB_DSN"));
        await expectResource(secNoPlaintextSecrets, env("JWT_SIGNER", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"), plaintext("JWT_SIGNER"));
        await expectResource(secNoPlaintextSecrets, env("GH", "ghp_0123456789abcdefghijABCDEFGHIJ012345"), plaintext("GH"));
        await expectResource(secNoPlaintextSecrets, env("SIGNING_KEY", "8f3a1c9e5b7d"), plaintext("SIGNING_KEY"));
        // A URL without a password, and the sound fixture, pass.
        await expectResource(secNoPlaintextSecrets, env("DATABASE_URL", "postgres://db.internal:5432/orders"), []);
    });

    it("references and settings named like secrets are not (DB_SECRET_ARN, SECRET_NAME, OAUTH_TOKEN_ENDPOINT, PASSWORD_MIN_LENGTH, API_KEY_HEADER)", async () => {
        for (const [name, value] of [
            ["DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf"], ["SECRET_NAME", "shop/db"],
            ["OAUTH_TOKEN_ENDPOINT", "https://auth.example.com/oauth2/token"], ["PASSWORD_MIN_LENGTH", "12"], ["API_KEY_HEADER", "X-Api-Key"],
            ["TOKEN_CACHE_ENABLED", "true"],
        ]) {
            await expectResource(secNoPlaintextSecrets, env(name, value), []);
        }
        // Their values are still read: a reference name does not hide a token.
        await expectResource(secNoPlaintextSecrets, env("SECRET_NAME", "AKIAABCDEFGHIJKLMNOP"), plaintext("SECRET_NAME"));
    });

    it("Kubernetes Secrets with literal data and Deployment env literals are reported", async () => {
        await expectResource(secNoPlaintextSecrets, fixtures.kubernetesSecret(), []);
        const opaque = variant(variant(fixtures.kubernetesSecret(), "props.type", "Opaque"), "props.stringData", { password: "hunter2" });
        await expectResource(secNoPlaintextSecrets, opaque,
            ["Kubernetes Secret ci-token holds literal values (password); sync it from Secrets Manager (External Secrets Operator) instead."]);
        await expectResource(secNoPlaintextSecrets, variant(fixtures.deployment(), "props.spec.template.spec.containers.0.env.0", { name: "REDIS_URL", value: "redis://:p4ss@cache:6379" }),
            ["orders: container app sets REDIS_URL as a plaintext environment value."]);
    });

    it("daemon task definitions and Express services are read too", async () => {
        await expectResource(secNoPlaintextSecrets, fixtures.daemonTaskDefinition(), []);
        await expectResource(secNoPlaintextSecrets, variant(fixtures.daemonTaskDefinition(), "props.containerDefinitions.0.environments.0", { name: "API_TOKEN", value: "abc123" }),
            ["agent-td: container agent sets API_TOKEN as a plaintext environment value."]);
        await expectResource(secNoPlaintextSecrets, fixtures.expressService(), []);
        await expectResource(secNoPlaintextSecrets, variant(fixtures.expressService(), "props.primaryContainer.environments.0", { name: "DB_PASSWORD", value: "hunter2" }),
            ["web-express: container primary sets DB_PASSWORD as a plaintext environment value."]);
    });
});

describe("policy on raw programs: task roles (C4)", () => {
    it("one ARN for both roles is reported on the task definition", async () => {
        await expectResource(c4TaskRoles, variant(fixtures.taskDefinition(), "props.executionRoleArn", "arn:aws:iam::123456789012:role/orders-task"),
            ["Task definition orders-td uses one role as both task role and execution role."]);
    });

    it("a role trusting ec2.amazonaws.com, or one role for both (linked during preview by dependency), is reported", async () => {
        const task = role("orders-task", TASK_ROLE_TRUST);
        const exec = role("orders-exec", TASK_ROLE_TRUST);
        await expectStack(c4TaskRoleTrust, [task, exec, fixtures.taskDefinition()], []);
        await expectStack(c4TaskRoleTrust, [role("orders-task", EC2_TRUST), exec, fixtures.taskDefinition()],
            [["orders-td", "orders-td: its taskRoleArn role orders-task trusts ec2.amazonaws.com (an instance role); give tasks a role that trusts ecs-tasks.amazonaws.com."]]);
        const previewed = {
            ...variant(variant(fixtures.taskDefinition(), "props.taskRoleArn", UNKNOWN.string), "props.executionRoleArn", UNKNOWN.string),
            propertyDependencies: { taskRoleArn: [urnOf(task.type, task.name)], executionRoleArn: [urnOf(task.type, task.name)] },
        };
        await expectStack(c4TaskRoleTrust, [task, exec, previewed], [["orders-td", "orders-td uses role orders-task as both task role and execution role."]]);
    });

    it("daemon task definitions and Express services need both roles", async () => {
        await expectResource(c4TaskRoles, fixtures.daemonTaskDefinition(), []);
        await expectResource(c4TaskRoles, variant(fixtures.daemonTaskDefinition(), "props.taskRoleArn", undefined), ["Task definition agent-td has no taskRoleArn."]);
        await expectResource(c4TaskRoles, variant(fixtures.expressService(), "props.taskRoleArn", undefined), ["Task definition web-express has no taskRoleArn."]);
        await expectResource(c4ContainerLogging, variant(fixtures.daemonTaskDefinition(), "props.containerDefinitions.0.logConfiguration", undefined),
            ["Container agent of agent-td has no logConfiguration.logDriver."]);
        await expectResource(c4ContainerLogging, fixtures.expressService(), []);
    });
});

describe("policy on raw programs: Fargate (C2, C4)", () => {
    it("host PID or IPC namespaces and added capabilities are reported on Fargate, SYS_PTRACE excepted", async () => {
        const suffix = "; Fargate offers none of these, run it on EC2 capacity.";
        await expectResource(c2FargateHostAccess, variant(fixtures.taskDefinition(), "props.pidMode", "host"), [`Fargate task definition orders-td: pidMode is host${suffix}`]);
        await expectResource(c2FargateHostAccess, variant(fixtures.taskDefinition(), "props.ipcMode", "host"), [`Fargate task definition orders-td: ipcMode is host${suffix}`]);
        await expectResource(c2FargateHostAccess, variant(fixtures.taskDefinition(), "props.pidMode", "task"), []);
        const caps = (add: string[]) => taskDefinition([{ ...APP_CONTAINER, linuxParameters: { capabilities: { add } } }]);
        await expectResource(c2FargateHostAccess, caps(["NET_ADMIN", "SYS_PTRACE"]), [`Fargate task definition orders-td: container app adds Linux capabilities NET_ADMIN${suffix}`]);
        await expectResource(c2FargateHostAccess, caps(["SYS_PTRACE"]), []);
    });

    it("\"1 vCPU\" and \"3 GB\" are read as the API reads them; Windows needs at least 1 vCPU", async () => {
        const size = (cpu: string, memory: string) => variant(variant(fixtures.taskDefinition(), "props.cpu", cpu), "props.memory", memory);
        await expectResource(c4FargateCpuMemory, size("1 vCPU", "3 GB"), []);
        await expectResource(c4FargateCpuMemory, size("0.5 vcpu", "1GB"), []);
        await expectResource(c4FargateCpuMemory, size("1 vCPU", "9 GB"), ["Fargate task definition orders-td: cpu 1024 with memory 9216 MiB is not a Fargate size."]);
        const windows = (cpu: string, memory: string) => variant(size(cpu, memory), "props.runtimePlatform", { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE", cpuArchitecture: "X86_64" });
        await expectResource(c4FargateCpuMemory, windows("1024", "2048"), []);
        await expectResource(c4FargateCpuMemory, windows("512", "1024"), ["Fargate task definition orders-td: Windows containers on Fargate take cpu 1024, 2048, 4096, not 512."]);
        await expectResource(c4FargateCpuMemory, windows("8192", "16384"), ["Fargate task definition orders-td: Windows containers on Fargate take cpu 1024, 2048, 4096, not 8192."]);
    });

    it("Express services are Fargate tasks: their size is checked, with Express Mode's defaults", async () => {
        await expectResource(c4FargateCpuMemory, fixtures.expressService(), []);
        await expectResource(c4FargateCpuMemory, variant(variant(fixtures.expressService(), "props.cpu", undefined), "props.memory", undefined), []);
        await expectResource(c4FargateCpuMemory, variant(fixtures.expressService(), "props.memory", "8192"), ["Express service web-express: cpu 512 with memory 8192 MiB is not a Fargate size."]);
    });

    it("a service pinned to a platform before 1.4.0 cannot run an 8 or 16 vCPU task", async () => {
        const big = variant(variant(fixtures.taskDefinition(), "props.cpu", "8 vCPU"), "props.memory", "16 GB");
        const stack = replace(ecsStack(), big);
        await expectStack(c4FargatePlatformVersion, stack, []);
        await expectStack(c4FargatePlatformVersion, replace(stack, variant(fixtures.service(), "props.platformVersion", "LATEST")), []);
        await expectStack(c4FargatePlatformVersion, replace(stack, variant(fixtures.service(), "props.platformVersion", "1.3.0")),
            [["orders-svc", "Service orders-svc pins Fargate platform 1.3.0, but task definition orders-td (cpu 8 vCPU) needs 1.4.0 or later."]]);
        await expectStack(c4FargatePlatformVersion, replace(ecsStack(), variant(fixtures.service(), "props.platformVersion", "1.3.0")), []);
    });
});

describe("policy on raw programs: Spot and placement (C8, C15)", () => {
    const inheriting = variant(fixtures.service(), "props.capacityProviderStrategies", undefined);
    const spotDefault = variant(fixtures.capacityProviders(), "props.defaultCapacityProviderStrategies", [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);

    it("a load-balanced service inheriting a Spot-only cluster default strategy is reported", async () => {
        await expectStack(c8SpotOnlyLoadBalanced, replace(ecsStack(), inheriting), []);
        await expectStack(c8SpotOnlyLoadBalanced, replace(replace(ecsStack(), inheriting), spotDefault),
            [["orders-svc", "Load-balanced service orders-svc runs only on FARGATE_SPOT (its cluster's default capacity provider strategy)."]]);
    });

    it("an EC2 service inheriting an ASG strategy, or with no launch type and no default (EC2), must be placed", async () => {
        const stack = [...ecsStack(), ec2Service()];
        await expectStack(c15Ec2Placement, stack, []);
        const bare = variant(variant(ec2Service(), "props.launchType", undefined), "props.orderedPlacementStrategies", undefined);
        const noDefault = variant(fixtures.capacityProviders(), "props.defaultCapacityProviderStrategies", undefined);
        await expectStack(c15Ec2Placement, replace(replace(stack, bare), noDefault),
            [["gpu-svc", "EC2-backed service gpu-svc does not spread on attribute:ecs.availability-zone then binpack (it runs on EC2 by its cluster's default)."]]);
        const asgDefault = variant(fixtures.capacityProviders(), "props.defaultCapacityProviderStrategies", [{ capacityProvider: "gpu-asg", weight: 1 }]);
        await expectStack(c15Ec2Placement, replace(replace(stack, bare), asgDefault),
            [["gpu-svc", "EC2-backed service gpu-svc does not spread on attribute:ecs.availability-zone then binpack (it runs on gpu-asg by its cluster's default)."]]);
        // With the cluster's default of FARGATE (the fixture), it runs on Fargate and needs no placement.
        await expectStack(c15Ec2Placement, replace(stack, bare), []);
        await expectStack(c15Ec2Placement, replace(replace(stack, variant(bare, "props.schedulingStrategy", "DAEMON")), noDefault), []);
    });

    it("an EC2-only cluster for GPUs is the documented c8-ecs-fargate-capacity exemption", async () => {
        const gpu = variant(variant(fixtures.capacityProviders(), "props.capacityProviders", ["gpu-asg"]), "props.clusterName", "gpu-us-east-1");
        await expectResource(c8EcsFargateCapacity, gpu, ["Cluster capacity providers shop-us-east-1-capacity lack FARGATE, FARGATE_SPOT."]);
        await expectResource(c8EcsFargateCapacity, gpu, [], { ec2OnlyClusters: ["gpu-us-east-1"] });
    });

    it("a NodePool pinned to one zone is reported", async () => {
        const zones = (values: string[], key = "topology.kubernetes.io/zone") =>
            variant(fixtures.nodePool(), "props.spec.template.spec.requirements.2", { key, operator: "In", values });
        await expectResource(c15NodePoolZones, fixtures.nodePool(), []);
        await expectResource(c15NodePoolZones, zones(["us-east-1a", "us-east-1b"]), []);
        await expectResource(c15NodePoolZones, zones(["us-east-1a"]), ["NodePool default-pool pins its nodes to one Availability Zone (us-east-1a)."]);
        await expectResource(c15NodePoolZones, zones(["use1-az1"], "topology.k8s.aws/zone-id"), ["NodePool default-pool pins its nodes to one Availability Zone (use1-az1)."]);
    });
});

describe("policy on raw programs: Graviton (C9) and ECR scanning (C3)", () => {
    it("a NodePool that allows arm64 with x86-only instance families is reported", async () => {
        const families = (values: string[], key = "karpenter.k8s.aws/instance-family") =>
            variant(fixtures.nodePool(), "props.spec.template.spec.requirements.2", { key, operator: "In", values });
        await expectResource(c9GravitonNodes, families(["m7g", "m7i"]), []);
        await expectResource(c9GravitonNodes, families(["m7i", "c6i"]),
            ["NodePool default-pool allows arm64 but only x86 instance families (m7i, c6i), so no Graviton node can launch."]);
        await expectResource(c9GravitonNodes, families(["m6i.large"], "node.kubernetes.io/instance-type"),
            ["NodePool default-pool allows arm64 but only x86 instance families (m6i.large), so no Graviton node can launch."]);
    });

    it("ENHANCED registry scanning whose filters miss a repository leaves it unscanned", async () => {
        const enhanced = variant(variant(fixtures.registryScanning(), "props.scanType", "ENHANCED"), "props.rules.0.scanFrequency", "CONTINUOUS_SCAN");
        await expectStack(c3EcrEnhancedScanningCoverage, [fixtures.repository(), enhanced], []);
        const prefix = (filter: string) => variant(enhanced, "props.rules.0.repositoryFilters", [{ filter, filterType: "WILDCARD" }]);
        await expectStack(c3EcrEnhancedScanningCoverage, [fixtures.repository(), prefix("shop/*")], []);
        await expectStack(c3EcrEnhancedScanningCoverage, [fixtures.repository(), prefix("billing/*")],
            [["registry-shop-orders", "Repository registry-shop-orders (shop/orders) matches no filter of the ENHANCED scanning configuration registry-us-east-1-scanning, so it is not scanned."]]);
        // BASIC scanning with the same filters leaves repositories to their own scanOnPush (c3-ecr-image-scanning).
        await expectStack(c3EcrEnhancedScanningCoverage, [fixtures.repository(), variant(prefix("billing/*"), "props.scanType", "BASIC")], []);
        await expectResource(c3EcrImageScanning, prefix("billing/*"), []);
    });
});

describe("policy on raw programs: network", () => {
    it("an EKS endpoint open through split CIDRs is open", async () => {
        const open = (cidrs: string[]) => variant(variant(fixtures.eksCluster(), "props.vpcConfig.endpointPublicAccess", true), "props.vpcConfig.publicAccessCidrs", cidrs);
        await expectResource(secEksEndpoint, open(["0.0.0.0/1", "128.0.0.0/1"]),
            ["EKS cluster platform-cluster has a public endpoint open to the whole internet through 0.0.0.0/1, 128.0.0.0/1."]);
        await expectResource(secEksEndpoint, open(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"]),
            ["EKS cluster platform-cluster has a public endpoint open to the whole internet through 0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/1."]);
        await expectResource(secEksEndpoint, open(["0.0.0.0/1", "203.0.113.0/24"]), []);
    });

    it("node groups, instances and tasks in subnets that map public IPs are reported", async () => {
        const publicSubnet = variant(fixtures.subnet("us-east-1a", "subnet-a"), "props.mapPublicIpOnLaunch", true);
        const subnets = [fixtures.subnet("us-east-1a", "subnet-a"), fixtures.subnet("us-east-1b", "subnet-b"), fixtures.subnet("us-east-1c", "subnet-c")];
        await expectStack(secPrivateSubnets, [...subnets, fixtures.nodeGroup(), fixtures.service()], []);
        await expectStack(secPrivateSubnets, [...replace(subnets, publicSubnet), fixtures.nodeGroup(), fixtures.service()], [
            ["platform-system", "platform-system is placed in subnets that map public IPs on launch: net-subnet-a."],
            ["orders-svc", "orders-svc is placed in subnets that map public IPs on launch: net-subnet-a."],
        ]);
        const instance = variant(fixtures.instance(), "props.subnetId", "subnet-a");
        await expectStack(secPrivateSubnets, [...replace(subnets, publicSubnet), instance], [["bastion", "bastion is placed in subnets that map public IPs on launch: net-subnet-a."]]);
    });

    it("public IPs and IMDSv1 on aws.ec2.Instance and LaunchConfiguration are reported", async () => {
        await expectResource(secNoPublicIp, fixtures.instance(), []);
        await expectResource(secNoPublicIp, variant(fixtures.instance(), "props.associatePublicIpAddress", true), ["bastion associates a public IP address."]);
        await expectResource(secNoPublicIp, fixtures.launchConfiguration(), []);
        await expectResource(secNoPublicIp, variant(fixtures.launchConfiguration(), "props.associatePublicIpAddress", true), ["legacy-lc associates a public IP address."]);
        await expectResource(secImdsv2, fixtures.launchConfiguration(), []);
        await expectResource(secImdsv2, variant(fixtures.launchConfiguration(), "props.metadataOptions", undefined),
            ["legacy-lc does not require IMDSv2 (metadataOptions.httpTokens is unset)."]);
    });

    it("a listener rule forwarding on a plain HTTP listener is reported", async () => {
        const http = variant(variant(variant(fixtures.listener(), "props.protocol", "HTTP"), "props.arn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/80"),
            "props.defaultActions", [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        const https = variant(fixtures.listener(), "props.arn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/443");
        await expectStack(secHttpsForwarding, [http, https, fixtures.listenerRule()], []);
        await expectResource(secHttpsListeners, http, []);
        const onHttp = variant(fixtures.listenerRule(), "props.listenerArn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shop/1/80");
        await expectStack(secHttpsForwarding, [http, https, onHttp], [["orders-rule", "Listener rule orders-rule forwards traffic on a plain HTTP listener."]]);
        await expectStack(secHttpsForwarding, [http, https, variant(onHttp, "props.actions", [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }])], []);
    });

    it("Gateway Load Balancer listeners take no protocol and pass; an ALB listener without one is HTTP", async () => {
        const gwlbArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/inspect/1";
        const noProtocol = variant(variant(fixtures.listener(), "props.protocol", undefined), "props.defaultActions", [{ type: "forward", targetGroupArn: "arn:tg" }]);
        await expectResource(secHttpsListeners, variant(noProtocol, "props.loadBalancerArn", gwlbArn), []);
        // During preview the load balancer's ARN is unknown: its type, through the dependency, decides.
        const previewed = { ...variant(noProtocol, "props.loadBalancerArn", UNKNOWN.string), propertyDependencies: { loadBalancerArn: [urnOf("aws:lb/loadBalancer:LoadBalancer", "shop-alb")] } };
        await expectResource(secHttpsListeners, previewed, []);
        const gateway = variant(variant(fixtures.loadBalancer(), "props.loadBalancerType", "gateway"), "props.arn", UNKNOWN.string);
        await expectStack(secHttpsForwarding, [gateway, previewed], []);
        await expectStack(secHttpsForwarding, [variant(fixtures.loadBalancer(), "props.arn", UNKNOWN.string), previewed],
            [["shop-https", "Listener shop-https (no protocol, on an Application Load Balancer) serves plain HTTP instead of redirecting to HTTPS."]]);
    });
});

describe("policy on raw programs: IAM", () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    it("AdministratorAccess through PolicyAttachment or RolePolicyAttachmentsExclusive is reported", async () => {
        const attachment: TestResource = { type: "aws:iam/policyAttachment:PolicyAttachment", name: "ops-admin", props: { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", roles: ["ops"] } };
        await expectResource(secLeastPrivilege, attachment, []);
        await expectResource(secLeastPrivilege, variant(attachment, "props.policyArn", admin), ["ops-admin attaches AdministratorAccess."]);
        const exclusive: TestResource = { type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", name: "ops-managed", props: { roleName: "ops", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] } };
        await expectResource(secLeastPrivilege, exclusive, []);
        await expectResource(secLeastPrivilege, variant(exclusive, "props.policyArns", ["arn:aws:iam::aws:policy/ReadOnlyAccess", admin]), ["ops-managed attaches AdministratorAccess."]);
    });

    it("Allow with NotAction on * is admin; RolePoliciesExclusive keeps inline policies whose documents are judged", async () => {
        const notAction = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }] });
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicy(), "props.policy", notAction), ["orders-exec-secrets allows action * (or NotAction) on resource *."]);
        const denyNot = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", NotAction: ["s3:GetObject"], Resource: "*" }] });
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicy(), "props.policy", denyNot), []);
        // The inline policy RolePoliciesExclusive names is an aws.iam.RolePolicy, reported itself.
        await expectResource(secLeastPrivilege, variant(fixtures.rolePolicy(), "props.policy", policyDocument("*", "*")), ["orders-exec-secrets allows action * (or NotAction) on resource *."]);
    });
});
