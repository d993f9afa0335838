/**
 * Moves the revocation ledger of a deployment made before the ledger had a table of its own:
 * copies every ledger item (states, history, leavers and their index entries) from the directory
 * table into the evidence table, so the evidence of past leavers is read where it is now kept.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryPrefix } from '../../shared/adapters/dynamodb/query-prefix.ts';
import { keys, ledgerKeys } from '../../shared/store/keys.ts';

export interface EvidenceMigration {
  readonly client: DynamoDBDocumentClient;
  /** Where the ledger was: the directory table. */
  readonly directoryTableName: string;
  /** Where it goes: the evidence table. */
  readonly evidenceTableName: string;
  readonly directoryIds: readonly string[];
}

export interface EvidenceMigrationResult {
  /** Items written to the evidence table. */
  readonly copied: number;
  /** Items the evidence table held already (written since the upgrade, or by an earlier run): left as they are. */
  readonly present: number;
}

/**
 * Copies the ledger items of each directory. Safe to run twice, or while connectors write: an
 * item already in the evidence table is never replaced (it is the same entry, or a newer state).
 * The items stay in the directory table, where nothing reads them any more.
 *
 * @example
 * await migrateEvidence({ client, directoryTableName, evidenceTableName, directoryIds: ['default'] });
 */
export async function migrateEvidence(migration: EvidenceMigration): Promise<EvidenceMigrationResult> {
  let copied = 0;
  let present = 0;
  for (const directoryId of migration.directoryIds)
    for (const prefix of ledgerKeys.itemPrefixes) {
      const items = await queryPrefix(
        migration.client,
        migration.directoryTableName,
        keys.partition(directoryId),
        prefix,
      );
      for (const item of items) {
        if (await putIfAbsent(migration.client, migration.evidenceTableName, item)) copied += 1;
        else present += 1;
      }
    }
  return { copied, present };
}

async function putIfAbsent(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(sk)' }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
