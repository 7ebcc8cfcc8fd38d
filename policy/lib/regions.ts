import { Obj, str } from "./values";

/** AWS region names, including GovCloud, ISO and China partitions (us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1). */
const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

function region(v: string | undefined): string | undefined {
    return v !== undefined && REGION_RE.test(v) ? v : undefined;
}

/**
 * The region a resource lives in, from the most to the least direct evidence:
 * 1. its own `region` property (every resource of @pulumi/aws v7 has one; when set it overrides the provider);
 * 2. the `region` of the AWS provider it is registered with (explicit or default provider);
 * 3. the region field of its ARN (`arn:partition:service:region:account:...`), present once it exists.
 * `undefined` when none is known (during preview a provider's region can itself be unknown).
 */
export function regionOf(props: Obj, provider?: Obj): string | undefined {
    return region(str(props["region"]))
        ?? region(str(provider?.["region"]))
        ?? region(str(props["arn"])?.split(":")[3]);
}
