import { isDeepStrictEqual } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  GroupDeletion,
  GroupPage,
  GroupRef,
  GroupStore,
  MemberSlice,
  MembershipDelta,
  StoredGroup,
} from '../../ports/group-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import type { IndexLookup } from '../../scim/filter/index.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { keys } from '../../store/keys.ts';
import { deleteGroup, resumeGroupDelete } from './group-delete.ts';
import { displayNameOf, fromGroupItem } from './group-item.ts';
import { countMembers, effectiveDelta, memberSlice } from './group-members.ts';
import { groupCreation, groupReplacement, versionOf } from './group-writes.ts';
import {
  bumpGroupVersion,
  groupIdsOf,
  groupVersionOf,
  liveUsers,
  type MembershipResult,
  membersAmong,
  writeMembershipChange,
} from './membership.ts';
import { undoMembershipChange } from './membership-undo.ts';
import { ResourceStore } from './resource-store.ts';

/** How many unknown member ids an error names before it says "and N more". */
const NAMED_IDS = 20;

/**
 * GroupStore on the directory table. A group is one item without its members; each membership
 * is a pair of items (under the group and under the user) written in the same transaction as the
 * group's sharded member counter and a MembershipChange item the stream relay turns into events.
 * So adding k members costs O(k) whatever the group's size, and the count is exact.
 */
export class DynamoGroupStore extends ResourceStore<StoredGroup> implements GroupStore {
  constructor(client: DynamoDBDocumentClient, tableName: string) {
    super(client, tableName, {
      resourceType: 'Group',
      prefix: keys.groupPrefix,
      keyOf: keys.group,
      fromItem: fromGroupItem,
    });
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

  async update(
    directoryId: string,
    current: StoredGroup,
    change: { resource: ScimResource; members?: MembershipDelta; now: string },
    actor: Actor,
    options: { ifMatch?: boolean } = {},
  ): Promise<StoredGroup> {
    const attributesChange = !isDeepStrictEqual(change.resource, current.resource);
    const delta = await effectiveDelta(this.table, directoryId, current.id, change.members);
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
      await this.putUnlessChanged(directoryId, current.id, groupWrite[0].Put);
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
      case 'displayName':
        return this.claimedBy(directoryId, keys.groupDisplayNameClaim(directoryId, lookup.value), 'groupId');
      case 'externalId':
        return this.indexedBy(directoryId, keys.groupIndexPrefix('externalId', lookup.value), 'groupId');
      case 'members.value':
        return this.getMany(directoryId, await groupIdsOf(this.table, directoryId, lookup.value));
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<GroupPage> {
    const { items, totalResults } = await this.indexPage(directoryId, startIndex, count);
    return { groups: items, totalResults };
  }

  async memberCount(directoryId: string, groupId: string): Promise<number> {
    return countMembers(this.table, directoryId, groupId);
  }

  async membersAmong(directoryId: string, groupId: string, userIds: readonly string[]): Promise<Set<string>> {
    return membersAmong(this.table, directoryId, groupId, userIds);
  }

  async members(
    directoryId: string,
    groupId: string,
    options: { after?: string; limit: number },
  ): Promise<MemberSlice> {
    return memberSlice(this.table, directoryId, groupId, options);
  }

  async groupsOf(directoryId: string, userId: string): Promise<GroupRef[]> {
    const groups = await this.getMany(directoryId, await groupIdsOf(this.table, directoryId, userId));
    return groups.map((group) => ({ id: group.id, displayName: displayNameOf(group.resource) }));
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
}

function notUsers(ids: readonly string[]): ScimError {
  const named = ids.slice(0, NAMED_IDS).map((id) => JSON.stringify(id));
  const more = ids.length > NAMED_IDS ? ` and ${ids.length - NAMED_IDS} more` : '';
  return ScimError.badRequest(
    'invalidValue',
    `Members must be users of this directory; not found: ${named.join(', ')}${more}. No change was applied.`,
  );
}
