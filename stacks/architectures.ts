import { buildActiveActive } from "./active-active";
import { ArchitectureName, StackConfig } from "./config";
import { buildEcrPull } from "./ecr-pull";
import { buildEksPlatform } from "./eks-platform";
import { buildFargateMicroservices } from "./fargate-microservices";
import { buildRegistry } from "./registry";
import { buildSqsBatch } from "./sqs-batch";

type Builder = (cfg: StackConfig) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** One builder per architecture; an architecture that is not built yet says so instead of guessing. */
export const BUILDERS: { [A in ArchitectureName]?: Builder } = {
    "registry": buildRegistry,
    "eks-platform": buildEksPlatform,
    "eks-auto-mode": buildEksPlatform,
    "sqs-batch": buildSqsBatch,
    "fargate-microservices": buildFargateMicroservices,
    "active-active": buildActiveActive,
    "ecr-pull": buildEcrPull,
};
