/**
 * Deleting a group of any size: mark it, sweep its memberships in batches, then delete it with
 * its claim and index entry and write its tombstone. Each step can be repeated, so a DELETE that
 * was interrupted (a Lambda timing out on a 100,000-member group) is finished by the next one.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredGroup } from '../../ports/group-store.ts';
import { type Actor, VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import { COUNTER_SHARDS, keys } from '../../store/keys.ts';
import { batchDelete, inParallel } from './batch.ts';
import { memberItems, toGroupItem } from './group-item.ts';
import { groupCounterUpdate } from './group-writes.ts';
import { closeMemberCounter, readGroup, type Table } from './membership.ts';
import { transactWrite } from './transact.ts';

/** Batches of membership items deleted at once: enough to be quick, few enough to leave the table to others. */
const DELETE_PARALLELISM = 8;
/** How long a deleted group's marked counter shards outlive it (a Lambda runs 15 minutes at most). */
const CLOSED_COUNTER_TTL_SECONDS = 24 * 3600;

/**
 * Deletes the group and every membership of it. Throws VersionConflict when the version moved
 * on before the mark, ScimError 404 when the group is gone (or another DELETE finished first).
 *
 * @example
 * await deleteGroup(table, 'default', await store.get('default', id), new Date().toISOString(), actor);
 */
export async function deleteGroup(
  table: Table,
  directoryId: string,
  current: StoredGroup,
  now: string,
  actor: Actor,
): Promise<void> {
  if (!current.deleting) await markDeleting(table, directoryId, current);
  await removeAllMembers(table, directoryId, current.id);
  const item = toGroupItem(directoryId, current, actor);
  const { tableName } = table;
  const result = await transactWrite(table.client, {
    TransactItems: [
      {
        Delete: {
          TableName: tableName,
          Key: keys.group(directoryId, current.id),
          ConditionExpression: 'attribute_exists(#deleting)',
          ExpressionAttributeNames: { '#deleting': 'deleting' },
        },
      },
      // What was deleted, when and by whom outlives the group: the stream makes it group.deleted.
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.groupTombstone(directoryId, current.id),
            type: 'GroupTombstone',
            directoryId,
            id: current.id,
            resource: item.resource,
            version: current.version + 1,
            deletedAt: now,
            actor,
          },
        },
      },
      { Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.claimSk } } },
      ...item.indexSks.map((sk) => ({ Delete: { TableName: tableName, Key: { pk: item.pk, sk } } })),
      // The member counter shards stay, marked, for a day: a membership transaction that took
      // its version before this delete began and commits only now must still find the mark.
      ...Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
        Update: {
          TableName: tableName,
          Key: keys.memberCounterShard(directoryId, current.id, shard),
          UpdateExpression: 'SET #n = :zero, #expiresAt = :expiresAt',
          ExpressionAttributeNames: { '#n': 'n', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':expiresAt': Math.floor(Date.now() / 1000) + CLOSED_COUNTER_TTL_SECONDS,
          },
        },
      })),
      groupCounterUpdate(tableName, directoryId, -1),
    ],
  });
  if (!result.ok) {
    // Another DELETE of the same group finished first.
    if (result.reasons[0] === 'ConditionalCheckFailed')
      throw ScimError.notFound(`Group ${current.id} not found.`);
    throw new Error(`Group delete cancelled: ${result.reasons.join(',')}`);
  }
}

/**
 * Marks the group and its member counter shards `deleting`, in one transaction conditional on
 * the version read. From then on no membership can be added (every membership transaction
 * updates a shard and requires the mark absent), so the sweep that follows finds them all. The
 * version stays: the mark is not a change of the group.
 */
async function markDeleting(table: Table, directoryId: string, current: StoredGroup): Promise<void> {
  const result = await transactWrite(table.client, {
    TransactItems: [
      {
        Update: {
          TableName: table.tableName,
          Key: keys.group(directoryId, current.id),
          UpdateExpression: 'SET #deleting = :true',
          ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
          ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':expected': current.version, ':true': true },
        },
      },
      ...closeMemberCounter(table.tableName, directoryId, current.id),
    ],
  });
  if (result.ok) return;
  if (result.reasons[0] !== 'ConditionalCheckFailed')
    throw new Error(`Group delete cancelled: ${result.reasons.join(',')}`);
  const stored = await readGroup(table, directoryId, current.id);
  if (!stored) throw ScimError.notFound(`Group ${current.id} not found.`);
  // Another DELETE marked the same version: carry on, both sweeps are idempotent.
  if (!(stored.deleting && stored.version === current.version))
    throw new VersionConflict(`Group ${current.id} changed concurrently`);
}

/** Deletes every membership item of the group, a Query page at a time, its batches in parallel. */
async function removeAllMembers(table: Table, directoryId: string, groupId: string): Promise<void> {
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.partition(directoryId),
          ':prefix': keys.memberPrefix(groupId),
        },
        ProjectionExpression: '#userId',
        ExpressionAttributeNames: { '#userId': 'userId' },
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    const itemKeys = (page.Items ?? []).flatMap((item) =>
      memberItems(directoryId, groupId, String(item.userId)).map(({ pk, sk }) => ({ pk, sk })),
    );
    const batches: (typeof itemKeys)[] = [];
    for (let i = 0; i < itemKeys.length; i += 24) batches.push(itemKeys.slice(i, i + 24));
    await inParallel(batches, DELETE_PARALLELISM, (batch) =>
      batchDelete(table.client, table.tableName, batch),
    );
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
}
