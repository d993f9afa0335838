/**
 * The sharded resource counter of a directory (`COUNT#{User|Group}#{shard}`), written in the same
 * transaction as every create and delete. Each shard holds two numbers:
 *
 * - `n`, what the writes added and removed: the sum over the shards is `totalResults`;
 * - `changes`, how many writes changed who is listed (creates, delete marks, deletes), which only
 *   grows: its sum is the list's generation. Two reads of the same generation saw the same
 *   resources in the list, so a paging bookmark stamped with it is valid exactly while it is
 *   current (a create followed by a delete leaves `n` as it was, but not `changes`).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { COUNTER_SHARDS, keys } from '../../store/keys.ts';
import type { TransactItem } from './membership.ts';
import { queryPrefix } from './query-prefix.ts';

export type CountedResource = 'User' | 'Group';

export interface ResourceCount {
  /** The number of resources: the list's `totalResults`. */
  readonly total: number;
  /** Creates and deletes so far; a different value means the list changed in between. */
  readonly generation: number;
}

/**
 * The counter update of one create (`+1`), delete (`-1`) or delete mark (`0`), on a random shard
 * so that parallel writes do not contend on one item. Every one of them is a new generation.
 *
 * @example
 * TransactItems: [{ Put: userPut }, resourceCounterUpdate(tableName, directoryId, 'User', +1)]
 */
export function resourceCounterUpdate(
  tableName: string,
  directoryId: string,
  resourceType: CountedResource,
  delta: number,
): TransactItem {
  const shard = Math.floor(Math.random() * COUNTER_SHARDS);
  return {
    Update: {
      TableName: tableName,
      Key: keys.counterShard(directoryId, resourceType, shard),
      UpdateExpression: 'ADD #n :delta, #changes :one',
      ExpressionAttributeNames: { '#n': 'n', '#changes': 'changes' },
      ExpressionAttributeValues: { ':delta': delta, ':one': 1 },
    },
  };
}

/**
 * The number of resources and the generation: one strongly consistent Query of the shards,
 * whatever the directory's size.
 *
 * @example
 * const { total, generation } = await readResourceCount(client, tableName, 'default', 'User');
 */
export async function readResourceCount(
  client: DynamoDBDocumentClient,
  tableName: string,
  directoryId: string,
  resourceType: CountedResource,
): Promise<ResourceCount> {
  const shards = await queryPrefix(
    client,
    tableName,
    keys.partition(directoryId),
    keys.counterPrefix(resourceType),
  );
  return {
    total: shards.reduce((sum, shard) => sum + Number(shard.n ?? 0), 0),
    generation: shards.reduce((sum, shard) => sum + Number(shard.changes ?? 0), 0),
  };
}
