/**
 * Fast seeding: large directories are written straight to the table with BatchWriteItem, item
 * for item as DynamoUserStore.create writes them (user, userName claim, index entries) and with
 * the counter shards set to the total. This bypasses the service on purpose: 50,000 creates
 * through it are 50,000 transactions, minutes of set-up for a measurement of paging.
 * `checkSeedMatchesStore` proves the two write the same items.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoGroupStore } from '../../shared/adapters/dynamodb/group-store.ts';
import { toUserItem } from '../../shared/adapters/dynamodb/user-item.ts';
import { DynamoUserStore } from '../../shared/adapters/dynamodb/user-store.ts';
import type { StoredUser } from '../../shared/ports/user-store.ts';
import { coerceResource } from '../../shared/scim/coerce.ts';
import { userResourceType } from '../../shared/scim/schema/resource-type.ts';
import { UserService } from '../../shared/scim/users/user-service.ts';
import { COUNTER_SHARDS, keys } from '../../shared/store/keys.ts';
import { actor, contextFor, userBody } from './fixtures.ts';

type Item = Record<string, unknown>;

/** A user as the service would store it, and the items DynamoUserStore.create would write for it. */
export function userItems(directoryId: string, id: string, body: unknown, now: string): Item[] {
  const stored: StoredUser = {
    id,
    resource: coerceResource(userResourceType, body, { mode: 'create' }),
    version: 1,
    created: now,
    lastModified: now,
  };
  const item = toUserItem(directoryId, stored, actor);
  return [
    { ...item },
    { pk: item.pk, sk: item.claimSk, type: 'UserNameClaim', userId: id },
    ...item.indexSks.map((sk) => ({ pk: item.pk, sk, type: 'IndexEntry', userId: id })),
  ];
}

/** The counter shards holding `total` between them, as `total` creates would have left them. */
export function counterItems(directoryId: string, total: number): Item[] {
  return Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
    ...keys.counterShard(directoryId, 'User', shard),
    n: Math.floor(total / COUNTER_SHARDS) + (shard < total % COUNTER_SHARDS ? 1 : 0),
    // As many creates, each a new generation of the list (resource-counter.ts).
    changes: Math.floor(total / COUNTER_SHARDS) + (shard < total % COUNTER_SHARDS ? 1 : 0),
  }));
}

export interface SeededDirectory {
  readonly directoryId: string;
  /** ids[n] is the id of userBody(n, tag). */
  readonly ids: string[];
  readonly tag: string;
  readonly seconds: number;
}

/** Seeds `count` users (userBody(0..count-1, tag)) into an empty directory. */
export async function seedDirectory(
  client: DynamoDBDocumentClient,
  tableName: string,
  directoryId: string,
  count: number,
  tag: string,
): Promise<SeededDirectory> {
  const started = performance.now();
  const now = new Date().toISOString();
  const ids = Array.from({ length: count }, () => randomUUID());
  const items = ids.flatMap((id, n) => userItems(directoryId, id, userBody(n, tag), now));
  items.push(...counterItems(directoryId, count));
  await batchWrite(client, tableName, items);
  return { directoryId, ids, tag, seconds: (performance.now() - started) / 1000 };
}

/** BatchWriteItem takes 25 items; a few batches in flight keep both cores busy. */
async function batchWrite(client: DynamoDBDocumentClient, tableName: string, items: Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      let request: BatchWriteCommandInput['RequestItems'] = {
        [tableName]: batch.map((item) => ({ PutRequest: { Item: item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const output: BatchWriteCommandOutput = await client.send(
          new BatchWriteCommand({ RequestItems: request }),
        );
        request = output.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/**
 * Removes the store's paging bookmarks at or before `startIndex` (of every generation), so that
 * the next request for that page is cold again: a jump starts from the nearest earlier bookmark,
 * so forgetting only the page's own would measure a jump from the page before.
 */
export async function forgetBookmark(
  client: DynamoDBDocumentClient,
  tableName: string,
  directoryId: string,
  startIndex: number,
): Promise<void> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.partition(directoryId),
        ':prefix': keys.pageBookmarkPrefix('users'),
      },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    }),
  );
  // The position is the key's last part: PAGE#users#{generation}#{position}.
  for (const item of Items.filter((bookmark) => Number(String(bookmark.sk).split('#').at(-1)) <= startIndex))
    await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: item.pk, sk: item.sk } }));
}

/**
 * Creates one user through the service and seeds the same user (same id and clock) into a second
 * directory, then compares the two partitions item by item. The counter is compared by its sum:
 * a create adds 1 to a random shard, the seed spreads the total over all shards.
 */
export async function checkSeedMatchesStore(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  const id = randomUUID();
  const now = new Date('2026-01-01T00:00:00.000Z');
  const service = new UserService(
    new DynamoUserStore(client, tableName),
    new DynamoGroupStore(client, tableName),
    {
      newId: () => id,
      clock: () => now,
    },
  );
  await service.create(contextFor('seed-check-service'), userBody(7, 'check'));
  await batchWrite(client, tableName, [
    ...userItems('seed-check-seed', id, userBody(7, 'check'), now.toISOString()),
    ...counterItems('seed-check-seed', 1),
  ]);
  const [viaService, viaSeed] = await Promise.all(
    ['seed-check-service', 'seed-check-seed'].map((directoryId) => partition(client, tableName, directoryId)),
  );
  const users = (items: Item[]) => items.filter((item) => !String(item.sk).startsWith('COUNT#'));
  const count = (items: Item[]) =>
    items
      .filter((item) => String(item.sk).startsWith('COUNT#'))
      .reduce((sum, item) => sum + Number(item.n), 0);
  if (
    !viaService ||
    !viaSeed ||
    !isDeepStrictEqual(users(viaService), users(viaSeed)) ||
    count(viaSeed) !== 1
  )
    throw new Error(
      `The seed does not write what DynamoUserStore.create writes:\n${JSON.stringify({ viaService, viaSeed }, null, 1)}`,
    );
}

/** A directory's items with the directory's own id blanked, so two directories compare equal. */
async function partition(client: DynamoDBDocumentClient, tableName: string, directoryId: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.partition(directoryId) },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => ({
    ...item,
    pk: 'DIR#*',
    ...(item.directoryId === undefined ? {} : { directoryId: '*' }),
  }));
}
