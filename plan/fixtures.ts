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

function requireRegion(region: string | undefined, call: string): string {
    if (!region) {
        throw new Error(`${call} was called without a regional provider: pass { parent } or { provider } (DESIGN D2)`);
    }
    return region;
}

/** Lets later modules add fixtures (EKS add-on versions, SSM parameters, …) in one place. */
export function addInvokeFixtures(extra: { [token: string]: InvokeHandler }): void {
    Object.assign(INVOKE_FIXTURES, extra);
}
