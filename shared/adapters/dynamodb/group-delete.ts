/**
 * Deleting a group of any size: mark it (which frees its displayName), sweep its memberships in
 * batches, then delete it with its index entry and write its tombstone. Each step can be
 * repeated, so a delete that stopped (its deadline passed, or a crash) is finished by the next
 * call: the background sweeper the DELETE handed the rest to, or a repeated DELETE.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { GroupDeletion, StoredGroup } from '../../ports/group-store.ts';
import { type Actor, VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import { COUNTER_SHARDS, isKeyable, keys } from '../../store/keys.ts';
import { batchDelete, inParallel } from './batch.ts';
import { fromGroupItem, memberItems, toGroupItem } from './group-item.ts';
import { memberIdsQuery } from './group-members.ts';
import { groupCounterUpdate } from './group-writes.ts';
import { closeMemberCounter, readGroup, type Table } from './membership.ts';
import { retryOnTransactionConflict, transactWrite } from './transact.ts';

/** Batches of membership items deleted at once: enough to be quick, few enough to leave the table to others. */
const DELETE_PARALLELISM = 8;
/** How long a deleted group's marked counter shards outlive it (a Lambda runs 15 minutes at most). */
const CLOSED_COUNTER_TTL_SECONDS = 24 * 3600;

/** When and by whom a delete was asked for: what the tombstone, and so `group.deleted`, says. */
interface Deletion {
  readonly now: string;
  readonly actor: Actor;
}

/** A delete under way: whether its mark already took the group out of the directory's count. */
interface MarkedDeletion extends Deletion {
  readonly uncounted: boolean;
}

/**
 * Deletes the group and every membership of it, or, past `deadline` (epoch ms), leaves it marked
 * and answers `unfinished`. Throws VersionConflict when the version moved on before the mark,
 * ScimError 404 when the group is gone (or another delete finished first).
 *
 * @example
 * await deleteGroup(table, 'default', await store.get('default', id), { now, actor }, Date.now() + 20_000);
 */
export async function deleteGroup(
  table: Table,
  directoryId: string,
  current: StoredGroup,
  asked: Deletion,
  deadline = Number.POSITIVE_INFINITY,
): Promise<GroupDeletion> {
  let deletion: MarkedDeletion;
  if (!current.deleting) {
    await markDeleting(table, directoryId, current, asked);
    deletion = { ...asked, uncounted: true };
  } else {
    const item = await readGroupItem(table, directoryId, current.id);
    if (!item) throw notFound(current.id);
    deletion = recordedDeletion(item, asked);
  }
  return finish(table, directoryId, current, deletion, deadline);
}

/**
 * Carries on the delete of a group marked `deleting`, with the time and actor its DELETE
 * recorded. `deleted` when nothing is left to do, `notDeleting` for a group no delete marked.
 *
 * @example
 * if ((await resumeGroupDelete(table, 'default', groupId, deadline)) === 'unfinished') await queue.enqueue(...);
 */
export async function resumeGroupDelete(
  table: Table,
  directoryId: string,
  groupId: string,
  deadline = Number.POSITIVE_INFINITY,
): Promise<GroupDeletion | 'notDeleting'> {
  const item = await readGroupItem(table, directoryId, groupId);
  if (!item) return 'deleted';
  if (item.deleting !== true) return 'notDeleting';
  try {
    return await finish(table, directoryId, fromGroupItem(item), recordedDeletion(item), deadline);
  } catch (error) {
    // Another run (a repeated DELETE, a redelivered message) finished it first.
    if (error instanceof ScimError && error.status === 404) return 'deleted';
    throw error;
  }
}

/** Sweeps the memberships, then removes the group itself if the sweep finished in time. */
async function finish(
  table: Table,
  directoryId: string,
  group: StoredGroup,
  deletion: MarkedDeletion,
  deadline: number,
): Promise<GroupDeletion> {
  if (!(await removeAllMembers(table, directoryId, group.id, deadline))) return 'unfinished';
  const item = toGroupItem(directoryId, group, deletion.actor);
  await releaseDisplayName(table, directoryId, group.id, item.claimSk);
  const { tableName } = table;
  const result = await transactWrite(table.client, {
    TransactItems: [
      {
        Delete: {
          TableName: tableName,
          Key: keys.group(directoryId, group.id),
          ConditionExpression: 'attribute_exists(#deleting)',
          ExpressionAttributeNames: { '#deleting': 'deleting' },
        },
      },
      // What was deleted, when and by whom outlives the group: the stream makes it group.deleted.
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.groupTombstone(directoryId, group.id),
            type: 'GroupTombstone',
            directoryId,
            id: group.id,
            resource: item.resource,
            version: group.version + 1,
            deletedAt: deletion.now,
            actor: deletion.actor,
          },
        },
      },
      ...item.indexSks.map((sk) => ({ Delete: { TableName: tableName, Key: { pk: item.pk, sk } } })),
      // The member counter shards stay, marked, for a day: a membership transaction that took
      // its version before this delete began and commits only now must still find the mark.
      ...Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
        Update: {
          TableName: tableName,
          Key: keys.memberCounterShard(directoryId, group.id, shard),
          UpdateExpression: 'SET #n = :zero, #expiresAt = :expiresAt',
          ExpressionAttributeNames: { '#n': 'n', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':expiresAt': Math.floor(Date.now() / 1000) + CLOSED_COUNTER_TTL_SECONDS,
          },
        },
      })),
      ...(deletion.uncounted ? [] : [groupCounterUpdate(tableName, directoryId, -1)]),
    ],
  });
  if (!result.ok) {
    // Another delete of the same group finished first.
    if (result.reasons[0] === 'ConditionalCheckFailed') throw notFound(group.id);
    throw new Error(`Group delete cancelled: ${result.reasons.join(',')}`);
  }
  return 'deleted';
}

/**
 * Marks the group and its member counter shards `deleting`, records when and by whom, frees its
 * displayName and takes it out of the directory's group count, in one transaction conditional on
 * the version read. From then on no membership can be added (every membership transaction
 * updates a shard and requires the mark absent), so the sweep that follows finds them all; lists
 * neither show nor count the group, and a new group may take its name while the sweep runs. The
 * version stays: the mark is not a change of the group.
 */
async function markDeleting(
  table: Table,
  directoryId: string,
  current: StoredGroup,
  deletion: Deletion,
): Promise<void> {
  const { claimSk, pk } = toGroupItem(directoryId, current, deletion.actor);
  const result = await transactWrite(table.client, {
    TransactItems: [
      {
        Update: {
          TableName: table.tableName,
          Key: keys.group(directoryId, current.id),
          UpdateExpression: 'SET #deleting = :true, #deletedAt = :now, #deletedBy = :actor',
          ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#deleting': 'deleting',
            '#deletedAt': 'deletedAt',
            '#deletedBy': 'deletedBy',
          },
          ExpressionAttributeValues: {
            ':expected': current.version,
            ':true': true,
            ':now': deletion.now,
            ':actor': deletion.actor,
          },
        },
      },
      ...closeMemberCounter(table.tableName, directoryId, current.id),
      // The claim is this version's (the condition above says the version is unchanged).
      { Delete: { TableName: table.tableName, Key: { pk, sk: claimSk } } },
      groupCounterUpdate(table.tableName, directoryId, -1),
    ],
  });
  if (result.ok) return;
  if (result.reasons[0] !== 'ConditionalCheckFailed')
    throw new Error(`Group delete cancelled: ${result.reasons.join(',')}`);
  const stored = await readGroup(table, directoryId, current.id);
  if (!stored) throw notFound(current.id);
  // Another DELETE marked the same version: carry on, both sweeps are idempotent.
  if (!(stored.deleting && stored.version === current.version))
    throw new VersionConflict(`Group ${current.id} changed concurrently`);
}

/**
 * Deletes the displayName claim if it is still this group's. The mark frees it already; a group
 * marked before the mark did so still holds it, and a new group may own the name by now.
 */
async function releaseDisplayName(table: Table, directoryId: string, groupId: string, claimSk: string) {
  try {
    await retryOnTransactionConflict(() =>
      table.client.send(
        new DeleteCommand({
          TableName: table.tableName,
          Key: { pk: keys.partition(directoryId), sk: claimSk },
          ConditionExpression: '#groupId = :groupId',
          ExpressionAttributeNames: { '#groupId': 'groupId' },
          ExpressionAttributeValues: { ':groupId': groupId },
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Deletes the group's membership items, a Query page at a time, its batches in parallel. Once
 * `deadline` has passed no further batch starts, and the answer is false: members remain.
 */
async function removeAllMembers(
  table: Table,
  directoryId: string,
  groupId: string,
  deadline: number,
): Promise<boolean> {
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        ...memberIdsQuery(table, directoryId, groupId),
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    const itemKeys = (page.Items ?? []).flatMap((item) =>
      memberItems(directoryId, groupId, String(item.userId)).map(({ pk, sk }) => ({ pk, sk })),
    );
    const batches: (typeof itemKeys)[] = [];
    for (let i = 0; i < itemKeys.length; i += 24) batches.push(itemKeys.slice(i, i + 24));
    let outOfTime = false;
    await inParallel(batches, DELETE_PARALLELISM, async (batch) => {
      outOfTime ||= Date.now() >= deadline;
      if (!outOfTime) await batchDelete(table.client, table.tableName, batch);
    });
    if (outOfTime) return false;
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return true;
}

/** The group item as stored, with what its mark recorded; undefined when it is gone. */
async function readGroupItem(
  table: Table,
  directoryId: string,
  groupId: string,
): Promise<Record<string, unknown> | undefined> {
  const key = keys.group(directoryId, groupId);
  if (!isKeyable(key)) return undefined;
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/**
 * The time and actor the mark recorded. A group marked before marks recorded them (and before
 * they released its count and its name) falls back to `fallback`, or to its last change.
 */
function recordedDeletion(item: Record<string, unknown>, fallback?: Deletion): MarkedDeletion {
  if (typeof item.deletedAt === 'string' && isActor(item.deletedBy))
    return { now: item.deletedAt, actor: item.deletedBy, uncounted: true };
  return {
    ...(fallback ?? { now: String(item.lastModified), actor: item.actor as Actor }),
    uncounted: false,
  };
}

function isActor(value: unknown): value is Actor {
  return typeof value === 'object' && value !== null && 'kind' in value && 'id' in value;
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`Group ${id} not found.`);
}
