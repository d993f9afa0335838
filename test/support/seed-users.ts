/**
 * Fast seeding for list tests: users written straight to the table with BatchWriteItem, item for
 * item as DynamoUserStore.create writes them (the user through the adapter's own `toUserItem`,
 * its userName claim and index entries, and the counter shards holding the total). Hundreds of
 * users in a second instead of one transaction each; the bench proves the two write the same
 * items (bench/users/seed.ts, checkSeedMatchesStore). Lists then read them through the real store.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toUserItem } from '../../shared/adapters/dynamodb/user-item.ts';
import type { StoredUser } from '../../shared/ports/user-store.ts';
import { COUNTER_SHARDS, keys } from '../../shared/store/keys.ts';

const actor = { kind: 'admin', id: 'seed' } as const;

export async function seedUsers(
  client: DynamoDBDocumentClient,
  tableName: string,
  directoryId: string,
  users: readonly StoredUser[],
): Promise<void> {
  const items: Record<string, unknown>[] = users.flatMap((user) => {
    const item = toUserItem(directoryId, user, actor);
    return [
      { ...item },
      { pk: item.pk, sk: item.claimSk, type: 'UserNameClaim', userId: user.id },
      ...item.indexSks.map((sk) => ({ pk: item.pk, sk, type: 'IndexEntry', userId: user.id })),
    ];
  });
  items.push(
    ...Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
      ...keys.counterShard(directoryId, 'User', shard),
      n: Math.floor(users.length / COUNTER_SHARDS) + (shard < users.length % COUNTER_SHARDS ? 1 : 0),
      // As many creates, each a new generation of the list (resource-counter.ts).
      changes: Math.floor(users.length / COUNTER_SHARDS) + (shard < users.length % COUNTER_SHARDS ? 1 : 0),
    })),
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    batches.map(async (batch) => {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [tableName]: batch.map((item) => ({ PutRequest: { Item: item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const output = await client.send(new BatchWriteCommand({ RequestItems: request }));
        request = output.UnprocessedItems as typeof request;
      }
    }),
  );
}
