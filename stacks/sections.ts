/**
 * Every key a stack file may set in the `aws-containers:` namespace, with its type: the single source
 * of schemas/stack.schema.json (`npm run schemas`), which checks each stack's config before anything
 * is created (stacks/config.ts) and which editors use to complete and check `stacks/Pulumi.<stack>.yaml`.
 * A new section is one line here (its key and its type), then `npm run schemas`.
 */
import type { ProviderSettings } from "../components/regions";
import type { ActiveActiveSection } from "./active-active";
import type { ArchitectureName, LAYERS } from "./config";
import type { EcrPullSection } from "./ecr-pull";
import type { EksPlatformSection } from "./eks-platform";
import type { MicroservicesSection } from "./fargate-microservices";
import type { RegistrySection } from "./registry";
import type { BatchSection } from "./sqs-batch";

export interface StackSections {
    /** The architecture this stack builds (checklist C1). */
    architecture: ArchitectureName;
    /** Regions this stack runs workloads in (for the registry stack: the regions images replicate to). */
    regions: string[];
    /** The home region: registry source, global-table home, first wave of a rollout. @default the first of `regions` */
    homeRegion?: string;
    /**
     * The layer of a layered architecture (active-active) this stack runs: `global` (table home, accelerator),
     * `region` (one region's network, services and replica) or `edge` (endpoint groups, dials, DNS).
     * @default unset: one stack with every layer
     */
    layer?: (typeof LAYERS)[number];
    /** Every region of the active-active deployment; a `region` layer stack's region is one of them. */
    deploymentRegions?: string[];
    /** The edge stack's traffic dial per region, 0-100 (replaces the active-active section's trafficDials). */
    trafficDials?: { [region: string]: number };
    /** Credentials and partition of every regional provider. */
    providers?: ProviderSettings;
    registry?: RegistrySection;
    microservices?: MicroservicesSection;
    "eks-platform"?: EksPlatformSection;
    /** The eks-auto-mode architecture's section: the eks-platform section, with `platform.autoMode: true`. */
    "eks-auto-mode"?: EksPlatformSection;
    batch?: BatchSection;
    "active-active"?: ActiveActiveSection;
    "ecr-pull"?: EcrPullSection;
    /** The ecr-pull stack's kubeconfig of the cluster outside EKS: set it as a secret (`pulumi config set --secret`), never in a section. */
    kubeconfig?: string;
}
