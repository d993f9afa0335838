/**
 * From a change of a table item (its old and new image, as DynamoDB Streams carries them) to the
 * lifecycle events it means. Pure: no clock, no randomness, so the same stream record always
 * yields the same events with the same ids, however often it is delivered.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { EventOf, EventType, LifecycleEvent, UserEvent } from './catalogue.ts';
import { actorSchema } from './envelope.ts';
import { groupSnapshot, userSnapshot } from './snapshot.ts';

/** An item change with the images already unmarshalled to plain objects. */
export interface ItemChange {
  readonly oldImage?: Record<string, unknown> | undefined;
  readonly newImage?: Record<string, unknown> | undefined;
}

/** The fields of a USER# item the derivation reads (layout in shared/adapters/dynamodb/user-item.ts). */
const userItem = z.object({
  type: z.literal('User'),
  directoryId: z.string(),
  id: z.string(),
  resource: z.string(),
  version: z.number().int().positive(),
  lastModified: z.string(),
  actor: actorSchema,
  conformance: z.literal(true).optional(),
});
/** The fields of a TOMBSTONE#USER# item: written in the delete's transaction, it says who and when. */
const tombstoneItem = z.object({
  type: z.literal('UserTombstone'),
  directoryId: z.string(),
  id: z.string(),
  resource: z.string(),
  version: z.number().int().positive(),
  deletedAt: z.string(),
  actor: actorSchema,
  conformance: z.literal(true).optional(),
});
type UserItemFields = z.infer<typeof userItem>;

/** The fields of a GROUP# item the derivation reads (layout in shared/adapters/dynamodb/group-item.ts). */
const groupItem = userItem.extend({ type: z.literal('Group') });
/** The fields of a TOMBSTONE#GROUP# item, written in the transaction that deletes the group. */
const groupTombstoneItem = tombstoneItem.extend({ type: z.literal('GroupTombstone') });
/** One part of a group version's membership change, written with the membership items themselves. */
const membershipChangeItem = z.object({
  type: z.literal('MembershipChange'),
  directoryId: z.string(),
  groupId: z.string(),
  version: z.number().int().positive(),
  kind: z.enum(['added', 'removed']),
  members: z.array(z.string()).min(1),
  part: z.number().int().positive(),
  parts: z.number().int().positive(),
  occurredAt: z.string(),
  actor: actorSchema,
  displayName: z.string(),
  externalId: z.string().optional(),
});

/**
 * The item types whose changes can mean an event. The stream trigger is filtered on these, so the
 * relay is not invoked for the many writes that can never be one (rate windows, bookmarks, tokens,
 * membership items: their MembershipChange says what changed, once per part rather than per member).
 */
export const LIFECYCLE_ITEM_TYPES = [
  'User',
  'UserTombstone',
  'Group',
  'GroupTombstone',
  'MembershipChange',
] as const;

/**
 * The events one item change means:
 * - a User inserted: user.created;
 * - a User modified: user.deactivated / user.reactivated when active flipped, and user.updated
 *   when anything else changed (both when both did); nothing when the version did not move (the
 *   `deleting` mark of a delete in progress);
 * - a UserTombstone inserted: user.deleted (the removal of the USER# item itself means nothing
 *   more: the tombstone of the same transaction carries who deleted and when, and the groups);
 * - a Group inserted: group.created; modified with a new version and other attributes:
 *   group.updated (a new version with the same attributes is a membership change, whose
 *   MembershipChange items speak for it; the `deleting` mark keeps the version: nothing);
 * - a GroupTombstone inserted: group.deleted;
 * - a MembershipChange inserted: group.member.added or group.member.removed, one per part;
 * - anything else (claims, index entries, membership items, counters, tokens, bookmarks): nothing;
 * - nothing either about a test user of scim-check (`conformance` on its item and tombstone, set
 *   by the store from the credential that created it): no connector may act on it and the
 *   evidence must not list it. A real user never carries the mark, whatever its attributes.
 *
 * @example
 * eventsFromChange({ oldImage: undefined, newImage: userItemImage });
 * // [{ type: 'user.created', eventId: '…', sequence: 1, user: { id, userName, active: true, … }, … }]
 */
export function eventsFromChange(change: ItemChange): LifecycleEvent[] {
  const { oldImage, newImage } = change;
  switch (newImage?.type) {
    case 'User':
      return userEvents(oldImage, newImage);
    case 'UserTombstone': {
      if (oldImage !== undefined) return [];
      const item = tombstoneItem.parse(newImage);
      return item.conformance ? [] : [userEvent('user.deleted', item, item.deletedAt)];
    }
    case 'Group':
      return groupEvents(oldImage, newImage);
    case 'GroupTombstone': {
      if (oldImage !== undefined) return [];
      const item = groupTombstoneItem.parse(newImage);
      return [groupEvent('group.deleted', item, item.deletedAt)];
    }
    case 'MembershipChange':
      return oldImage === undefined ? [memberEvent(membershipChangeItem.parse(newImage))] : [];
    default:
      return [];
  }
}

function userEvents(
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown>,
): UserEvent[] {
  const next = userItem.parse(newImage);
  if (next.conformance) return [];
  if (oldImage?.type !== 'User') return [userEvent('user.created', next, next.lastModified)];

  const previous = userItem.parse(oldImage);
  // A redelivered or replayed image of the same version is not a change.
  if (previous.version >= next.version) return [];
  const before = parseResource(previous.resource);
  const after = parseResource(next.resource);
  const events: UserEvent[] = [];
  const wasActive = before.active !== false;
  const isActive = after.active !== false;
  if (wasActive !== isActive)
    events.push(userEvent(isActive ? 'user.reactivated' : 'user.deactivated', next, next.lastModified));
  const changedAttributes = changedAttributesOf(before, after);
  if (changedAttributes.length > 0) {
    const updated = userEvent('user.updated', next, next.lastModified);
    events.push({ ...updated, type: 'user.updated', changedAttributes });
  }
  return events;
}

type GroupItemFields = z.infer<typeof groupItem>;

function groupEvents(
  oldImage: Record<string, unknown> | undefined,
  newImage: Record<string, unknown>,
): LifecycleEvent[] {
  const next = groupItem.parse(newImage);
  if (oldImage?.type !== 'Group') return [groupEvent('group.created', next, next.lastModified)];
  const previous = groupItem.parse(oldImage);
  if (previous.version >= next.version) return [];
  const changedAttributes = changedAttributesOf(
    parseResource(previous.resource),
    parseResource(next.resource),
  );
  if (changedAttributes.length === 0) return [];
  return [
    { ...groupEvent('group.updated', next, next.lastModified), type: 'group.updated', changedAttributes },
  ];
}

type SimpleGroupEventType = 'group.created' | 'group.deleted';

function groupEvent(
  type: SimpleGroupEventType | 'group.updated',
  item: Pick<GroupItemFields, 'directoryId' | 'id' | 'resource' | 'version' | 'actor'>,
  occurredAt: string,
): EventOf<SimpleGroupEventType> {
  return {
    // group.updated is completed with its changedAttributes by the caller.
    type: type as SimpleGroupEventType,
    eventId: eventIdOf(item.directoryId, 'Group', item.id, item.version, type),
    directoryId: item.directoryId,
    occurredAt,
    sequence: item.version,
    actor: item.actor,
    group: groupSnapshot(item.id, parseResource(item.resource)),
  };
}

/**
 * One part of a membership change. Its id counts the part: the parts of one change share the
 * group's version (their sequence) and type, and must still be told apart.
 */
function memberEvent(
  item: z.infer<typeof membershipChangeItem>,
): EventOf<'group.member.added'> | EventOf<'group.member.removed'> {
  const type = item.kind === 'added' ? 'group.member.added' : 'group.member.removed';
  return {
    type,
    eventId: eventIdOf(item.directoryId, 'Group', item.groupId, item.version, type, item.part),
    directoryId: item.directoryId,
    occurredAt: item.occurredAt,
    sequence: item.version,
    actor: item.actor,
    group: groupSnapshot(item.groupId, item),
    members: item.members.map((value) => ({ value, type: 'User' as const })),
    part: { index: item.part, count: item.parts },
  };
}

/**
 * The stable id of an event: the same (directory, resource, version, type) always hashes to the
 * same id, so a consumer deduping by it sees each change once whatever the redeliveries.
 *
 * @example
 * eventIdOf('default', 'User', '4d94e544', 3, 'user.deactivated'); // 'a1b2…' (32 hex digits)
 */
export function eventIdOf(
  directoryId: string,
  resourceType: 'User' | 'Group',
  id: string,
  version: number,
  type: EventType,
  part = 1,
): string {
  return createHash('sha256')
    .update(JSON.stringify([directoryId, resourceType, id, version, type, part]))
    .digest('hex')
    .slice(0, 32);
}

type SimpleUserEventType = Exclude<UserEvent['type'], 'user.updated'>;

function userEvent(
  type: SimpleUserEventType | 'user.updated',
  item: Pick<UserItemFields, 'directoryId' | 'id' | 'resource' | 'version' | 'actor'>,
  occurredAt: string,
): Extract<UserEvent, { type: SimpleUserEventType }> {
  return {
    // user.updated is completed with its changedAttributes by the caller.
    type: type as SimpleUserEventType,
    eventId: eventIdOf(item.directoryId, 'User', item.id, item.version, type),
    directoryId: item.directoryId,
    occurredAt,
    sequence: item.version,
    actor: item.actor,
    user: userSnapshot(item.id, parseResource(item.resource)),
  };
}

function parseResource(json: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('The stored resource is not a JSON object.');
  return value as Record<string, unknown>;
}

/**
 * Top-level attribute names that differ, `active` aside (it has events of its own). Extension
 * attributes are named fully (`urn:…:enterprise:2.0:User:department`) rather than by their URN
 * alone: "department changed" is the mover signal connectors look for, and the URN would hide it.
 */
function changedAttributesOf(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'active' || isDeepStrictEqual(before[key], after[key])) continue;
    const was = before[key];
    const is = after[key];
    if (key.startsWith('urn:') && isPlainObject(was ?? {}) && isPlainObject(is ?? {})) {
      const wasObject = (was ?? {}) as Record<string, unknown>;
      const isObject = (is ?? {}) as Record<string, unknown>;
      for (const sub of new Set([...Object.keys(wasObject), ...Object.keys(isObject)]))
        if (!isDeepStrictEqual(wasObject[sub], isObject[sub])) changed.push(`${key}:${sub}`);
    } else {
      changed.push(key);
    }
  }
  return changed.sort();
}

const isPlainObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
