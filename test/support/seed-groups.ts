/**
 * Fast seeding for group list tests: groups without members written straight to the table with
 * BatchWriteItem, the very items DynamoGroupStore.create puts (its own `groupCreation`: the
 * group, its displayName claim, its index entry) and the counter shards holding the total.
 * Hundreds of groups in a fraction of a second instead of one transaction each; lists then read
 * them through the real store.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchPut, inParallel } from '../../shared/adapters/dynamodb/batch.ts';
import { groupCreation } from '../../shared/adapters/dynamodb/group-writes.ts';
import type { StoredGroup } from '../../shared/ports/group-store.ts';
import { COUNTER_SHARDS, keys } from '../../shared/store/keys.ts';

const actor = { kind: 'admin', id: 'seed' } as const;

export async function seedGroups(
  client: DynamoDBDocumentClient,
  tableName: string,
  directoryId: string,
  groups: readonly StoredGroup[],
): Promise<void> {
  const items: Record<string, unknown>[] = groups.flatMap((group) =>
    groupCreation(tableName, directoryId, group, actor).flatMap((action) =>
      action.Put?.Item ? [action.Put.Item] : [],
    ),
  );
  items.push(
    ...Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
      ...keys.counterShard(directoryId, 'Group', shard),
      n: Math.floor(groups.length / COUNTER_SHARDS) + (shard < groups.length % COUNTER_SHARDS ? 1 : 0),
      // As many creates, each a new generation of the list (resource-counter.ts).
      changes: Math.floor(groups.length / COUNTER_SHARDS) + (shard < groups.length % COUNTER_SHARDS ? 1 : 0),
    })),
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await inParallel(batches, 4, (batch) => batchPut(client, tableName, batch));
}
