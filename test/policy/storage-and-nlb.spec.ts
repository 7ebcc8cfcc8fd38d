import { secEfsTransitEncryption, secFargateProfilePrivateSubnets, secNlbTlsListener } from "../../policy/storage-and-nlb";
import { fixtures } from "./fixtures";
import { expectResource, expectStack, TestResource, urnOf, variant } from "./harness";

const efsVolume = (transitEncryption: string | undefined, iam = "ENABLED") => ({
    name: "data", efsVolumeConfiguration: { fileSystemId: "fs-0123456789abcdef0", transitEncryption, authorizationConfig: { accessPointId: "fsap-1", iam } },
});

describe("policy: EFS, NLB listeners and Fargate profiles", () => {
    it("sec: an EFS volume must encrypt in transit and authorise with IAM", async () => {
        await expectResource(secEfsTransitEncryption, fixtures.taskDefinition(), []);
        await expectResource(secEfsTransitEncryption, variant(fixtures.taskDefinition(), "props.volumes", [efsVolume("ENABLED")]), []);
        await expectResource(secEfsTransitEncryption, variant(fixtures.taskDefinition(), "props.volumes", [efsVolume(undefined)]),
            ["Task definition orders-td: EFS volume data does not enable transitEncryption; set it to ENABLED."]);
        await expectResource(secEfsTransitEncryption, variant(fixtures.taskDefinition(), "props.volumes", [efsVolume("ENABLED", "DISABLED")]),
            ["Task definition orders-td: EFS volume data does not enable authorizationConfig.iam; set it to ENABLED so only the task role may mount it."]);
    });

    it("sec: an NLB listener with a certificate or on 443 must be TLS", async () => {
        const nlb = (props: object) => variant(fixtures.listener(), "props", { loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/1", defaultActions: [{ type: "forward", targetGroupArn: "tg" }], ...props });
        await expectResource(secNlbTlsListener, fixtures.listener(), []);
        await expectResource(secNlbTlsListener, nlb({ port: 443, protocol: "TLS", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1" }), []);
        await expectResource(secNlbTlsListener, nlb({ port: 5432, protocol: "TCP" }), []);
        await expectResource(secNlbTlsListener, nlb({ port: 53, protocol: "UDP" }), []);
        await expectResource(secNlbTlsListener, nlb({ port: 443, protocol: "TCP" }),
            ["NLB listener shop-https listens on 443 over TCP; terminate TLS with protocol TLS and an ACM certificate."]);
        await expectResource(secNlbTlsListener, nlb({ port: 8443, protocol: "TCP", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1" }),
            ["NLB listener shop-https has a certificate but listens on TCP; use protocol TLS so the certificate is served."]);
    });

    it("sec: a Fargate profile in a public subnet is reported, whatever makes the subnet public", async () => {
        const priv = fixtures.subnet("us-east-1a", "subnet-a");
        const tagged = variant(fixtures.subnet("us-east-1b", "subnet-b"), "props.tags", { "kubernetes.io/role/elb": "1" });
        const routed = fixtures.subnet("us-east-1c", "subnet-c");
        const igw: TestResource = { type: "aws:ec2/internetGateway:InternetGateway", name: "igw", props: { id: "igw-1", vpcId: "vpc-1" } };
        const rt: TestResource = { type: "aws:ec2/routeTable:RouteTable", name: "public-rt", props: { id: "rtb-1", vpcId: "vpc-1" } };
        const route: TestResource = { type: "aws:ec2/route:Route", name: "public-default", props: { routeTableId: "rtb-1", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" } };
        const assoc: TestResource = { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: "public-c", props: { subnetId: "subnet-c", routeTableId: "rtb-1" } };
        const profile = (subnetIds: string[], name = "apps"): TestResource => ({
            type: "aws:eks/fargateProfile:FargateProfile", name, props: { clusterName: "platform", podExecutionRoleArn: "arn:aws:iam::123456789012:role/pods", subnetIds, selectors: [{ namespace: "apps" }] },
        });
        const base = [priv, tagged, routed, igw, rt, route, assoc];
        await expectStack(secFargateProfilePrivateSubnets, [...base, profile(["subnet-a"])], []);
        await expectStack(secFargateProfilePrivateSubnets, [...base, profile(["subnet-a", "subnet-b"])],
            [["apps", "Fargate profile apps uses public subnet net-subnet-b; give it private subnets only."]]);
        await expectStack(secFargateProfilePrivateSubnets, [...base, profile(["subnet-c"], "web")],
            [["web", "Fargate profile web uses public subnet net-subnet-c; give it private subnets only."]]);
        // Unknown IDs during preview: the property dependencies name the subnets.
        const unknownIds = { ...profile(["(unknown)"], "later"), propertyDependencies: { subnetIds: [urnOf(priv.type, priv.name)] } };
        await expectStack(secFargateProfilePrivateSubnets, [...base, unknownIds], []);
    });
});
