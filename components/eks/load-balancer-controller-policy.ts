import { PolicyDocument } from "../iam";

const ELB_CLUSTER_TAG = "elbv2.k8s.aws/cluster";
const tagged = { Null: { [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: "false" } };
const requestTagged = { Null: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: "false" } };
const onlyExistingTag = { Null: { [`aws:RequestTag/${ELB_CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${ELB_CLUSTER_TAG}`]: "false" } };
const LOAD_BALANCERS_AND_TARGET_GROUPS = [
    "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
    "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
];

/**
 * The AWS Load Balancer Controller's IAM policy, as data. Upstream publishes it as
 * kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json and asks users to take the file
 * of the release they run; this is the v2.14+ form (capacity reservations, IPAM pools, listener attributes,
 * rule priorities), which the 3.x line carries. Re-sync it when bumping CHARTS.loadBalancerController.
 * Mutations are limited to resources tagged `elbv2.k8s.aws/cluster`, which the controller puts on what it creates.
 */
export const LOAD_BALANCER_CONTROLLER_POLICY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        {
            Effect: "Allow",
            Action: [
                "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeCapacityReservation",
            ],
            Resource: "*",
        },
        {
            Effect: "Allow",
            Action: [
                "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates",
                "iam:GetServerCertificate", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection",
                "shield:DeleteProtection",
            ],
            Resource: "*",
        },
        { Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
        { Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
        {
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: "arn:aws:ec2:*:*:security-group/*",
            Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged },
        },
        { Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: "arn:aws:ec2:*:*:security-group/*", Condition: onlyExistingTag },
        {
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: "*",
            Condition: tagged,
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: requestTagged,
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule"],
            Resource: "*",
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: LOAD_BALANCERS_AND_TARGET_GROUPS,
            Condition: onlyExistingTag,
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
            ],
        },
        {
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
            ],
            Resource: "*",
            Condition: tagged,
        },
        {
            Effect: "Allow",
            Action: "elasticloadbalancing:AddTags",
            Resource: LOAD_BALANCERS_AND_TARGET_GROUPS,
            Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
        },
        {
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
        },
        {
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: "*",
        },
    ],
};
