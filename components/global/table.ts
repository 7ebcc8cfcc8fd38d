import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument, policyJson } from "../iam";
import { ResolvedActiveActive } from "./args";

export interface GlobalTableParts {
    readonly table: aws.dynamodb.Table;
    /** ARN of the table in each region: the table itself in the home region, its replica elsewhere. */
    readonly regionalArns: { [region: string]: pulumi.Output<string> };
    /** The customer managed key of each region's copy. */
    readonly keyArns: { [region: string]: pulumi.Output<string> };
}

/**
 * A DynamoDB global table (version 2019.11.21): the table in the home region and one
 * `aws.dynamodb.TableReplica` per other region, each on that region's provider and encrypted with a key
 * of its own region (a replica's key must be in the replica's region: CloudFormation
 * AWS::DynamoDB::GlobalTable ReplicaSSESpecification). Replicas are separate resources rather than the
 * table's `replicas` list so that adding a region changes no input of the table, and removing one keeps
 * that replica (retainOnDelete) instead of deleting its data in an update (D9 in docs/design.md).
 */
export function createGlobalTable(name: string, a: ResolvedActiveActive, providers: { [region: string]: aws.Provider },
    ttlAttribute: string | undefined, parent: pulumi.Resource): GlobalTableParts {
    const keyArns: { [region: string]: pulumi.Output<string> } = {};
    for (const region of a.regions) {
        keyArns[region] = new aws.kms.Key(`${name}-${region}-table-key`, {
            description: `DynamoDB global table ${name}, replica in ${region}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
        }, { parent, provider: providers[region], retainOnDelete: true }).arn;
    }
    const keys = [a.partitionKey, ...(a.sortKey ? [a.sortKey] : [])];
    const table = new aws.dynamodb.Table(`${name}-table`, {
        billingMode: "PAY_PER_REQUEST",
        hashKey: a.partitionKey.name,
        rangeKey: a.sortKey?.name,
        attributes: keys.map((k) => ({ name: k.name, type: k.type })),
        // Replicas are fed from the stream; the provider's docs require NEW_AND_OLD_IMAGES for replicas.
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArns[a.homeRegion] },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        ttl: ttlAttribute ? { enabled: true, attributeName: ttlAttribute } : undefined,
    }, {
        parent, provider: providers[a.homeRegion], retainOnDelete: true,
        // The replicas below are managed as their own resources (provider docs: ignore `replicas` on the table).
        ignoreChanges: ["replicas"],
    });
    const regionalArns: { [region: string]: pulumi.Output<string> } = { [a.homeRegion]: table.arn };
    for (const region of a.regions.filter((r) => r !== a.homeRegion)) {
        regionalArns[region] = new aws.dynamodb.TableReplica(`${name}-${region}-replica`, {
            globalTableArn: table.arn,
            kmsKeyArn: keyArns[region],
            pointInTimeRecovery: true,
            deletionProtectionEnabled: true,
        }, { parent, provider: providers[region], retainOnDelete: true }).arn;
    }
    return { table, regionalArns, keyArns };
}

/**
 * What a task role in `region` may do with the table: read and write items of that region's copy and
 * its indexes only, and use that region's key only through DynamoDB in that region.
 */
export function replicaAccessPolicy(region: string, tableArn: pulumi.Input<string>, keyArn: pulumi.Input<string>): pulumi.Output<string> {
    const doc: PolicyDocument = {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LocalReplicaItems",
                Effect: "Allow",
                Action: [
                    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:ConditionCheckItem",
                    "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable",
                ],
                Resource: [tableArn, pulumi.interpolate`${tableArn}/index/*`],
            },
            {
                // DynamoDB uses the table key on the caller's behalf (AWS KMS Developer Guide, "kms:ViaService").
                Sid: "LocalReplicaKey",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: keyArn,
                Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
            },
        ],
    };
    return policyJson(doc);
}

/** Adds `extra`'s statements to a service's own task role policy (a JSON document), if it has one. */
export function mergePolicies(own: pulumi.Input<string> | undefined, extra: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.all([own, extra]).apply(([o, e]) => {
        const add = JSON.parse(e) as PolicyDocument;
        if (!o) {
            return e;
        }
        const base = JSON.parse(o) as PolicyDocument;
        const statements = Array.isArray(base.Statement) ? base.Statement : [base.Statement];
        return JSON.stringify({ ...base, Statement: [...statements, ...add.Statement] });
    });
}
