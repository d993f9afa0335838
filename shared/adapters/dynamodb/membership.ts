/**
 * Group memberships on the directory table, shared by the group store (membership changes,
 * group delete) and the user store (a deleted user leaves every group). One membership is two
 * items, `MEMBER#{group}#{user}` and `MEMBEROF#{user}#{group}`, always written and deleted in the
 * same transaction as the group's member counter and a MembershipChange item for the stream.
 *
 * The counter shard a transaction updates is also its guard against a group being deleted: the
 * delete marks every shard `deleting` before it sweeps the memberships, and every update of a
 * shard requires the mark absent. Guarding on the group item instead would make every membership
 * transaction of a group conflict with every other (DynamoDB cancels concurrent transactions
 * touching one item, condition checks included); on 8 shards, 50 parallel changes get through.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StoredGroup } from '../../ports/group-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import { COUNTER_SHARDS, isKeyable, keys } from '../../store/keys.ts';
import { batchDelete, batchGet, inParallel } from './batch.ts';
import { fromGroupItem, memberItems, membershipChangeItem } from './group-item.ts';
import { queryPrefix } from './query-prefix.ts';
import { MAX_TRANSACTION_ITEMS, retryOnTransactionConflict, transactWrite } from './transact.ts';

export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Items of one transaction besides the members: the group's own write (its item, a displayName
 * claim moved: 2, an externalId entry moved: 2), the counter shard and the MembershipChange item.
 */
const OVERHEAD_ITEMS = 7;
/** An added member is 3 items (both membership items and the check that the user is live), a removed one 2. */
export const ADDS_PER_TRANSACTION = Math.floor((MAX_TRANSACTION_ITEMS - OVERHEAD_ITEMS) / 3);
export const REMOVES_PER_TRANSACTION = Math.floor((MAX_TRANSACTION_ITEMS - OVERHEAD_ITEMS) / 2);
/** Rounds of "a concurrent writer got there first, recompute and retry" before giving up. */
const MAX_ATTEMPTS = 6;

/** The group a membership change belongs to, as of the version the change produces. */
export interface GroupVersion {
  readonly groupId: string;
  readonly version: number;
  readonly displayName: string;
  readonly externalId?: string | undefined;
}

export interface MembershipChange {
  readonly directoryId: string;
  readonly group: GroupVersion;
  /** Distinct user ids to add (not members yet) and to remove (members), as read before. */
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly actor: Actor;
  readonly now: string;
  /**
   * The group's own write (its item first, then claim and index entries), committed with the
   * first part so that an attribute change and a small membership change are one transaction.
   */
  readonly groupWrite?: readonly TransactItem[];
  /** A user to add that is gone or being deleted: fail the change (a request) or leave it out (an undo). */
  readonly onVanishedUser: 'fail' | 'skip';
}

/** What committed before a change stopped: the members added and removed, in how many transactions. */
export interface MembershipWritten {
  readonly added: string[];
  readonly removed: string[];
  transactions: number;
}

export type MembershipResult =
  | { readonly ok: true; readonly written: MembershipWritten }
  /**
   * `group`: the group item's condition failed, or the group is being deleted; `groupWrite`:
   * another item of the group's write failed (its claim).
   */
  | { readonly ok: false; readonly failure: 'group' | 'groupWrite'; readonly written: MembershipWritten }
  | {
      readonly ok: false;
      readonly failure: 'vanishedUsers';
      readonly users: string[];
      readonly written: MembershipWritten;
    };

interface Part {
  readonly kind: 'added' | 'removed';
  readonly ids: readonly string[];
  readonly part: number;
  readonly parts: number;
}

/**
 * Writes a membership change in transactions of at most 100 items: adds first (they are what can
 * fail), then removes. Each transaction holds the membership items, the counter update and one
 * MembershipChange item listing that part's members, so the counter and the events are exact.
 * The parts already written when a later one fails are reported in `written`, for the caller to
 * undo: this function never leaves a half-applied part, only whole ones.
 *
 * A membership item that a concurrent writer already wrote (or removed) fails its condition; the
 * part is then recomputed without it and retried, so the counter never counts a member twice.
 * The MembershipChange item still lists it: as of this version it is (or is not) a member.
 *
 * @example
 * await writeMembershipChange(table, { directoryId, group, add: ['u1'], remove: [], actor, now, onVanishedUser: 'fail' });
 */
export async function writeMembershipChange(
  table: Table,
  change: MembershipChange,
): Promise<MembershipResult> {
  const { directoryId, group } = change;
  const written: MembershipWritten = { added: [], removed: [], transactions: 0 };
  const plan: Part[] = [
    ...partsOf('added', change.add, ADDS_PER_TRANSACTION),
    ...partsOf('removed', change.remove, REMOVES_PER_TRANSACTION),
  ];
  let groupWrite = change.groupWrite;
  // Without members to write, the group's own write still has to happen: one part of nothing.
  const parts =
    plan.length > 0 ? plan : groupWrite ? [{ kind: 'added', ids: [], part: 0, parts: 0 } as const] : [];
  for (const part of parts) {
    let pending = [...part.ids];
    let listed = [...part.ids];
    for (let attempt = 1; ; attempt++) {
      if (listed.length === 0 && groupWrite === undefined) break; // every user of an undo vanished
      const head = groupWrite ?? [];
      const items: TransactItem[] = [
        ...head,
        guardedCounterUpdate(table.tableName, directoryId, group.groupId, part.kind, pending.length),
        ...(listed.length > 0 ? [changeItemPut(table.tableName, change, part, listed)] : []),
        ...pending.flatMap((userId) =>
          memberWrites(table.tableName, directoryId, group.groupId, userId, part.kind),
        ),
      ];
      const result = await transactWrite(table.client, { TransactItems: items });
      if (result.ok) {
        (part.kind === 'added' ? written.added : written.removed).push(...pending);
        written.transactions++;
        groupWrite = undefined;
        break;
      }
      const failed = (reason: string | undefined) => reason === 'ConditionalCheckFailed';
      if (!result.reasons.some(failed))
        throw new Error(`Membership change cancelled: ${result.reasons.join(',')}`);
      // The group item (when written) or the counter shard's guard: gone, changed, being deleted.
      if (failed(result.reasons[0]) || failed(result.reasons[head.length]))
        return { ok: false, failure: 'group', written };
      if (result.reasons.slice(1, head.length).some(failed))
        return { ok: false, failure: 'groupWrite', written };
      if (attempt >= MAX_ATTEMPTS)
        throw new Error(
          `Membership change of group ${group.groupId} kept conflicting after ${attempt} attempts`,
        );

      if (part.kind === 'added') {
        const live = await liveUsers(table, directoryId, pending);
        const vanished = pending.filter((id) => !live.has(id));
        if (vanished.length > 0) {
          if (change.onVanishedUser === 'fail')
            return { ok: false, failure: 'vanishedUsers', users: vanished, written };
          pending = pending.filter((id) => live.has(id));
          listed = listed.filter((id) => !vanished.includes(id));
        }
      }
      const members = await membersAmong(table, directoryId, group.groupId, pending);
      pending = pending.filter((id) => (part.kind === 'added' ? !members.has(id) : members.has(id)));
    }
  }
  return { ok: true, written };
}

function partsOf(kind: Part['kind'], ids: readonly string[], size: number): Part[] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks.map((chunk, index) => ({ kind, ids: chunk, part: index + 1, parts: chunks.length }));
}

function memberWrites(
  tableName: string,
  directoryId: string,
  groupId: string,
  userId: string,
  kind: Part['kind'],
): TransactItem[] {
  const [member, membership] = memberItems(directoryId, groupId, userId);
  if (kind === 'removed') {
    return [
      {
        Delete: {
          TableName: tableName,
          Key: { pk: member.pk, sk: member.sk },
          // Removed by a concurrent writer already: recompute, so the counter is decremented once.
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      { Delete: { TableName: tableName, Key: { pk: membership.pk, sk: membership.sk } } },
    ];
  }
  return [
    // Added by a concurrent writer already: recompute, so the counter is incremented once.
    { Put: { TableName: tableName, Item: member, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: membership } },
    // The user must be live when the membership commits, not only when we looked: a user deleted
    // in between would otherwise stay a member of a group after its delete removed its memberships.
    {
      ConditionCheck: {
        TableName: tableName,
        Key: keys.user(directoryId, userId),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#deleting)',
        ExpressionAttributeNames: { '#deleting': 'deleting' },
      },
    },
  ];
}

/**
 * The member count moves in the same transaction as the membership items, so it is exact. Its
 * condition is the guard: no membership commits once the group's delete marked the shards.
 */
function guardedCounterUpdate(
  tableName: string,
  directoryId: string,
  groupId: string,
  kind: Part['kind'],
  count: number,
): TransactItem {
  const shard = Math.floor(Math.random() * COUNTER_SHARDS);
  return {
    Update: {
      TableName: tableName,
      Key: keys.memberCounterShard(directoryId, groupId, shard),
      UpdateExpression: 'ADD #n :delta',
      ConditionExpression: 'attribute_not_exists(#deleting)',
      ExpressionAttributeNames: { '#n': 'n', '#deleting': 'deleting' },
      ExpressionAttributeValues: { ':delta': kind === 'added' ? count : -count },
    },
  };
}

/**
 * Marks every member counter shard of a group `deleting` (creating missing ones), in the group
 * delete's first transaction: from then on no membership transaction of the group can commit.
 */
export function closeMemberCounter(tableName: string, directoryId: string, groupId: string): TransactItem[] {
  return Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
    Update: {
      TableName: tableName,
      Key: keys.memberCounterShard(directoryId, groupId, shard),
      UpdateExpression: 'SET #deleting = :true',
      ExpressionAttributeNames: { '#deleting': 'deleting' },
      ExpressionAttributeValues: { ':true': true },
    },
  }));
}

function changeItemPut(
  tableName: string,
  change: MembershipChange,
  part: Part,
  members: string[],
): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: membershipChangeItem({
        directoryId: change.directoryId,
        groupId: change.group.groupId,
        version: change.group.version,
        kind: part.kind,
        members,
        part: part.part,
        parts: part.parts,
        occurredAt: change.now,
        actor: change.actor,
        displayName: change.group.displayName,
        externalId: change.group.externalId,
      }),
    },
  };
}

/**
 * The ids, among `userIds`, of users that exist and are not being deleted: one consistent
 * BatchGetItem per 100 ids, reading only the id and the deleting mark.
 */
export async function liveUsers(
  table: Table,
  directoryId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  const candidates = [...new Set(userIds)].filter((id) => id !== '' && isKeyable(keys.user(directoryId, id)));
  const found = await batchGet(
    table.client,
    table.tableName,
    candidates.map((id) => keys.user(directoryId, id)),
    { expression: '#id, #deleting', names: { '#id': 'id', '#deleting': 'deleting' } },
  );
  return new Set(found.filter((item) => item.deleting !== true).map((item) => String(item.id)));
}

/** Which of `userIds` are members of the group: one consistent BatchGetItem per 100 ids, whatever the group's size. */
export async function membersAmong(
  table: Table,
  directoryId: string,
  groupId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  const found = await batchGet(
    table.client,
    table.tableName,
    [...new Set(userIds)].map((id) => keys.member(directoryId, groupId, id)),
    { expression: '#userId', names: { '#userId': 'userId' } },
  );
  return new Set(found.map((item) => String(item.userId)));
}

/**
 * Increments the group's version for a change that does not depend on the version read (a
 * membership change without If-Match): concurrent such changes all land, each with a version of
 * its own. Returns the group item as it now is, or undefined when the group is gone or being
 * deleted.
 */
export async function bumpGroupVersion(
  table: Table,
  directoryId: string,
  groupId: string,
  change: { actor: Actor; now: string },
): Promise<Record<string, unknown> | undefined> {
  try {
    // An UpdateItem on an item that an in-flight transaction holds is refused: retry it.
    const { Attributes } = await retryOnTransactionConflict(() =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keys.group(directoryId, groupId),
          UpdateExpression: 'SET #version = #version + :one, #lastModified = :now, #actor = :actor',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#deleting)',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#lastModified': 'lastModified',
            '#actor': 'actor',
            '#deleting': 'deleting',
          },
          ExpressionAttributeValues: {
            ':one': 1,
            ':now': change.now,
            ':actor': change.actor,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** The group version a membership change is written under, from the group item. */
export function groupVersionOf(item: Record<string, unknown>): GroupVersion {
  return {
    groupId: String(item.id),
    version: Number(item.version),
    displayName: String(item.displayName ?? ''),
    externalId: typeof item.externalId === 'string' ? item.externalId : undefined,
  };
}

/** The group as stored (a group being deleted included), strongly consistent. */
export async function readGroup(
  table: Table,
  directoryId: string,
  id: string,
): Promise<StoredGroup | undefined> {
  const key = keys.group(directoryId, id);
  if (!isKeyable(key)) return undefined;
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Item ? fromGroupItem(Item) : undefined;
}

/** The ids of the groups a user's membership items point to (those being deleted included). */
export async function groupIdsOf(table: Table, directoryId: string, userId: string): Promise<string[]> {
  const memberships = await queryPrefix(
    table.client,
    table.tableName,
    keys.partition(directoryId),
    keys.membershipPrefix(userId),
  );
  return memberships.map((membership) => String(membership.groupId));
}

/**
 * Removes a user from the groups it belongs to (`groupIds`, from `groupIdsOf`), each group getting a new version and a
 * `removed` MembershipChange (so connectors see the user leave each group). The user must
 * already be marked `deleting`, so that no membership can be added behind this sweep. A group
 * itself being deleted loses the membership without an event: its group.deleted says it all.
 */
export async function removeFromAllGroups(
  table: Table,
  directoryId: string,
  userId: string,
  groupIds: readonly string[],
  change: { actor: Actor; now: string },
): Promise<void> {
  await inParallel(groupIds, 4, async (groupId) => {
    const bumped = await bumpGroupVersion(table, directoryId, groupId, change);
    if (bumped) {
      const result = await writeMembershipChange(table, {
        directoryId,
        group: groupVersionOf(bumped),
        add: [],
        remove: [userId],
        ...change,
        onVanishedUser: 'skip',
      });
      if (result.ok) return;
    }
    await batchDelete(
      table.client,
      table.tableName,
      memberItems(directoryId, groupId, userId).map(({ pk, sk }) => ({ pk, sk })),
    );
  });
}
