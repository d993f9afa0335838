import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { directoryTable, type TableDefinition } from '../../../shared/store/table.ts';

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
        description: 'Encrypts the SCIM directory and evidence tables',
        enableKeyRotation: true,
        // Without the key the retained table (and its backups) cannot be read.
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }
    this.table = protectedTable(this, 'Table', directoryTable, encryption, this.key);
  }
}

/**
 * A table built from a shared definition, protected as the directory's data deserves: PITR,
 * deletion protection, RETAIN, and the chosen encryption (`key` for `customer-managed`).
 *
 * @example
 * const table = protectedTable(this, 'Table', evidenceTable, 'aws-managed');
 */
export function protectedTable(
  scope: Construct,
  id: string,
  definition: TableDefinition,
  encryption: TableKey,
  key?: IKey,
): Table {
  const { partitionKey, sortKey, stream, timeToLiveAttribute, billingMode } = definition;
  return new Table(scope, id, {
    partitionKey: { name: partitionKey.name, type: attributeTypes[partitionKey.type] },
    sortKey: { name: sortKey.name, type: attributeTypes[sortKey.type] },
    ...(stream ? { stream: StreamViewType[stream] } : {}),
    ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
    billingMode: BillingMode[billingMode],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: encryptions[encryption],
    ...(encryption === 'customer-managed' && key ? { encryptionKey: key } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
