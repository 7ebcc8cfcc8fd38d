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
        keyArns[region] = createTableKey(name, region, { parent, provider: providers[region] }).arn;
    }
    const table = createHomeTable(name, a, keyArns[a.homeRegion], ttlAttribute, { parent, provider: providers[a.homeRegion] });
    const regionalArns: { [region: string]: pulumi.Output<string> } = { [a.homeRegion]: table.arn };
    for (const region of a.regions.filter((r) => r !== a.homeRegion)) {
        regionalArns[region] = createReplica(name, region, table.arn, keyArns[region], { parent, provider: providers[region] }).arn;
    }
    return { table, regionalArns, keyArns };
}

/** The customer managed key of one region's copy of the table, kept when removed (it decrypts the data). */
export function createTableKey(name: string, region: string, opts: pulumi.CustomResourceOptions): aws.kms.Key {
    return new aws.kms.Key(`${name}-${region}-table-key`, {
        description: `DynamoDB global table ${name}, replica in ${region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
    }, { ...opts, retainOnDelete: true });
}

/** The table in the home region, encrypted with the home region's key (`opts` carries that region's provider). */
export function createHomeTable(name: string, a: ResolvedActiveActive, keyArn: pulumi.Input<string>, ttlAttribute: string | undefined,
    opts: pulumi.CustomResourceOptions): aws.dynamodb.Table {
    const keys = [a.partitionKey, ...(a.sortKey ? [a.sortKey] : [])];
    return new aws.dynamodb.Table(`${name}-table`, {
        billingMode: "PAY_PER_REQUEST",
        hashKey: a.partitionKey.name,
        rangeKey: a.sortKey?.name,
        attributes: keys.map((k) => ({ name: k.name, type: k.type })),
        // Replicas are fed from the stream; the provider's docs require NEW_AND_OLD_IMAGES for replicas.
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        ttl: ttlAttribute ? { enabled: true, attributeName: ttlAttribute } : undefined,
    }, {
        ...opts, retainOnDelete: true,
        // The replicas are managed as their own resources (provider docs: ignore `replicas` on the table).
        ignoreChanges: ["replicas"],
    });
}

/** The table's replica in `region` (not the home region), with that region's key; kept when removed. */
export function createReplica(name: string, region: string, tableArn: pulumi.Input<string>, keyArn: pulumi.Input<string>,
    opts: pulumi.CustomResourceOptions): aws.dynamodb.TableReplica {
    return new aws.dynamodb.TableReplica(`${name}-${region}-replica`, {
        globalTableArn: tableArn,
        kmsKeyArn: keyArn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: true,
    }, { ...opts, retainOnDelete: true });
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
