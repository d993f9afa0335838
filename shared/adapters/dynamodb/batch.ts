import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Key = Record<string, unknown>;
type Item = Record<string, unknown>;

/** DynamoDB's limits per call: 100 keys for BatchGetItem, 25 requests for BatchWriteItem. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;
/** Unprocessed keys mean the partition is busy: wait a little longer each round, then give up loudly. */
const UNPROCESSED_ROUNDS = 10;

/**
 * Reads items by key, strongly consistent, 100 keys a call, retrying what DynamoDB left
 * unprocessed. Keys must be distinct. Missing items are simply absent from the result.
 *
 * @example
 * const users = await batchGet(client, tableName, ids.map((id) => keys.user('default', id)));
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Key[],
  projection?: { expression: string; names: Record<string, string> },
): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < itemKeys.length; i += GET_BATCH) {
    let pending: Key[] = itemKeys.slice(i, i + GET_BATCH);
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await backoff(round);
      if (round > UNPROCESSED_ROUNDS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ConsistentRead: true,
              ...(projection
                ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
                : {}),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}

/**
 * Deletes items by key, 25 a call, retrying what DynamoDB left unprocessed. Deleting an item that
 * is already gone is not an error, so a repeated call finishes an interrupted one.
 */
export async function batchDelete(
  client: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Key[],
): Promise<void> {
  await batchWrite(
    client,
    tableName,
    itemKeys.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

/** Writes items, 25 a call, retrying what DynamoDB left unprocessed (seeding, large fixtures). */
export async function batchPut(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
): Promise<void> {
  await batchWrite(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

type WriteRequest = { DeleteRequest: { Key: Key } } | { PutRequest: { Item: Item } };

async function batchWrite(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += WRITE_BATCH) {
    let pending = requests.slice(i, i + WRITE_BATCH);
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) await backoff(round);
      if (round > UNPROCESSED_ROUNDS)
        throw new Error(`BatchWriteItem left ${pending.length} requests unprocessed`);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}

const backoff = (round: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round) * Math.random()));

/**
 * Runs `work` over `items` with at most `limit` in flight, so a large job (a 100,000-member
 * group's delete) neither runs one call at a time nor floods the table. Rejects with the first
 * failure once the calls in flight have settled.
 *
 * @example
 * await inParallel(pages, 8, (page) => batchDelete(client, tableName, page));
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
