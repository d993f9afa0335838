/**
 * Reading a group's members: its member count (the sum of its counter shards), its members a
 * slice at a time in key order, and what a requested membership change actually changes.
 * Membership writes are membership.ts's.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MemberSlice, MembershipDelta } from '../../ports/group-store.ts';
import { keys } from '../../store/keys.ts';
import { membersAmong, type Table } from './membership.ts';
import { queryPrefix } from './query-prefix.ts';

/**
 * The group's member count: the sum of its counter shards, one Query whatever the group's size.
 *
 * @example
 * const members = await countMembers({ client, tableName }, 'default', groupId);
 */
export async function countMembers(table: Table, directoryId: string, groupId: string): Promise<number> {
  const shards = await queryPrefix(
    table.client,
    table.tableName,
    keys.partition(directoryId),
    keys.memberCounterPrefix(groupId),
  );
  return shards.reduce((sum, shard) => sum + Number(shard.n ?? 0), 0);
}

/**
 * The Query of a group's member ids (their membership items, user id only, strongly consistent),
 * to which a caller adds its limit or start key.
 *
 * @example
 * await client.send(new QueryCommand({ ...memberIdsQuery(table, 'default', groupId), Limit: 100 }));
 */
export function memberIdsQuery(table: Table, directoryId: string, groupId: string) {
  return {
    TableName: table.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': keys.partition(directoryId),
      ':prefix': keys.memberPrefix(groupId),
    },
    ProjectionExpression: '#userId',
    ExpressionAttributeNames: { '#userId': 'userId' },
    ConsistentRead: true,
  };
}

/**
 * Up to `limit` member ids in key order, after the member `after`; `next` names where the
 * following slice starts, absent after the last one. One Query.
 *
 * @example
 * const { userIds, next } = await memberSlice(table, 'default', groupId, { limit: 1000 });
 */
export async function memberSlice(
  table: Table,
  directoryId: string,
  groupId: string,
  options: { after?: string; limit: number },
): Promise<MemberSlice> {
  if (options.limit <= 0) return { userIds: [] };
  const page = await table.client.send(
    new QueryCommand({
      ...memberIdsQuery(table, directoryId, groupId),
      Limit: options.limit,
      ...(options.after === undefined
        ? {}
        : { ExclusiveStartKey: keys.member(directoryId, groupId, options.after) }),
    }),
  );
  const userIds = (page.Items ?? []).map((item) => String(item.userId));
  const last = userIds.at(-1);
  // The next slice starts after the last member returned: the member's own key, so the order is
  // the key order and a member added or removed meanwhile neither shifts nor repeats the rest.
  return page.LastEvaluatedKey && last !== undefined ? { userIds, next: last } : { userIds };
}

/**
 * The add and remove that actually change something: adds of non-members, removes of members.
 * An id both added and removed ends up removed (`remove` applies last). For `replaceAll` the
 * current members are read: O(group size), inherent to replacing a whole member list.
 *
 * @example
 * const { add, remove } = await effectiveDelta(table, 'default', groupId, { add: ['ada'], remove: [] });
 */
export async function effectiveDelta(
  table: Table,
  directoryId: string,
  groupId: string,
  delta: MembershipDelta | undefined,
): Promise<{ add: string[]; remove: string[] }> {
  if (!delta) return { add: [], remove: [] };
  const removed = new Set(delta.remove);
  if (delta.replaceAll) {
    const current = new Set(await allMembers(table, directoryId, groupId));
    const target = new Set([...delta.replaceAll, ...delta.add].filter((id) => !removed.has(id)));
    return {
      add: [...target].filter((id) => !current.has(id)),
      remove: [...current].filter((id) => !target.has(id)),
    };
  }
  const adds = [...new Set(delta.add)].filter((id) => !removed.has(id));
  const among = await membersAmong(table, directoryId, groupId, [...adds, ...removed]);
  return { add: adds.filter((id) => !among.has(id)), remove: [...removed].filter((id) => among.has(id)) };
}

async function allMembers(table: Table, directoryId: string, groupId: string): Promise<string[]> {
  const userIds: string[] = [];
  let after: string | undefined;
  do {
    const slice = await memberSlice(table, directoryId, groupId, {
      limit: 1000,
      ...(after ? { after } : {}),
    });
    userIds.push(...slice.userIds);
    after = slice.next;
  } while (after !== undefined);
  return userIds;
}
