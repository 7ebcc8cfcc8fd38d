import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ecrPolicies } from "../../policy/ecr";
import { ecsPolicies } from "../../policy/ecs";
import { eksPolicies } from "../../policy/eks";
import { eksStackPolicies } from "../../policy/eks-stack";
import { kubernetesPolicies } from "../../policy/kubernetes";
import { networkPolicies } from "../../policy/network";
import { securityPolicies } from "../../policy/security";
import { stackPolicies } from "../../policy/stack";
import { storageAndNlbPolicies } from "../../policy/storage-and-nlb";

/** Every policy of the pack, in the order policy/index.ts passes them (tests never import index.ts: it starts a server). */
export const ALL_POLICIES = [
    ...ecrPolicies, ...ecsPolicies, ...eksPolicies, ...eksStackPolicies, ...kubernetesPolicies,
    ...networkPolicies, ...securityPolicies, ...stackPolicies, ...storageAndNlbPolicies,
];
export const RESOURCE_POLICIES = ALL_POLICIES.filter((p) => "validateResource" in p) as ResourceValidationPolicy[];
export const STACK_POLICIES = ALL_POLICIES.filter((p) => "validateStack" in p) as StackValidationPolicy[];
