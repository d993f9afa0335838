/**
 * Creates the directory and evidence tables on DynamoDB Local from the one definition of each in
 * shared/store, so the local tables have the keys, stream and TTL that the CDK stack deploys.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { directoryTable, evidenceTable, type TableDefinition } from '../shared/store/table.ts';

export interface EnsureTableResult {
  /** false when the table already existed (a persisted database, or a second call). */
  readonly created: boolean;
  /** Whether TTL is on for the definition's attribute; false only where the endpoint lacks TTL. */
  readonly timeToLive: boolean;
}

const ACTIVE_TIMEOUT_MS = 30_000;

/**
 * The local name of the evidence table that goes with a directory table: `npm start`, the admin
 * command on DynamoDB Local and the tests all derive it the same way.
 *
 * @example
 * localEvidenceTableName('scim-directory'); // 'scim-directory-evidence'
 */
export function localEvidenceTableName(directoryTableName: string): string {
  return `${directoryTableName}-evidence`;
}

/**
 * Creates the directory table and its evidence table (see {@link localEvidenceTableName}) from
 * their shared definitions, unless they exist.
 *
 * @example
 * const { directory } = await ensureTables(client, 'scim-directory', 'scim-directory-evidence');
 */
export async function ensureTables(
  client: DynamoDBClient,
  tableName: string,
  evidenceTableName = localEvidenceTableName(tableName),
): Promise<{ directory: EnsureTableResult; evidence: EnsureTableResult }> {
  const [directory, evidence] = await Promise.all([
    ensureTable(client, tableName),
    ensureTable(client, evidenceTableName, evidenceTable),
  ]);
  return { directory, evidence };
}

/**
 * Creates `tableName` from a shared table definition (the directory table's by default) unless
 * it exists, waits until it is ACTIVE, and turns TTL on where the definition has it. Safe to
 * call on every start: an existing table is checked, not recreated, and an existing table whose
 * keys differ from the definition is an error (the persisted data predates a change of the
 * definition).
 *
 * @example
 * await ensureTable(dynamoClientFor(dynamo.endpoint), 'scim-directory');
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  definition: TableDefinition = directoryTable,
): Promise<EnsureTableResult> {
  const { partitionKey, sortKey, stream } = definition;
  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
          { AttributeName: sortKey.name, AttributeType: sortKey.type },
        ],
        KeySchema: [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: definition.billingMode,
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  const table = await waitUntilActive(client, tableName);
  if (!created) assertMatchesDefinition(table, tableName, definition);
  const ttl = definition.timeToLiveAttribute;
  return { created, timeToLive: ttl ? await enableTimeToLive(client, tableName, ttl) : false };
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    if (Date.now() > deadline)
      throw new Error(`Table ${tableName} is still ${Table?.TableStatus} after ${ACTIVE_TIMEOUT_MS} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function assertMatchesDefinition(
  table: TableDescription,
  tableName: string,
  definition: TableDefinition,
): void {
  const key = (type: 'HASH' | 'RANGE') =>
    table.KeySchema?.find((entry) => entry.KeyType === type)?.AttributeName;
  const spec = table.StreamSpecification;
  const problems = [
    key('HASH') !== definition.partitionKey.name && `partition key ${key('HASH')}`,
    key('RANGE') !== definition.sortKey.name && `sort key ${key('RANGE')}`,
    definition.stream &&
      !(spec?.StreamEnabled && spec.StreamViewType === definition.stream) &&
      `stream ${spec?.StreamEnabled ? spec.StreamViewType : 'disabled'}`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(
      `Table ${tableName} exists but differs from shared/store/table.ts (${problems.join(', ')}); ` +
        'delete it (or the local data folder) to recreate it.',
    );
}

/** Turns TTL on unless it already is; tolerates an endpoint without TTL support. */
async function enableTimeToLive(
  client: DynamoDBClient,
  tableName: string,
  attribute: string,
): Promise<boolean> {
  const isOn = async () => {
    const { TimeToLiveDescription: ttl } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    return ttl?.AttributeName === attribute && ['ENABLED', 'ENABLING'].includes(ttl.TimeToLiveStatus ?? '');
  };
  try {
    if (await isOn()) return true;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
    return true;
  } catch (error) {
    // A concurrent ensureTable may have switched it on between our check and our update.
    if (await isOn().catch(() => false)) return true;
    // DynamoDB Local has had TTL for years; older emulators answer UnknownOperationException.
    if ((error as Error).name === 'UnknownOperationException') return false;
    throw error;
  }
}
