import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./aws-context";
import { imageReference, REPOSITORY_NAME_RE } from "./registry";
import { ArgumentErrors, show } from "./validation";

/**
 * Where a container's image comes from, the same in every component (docs/design.md, "Names"): either
 * `repository` + `tag`, an ECR repository of the registry stack whose URI is derived in the region the
 * task runs in (replication keeps names identical, DESIGN D4), or `image`, a full URI from another registry.
 */
export interface ImageSource {
    /** ECR repository of the registry stack, e.g. "shop/orders"; the image URI is derived per region. */
    readonly repository?: string;
    /** Tag, or digest "sha256:…", of the image in `repository`. */
    readonly tag?: string;
    /** A full image URI instead of `repository` + `tag` (another registry). */
    readonly image?: pulumi.Input<string>;
}

const TAG_OR_DIGEST = /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/;

/** Records errors unless `src` gives exactly one of `repository` + `tag` and `image`; `path` prefixes the property names. */
export function checkImageSource(errors: ArgumentErrors, path: string, src: ImageSource): void {
    errors.require((src.repository === undefined) !== (src.image === undefined), `${path}repository`,
        "give exactly one of repository (an ECR repository of the registry stack, with tag) and image (a full image URI)");
    if (src.repository !== undefined) {
        errors.require(typeof src.repository === "string" && REPOSITORY_NAME_RE.test(src.repository), `${path}repository`,
            `${show(src.repository)} is not an ECR repository name`);
        errors.require(typeof src.tag === "string" && TAG_OR_DIGEST.test(src.tag), `${path}tag`,
            `${show(src.tag ?? "(unset)")} is not an image tag or sha256 digest; repositories have immutable tags, so name the release`);
    } else {
        errors.require(src.tag === undefined, `${path}tag`, "goes with repository; a full image URI in image carries its own tag");
    }
}

/** The image URI of a checked `src` in the context's account and region. */
export function imageUri(ctx: AwsContext, src: ImageSource): pulumi.Input<string> {
    return src.image ?? imageReference(ctx, src.repository!, src.tag!);
}
