// A team's program for the capabilities of issue 25: GPU tasks on the ECS GPU-optimised AMI reading models from
// EFS, scaled on a schedule and on a latency alarm; a TCP/TLS service behind its own NLB, offered over
// PrivateLink; and an EKS platform whose batch namespace runs on Fargate.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsCluster, EcsService, EksPlatform, FargateMicroservices, FargateTaskDefinition, RegionalNetwork } from "aws-containers";

const config = new pulumi.Config();
const region = config.require("region");
const consumer = config.require("consumerAccountId");
const provider = new aws.Provider(`ml-${region}`, { region });
const azCount = 3;
const net = new RegionalNetwork(`ml-${region}`, { azCount, natGateways: "single" }, { provider });

// GPU capacity: g6 instances on the ECS GPU-optimised Amazon Linux 2023 AMI (x86_64).
const cluster = new EcsCluster("ml", {
    ec2Capacity: { vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds, amiFamily: "AL2023_GPU", instanceType: "g6.xlarge", maxCapacity: 4 },
}, { provider });

const inference = new FargateTaskDefinition("inference", {
    cpu: 4096, memory: 16384, cpuArchitecture: "x86_64", ec2Compatible: true,
    containers: [{
        name: "inference", image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ml/inference:1.0.0", gpuCount: 1,
        portMappings: [{ containerPort: 8000, name: "http" }],
        healthCheck: { command: ["CMD-SHELL", "curl -fsS http://localhost:8000/health || exit 1"] },
        mountPoints: [{ sourceVolume: "models", containerPath: "/models", readOnly: true }],
    }],
    // A file system of its own: encrypted with a new key, backed up, a mount target in each private subnet.
    efsVolumes: [{ name: "models", readOnly: true, posixUser: { uid: 1000, gid: 1000 } }],
    efsNetwork: { vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds, azCount: azCount },
}, { provider });

new EcsService("inference", {
    clusterArn: cluster.clusterArn, clusterName: cluster.clusterName, taskDefinitionArn: inference.taskDefinitionArn,
    vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds, securityGroupIds: inference.securityGroupIds, desiredCapacity: 1,
    capacityProviderStrategy: [{ capacityProvider: cluster.ec2CapacityProviderName!, weight: 1 }],
    deployment: { minimumHealthyPercent: 0, maximumPercent: 100 },
    scaling: {
        minCapacity: 1, maxCapacity: 4, cpuTargetPercent: 0,
        scheduledActions: [
            { name: "business-hours", schedule: "cron(0 8 ? * MON-FRI *)", timezone: "Europe/Dublin", minCapacity: 2 },
            { name: "evenings", schedule: "cron(0 19 ? * MON-FRI *)", timezone: "Europe/Dublin", minCapacity: 1 },
        ],
        stepPolicies: [{
            name: "queue-wait",
            alarm: { namespace: "ML", metricName: "QueueWaitMs", statistic: "Maximum", threshold: 250, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 2 },
            steps: [{ lowerBound: 0, upperBound: 500, adjustment: 1 }, { lowerBound: 500, adjustment: 2 }],
        }],
    },
}, { provider });

// A ledger service behind its own NLB: TLS for clients, plain TCP inside, PrivateLink for one consumer account.
const certificateArn = `arn:aws:acm:${region}:123456789012:certificate/6f0c8e43-3c2b-4a5e-9d77-3a0d2f1b9c10`;
const services = new FargateMicroservices("ledger", {
    vpcId: net.vpcId, publicSubnetIds: net.publicSubnetIds, privateSubnetIds: net.privateSubnetIds, azCount, certificateArn,
    services: [
        { name: "portal", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080, paths: ["/*"], priority: 100 },
        {
            name: "ledger", image: "public.ecr.aws/nginx/nginx:1.27", port: 7000,
            nlb: { listeners: [{ port: 443, protocol: "TLS" }, { port: 7000 }], endpointService: { allowedPrincipals: [`arn:aws:iam::${consumer}:root`] } },
            efsVolumes: [{ name: "journal" }],
            mountPoints: [{ sourceVolume: "journal", containerPath: "/var/lib/ledger" }],
        },
    ],
}, { provider });

// EKS: the batch namespace runs on Fargate, with no nodes to manage.
const platform = new EksPlatform("ml-eks", {
    vpcId: net.vpcId, privateSubnetIds: net.privateSubnetIds, availabilityZones: net.availabilityZones,
    // `pulumi up` applies the cluster's Helm releases from outside the VPC: the public endpoint, from these ranges only.
    endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"],
    fargateProfiles: [{ name: "batch", selectors: [{ namespace: "batch" }, { namespace: "reports", labels: { "compute": "fargate" } }] }],
}, { provider });

export const ledgerEndpointServices = services.endpointServiceNames;
export const ledgerNlbs = services.nlbDnsNames;
export const clusterName = platform.clusterName;
