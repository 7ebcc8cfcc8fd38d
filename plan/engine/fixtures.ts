/**
 * Invoke fixtures: what AWS answers to the data-source calls the components make, per region. The
 * availability zones are the real zone names and IDs of each region (EC2 DescribeAvailabilityZones
 * for a new account without opt-in zones); regions not listed answer with zones a, b and c.
 */

export const MOCK_ACCOUNT_ID = "123456789012";

/** Real zone letters per region for an account created recently (us-west-1 and ap-northeast-1 skip letters). */
const ZONE_LETTERS: { [region: string]: string[] } = {
    "us-east-1": ["a", "b", "c", "d", "e", "f"],
    "us-east-2": ["a", "b", "c"],
    "us-west-1": ["a", "c"],
    "us-west-2": ["a", "b", "c", "d"],
    "ca-central-1": ["a", "b", "d"],
    "eu-west-1": ["a", "b", "c"],
    "eu-central-1": ["a", "b", "c"],
    "ap-northeast-1": ["a", "c", "d"],
    "ap-southeast-2": ["a", "b", "c"],
};

/** Short zone-ID prefix per region (use1-az1 …), as DescribeAvailabilityZones reports it. */
function zoneIdPrefix(region: string): string {
    const [area, direction, num] = region.split("-");
    const dir = { east: "e", west: "w", north: "n", south: "s", central: "c", northeast: "ne", northwest: "nw",
        southeast: "se", southwest: "sw" }[direction] ?? direction[0];
    return `${area}${dir}${num}`;
}

export function availabilityZones(region: string): { names: string[]; zoneIds: string[] } {
    const letters = ZONE_LETTERS[region] ?? ["a", "b", "c"];
    return {
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
    };
}

/** A handler answers one invoke token for the region of the provider the call went through. */
export type InvokeHandler = (args: any, region: string | undefined) => Record<string, unknown>;

export const INVOKE_FIXTURES: { [token: string]: InvokeHandler } = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_args, region) => {
        const r = requireRegion(region, "getAvailabilityZones");
        const zones = availabilityZones(r);
        return { id: r, names: zones.names, zoneIds: zones.zoneIds, groupNames: [r], state: "available" };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: MOCK_ACCOUNT_ID,
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/platform-deployer/pulumi`,
        userId: "AROAEXAMPLEID:pulumi",
    }),
    "aws:index/getPartition:getPartition": () => ({
        id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws",
    }),
    "aws:index/getRegion:getRegion": (_args, region) => {
        const r = requireRegion(region, "getRegion");
        return { id: r, region: r, name: r, endpoint: `ec2.${r}.amazonaws.com`, description: r };
    },
};

/**
 * Default add-on version per Kubernetes minor, in EKS's `v<upstream>-eksbuild.<n>` format (what
 * DescribeAddonVersions marks `defaultVersion`). Rows up to 1.33/1.34 follow the AWS user guide's tables
 * (managing-coredns.adoc, managing-kube-proxy.adoc); newer rows are illustrative values in the same format.
 */
const ADDON_DEFAULT_VERSIONS: { [addon: string]: (minor: number) => string } = {
    "vpc-cni": (m) => (m >= 33 ? "v1.20.4-eksbuild.2" : "v1.19.6-eksbuild.7"),
    "kube-proxy": (m) => (m === 34 ? "v1.34.0-eksbuild.5" : `v1.${m}.0-eksbuild.2`),
    "coredns": (m) => (m >= 35 ? "v1.13.1-eksbuild.1" : m >= 33 ? "v1.12.3-eksbuild.1" : "v1.11.4-eksbuild.22"),
    "eks-pod-identity-agent": () => "v1.3.9-eksbuild.3",
    "aws-ebs-csi-driver": () => "v1.51.1-eksbuild.1",
    "amazon-cloudwatch-observability": () => "v4.6.0-eksbuild.1",
};

addInvokeFixtures({
    "aws:eks/getAddonVersion:getAddonVersion": (args, region) => {
        const r = requireRegion(region, "getAddonVersion");
        const version = ADDON_DEFAULT_VERSIONS[args.addonName];
        const minor = /^1\.(\d+)$/.exec(String(args.kubernetesVersion))?.[1];
        if (!version || !minor) {
            // What DescribeAddonVersions answers for an unknown add-on or version: nothing to pick.
            throw new Error(`getAddonVersion: no versions of add-on ${args.addonName} for Kubernetes ${args.kubernetesVersion}`);
        }
        return {
            id: args.addonName, addonName: args.addonName, kubernetesVersion: args.kubernetesVersion,
            mostRecent: args.mostRecent ?? false, region: r, version: version(Number(minor)),
        };
    },
});

addInvokeFixtures({
    // DescribeLoadBalancers for an ALB given by ARN: its DNS name and the region's ELB hosted zone.
    "aws:lb/getLoadBalancer:getLoadBalancer": (args, region) => {
        const r = requireRegion(region, "getLoadBalancer");
        const m = /^arn:aws:elasticloadbalancing:([a-z0-9-]+):\d{12}:loadbalancer\/app\/([^/]+)\/([0-9a-f]+)$/.exec(String(args.arn));
        if (!m || m[1] !== r) {
            throw new Error(`getLoadBalancer: LoadBalancerNotFound: ${args.arn} is not an application load balancer in ${r}`);
        }
        return {
            id: args.arn, arn: args.arn, arnSuffix: `app/${m[2]}/${m[3]}`, name: m[2], loadBalancerType: "application",
            internal: false, dnsName: `${m[2]}-1234567890.${r}.elb.amazonaws.com`, zoneId: ALB_ZONE_IDS[r] ?? "Z35SXDOTRQ7X7K",
        };
    },
});

/**
 * Route 53 hosted zone IDs of Application Load Balancers per region (AWS General Reference,
 * "Elastic Load Balancing endpoints and quotas").
 */
export const ALB_ZONE_IDS: { [region: string]: string } = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-central-1": "Z215JYRZR1TBD5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "ap-southeast-2": "Z1GM3OXH4ZPM65",
};

function requireRegion(region: string | undefined, call: string): string {
    if (!region) {
        throw new Error(`${call} was called without a regional provider: pass { parent } or { provider } (D2 in docs/design.md)`);
    }
    return region;
}

/** Lets later modules add fixtures (EKS add-on versions, SSM parameters, …) in one place. */
export function addInvokeFixtures(extra: { [token: string]: InvokeHandler }): void {
    Object.assign(INVOKE_FIXTURES, extra);
}
