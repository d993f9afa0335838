/**
 * Integration tests against the run's DynamoDB Local: a directory table and an evidence table of
 * their own per test file, built from the shared definitions, so files running in parallel never
 * see each other's items.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTables, localEvidenceTableName } from '../../local/create-table.ts';
import { dynamoClientFor, localClientConfig } from '../../local/dynamodb-local.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';

export interface TestTable {
  readonly endpoint: string;
  /** The directory table, unique per call, e.g. `test-4711-3f2a…`. */
  readonly tableName: string;
  /** The evidence table (the revocation ledger) that goes with it. */
  readonly evidenceTableName: string;
  readonly client: DynamoDBClient;
  /** Configured as the adapters' own document client is. */
  readonly document: DynamoDBDocumentClient;
}

/**
 * Registers hooks that create fresh tables before the file's tests and delete them after them.
 * Call it at the top of a test file (or a describe block).
 *
 * @example
 * const table = useDynamoTable();
 * it('stores a user', async () => {
 *   const store = new DynamoUserStore(table.document, table.tableName);
 *   // ...
 * });
 */
export function useDynamoTable(): TestTable {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `test-${process.pid}-${randomUUID()}`;
  const evidenceTableName = localEvidenceTableName(tableName);
  const client = dynamoClientFor(endpoint);
  const document = documentClient(localClientConfig(endpoint));
  beforeAll(async () => {
    await ensureTables(client, tableName, evidenceTableName);
  });
  afterAll(async () => {
    // Dropping the table keeps the in-memory database small over a long run.
    for (const name of [tableName, evidenceTableName])
      await client.send(new DeleteTableCommand({ TableName: name }));
    document.destroy();
    client.destroy();
  });
  return { endpoint, tableName, evidenceTableName, client, document };
}
