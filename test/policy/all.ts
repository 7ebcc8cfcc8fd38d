import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { costPolicies } from "../../policy/cost/budget";
import { deployReadinessPolicies } from "../../policy/deploy-readiness";
import { ecrPolicies } from "../../policy/ecr";
import { ecrPullPolicies } from "../../policy/ecr-pull";
import { ecsPolicies } from "../../policy/ecs";
import { eksPolicies } from "../../policy/eks";
import { eksStackPolicies } from "../../policy/eks-stack";
import { kubernetesPolicies } from "../../policy/kubernetes";
import { networkPolicies } from "../../policy/network";
import { peerPolicies } from "../../policy/peer";
import { securityPolicies } from "../../policy/security";
import { stackPolicies } from "../../policy/stack";
import { storageAndNlbPolicies } from "../../policy/storage-and-nlb";

/** Every policy of the pack, in the order policy/index.ts passes them (tests never import index.ts: it starts a server). */
export const ALL_POLICIES = [
    ...ecrPolicies, ...ecrPullPolicies, ...ecsPolicies, ...eksPolicies, ...eksStackPolicies, ...kubernetesPolicies,
    ...networkPolicies, ...peerPolicies, ...securityPolicies, ...stackPolicies, ...deployReadinessPolicies, ...costPolicies, ...storageAndNlbPolicies,
];
export const RESOURCE_POLICIES = ALL_POLICIES.filter((p) => "validateResource" in p) as ResourceValidationPolicy[];
export const STACK_POLICIES = ALL_POLICIES.filter((p) => "validateStack" in p) as StackValidationPolicy[];
