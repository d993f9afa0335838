/**
 * Integration tests against the run's DynamoDB Local: a table of their own per test file, built
 * from the shared definition, so files running in parallel never see each other's items.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTable } from '../../local/create-table.ts';
import { dynamoClientFor, localClientConfig } from '../../local/dynamodb-local.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';

export interface TestTable {
  readonly endpoint: string;
  /** Unique per call, e.g. `test-4711-3f2a…`. */
  readonly tableName: string;
  readonly client: DynamoDBClient;
  /** Configured as the adapters' own document client is. */
  readonly document: DynamoDBDocumentClient;
}

/**
 * Registers hooks that create a fresh table before the file's tests and delete it after them.
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
  const client = dynamoClientFor(endpoint);
  const document = documentClient(localClientConfig(endpoint));
  beforeAll(async () => {
    await ensureTable(client, tableName);
  });
  afterAll(async () => {
    // Dropping the table keeps the in-memory database small over a long run.
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    document.destroy();
    client.destroy();
  });
  return { endpoint, tableName, client, document };
}
