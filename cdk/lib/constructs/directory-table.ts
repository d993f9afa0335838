import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { directoryTable } from '../../../shared/store/table.ts';

/** DynamoDB's attribute type letters, as CDK spells them. */
const attributeTypes = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const satisfies Record<string, AttributeType>;

/**
 * The directory table, built from the one definition in `shared/store/table.ts` (keys, stream,
 * TTL, billing) that the local runtime also creates its table from, so the two cannot drift.
 *
 * It holds the directory of record, so it is protected three ways: point-in-time recovery
 * (35 days of per-second restores), deletion protection (a `DeleteTable` call fails), and
 * RETAIN (removing the stack or the construct leaves the table in place).
 *
 * `Table` rather than `TableV2`: the shared definition maps one to one onto
 * `AWS::DynamoDB::Table` and `CreateTable`, and cdk-nag checks PITR on this resource type.
 *
 * @example
 * const { table } = new DirectoryTable(this, 'Directory');
 */
export type TableKey = 'aws-owned' | 'aws-managed' | 'customer-managed';

export interface DirectoryTableProps {
  /**
   * @default 'aws-managed': the `aws/dynamodb` key, unlike the default AWS-owned one, shows every
   * use in CloudTrail, and costs no monthly key fee. `customer-managed` adds a key of this app
   * (rotated yearly, retained with the table) whose policy the account controls.
   */
  readonly encryption?: TableKey;
}

const encryptions = {
  'aws-owned': TableEncryption.DEFAULT,
  'aws-managed': TableEncryption.AWS_MANAGED,
  'customer-managed': TableEncryption.CUSTOMER_MANAGED,
} as const satisfies Record<TableKey, TableEncryption>;

export class DirectoryTable extends Construct {
  readonly table: Table;
  /** The customer-managed key, when chosen. */
  readonly key?: Key;

  constructor(scope: Construct, id: string, props: DirectoryTableProps = {}) {
    super(scope, id);
    const encryption = props.encryption ?? 'aws-managed';
    if (encryption === 'customer-managed') {
      this.key = new Key(this, 'Key', {
        description: 'Encrypts the SCIM directory table',
        enableKeyRotation: true,
        // Without the key the retained table (and its backups) cannot be read.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    const { partitionKey, sortKey, stream, timeToLiveAttribute, billingMode } = directoryTable;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey.name, type: attributeTypes[partitionKey.type] },
      sortKey: { name: sortKey.name, type: attributeTypes[sortKey.type] },
      stream: StreamViewType[stream],
      timeToLiveAttribute,
      billingMode: BillingMode[billingMode],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: encryptions[encryption],
      ...(this.key ? { encryptionKey: this.key } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
