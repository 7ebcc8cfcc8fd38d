import { PolicyPack } from "@pulumi/policy";
import { costPolicies } from "./cost/budget";
import { deployReadinessPolicies } from "./deploy-readiness";
import { ecrPolicies } from "./ecr";
import { ecrPullPolicies } from "./ecr-pull";
import { ecsPolicies } from "./ecs";
import { eksPolicies } from "./eks";
import { eksStackPolicies } from "./eks-stack";
import { kubernetesPolicies } from "./kubernetes";
import { installServerFixes } from "./lib/server";
import { networkPolicies } from "./network";
import { peerPolicies } from "./peer";
import { securityPolicies } from "./security";
import { stackPolicies } from "./stack";
import { storageAndNlbPolicies } from "./storage-and-nlb";

const policies = [
    ...ecrPolicies, ...ecrPullPolicies, ...ecsPolicies, ...eksPolicies, ...eksStackPolicies, ...kubernetesPolicies,
    ...networkPolicies, ...peerPolicies, ...securityPolicies, ...stackPolicies, ...deployReadinessPolicies, ...costPolicies, ...storageAndNlbPolicies,
];

// Before the server starts: empty assets deserialise, and config is checked at Configure (lib/server.ts).
installServerFixes(policies);

// Constructing a PolicyPack starts its analyzer gRPC server (D7 in the project's docs/design.md), so nothing but this file does it;
// tests import the policy arrays from their modules.
new PolicyPack("aws-containers", { policies });
