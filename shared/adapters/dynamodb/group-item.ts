import type { GroupRef, StoredGroup } from '../../ports/group-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { COUNTER_SHARDS, keys } from '../../store/keys.ts';

/**
 * A group as a table item. Like a user, the SCIM attributes are one JSON string; `members` is
 * never in it: every membership is an item of its own (see `memberItems`), so no item size
 * limit caps a group and a membership change writes only what changes.
 */
export interface GroupItem {
  pk: string;
  sk: string;
  type: 'Group';
  directoryId: string;
  id: string;
  resource: string;
  version: number;
  created: string;
  lastModified: string;
  /** Flat copies for the stream relay (events carry them) and for operators. */
  displayName: string;
  externalId?: string;
  actor: Actor;
  /** The sort keys of this group's displayName claim and index entries, so an update knows what to remove. */
  claimSk: string;
  indexSks: string[];
  /** Set while a delete removes the group's memberships. */
  deleting?: true;
}

export interface GroupTombstoneItem {
  pk: string;
  sk: string;
  type: 'GroupTombstone';
  directoryId: string;
  id: string;
  resource: string;
  version: number;
  deletedAt: string;
  actor: Actor;
}

/**
 * One part of the membership change of a group version: the stream relay turns it into one
 * group.member.added or group.member.removed event. Parts are numbered per kind (1..count), so a
 * consumer knows when it has seen the whole change.
 */
export interface MembershipChangeItem {
  pk: string;
  sk: string;
  type: 'MembershipChange';
  directoryId: string;
  groupId: string;
  /** The group's version this change produced: the events' sequence. */
  version: number;
  kind: 'added' | 'removed';
  /** User ids. */
  members: string[];
  part: number;
  parts: number;
  occurredAt: string;
  actor: Actor;
  displayName: string;
  externalId?: string;
  /** Epoch seconds: the relay has long read it by then (stream records live 24 hours). */
  expiresAt: number;
}

/** Membership change items outlive the stream's 24 hours comfortably, then go by TTL. */
export const MEMBERSHIP_CHANGE_TTL_SECONDS = 7 * 24 * 3600;

export const displayNameOf = (resource: ScimResource): string => String(resource.displayName ?? '');
export const externalIdOf = (resource: ScimResource): string | undefined =>
  typeof resource.externalId === 'string' ? resource.externalId : undefined;

/** Index entries a group needs: its externalId (displayName is looked up by its claim). */
export function groupIndexSks(directoryId: string, id: string, resource: ScimResource): string[] {
  const externalId = externalIdOf(resource);
  return externalId === undefined ? [] : [keys.groupIndexEntry(directoryId, 'externalId', externalId, id).sk];
}

export function toGroupItem(directoryId: string, group: StoredGroup, actor: Actor): GroupItem {
  const displayName = displayNameOf(group.resource);
  const externalId = externalIdOf(group.resource);
  return {
    ...keys.group(directoryId, group.id),
    type: 'Group',
    directoryId,
    id: group.id,
    resource: JSON.stringify(group.resource),
    version: group.version,
    created: group.created,
    lastModified: group.lastModified,
    displayName,
    ...(externalId !== undefined ? { externalId } : {}),
    actor,
    claimSk: keys.groupDisplayNameClaim(directoryId, displayName).sk,
    indexSks: groupIndexSks(directoryId, group.id, group.resource),
    ...(group.deleting ? { deleting: true } : {}),
  };
}

export function fromGroupItem(item: Record<string, unknown>): StoredGroup {
  return {
    id: String(item.id),
    resource: JSON.parse(String(item.resource)) as ScimResource,
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
    ...(item.deleting === true ? { deleting: true } : {}),
  };
}

export function groupRefOf(item: Record<string, unknown>): GroupRef {
  return { id: String(item.id), displayName: String(item.displayName ?? '') };
}

/** The claim that makes a displayName unique in its directory. */
export function displayNameClaimItem(directoryId: string, groupId: string, displayName: string) {
  return { ...keys.groupDisplayNameClaim(directoryId, displayName), type: 'GroupDisplayNameClaim', groupId };
}

export function groupIndexItem(directoryId: string, groupId: string, sk: string) {
  return { pk: keys.partition(directoryId), sk, type: 'GroupIndexEntry', groupId };
}

/**
 * The two items of one membership: under the group (its member list) and under the user (the
 * user's groups). They are always written and deleted together, in one transaction.
 *
 * @example
 * const [member, membership] = memberItems('default', groupId, userId);
 */
export function memberItems(directoryId: string, groupId: string, userId: string) {
  return [
    { ...keys.member(directoryId, groupId, userId), type: 'Member', groupId, userId },
    { ...keys.membership(directoryId, userId, groupId), type: 'Membership', groupId, userId },
  ] as const;
}

/** The member counter shards holding `total` between them, as `total` single adds would leave them. */
export function memberCounterItems(directoryId: string, groupId: string, total: number) {
  return Array.from({ length: COUNTER_SHARDS }, (_, shard) => ({
    ...keys.memberCounterShard(directoryId, groupId, shard),
    n: Math.floor(total / COUNTER_SHARDS) + (shard < total % COUNTER_SHARDS ? 1 : 0),
  }));
}

export function membershipChangeItem(change: {
  directoryId: string;
  groupId: string;
  version: number;
  kind: 'added' | 'removed';
  members: readonly string[];
  part: number;
  parts: number;
  occurredAt: string;
  actor: Actor;
  displayName: string;
  externalId?: string | undefined;
}): MembershipChangeItem {
  const { directoryId, groupId, version, kind, part, externalId } = change;
  return {
    ...keys.membershipChange(directoryId, groupId, version, kind, part),
    type: 'MembershipChange',
    directoryId,
    groupId,
    version,
    kind,
    members: [...change.members],
    part,
    parts: change.parts,
    occurredAt: change.occurredAt,
    actor: change.actor,
    displayName: change.displayName,
    ...(externalId !== undefined ? { externalId } : {}),
    expiresAt: Math.floor(Date.parse(change.occurredAt) / 1000) + MEMBERSHIP_CHANGE_TTL_SECONDS,
  };
}
