/**
 * The price table of the cost estimate, as data: public list prices in USD for everything the
 * components create, with where each price was read and when. Kept once, here, so that the plan's
 * estimate and the pack's budget policy price a stack the same way, and so the pack stays publishable
 * on its own. It is a .ts module rather than .json because the plan compiles the pack from its .ts
 * sources only (plan/policy-build.ts); it holds the table and `priceIn`, the one function that reads it.
 *
 * How to read a row:
 * - `usEast1` is the us-east-1 list price. `confirmed: true` means the value was read, on `read`, from
 *   `source` (the AWS pricing page) or from `via`, a page quoting it (named when the AWS page itself was
 *   not readable here); `confirmed: false` means it is AWS's published price as we know it but was not
 *   re-read on that date: check it before relying on it.
 * - `regions` holds region prices that were read; every other region of COMMERCIAL_REGIONS is priced by
 *   the FALLBACK rule: the us-east-1 price × that region's factor, and such a line item is reported as
 *   unconfirmed in the estimate. Global rows (`global: true`) have one price for every region.
 */

export interface PriceRow {
    readonly description: string;
    /** What one unit is: "hour", "GB", "vCPU-hour", "million requests", "month", ... */
    readonly unit: string;
    readonly usEast1: number;
    readonly confirmed: boolean;
    /** The AWS pricing page of the service. */
    readonly source: string;
    /** A page that quotes the AWS price, when the AWS page was not the one read. */
    readonly via?: string;
    /** Day (UTC) the price was read or last checked. */
    readonly read: string;
    readonly note?: string;
    /** One price in every region (Route 53, Global Accelerator). */
    readonly global?: boolean;
    /** Region prices that were read (region → USD), beside us-east-1. */
    readonly regions?: { readonly [region: string]: { readonly usd: number; readonly confirmed: boolean; readonly via?: string } };
}

export interface RegionFactor {
    readonly factor: number;
    readonly basis: string;
}

export const PRICE_TABLE_READ = "2026-12-01";

const FARGATE = "https://aws.amazon.com/fargate/pricing/";
const EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/";
const EKS = "https://aws.amazon.com/eks/pricing/";
const VPC = "https://aws.amazon.com/vpc/pricing/";
const ELB = "https://aws.amazon.com/elasticloadbalancing/pricing/";
const PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/";
const GA = "https://aws.amazon.com/global-accelerator/pricing/";
const DYNAMODB = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const ROUTE53 = "https://aws.amazon.com/route53/pricing/";
const KMS = "https://aws.amazon.com/kms/pricing/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const SQS = "https://aws.amazon.com/sqs/pricing/";
const SFN = "https://aws.amazon.com/step-functions/pricing/";
const ECR = "https://aws.amazon.com/ecr/pricing/";
const EBS = "https://aws.amazon.com/ebs/pricing/";
const D = PRICE_TABLE_READ;

export const PRICES = {
    "fargate.linux.x86.vcpu": {
        description: "Fargate Linux/x86 vCPU", unit: "vCPU-hour", usEast1: 0.04048, confirmed: true, source: FARGATE, read: D,
        via: "https://www.vantage.sh/blog/fargate-pricing (us-east-1 table); same figure in wring.co and factualminds.com (June 2026)",
    },
    "fargate.linux.x86.gb": {
        description: "Fargate Linux/x86 memory", unit: "GB-hour", usEast1: 0.004445, confirmed: true, source: FARGATE, read: D,
        via: "https://www.vantage.sh/blog/fargate-pricing",
    },
    "fargate.linux.arm.vcpu": {
        description: "Fargate Linux/ARM64 vCPU", unit: "vCPU-hour", usEast1: 0.03238, confirmed: true, source: FARGATE, read: D,
        via: "https://www.vantage.sh/blog/fargate-pricing",
    },
    "fargate.linux.arm.gb": {
        description: "Fargate Linux/ARM64 memory", unit: "GB-hour", usEast1: 0.00356, confirmed: true, source: FARGATE, read: D,
        via: "https://www.vantage.sh/blog/fargate-pricing",
    },
    "fargate.storage.gb": {
        description: "Fargate ephemeral storage above the 20 GB included", unit: "GB-hour", usEast1: 0.000111, confirmed: true, source: FARGATE, read: D,
        via: "https://www.vantage.sh/blog/fargate-pricing",
    },
    "eks.cluster.standard": {
        description: "EKS cluster in standard support", unit: "cluster-hour", usEast1: 0.10, confirmed: true, source: EKS, read: D,
        via: "https://github.com/cortexlabs/cortex/pull/783 (\"Update EKS price to $0.10 per hour\")",
    },
    "eks.cluster.extended": {
        description: "EKS cluster in extended support", unit: "cluster-hour", usEast1: 0.60, confirmed: true, source: EKS, read: D,
        via: "https://github.com/WGBH-MLA/chowda/issues/217 (AWS notice: \"charged at $0.60 per cluster hour\")",
    },
    "eks.automode.fraction": {
        description: "EKS Auto Mode management fee, as a share of the instance's on-demand price", unit: "share of EC2 price",
        usEast1: 0.12, confirmed: false, source: EKS, read: D,
        note: "AWS prices the fee per instance type; about 12% of the on-demand price for the general-purpose types. Not re-read.",
    },
    "ec2.m7g.large": {
        description: "EC2 m7g.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.0816, confirmed: true, source: EC2, read: D,
        via: "https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/ (us-east-1, June 2026)",
    },
    "ec2.m6g.large": { description: "EC2 m6g.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.077, confirmed: false, source: EC2, read: D },
    "ec2.m7g.xlarge": { description: "EC2 m7g.xlarge (Linux, on-demand)", unit: "instance-hour", usEast1: 0.1632, confirmed: false, source: EC2, read: D },
    "ec2.m7i.large": { description: "EC2 m7i.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.1008, confirmed: false, source: EC2, read: D },
    "ec2.m6i.large": { description: "EC2 m6i.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.096, confirmed: false, source: EC2, read: D },
    "ec2.c7g.large": { description: "EC2 c7g.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.0725, confirmed: false, source: EC2, read: D },
    "ec2.r7g.large": { description: "EC2 r7g.large (Linux, on-demand)", unit: "instance-hour", usEast1: 0.1071, confirmed: false, source: EC2, read: D },
    "ec2.t3.medium": {
        description: "EC2 t3.medium (Linux, on-demand)", unit: "instance-hour", usEast1: 0.0416, confirmed: true, source: EC2, read: D,
        via: "https://www.wring.co/blog/aws-fargate-pricing-guide (\"$30/month on a t3.medium\", 0.0416 × 730)",
    },
    "ebs.gp3.gb": { description: "EBS gp3 storage", unit: "GB-month", usEast1: 0.08, confirmed: false, source: EBS, read: D },
    "nat.hour": {
        description: "NAT gateway", unit: "gateway-hour", usEast1: 0.045, confirmed: true, source: VPC, read: D,
        via: "https://basavytix.com/blog/aws-nat-gateway-pricing, https://cloudburn.io/blog/aws-nat-gateway-pricing",
        regions: { "ap-southeast-1": { usd: 0.059, confirmed: true, via: "https://basavytix.com/blog/aws-nat-gateway-pricing" } },
    },
    "nat.gb": {
        description: "NAT gateway data processed", unit: "GB", usEast1: 0.045, confirmed: true, source: VPC, read: D,
        via: "https://basavytix.com/blog/aws-nat-gateway-pricing",
        regions: { "ap-southeast-1": { usd: 0.059, confirmed: true, via: "https://basavytix.com/blog/aws-nat-gateway-pricing" } },
    },
    "ipv4.hour": {
        description: "Public IPv4 address (in use or idle)", unit: "address-hour", usEast1: 0.005, confirmed: true, source: VPC, read: D,
        via: "https://cloudburn.io/blog/aws-nat-gateway-pricing (\"$0.005/hour per IP\")",
    },
    "alb.hour": {
        description: "Application Load Balancer", unit: "ALB-hour", usEast1: 0.0225, confirmed: true, source: ELB, read: D,
        via: "https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/ (May 2026); https://raw.githubusercontent.com/api-evangelist/amazon-elastic-load-balancing/refs/heads/main/plans/amazon-elastic-load-balancing-plans-pricing.yml (AWS page transcribed 2026-09-20)",
    },
    "alb.lcu": {
        description: "Application Load Balancer capacity unit", unit: "LCU-hour", usEast1: 0.008, confirmed: true, source: ELB, read: D,
        via: "https://cloud-horizons.com/blog/alb-the-line-item-nobody-watches/",
    },
    "nlb.hour": {
        description: "Network Load Balancer", unit: "NLB-hour", usEast1: 0.0225, confirmed: true, source: ELB, read: D,
        via: "https://clustercost.com/blog/network-load-balancer-pricing-2025 (\"NLB: $0.0225 per hour\", us-east-1)",
    },
    "nlb.lcu": {
        description: "Network Load Balancer capacity unit", unit: "NLCU-hour", usEast1: 0.006, confirmed: true, source: ELB, read: D,
        via: "https://raw.githubusercontent.com/api-evangelist/amazon-elastic-load-balancing/refs/heads/main/plans/amazon-elastic-load-balancing-plans-pricing.yml (AWS page transcribed 2026-09-20: \"$0.006 per NLCU\")",
    },
    "vpce.interface.hour": {
        description: "Interface VPC endpoint, per AZ", unit: "endpoint-AZ-hour", usEast1: 0.01, confirmed: true, source: PRIVATELINK, read: D,
        via: "https://www.egresscost.com/nat-gateway (\"$7.20/AZ\" a month of 720 h, \"$0.01/GB\")",
    },
    "vpce.interface.gb": {
        description: "Interface VPC endpoint data processed (first PB)", unit: "GB", usEast1: 0.01, confirmed: true, source: PRIVATELINK, read: D,
        via: "https://www.egresscost.com/nat-gateway",
    },
    "ga.fixed": {
        description: "Global Accelerator fixed fee", unit: "accelerator-hour", usEast1: 0.025, confirmed: true, source: GA, read: D, global: true,
        via: "https://raw.githubusercontent.com/api-evangelist/amazon-global-accelerator/refs/heads/main/plans/amazon-global-accelerator-plans-pricing.yml (AWS page transcribed 2026-09-20)",
    },
    "ga.premium": {
        description: "Global Accelerator data-transfer premium (dominant direction, North America to North America)", unit: "GB",
        usEast1: 0.015, confirmed: true, source: GA, read: D, global: true,
        via: "https://raw.githubusercontent.com/api-evangelist/amazon-global-accelerator/refs/heads/main/plans/amazon-global-accelerator-plans-pricing.yml",
        note: "The premium depends on the source region and the edge location: US & Canada to Asia Pacific is $0.035/GB, to Australia & New Zealand $0.105/GB (same source). Priced at the lowest pair.",
    },
    "dynamodb.ondemand.write": {
        description: "DynamoDB on-demand write request units", unit: "million WRU", usEast1: 0.625, confirmed: true, source: DYNAMODB, read: D,
        via: "https://airbyte.com/data-engineering-resources/dynamodb-pricing (after the November 2024 reduction)",
    },
    "dynamodb.ondemand.read": {
        description: "DynamoDB on-demand read request units", unit: "million RRU", usEast1: 0.125, confirmed: true, source: DYNAMODB, read: D,
        via: "https://airbyte.com/data-engineering-resources/dynamodb-pricing",
    },
    "dynamodb.ondemand.replicatedWrite": {
        description: "DynamoDB global table replicated write request units", unit: "million rWRU", usEast1: 0.625, confirmed: false, source: DYNAMODB, read: D,
        note: "Replicated writes were cut by up to 67% in November 2024, to the single-region write price (not re-read).",
    },
    "dynamodb.provisioned.wcu": { description: "DynamoDB provisioned write capacity", unit: "WCU-hour", usEast1: 0.00065, confirmed: false, source: "https://aws.amazon.com/dynamodb/pricing/provisioned/", read: D },
    "dynamodb.provisioned.rcu": { description: "DynamoDB provisioned read capacity", unit: "RCU-hour", usEast1: 0.00013, confirmed: false, source: "https://aws.amazon.com/dynamodb/pricing/provisioned/", read: D },
    "dynamodb.storage": { description: "DynamoDB Standard table storage (beyond 25 GB free)", unit: "GB-month", usEast1: 0.25, confirmed: false, source: DYNAMODB, read: D },
    "dynamodb.pitr": { description: "DynamoDB point-in-time recovery", unit: "GB-month", usEast1: 0.20, confirmed: false, source: DYNAMODB, read: D },
    "route53.healthCheck.aws": {
        description: "Route 53 health check of an AWS endpoint", unit: "health-check-month", usEast1: 0.50, confirmed: true, source: ROUTE53, read: D, global: true,
        via: "https://wewantcode.com/en/course/aws/lesson/7-84-health-checks-status-check.html (the console's price summary)",
    },
    "route53.healthCheck.awsFeature": {
        description: "Route 53 optional health-check feature (HTTPS, string matching, fast interval, latency), AWS endpoint",
        unit: "feature-month", usEast1: 1.00, confirmed: false, source: ROUTE53, read: D, global: true,
    },
    "route53.healthCheck.other": {
        description: "Route 53 health check of a non-AWS endpoint", unit: "health-check-month", usEast1: 0.75, confirmed: true, source: ROUTE53, read: D, global: true,
        via: "https://wewantcode.com/en/course/aws/lesson/7-84-health-checks-status-check.html",
    },
    "route53.healthCheck.otherFeature": {
        description: "Route 53 optional health-check feature, non-AWS endpoint", unit: "feature-month", usEast1: 2.00, confirmed: false, source: ROUTE53, read: D, global: true,
    },
    "route53.queries": {
        description: "Route 53 standard queries (first billion)", unit: "million queries", usEast1: 0.40, confirmed: false, source: ROUTE53, read: D, global: true,
        note: "Queries to alias records that point at AWS resources are free.",
    },
    "kms.key": {
        description: "KMS customer managed key", unit: "key-month", usEast1: 1.00, confirmed: true, source: KMS, read: D,
        via: "https://www.wring.co/blog/aws-kms-pricing-guide; https://www.factualminds.com/blog/aws-kms-pricing-keys-requests-multi-region/ (June 2026)",
        note: "Automatic rotation adds $1/month for each of the first two rotations (not priced).",
    },
    "kms.requests": {
        description: "KMS requests (after 20,000 free a month per account)", unit: "10,000 requests", usEast1: 0.03, confirmed: true, source: KMS, read: D,
        via: "https://www.wring.co/blog/aws-kms-pricing-guide",
    },
    "logs.ingest": {
        description: "CloudWatch Logs ingestion (Standard class)", unit: "GB", usEast1: 0.50, confirmed: true, source: CLOUDWATCH, read: D,
        via: "https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)",
        regions: { "ap-northeast-1": { usd: 0.76, confirmed: true, via: "https://awsi.click/en/articles/cloudwatch-logs-cost-structure-surprise/" } },
    },
    "logs.storage": {
        description: "CloudWatch Logs storage (archived)", unit: "GB-month", usEast1: 0.03, confirmed: true, source: CLOUDWATCH, read: D,
        via: "https://c3x.dev/blog/cloudwatch-logs-cost-optimization",
        regions: { "ap-northeast-1": { usd: 0.033, confirmed: true, via: "https://awsi.click/en/articles/cloudwatch-logs-cost-structure-surprise/" } },
    },
    "cloudwatch.metric": {
        description: "CloudWatch metric (first 10,000), as Container Insights bills its metrics", unit: "metric-month", usEast1: 0.30, confirmed: false, source: CLOUDWATCH, read: D,
    },
    "cloudwatch.alarm": { description: "CloudWatch standard-resolution alarm metric", unit: "alarm-month", usEast1: 0.10, confirmed: false, source: CLOUDWATCH, read: D },
    "sqs.standard": {
        description: "SQS standard queue requests (after the first million)", unit: "million requests", usEast1: 0.40, confirmed: true, source: SQS, read: D,
        via: "https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/; https://cloudburn.io/blog/amazon-sqs-pricing",
    },
    "sqs.fifo": {
        description: "SQS FIFO queue requests", unit: "million requests", usEast1: 0.50, confirmed: true, source: SQS, read: D,
        via: "https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/",
    },
    "sfn.transitions": {
        description: "Step Functions Standard state transitions", unit: "1,000 transitions", usEast1: 0.025, confirmed: true, source: SFN, read: D,
        regions: Object.fromEntries(Object.entries({
            "us-east-2": 0.025, "us-west-2": 0.025, "us-west-1": 0.0279, "ca-central-1": 0.025, "sa-east-1": 0.0375, "eu-west-1": 0.025,
            "eu-central-1": 0.025, "eu-west-2": 0.025, "eu-west-3": 0.0297, "eu-north-1": 0.025, "ap-southeast-1": 0.025, "ap-northeast-1": 0.025,
            "ap-southeast-2": 0.025, "ap-northeast-2": 0.0271, "ap-south-1": 0.0285,
        }).map(([region, usd]) => [region, { usd, confirmed: true }])),
        note: "Regions: the state transitions pricing table of the AWS page.",
    },
    "ecr.storage": { description: "ECR private repository storage", unit: "GB-month", usEast1: 0.10, confirmed: false, source: ECR, read: D },
} satisfies { readonly [key: string]: PriceRow };

export type PriceKey = keyof typeof PRICES;

const SAME_AS_US_EAST_1 = "Fargate's pricing page prices US East (N. Virginia), US East (Ohio), US West (Oregon) and EU (Ireland) as one group " +
    "(https://aws.amazon.com/jp/fargate/pricing/, read 2026-12-01); used for every service there, not confirmed per service";
const assumed = (factor: number, group: string): RegionFactor =>
    ({ factor, basis: `assumption, not a price: ${group} are usually priced about ${Math.round((factor - 1) * 100)}% above us-east-1` });

/**
 * The fallback rule: a region without a price that was read pays the us-east-1 price × its factor.
 * Every factor is an assumption (its basis says which), and every line item priced by it is reported
 * as unconfirmed. One factor per region the package accepts (components/regions.ts COMMERCIAL_REGIONS).
 */
export const FALLBACK_RULE = "us-east-1 price × the region's factor (REGION_FACTORS); the line item is reported as unconfirmed";

export const REGION_FACTORS: { readonly [region: string]: RegionFactor } = {
    "us-east-1": { factor: 1, basis: "the reference region" },
    "us-east-2": { factor: 1, basis: SAME_AS_US_EAST_1 },
    "us-west-2": { factor: 1, basis: SAME_AS_US_EAST_1 },
    "eu-west-1": { factor: 1, basis: SAME_AS_US_EAST_1 },
    "us-west-1": assumed(1.15, "US West (N. California) prices"),
    "ca-central-1": assumed(1.1, "Canada prices"),
    "ca-west-1": assumed(1.1, "Canada prices"),
    "mx-central-1": assumed(1.1, "Mexico prices"),
    "eu-central-1": assumed(1.15, "Frankfurt prices"),
    "eu-central-2": assumed(1.25, "Zurich prices"),
    "eu-west-2": assumed(1.1, "London prices"),
    "eu-west-3": assumed(1.1, "Paris prices"),
    "eu-north-1": assumed(1.05, "Stockholm prices"),
    "eu-south-1": assumed(1.12, "Milan prices"),
    "eu-south-2": assumed(1.1, "Spain prices"),
    "il-central-1": assumed(1.15, "Tel Aviv prices"),
    "me-central-1": assumed(1.2, "UAE prices"),
    "me-south-1": assumed(1.2, "Bahrain prices"),
    "af-south-1": assumed(1.3, "Cape Town prices"),
    "sa-east-1": assumed(1.5, "São Paulo prices"),
    "ap-south-1": assumed(1.05, "Mumbai prices"),
    "ap-south-2": assumed(1.05, "Hyderabad prices"),
    "ap-east-1": assumed(1.3, "Hong Kong prices"),
    "ap-east-2": assumed(1.3, "Taipei prices"),
    "ap-northeast-1": assumed(1.25, "Tokyo prices"),
    "ap-northeast-2": assumed(1.2, "Seoul prices"),
    "ap-northeast-3": assumed(1.25, "Osaka prices"),
    "ap-southeast-1": assumed(1.25, "Singapore prices"),
    "ap-southeast-2": assumed(1.2, "Sydney prices"),
    "ap-southeast-3": assumed(1.2, "Jakarta prices"),
    "ap-southeast-4": assumed(1.25, "Melbourne prices"),
    "ap-southeast-5": assumed(1.2, "Malaysia prices"),
    "ap-southeast-6": assumed(1.2, "New Zealand prices"),
    "ap-southeast-7": assumed(1.2, "Thailand prices"),
};

/** A price for one region: USD per unit, and whether that value was read rather than derived. */
export interface RegionPrice {
    readonly usd: number;
    readonly confirmed: boolean;
}

/** The price of `key` in `region` (undefined: the region is not known, priced as us-east-1 and unconfirmed). */
export function priceIn(key: PriceKey, region: string | undefined): RegionPrice {
    const row: PriceRow = PRICES[key];
    if (row.global) {
        return { usd: row.usEast1, confirmed: row.confirmed };
    }
    if (region === "us-east-1") {
        return { usd: row.usEast1, confirmed: row.confirmed };
    }
    const read = region === undefined ? undefined : row.regions?.[region];
    if (read) {
        return read;
    }
    const factor = region === undefined ? 1 : REGION_FACTORS[region]?.factor ?? 1;
    return { usd: row.usEast1 * factor, confirmed: false };
}
