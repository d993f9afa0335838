/**
 * A user's DELETE: mark the user `deleting` (from then on no group can add it), remove it from
 * each group (each group gets a new version and a `removed` event), then delete it with its
 * claim, index entries and a tombstone naming the groups it was in. Every step can be repeated,
 * so a call on a user marked `deleting` resumes where an interrupted one stopped.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GroupRef } from '../../ports/group-store.ts';
import type { Actor, StoredUser } from '../../ports/user-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import { keys } from '../../store/keys.ts';
import { batchGet } from './batch.ts';
import { groupIdsOf, removeFromAllGroups, type Table } from './membership.ts';
import { resourceCounterUpdate } from './resource-counter.ts';
import { goneOrConflict } from './resource-store.ts';
import { retryOnTransactionConflict, transactWrite } from './transact.ts';
import { toUserItem } from './user-item.ts';

/** How the delete reads the user back to tell a lost race (404 or VersionConflict) from a repeat. */
export interface UserReader {
  get(directoryId: string, id: string): Promise<StoredUser | undefined>;
}

/**
 * Deletes `current` and every membership of it, resuming a delete that stopped halfway.
 * Throws 404 when the user is gone, VersionConflict when it changed since it was read.
 *
 * @example
 * await deleteUser({ client, tableName }, users, 'default', current, { now, actor });
 */
export async function deleteUser(
  table: Table,
  users: UserReader,
  directoryId: string,
  current: StoredUser,
  change: { now: string; actor: Actor },
): Promise<void> {
  const { client, tableName } = table;
  const { now, actor } = change;
  if (!current.deleting) await markDeleting(table, users, directoryId, current);
  const groupIds = await groupIdsOf(table, directoryId, current.id);
  const groups = await formerGroups(table, directoryId, current, groupIds);
  await removeFromAllGroups(table, directoryId, current.id, groupIds, { actor, now });
  const item = toUserItem(directoryId, current, actor);
  // user.deleted carries the groups the user left, so a connector revoking group-based access
  // needs no other event.
  const resource =
    groups.length > 0
      ? JSON.stringify({
          ...current.resource,
          groups: groups.map((group) => ({ value: group.id, display: group.displayName })),
        })
      : item.resource;
  const result = await transactWrite(client, {
    TransactItems: [
      {
        Delete: {
          TableName: tableName,
          Key: keys.user(directoryId, current.id),
          ConditionExpression: '#version = :expected AND attribute_exists(#deleting)',
          ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':expected': current.version },
        },
      },
      // What was deleted, when and by whom, outlives the user: it is the leaver's evidence.
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.userTombstone(directoryId, current.id),
            type: 'UserTombstone',
            directoryId,
            id: current.id,
            resource,
            version: current.version + 1,
            deletedAt: now,
            actor,
            ...(current.conformance && actor.purpose === 'conformance' ? { conformance: true } : {}),
          },
        },
      },
      { Delete: { TableName: tableName, Key: { pk: item.pk, sk: item.claimSk } } },
      ...item.indexSks.map((sk) => ({ Delete: { TableName: tableName, Key: { pk: item.pk, sk } } })),
      resourceCounterUpdate(tableName, directoryId, 'User', -1),
    ],
  });
  if (!result.ok) {
    if (result.reasons[0] === 'ConditionalCheckFailed')
      throw await goneOrConflict(users, 'User', directoryId, current.id);
    throw new Error(`User delete cancelled: ${result.reasons.join(',')}`);
  }
}

async function markDeleting(
  table: Table,
  users: UserReader,
  directoryId: string,
  current: StoredUser,
): Promise<void> {
  const result = await transactWrite(table.client, {
    TransactItems: [
      {
        Update: {
          TableName: table.tableName,
          Key: keys.user(directoryId, current.id),
          UpdateExpression: 'SET #deleting = :true',
          // From here on no group can add the user (every add checks the mark), so the sweep that
          // follows finds all its memberships. The version stays: the mark is not a change of the user.
          ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
          ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':expected': current.version, ':true': true },
        },
      },
      // The marked user leaves the list now (though it is counted until it is deleted): a new
      // generation, so that no paging bookmark written before places a page after it.
      resourceCounterUpdate(table.tableName, directoryId, 'User', 0),
    ],
  });
  if (result.ok) return;
  if (result.reasons[0] !== 'ConditionalCheckFailed')
    throw new Error(`User delete mark cancelled: ${result.reasons.join(',')}`);
  const stored = await users.get(directoryId, current.id);
  if (!stored) throw ScimError.notFound(`User ${current.id} not found.`);
  // Another DELETE marked the same version: carry on, both sweeps are idempotent.
  if (!(stored.deleting && stored.version === current.version))
    throw new VersionConflict(`User ${current.id} changed concurrently`);
}

/**
 * The groups the user was in, for its tombstone. A resumed delete no longer finds the
 * memberships its first attempt removed, so the list is kept on the user item before any is.
 */
async function formerGroups(
  table: Table,
  directoryId: string,
  current: StoredUser,
  groupIds: readonly string[],
): Promise<GroupRef[]> {
  const { client, tableName } = table;
  let saved: GroupRef[] = [];
  if (current.deleting) {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: keys.user(directoryId, current.id),
        ProjectionExpression: 'formerGroups',
        ConsistentRead: true,
      }),
    );
    saved = Array.isArray(Item?.formerGroups) ? (Item.formerGroups as GroupRef[]) : [];
  }
  const unsaved = groupIds.filter((id) => !saved.some((group) => group.id === id));
  if (unsaved.length === 0) return saved;
  const found = await batchGet(
    client,
    tableName,
    unsaved.map((id) => keys.group(directoryId, id)),
    { expression: '#id, #displayName', names: { '#id': 'id', '#displayName': 'displayName' } },
  );
  const names = new Map(found.map((item) => [String(item.id), String(item.displayName ?? '')]));
  const groups = [...saved, ...unsaved.map((id) => ({ id, displayName: names.get(id) ?? '' }))].sort(
    (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  await retryOnTransactionConflict(() =>
    client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.user(directoryId, current.id),
        UpdateExpression: 'SET #formerGroups = :groups',
        ConditionExpression: 'attribute_exists(#deleting)',
        ExpressionAttributeNames: { '#formerGroups': 'formerGroups', '#deleting': 'deleting' },
        ExpressionAttributeValues: { ':groups': groups },
      }),
    ),
  );
  return groups;
}
