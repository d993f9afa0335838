import { isDeepStrictEqual } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  GroupDeletion,
  GroupPage,
  GroupRef,
  GroupStore,
  MemberSlice,
  MembershipDelta,
  StoredGroup,
} from '../../ports/group-store.ts';
import type { PagePosition, PositionedPage } from '../../ports/paging.ts';
import { type Actor, VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import type { IndexLookup } from '../../scim/filter/index.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { isKeyable, keys } from '../../store/keys.ts';
import { batchGet } from './batch.ts';
import { deleteGroup, resumeGroupDelete } from './group-delete.ts';
import { displayNameOf, fromGroupItem } from './group-item.ts';
import { groupCreation, groupReplacement, versionOf } from './group-writes.ts';
import { queryIndexPage } from './index-page.ts';
import { queryPositionedPage } from './key-page.ts';
import {
  bumpGroupVersion,
  groupIdsOf,
  groupVersionOf,
  liveUsers,
  type MembershipResult,
  membersAmong,
  readGroup,
  type Table,
  writeMembershipChange,
} from './membership.ts';
import { undoMembershipChange } from './membership-undo.ts';
import { queryPrefix } from './query-prefix.ts';
import { readResourceCount } from './resource-counter.ts';
import { retryOnTransactionConflict } from './transact.ts';

/** How many unknown member ids an error names before it says "and N more". */
const NAMED_IDS = 20;

/**
 * GroupStore on the directory table. A group is one item without its members; each membership
 * is a pair of items (under the group and under the user) written in the same transaction as the
 * group's sharded member counter and a MembershipChange item the stream relay turns into events.
 * So adding k members costs O(k) whatever the group's size, and the count is exact.
 */
export class DynamoGroupStore implements GroupStore {
  private readonly table: Table;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.table = { client, tableName };
  }

  async create(
    directoryId: string,
    group: { id: string; resource: ScimResource; members: readonly string[]; now: string },
    actor: Actor,
  ): Promise<StoredGroup> {
    const members = [...new Set(group.members)];
    await this.assertUsers(directoryId, members);
    const stored: StoredGroup = {
      id: group.id,
      resource: group.resource,
      version: 1,
      created: group.now,
      lastModified: group.now,
    };
    const groupWrite = groupCreation(this.tableName, directoryId, stored, actor);
    const result = await writeMembershipChange(this.table, {
      directoryId,
      group: versionOf(stored),
      add: members,
      remove: [],
      actor,
      now: group.now,
      groupWrite,
      onVanishedUser: 'fail',
    });
    if (result.ok) return stored;
    if (result.failure === 'vanishedUsers' && result.written.transactions > 0) {
      // A user vanished after the group and its first members were written: a create that fails
      // leaves nothing behind (its events say created, then deleted, which is what happened).
      const created = await this.get(directoryId, group.id);
      if (created) await deleteGroup(this.table, directoryId, created, { now: group.now, actor });
    }
    throw this.failure(result, group.resource, () =>
      result.written.transactions > 0
        ? ScimError.notFound(`Group ${group.id} was deleted while it was being created.`)
        : new Error(`Group ${group.id} already exists`),
    );
  }

  async get(directoryId: string, id: string): Promise<StoredGroup | undefined> {
    return readGroup(this.table, directoryId, id);
  }

  async update(
    directoryId: string,
    current: StoredGroup,
    change: { resource: ScimResource; members?: MembershipDelta; now: string },
    actor: Actor,
    options: { ifMatch?: boolean } = {},
  ): Promise<StoredGroup> {
    const attributesChange = !isDeepStrictEqual(change.resource, current.resource);
    const delta = await this.effectiveDelta(directoryId, current.id, change.members);
    if (!attributesChange && delta.add.length === 0 && delta.remove.length === 0) return current;
    await this.assertUsers(directoryId, delta.add);

    if (!attributesChange && options.ifMatch !== true) {
      // A membership change alone does not depend on the version read: it takes the next one,
      // whatever concurrent membership changes took, so parallel PATCHes never conflict.
      const bumped = await bumpGroupVersion(this.table, directoryId, current.id, { actor, now: change.now });
      if (!bumped) throw ScimError.notFound(`Group ${current.id} not found.`);
      const result = await writeMembershipChange(this.table, {
        directoryId,
        group: groupVersionOf(bumped),
        ...delta,
        actor,
        now: change.now,
        onVanishedUser: 'fail',
      });
      if (!result.ok)
        await this.undoAndThrow(directoryId, result, { id: current.id, actor, now: change.now });
      return fromGroupItem(bumped);
    }

    const next: StoredGroup = {
      id: current.id,
      resource: change.resource,
      version: current.version + 1,
      created: current.created,
      lastModified: change.now,
    };
    const groupWrite = groupReplacement(this.tableName, directoryId, current, next, actor);
    if (groupWrite.length === 1 && delta.add.length === 0 && delta.remove.length === 0) {
      // Most attribute changes move no claim or index entry: a conditional PutItem is exactly as
      // atomic as a one-item transaction, at half the write capacity.
      try {
        await retryOnTransactionConflict(() => this.client.send(new PutCommand(groupWrite[0].Put)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw await this.goneOrConflict(directoryId, current.id);
        throw error;
      }
      return next;
    }
    const result = await writeMembershipChange(this.table, {
      directoryId,
      group: versionOf(next),
      ...delta,
      actor,
      now: change.now,
      groupWrite,
      onVanishedUser: 'fail',
    });
    if (result.ok) return next;
    if (result.failure === 'group' && result.written.transactions === 0)
      throw await this.goneOrConflict(directoryId, current.id);
    await this.undoAndThrow(directoryId, result, {
      id: current.id,
      actor,
      now: change.now,
      restore: { from: next, to: current },
    });
    return next;
  }

  async delete(
    directoryId: string,
    current: StoredGroup,
    now: string,
    actor: Actor,
    options: { deadline?: number } = {},
  ): Promise<GroupDeletion> {
    return deleteGroup(this.table, directoryId, current, { now, actor }, options.deadline);
  }

  async resumeDelete(
    directoryId: string,
    groupId: string,
    options: { deadline?: number } = {},
  ): Promise<GroupDeletion | 'notDeleting'> {
    return resumeGroupDelete(this.table, directoryId, groupId, options.deadline);
  }

  async lookup(directoryId: string, lookup: IndexLookup): Promise<StoredGroup[]> {
    switch (lookup.index) {
      case 'id':
        return this.getMany(directoryId, [lookup.value]);
      case 'displayName': {
        const { Item } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: keys.groupDisplayNameClaim(directoryId, lookup.value),
            ConsistentRead: true,
          }),
        );
        return this.getMany(directoryId, Item ? [String(Item.groupId)] : []);
      }
      case 'externalId': {
        const entries = await queryPrefix(
          this.client,
          this.tableName,
          keys.partition(directoryId),
          keys.groupIndexPrefix('externalId', lookup.value),
        );
        return this.getMany(
          directoryId,
          entries.map((entry) => String(entry.groupId)),
        );
      }
      case 'members.value':
        return this.getMany(directoryId, await groupIdsOf(this.table, directoryId, lookup.value));
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<GroupPage> {
    const { items, totalResults } = await queryIndexPage(this.client, this.tableName, {
      directoryId,
      resourceType: 'Group',
      prefix: keys.groupPrefix,
      startIndex,
      count,
      fromItem: fromGroupItem,
    });
    return { groups: items, totalResults };
  }

  /** Groups being deleted are left out, as from `page` and `scan`: the group reads as 404 already. */
  async pageAt(
    directoryId: string,
    position: PagePosition,
    count: number,
  ): Promise<PositionedPage<StoredGroup>> {
    return queryPositionedPage(this.client, this.tableName, {
      partitionKey: keys.partition(directoryId),
      prefix: keys.groupPrefix,
      sortKeyOf: (id) => keys.group(directoryId, id).sk,
      position,
      count,
      skipDeleting: true,
      fromItem: fromGroupItem,
      totalResults: () => this.count(directoryId),
    });
  }

  async *scan(directoryId: string): AsyncIterable<StoredGroup> {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        this.groupsQuery(directoryId, { ExclusiveStartKey: exclusiveStartKey }),
      );
      for (const item of page.Items ?? []) yield fromGroupItem(item);
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }

  /** The number of groups: the sum of the counter shards, one Query whatever the directory's size. */
  async count(directoryId: string): Promise<number> {
    return (await readResourceCount(this.client, this.tableName, directoryId, 'Group')).total;
  }

  async memberCount(directoryId: string, groupId: string): Promise<number> {
    const shards = await queryPrefix(
      this.client,
      this.tableName,
      keys.partition(directoryId),
      keys.memberCounterPrefix(groupId),
    );
    return shards.reduce((sum, shard) => sum + Number(shard.n ?? 0), 0);
  }

  async membersAmong(directoryId: string, groupId: string, userIds: readonly string[]): Promise<Set<string>> {
    return membersAmong(this.table, directoryId, groupId, userIds);
  }

  async members(
    directoryId: string,
    groupId: string,
    options: { after?: string; limit: number },
  ): Promise<MemberSlice> {
    if (options.limit <= 0) return { userIds: [] };
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.partition(directoryId),
          ':prefix': keys.memberPrefix(groupId),
        },
        ProjectionExpression: '#userId',
        ExpressionAttributeNames: { '#userId': 'userId' },
        ConsistentRead: true,
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

  async groupsOf(directoryId: string, userId: string): Promise<GroupRef[]> {
    const groups = await this.getMany(directoryId, await groupIdsOf(this.table, directoryId, userId));
    return groups.map((group) => ({ id: group.id, displayName: displayNameOf(group.resource) }));
  }

  /**
   * The add and remove that actually change something: adds of non-members, removes of members.
   * An id both added and removed ends up removed (`remove` applies last). For `replaceAll` the
   * current members are read: O(group size), inherent to replacing a whole member list.
   */
  private async effectiveDelta(
    directoryId: string,
    groupId: string,
    delta: MembershipDelta | undefined,
  ): Promise<{ add: string[]; remove: string[] }> {
    if (!delta) return { add: [], remove: [] };
    const removed = new Set(delta.remove);
    if (delta.replaceAll) {
      const current = new Set(await this.allMembers(directoryId, groupId));
      const target = new Set([...delta.replaceAll, ...delta.add].filter((id) => !removed.has(id)));
      return {
        add: [...target].filter((id) => !current.has(id)),
        remove: [...current].filter((id) => !target.has(id)),
      };
    }
    const adds = [...new Set(delta.add)].filter((id) => !removed.has(id));
    const among = await membersAmong(this.table, directoryId, groupId, [...adds, ...removed]);
    return { add: adds.filter((id) => !among.has(id)), remove: [...removed].filter((id) => among.has(id)) };
  }

  private async allMembers(directoryId: string, groupId: string): Promise<string[]> {
    const userIds: string[] = [];
    let after: string | undefined;
    do {
      const slice = await this.members(directoryId, groupId, { limit: 1000, ...(after ? { after } : {}) });
      userIds.push(...slice.userIds);
      after = slice.next;
    } while (after !== undefined);
    return userIds;
  }

  /** Every id to add must be a live user of this directory, or nothing of the change is written. */
  private async assertUsers(directoryId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const live = await liveUsers(this.table, directoryId, userIds);
    const unknown = userIds.filter((id) => !live.has(id));
    if (unknown.length > 0) throw notUsers(unknown);
  }

  /**
   * A membership change stopped after some of its transactions committed: a user to add vanished
   * in between. Undo what was written, as a new version whose MembershipChange items say so (a
   * consumer sees the add and its removal, which is what happened), put back the attributes the
   * change replaced if nobody changed them since, then throw the error of the failure.
   */
  private async undoAndThrow(
    directoryId: string,
    failed: Exclude<MembershipResult, { ok: true }>,
    change: { id: string; actor: Actor; now: string; restore?: { from: StoredGroup; to: StoredGroup } },
  ): Promise<never> {
    const error = this.failure(failed, change.restore?.from.resource ?? { schemas: [] }, () =>
      ScimError.notFound(`Group ${change.id} not found.`),
    );
    // A group being deleted loses every membership anyway; only a vanished user needs an undo.
    if (failed.failure === 'vanishedUsers' && failed.written.transactions > 0)
      await undoMembershipChange(this.table, directoryId, failed.written, { ...change, groupId: change.id });
    throw error;
  }

  /** The error a failed membership change answers with. */
  private failure(
    result: Exclude<MembershipResult, { ok: true }>,
    resource: ScimResource,
    groupFailure: () => Error,
  ): Error {
    switch (result.failure) {
      case 'vanishedUsers':
        return notUsers(result.users);
      case 'groupWrite':
        return ScimError.conflict(
          `displayName "${displayNameOf(resource)}" is already taken by another group in this directory (displayName is case-insensitive).`,
        );
      case 'group':
        return groupFailure();
    }
  }

  /** Live groups by id (none being deleted), in id order. */
  private async getMany(directoryId: string, ids: readonly string[]): Promise<StoredGroup[]> {
    const groupKeys = [...new Set(ids)].map((id) => keys.group(directoryId, id)).filter(isKeyable);
    const items = await batchGet(this.client, this.tableName, groupKeys);
    return items
      .map(fromGroupItem)
      .filter((group) => !group.deleting)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The directory's groups in id order, strongly consistent, those being deleted left out. */
  private groupsQuery(directoryId: string, options: Pick<QueryCommandInput, 'ExclusiveStartKey'>) {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_not_exists(#deleting)',
      ExpressionAttributeNames: { '#deleting': 'deleting' },
      ExpressionAttributeValues: { ':pk': keys.partition(directoryId), ':prefix': keys.groupPrefix },
      ConsistentRead: true,
      ...options,
    });
  }

  private async goneOrConflict(directoryId: string, id: string): Promise<Error> {
    const stored = await this.get(directoryId, id);
    return stored && !stored.deleting
      ? new VersionConflict(`Group ${id} changed concurrently`)
      : ScimError.notFound(`Group ${id} not found.`);
  }
}

function notUsers(ids: readonly string[]): ScimError {
  const named = ids.slice(0, NAMED_IDS).map((id) => JSON.stringify(id));
  const more = ids.length > NAMED_IDS ? ` and ${ids.length - NAMED_IDS} more` : '';
  return ScimError.badRequest(
    'invalidValue',
    `Members must be users of this directory; not found: ${named.join(', ')}${more}. No change was applied.`,
  );
}
