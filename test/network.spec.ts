import * as assert from "node:assert/strict";
import { RegionalNetwork, RegionalNetworkArgs } from "../components/network";
import { overlaps, parseCidr } from "../components/network/cidr";
import { createRegionalProviders } from "../components/regions";
import { assertInputError, jsonInput, MockRun, runProgram, typeCounts } from "./harness";

const REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1"];

describe("RegionalNetwork", () => {
    let run: MockRun;
    before(async () => {
        run = await runProgram(() => {
            const providers = createRegionalProviders("aws", REGIONS);
            for (const region of REGIONS) {
                new RegionalNetwork(`net-${region}`, {}, { provider: providers[region] });
            }
        });
        assert.equal(run.error, undefined, String(run.error));
    });

    const children = (region: string) => run.descendantsOf(run.named(`net-${region}`).urn);

    it("spans 3 availability zones per region, taken from the region's own zone list (C15)", () => {
        for (const region of REGIONS) {
            const zones = children(region).filter((r) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags.tier === "private")
                .map((s) => s.inputs.availabilityZone).sort();
            const expected = region === "ap-northeast-1" ? ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
                : ["a", "b", "c"].map((l) => `${region}${l}`);
            assert.deepEqual(zones, expected);
        }
        const azCalls = run.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        assert.deepEqual(azCalls.map((c) => c.region).sort(), [...REGIONS].sort());
        for (const call of azCalls) {
            assert.equal(call.args.state, "available");
            assert.deepEqual(call.args.filters, [{ name: "opt-in-status", values: ["opt-in-not-required"] }]);
        }
    });

    it("carves subnets from the VPC range without overlap", () => {
        for (const region of REGIONS) {
            const vpc = parseCidr(children(region).find((r) => r.type === "aws:ec2/vpc:Vpc")!.inputs.cidrBlock)!;
            const subnets = children(region).filter((r) => r.type === "aws:ec2/subnet:Subnet").map((s) => parseCidr(s.inputs.cidrBlock)!);
            assert.equal(subnets.length, 6);
            for (const [i, a] of subnets.entries()) {
                assert.ok(overlaps(a, vpc) && a.prefix >= vpc.prefix, "subnet outside the VPC");
                for (const b of subnets.slice(i + 1)) {
                    assert.ok(!overlaps(a, b), "subnets overlap");
                }
            }
        }
        const cidrs = children("us-east-1").filter((r) => r.type === "aws:ec2/subnet:Subnet").map((s) => s.inputs.cidrBlock).sort();
        assert.deepEqual(cidrs, ["10.0.0.0/19", "10.0.100.0/22", "10.0.104.0/22", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/22"]);
    });

    it("puts every resource of a region's network on that region's provider (D2)", () => {
        for (const region of REGIONS) {
            const provider = run.named(`aws-${region}`, "pulumi:providers:aws");
            assert.equal(provider.inputs.region, region);
            assert.equal(children(region).length, 36);
            for (const r of children(region)) {
                assert.equal(r.providerUrn, provider.urn, `${r.name} uses another provider`);
                assert.equal(r.region, region, `${r.name} is in ${r.region}`);
            }
        }
    });

    it("creates exactly the expected resources per region (NAT per AZ by default)", () => {
        assert.deepEqual(typeCounts(children("eu-west-1")), {
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
            "aws:ec2/eip:Eip": 3,
            "aws:ec2/flowLog:FlowLog": 1,
            "aws:ec2/internetGateway:InternetGateway": 1,
            "aws:ec2/natGateway:NatGateway": 3,
            "aws:ec2/route:Route": 4,
            "aws:ec2/routeTable:RouteTable": 4,
            "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
            "aws:ec2/subnet:Subnet": 6,
            "aws:ec2/vpc:Vpc": 1,
            "aws:ec2/vpcEndpoint:VpcEndpoint": 2,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicy:RolePolicy": 1,
            "aws:kms/key:Key": 1,
        });
    });

    it("keeps tasks off the internet: no public IPs on launch, locked default security group", () => {
        for (const s of run.ofType("aws:ec2/subnet:Subnet")) {
            assert.equal(s.inputs.mapPublicIpOnLaunch, false);
        }
        for (const sg of run.ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
            assert.equal(sg.inputs.ingress, undefined);
            assert.equal(sg.inputs.egress, undefined);
        }
    });

    it("routes S3 and DynamoDB through free gateway endpoints named for the region", () => {
        const eps = children("eu-west-1").filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
        assert.deepEqual(eps.map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType]).sort(),
            [["com.amazonaws.eu-west-1.dynamodb", "Gateway"], ["com.amazonaws.eu-west-1.s3", "Gateway"]]);
        for (const e of eps) {
            assert.equal(e.inputs.routeTableIds.length, 4);
        }
    });

    it("sends flow logs to a KMS-encrypted log group that survives removal (D9)", () => {
        const lg = run.named("net-us-east-1-flow-logs", "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(lg.type, "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(lg.inputs.retentionInDays, 90);
        assert.equal(lg.inputs.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/net-us-east-1-logs-key");
        assert.equal(lg.retainOnDelete, true);
        const key = run.named("net-us-east-1-logs-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        assert.equal(key.retainOnDelete, true);
        const keyPolicy = jsonInput(key, "policy");
        assert.deepEqual(keyPolicy.Statement[1].Principal, { Service: "logs.us-east-1.amazonaws.com" });
        assert.equal(keyPolicy.Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"],
            "arn:aws:logs:us-east-1:123456789012:log-group:*");
        const fl = run.named("net-us-east-1-flow-log");
        assert.equal(fl.inputs.trafficType, "ALL");
        assert.equal(fl.inputs.logDestination, "arn:aws:logs:us-east-1:123456789012:log-group:net-us-east-1-flow-logs-0000000");
        assert.equal(fl.inputs.logDestinationType, "cloud-watch-logs");
        const role = run.named("net-us-east-1-flow-logs", "aws:iam/role:Role");
        assert.deepEqual(jsonInput(role, "assumeRolePolicy").Statement[0].Principal, { Service: "vpc-flow-logs.amazonaws.com" });
    });

    describe("options", () => {
        let endpointsOnly: MockRun;
        before(async () => {
            endpointsOnly = await runProgram(() => {
                const p = createRegionalProviders("n", ["eu-west-1"]);
                new RegionalNetwork("n", { natGateways: "none", cidrBlock: "10.20.0.0/20", privateSubnetPrefixLength: 23,
                    publicSubnetPrefixLength: 26, azCount: 2, privateSubnetTags: { "karpenter.sh/discovery": "n" } },
                { provider: p["eu-west-1"] });
            });
            assert.equal(endpointsOnly.error, undefined, String(endpointsOnly.error));
        });

        it("without NAT creates the six interface endpoints behind an HTTPS-only security group", () => {
            assert.deepEqual(endpointsOnly.ofType("aws:ec2/natGateway:NatGateway"), []);
            assert.deepEqual(endpointsOnly.ofType("aws:ec2/eip:Eip"), []);
            const iface = endpointsOnly.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
            assert.deepEqual(iface.map((e) => e.inputs.serviceName).sort(), ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sts"]
                .map((s) => `com.amazonaws.eu-west-1.${s}`));
            for (const e of iface) {
                assert.equal(e.inputs.privateDnsEnabled, true);
                assert.equal(e.inputs.subnetIds.length, 2);
            }
            const rule = endpointsOnly.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")[0];
            assert.deepEqual([rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrIpv4], [443, 443, "10.20.0.0/20"]);
        });

        it("honours azCount, prefix lengths and subnet tags", () => {
            const subnets = endpointsOnly.ofType("aws:ec2/subnet:Subnet");
            assert.deepEqual(subnets.map((s) => s.inputs.cidrBlock).sort(),
                ["10.20.0.0/23", "10.20.2.0/23", "10.20.4.0/26", "10.20.4.64/26"]);
            const priv = subnets.filter((s) => s.inputs.tags.tier === "private");
            assert.ok(priv.every((s) => s.inputs.tags["karpenter.sh/discovery"] === "n"));
        });

        it("single NAT: one gateway that every private route table uses", async () => {
            const single = await runProgram(() => {
                const p = createRegionalProviders("s", ["us-east-2"]);
                new RegionalNetwork("s", { natGateways: "single" }, { provider: p["us-east-2"] });
            });
            assert.equal(single.ofType("aws:ec2/natGateway:NatGateway").length, 1);
            const routes = single.ofType("aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
            assert.deepEqual(routes.map((r) => r.inputs.natGatewayId), ["s-nat-0-id", "s-nat-0-id", "s-nat-0-id"]);
        });
    });

    describe("bad input: a clear error and nothing registered", () => {
        const attempt = (args: RegionalNetworkArgs) => runProgram(() => {
            new RegionalNetwork("bad", args);
        });

        it("a VPC CIDR too small for its subnets", async () => {
            assertInputError(await attempt({ cidrBlock: "10.0.0.0/24" }), "cidrBlock", `"10.0.0.0/24"`, "too small", "3 private /19");
        });
        it("a CIDR that is not a network address", async () => {
            assertInputError(await attempt({ cidrBlock: "10.0.0.1/16" }), "cidrBlock", `"10.0.0.1/16"`, "/16 to /28");
        });
        it("a single availability zone", async () => {
            assertInputError(await attempt({ azCount: 1 }), "azCount", "1", "2 to 6");
        });
        it("an unknown NAT strategy", async () => {
            assertInputError(await attempt({ natGateways: "shared" }), "natGateways", `"shared"`, "perAz, single, none");
        });
        it("a flow log retention CloudWatch does not accept", async () => {
            assertInputError(await attempt({ logRetentionInDays: 10 }), "logRetentionInDays", "10", "14, 30");
        });
        it("more zones than the region offers fails with the region's zones named", async () => {
            const run = await runProgram(() => {
                const p = createRegionalProviders("w", ["us-west-1"]);
                new RegionalNetwork("w", {}, { provider: p["us-west-1"] });
            });
            assert.match(String(run.error), /azCount is 3 but the region has only 2 available zones without opt-in \(us-west-1a, us-west-1c\)/);
        });
    });
});
