import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { FargateMicroservices, FargateMicroservicesArgs } from "../components/microservices";
import { assertInputError, jsonInput, MockRun, runProgram } from "./harness";

const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0d6f";
const BASE: FargateMicroservicesArgs = {
    vpcId: "vpc-1", publicSubnetIds: ["pub-a", "pub-b"], privateSubnetIds: ["priv-a", "priv-b"], certificateArn: CERT, deletionProtection: false,
    services: [{ name: "web", image: "public.ecr.aws/nginx/nginx:1.27", paths: ["/*"], priority: 100 }],
};
const run = (args: Partial<FargateMicroservicesArgs>) => runProgram(() => {
    const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
    const ms = new FargateMicroservices("shop", { ...BASE, ...args }, { provider });
    return { nlbDnsNames: ms.nlbDnsNames };
});

describe("FargateMicroservices: NLB services and EFS volumes", () => {
    let r: MockRun;
    before(async () => {
        r = await run({
            services: [
                ...BASE.services,
                {
                    name: "ledger", image: "public.ecr.aws/nginx/nginx:1.27", port: 7000, deregistrationDelaySeconds: 120,
                    nlb: {
                        listeners: [{ port: 443, protocol: "TLS" }, { port: 7000 }], crossZone: false,
                        endpointService: { allowedPrincipals: ["arn:aws:iam::210987654321:root"] },
                    },
                    efsVolumes: [{ name: "journal" }],
                    mountPoints: [{ sourceVolume: "journal", containerPath: "/var/lib/ledger" }],
                },
                {
                    name: "dns", image: "public.ecr.aws/nginx/nginx:1.27", port: 5353,
                    nlb: { listeners: [{ port: 53, protocol: "UDP" }, { port: 5353, protocol: "UDP" }], healthCheckPort: 8080, healthCheckProtocol: "TCP", allowedCidrs: ["198.51.100.0/24"] },
                },
            ],
        });
        assert.equal(r.error, undefined, String(r.error));
    });

    it("gives an NLB service its own load balancer with a security group, cross-zone a setting, internal with PrivateLink", () => {
        const nlb = r.named("shop-ledger-nlb", "aws:lb/loadBalancer:LoadBalancer");
        const sg = r.named("shop-ledger-nlb-sg", "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual([nlb.inputs.loadBalancerType, nlb.inputs.internal, nlb.inputs.subnets, nlb.inputs.securityGroups, nlb.inputs.enableCrossZoneLoadBalancing,
            nlb.inputs.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic], ["network", true, ["priv-a", "priv-b"], [sg.id], false, "off"]);
        const dns = r.named("shop-dns-nlb", "aws:lb/loadBalancer:LoadBalancer");
        assert.deepEqual([dns.inputs.internal, dns.inputs.subnets, dns.inputs.enableCrossZoneLoadBalancing, dns.inputs.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic],
            [false, ["pub-a", "pub-b"], true, "on"]);
        const es = r.named("shop-ledger-endpoint-service", "aws:ec2/vpcEndpointService:VpcEndpointService");
        assert.deepEqual([es.inputs.networkLoadBalancerArns, es.inputs.acceptanceRequired, es.inputs.allowedPrincipals],
            [[nlb.wireOutputs.arn], true, ["arn:aws:iam::210987654321:root"]]);
        assert.deepEqual(Object.keys(r.outputs!.nlbDnsNames as object).sort(), ["dns", "ledger"]);
    });

    it("serves TLS with the certificate and policy, plain TCP and UDP, all forwarding to one ip target group", () => {
        const listeners = r.ofType("aws:lb/listener:Listener").filter((l) => l.name.includes("-nlb-"))
            .map((l) => [l.name, l.inputs.protocol, l.inputs.port, l.inputs.certificateArn, l.inputs.sslPolicy]).sort();
        assert.deepEqual(listeners, [
            ["shop-dns-nlb-udp-53", "UDP", 53, undefined, undefined],
            ["shop-dns-nlb-udp-5353", "UDP", 5353, undefined, undefined],
            ["shop-ledger-nlb-tcp-7000", "TCP", 7000, undefined, undefined],
            ["shop-ledger-nlb-tls-443", "TLS", 443, CERT, "ELBSecurityPolicy-TLS13-1-2-2021-06"],
        ]);
        const tg = r.named("shop-ledger-nlb-tg", "aws:lb/targetGroup:TargetGroup");
        assert.deepEqual([tg.inputs.targetType, tg.inputs.protocol, tg.inputs.port, tg.inputs.deregistrationDelay, tg.inputs.healthCheck.protocol, tg.inputs.healthCheck.path, tg.inputs.healthCheck.port],
            ["ip", "TCP", 7000, 120, "HTTP", "/health", "traffic-port"]);
        const udp = r.named("shop-dns-nlb-tg", "aws:lb/targetGroup:TargetGroup");
        assert.deepEqual([udp.inputs.protocol, udp.inputs.healthCheck.protocol, udp.inputs.healthCheck.port, udp.inputs.healthCheck.path], ["UDP", "TCP", "8080", undefined]);
        const svc = r.named("shop-ledger-service", "aws:ecs/service:Service");
        assert.deepEqual(svc.inputs.loadBalancers.map((l: any) => [l.targetGroupArn, l.containerName, l.containerPort]), [[tg.wireOutputs.arn, "ledger", 7000]]);
    });

    it("keeps the ALB path's security-group discipline: clients reach the NLB's listener ports only, the tasks admit only the NLB's group", () => {
        const ingress = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const nlbSg = r.named("shop-dns-nlb-sg", "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(ingress.filter((i) => i.inputs.securityGroupId === nlbSg.id).map((i) => [i.inputs.ipProtocol, i.inputs.fromPort, i.inputs.cidrIpv4]).sort(),
            [["udp", 53, "198.51.100.0/24"], ["udp", 5353, "198.51.100.0/24"]]);
        const tasks = r.named("shop-dns-sg", "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(ingress.filter((i) => i.inputs.securityGroupId === tasks.id).map((i) => [i.inputs.referencedSecurityGroupId, i.inputs.ipProtocol, i.inputs.fromPort]).sort(),
            [[nlbSg.id, "tcp", 8080], [nlbSg.id, "udp", 5353]]);
        const egress = r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((e) => e.inputs.securityGroupId === nlbSg.id);
        assert.deepEqual(egress.map((e) => [e.inputs.referencedSecurityGroupId, e.inputs.ipProtocol, e.inputs.fromPort]).sort(), [[tasks.id, "tcp", 8080], [tasks.id, "udp", 5353]]);
        const ledgerTasks = r.named("shop-ledger-sg", "aws:ec2/securityGroup:SecurityGroup");
        const ledgerNlb = r.named("shop-ledger-nlb-sg", "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(ingress.filter((i) => i.inputs.securityGroupId === ledgerTasks.id).map((i) => i.inputs.referencedSecurityGroupId).sort(),
            [ledgerNlb.id, r.named("shop-mesh-sg").id].sort());
    });

    it("maps a UDP service's port as udp and leaves it out of Service Connect, which carries TCP only", () => {
        const [dns] = jsonInput<any[]>(r.named("shop-dns-task", "aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions");
        assert.deepEqual(dns.portMappings, [{ containerPort: 5353, protocol: "udp", name: "dns" }]);
        assert.equal(r.named("shop-dns-service", "aws:ecs/service:Service").inputs.serviceConnectConfiguration.services, undefined);
    });

    it("creates a service's EFS volume in every private subnet and attaches its client group to the tasks", () => {
        const targets = r.ofType("aws:efs/mountTarget:MountTarget");
        assert.deepEqual(targets.map((t) => t.inputs.subnetId).sort(), ["priv-a", "priv-b"]);
        const clients = r.named("shop-ledger-journal-efs-clients", "aws:ec2/securityGroup:SecurityGroup");
        assert.ok(r.named("shop-ledger-service", "aws:ecs/service:Service").inputs.networkConfiguration.securityGroups.includes(clients.id));
        const td = r.named("shop-ledger-task", "aws:ecs/taskDefinition:TaskDefinition");
        assert.equal(td.inputs.volumes[0].efsVolumeConfiguration.transitEncryption, "ENABLED");
        assert.equal(r.named("shop-ledger-journal-ap").inputs.rootDirectory.path, "/shop-ledger/journal");
    });
});

describe("FargateMicroservices: no ALB when no service is exposed through one", () => {
    const nlbOnly = (internalToo: boolean) => runProgram(() => {
        const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
        const ms = new FargateMicroservices("shop", {
            ...BASE, services: [
                { name: "ledger", image: "public.ecr.aws/nginx/nginx:1.27", port: 7000, nlb: { listeners: [{ port: 7000 }] } },
                ...(internalToo ? [{ name: "worker", image: "public.ecr.aws/nginx/nginx:1.27", internal: true }] : []),
            ],
        }, { provider });
        return { url: ms.url, loadBalancerArn: ms.loadBalancerArn, loadBalancerDnsName: ms.loadBalancerDnsName, nlbDnsNames: ms.nlbDnsNames };
    });
    const albParts = (r: MockRun) => r.resources.filter((x) => (x.type === "aws:lb/loadBalancer:LoadBalancer" && x.inputs.loadBalancerType === "application")
        || x.type === "aws:lb/listener:Listener" && x.name.startsWith("shop-http") || x.name.startsWith("shop-alb")).map((x) => x.name);

    for (const internalToo of [false, true]) {
        it(`creates no ALB, listener or ALB security group for ${internalToo ? "an NLB service and an internal one" : "NLB services only"}; its outputs are undefined`, async () => {
            const r = await nlbOnly(internalToo);
            assert.equal(r.error, undefined, String(r.error));
            assert.deepEqual(albParts(r), []);
            assert.equal(r.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1, "the NLB is still there");
            assert.ok(r.ofType("aws:ecs/service:Service").length === (internalToo ? 2 : 1));
            assert.deepEqual([r.outputs!.url, r.outputs!.loadBalancerArn, r.outputs!.loadBalancerDnsName], [undefined, undefined, undefined]);
            assert.deepEqual(Object.keys(r.outputs!.nlbDnsNames as object), ["ledger"]);
            assert.ok(!r.resources.some((x) => x.name.endsWith("-from-alb")), "no ALB egress rule");
        });
    }

    it("still creates the ALB once one service routes through it", async () => {
        const r = await run({ services: [...BASE.services, { name: "ledger", image: "public.ecr.aws/nginx/nginx:1.27", port: 7000, nlb: { listeners: [{ port: 7000 }] } }] });
        assert.equal(r.error, undefined, String(r.error));
        assert.equal(r.ofType("aws:lb/loadBalancer:LoadBalancer").filter((x) => x.inputs.loadBalancerType === "application").length, 1);
        assert.ok(r.resources.some((x) => x.name === "shop-web-from-alb"));
    });
});

describe("FargateMicroservices: NLB and EFS argument errors (nothing registered)", () => {
    const svc = (extra: object) => run({ services: [{ name: "ledger", image: "public.ecr.aws/nginx/nginx:1.27", ...extra }] });
    it("refuses TLS without a certificate, an unknown protocol, UDP mixed with TCP and a UDP service without a health check port", async () => {
        const noCert = await runProgram(() => {
            new FargateMicroservices("shop", { ...BASE, certificateArn: undefined, services: [{ name: "ledger", image: "x", nlb: { listeners: [{ port: 443, protocol: "TLS" }] } }] },
                { provider: new aws.Provider("aws-eu-west-1", { region: "eu-west-1" }) });
        });
        assertInputError(noCert, "services[0].nlb.listeners[0].protocol", '"TLS" needs certificateArn');
        assertInputError(await svc({ nlb: { listeners: [{ port: 80, protocol: "HTTP" }] } }), "services[0].nlb.listeners[0].protocol", '"HTTP"', "TCP, UDP, TLS");
        assertInputError(await svc({ nlb: { listeners: [{ port: 53, protocol: "UDP" }, { port: 80 }] } }), "services[0].nlb.listeners", "mixes UDP");
        assertInputError(await svc({ nlb: { listeners: [{ port: 53, protocol: "UDP" }] } }), "services[0].nlb.healthCheckPort", "is missing for a UDP service");
    });
    it("refuses ALB routing, internal and traffic shifting with an NLB, and PrivateLink open to everyone", async () => {
        assertInputError(await svc({ nlb: {}, paths: ["/x"], priority: 5 }), "services[0].nlb", "remove paths, hosts and priority");
        assertInputError(await svc({ nlb: {}, internal: true }), "services[0].internal", "nlb.internal");
        assertInputError(await svc({ nlb: {}, deployment: { strategy: "BLUE_GREEN" } }), "services[0].deployment.strategy", '"BLUE_GREEN"', '"ROLLING"');
        assertInputError(await svc({ nlb: { endpointService: { allowedPrincipals: ["*"] } } }), "services[0].nlb.endpointService.allowedPrincipals[0]", '"*"', "arn:aws:iam::<account>:root");
    });
    it("refuses a created EFS volume when the number of private subnets is unknown", async () => {
        const unknown = await runProgram(() => {
            const provider = new aws.Provider("aws-eu-west-1", { region: "eu-west-1" });
            new FargateMicroservices("shop", { ...BASE, privateSubnetIds: aws.ec2.getSubnetsOutput({}, { provider }).ids,
                services: [{ ...BASE.services[0], efsVolumes: [{ name: "data" }] }] }, { provider });
        });
        assertInputError(unknown, "azCount", "is missing");
    });
});
