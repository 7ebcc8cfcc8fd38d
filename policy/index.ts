import { PolicyPack } from "@pulumi/policy";
import { ecrPolicies } from "./ecr";
import { ecsPolicies } from "./ecs";
import { eksPolicies } from "./eks";
import { eksStackPolicies } from "./eks-stack";
import { kubernetesPolicies } from "./kubernetes";
import { networkPolicies } from "./network";
import { securityPolicies } from "./security";
import { stackPolicies } from "./stack";
import { storageAndNlbPolicies } from "./storage-and-nlb";

// Constructing a PolicyPack starts its analyzer gRPC server (D7 in the project's docs/design.md), so nothing but this file does it;
// tests import the policy arrays from their modules.
new PolicyPack("aws-containers", {
    policies: [
        ...ecrPolicies, ...ecsPolicies, ...eksPolicies, ...eksStackPolicies, ...kubernetesPolicies,
        ...networkPolicies, ...securityPolicies, ...stackPolicies, ...storageAndNlbPolicies,
    ],
});
