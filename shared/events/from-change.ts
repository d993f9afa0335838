/**
 * From a change of a table item (its old and new image, as DynamoDB Streams carries them) to the
 * lifecycle events it means. Pure: no clock, no randomness, so the same stream record always
 * yields the same events with the same ids, however often it is delivered.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { EventType, UserEvent } from './catalogue.ts';
import { actorSchema } from './envelope.ts';
import { userSnapshot } from './snapshot.ts';

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
});
type UserItemFields = z.infer<typeof userItem>;

/**
 * The item types whose changes can mean an event. The stream trigger is filtered on these, so the
 * relay is not invoked for the many writes that can never be one (rate windows, bookmarks, tokens).
 */
export const LIFECYCLE_ITEM_TYPES = ['User', 'UserTombstone'] as const;

/**
 * The events one item change means:
 * - a User inserted: user.created;
 * - a User modified: user.deactivated / user.reactivated when active flipped, and user.updated
 *   when anything else changed (both when both did);
 * - a UserTombstone inserted: user.deleted (the removal of the USER# item itself means nothing
 *   more: the tombstone of the same transaction carries who deleted and when);
 * - anything else (claims, index entries, counters, tokens, bookmarks): nothing.
 *
 * @example
 * eventsFromChange({ oldImage: undefined, newImage: userItemImage });
 * // [{ type: 'user.created', eventId: '…', sequence: 1, user: { id, userName, active: true, … }, … }]
 */
export function eventsFromChange(change: ItemChange): UserEvent[] {
  const { oldImage, newImage } = change;
  if (newImage?.type === 'UserTombstone' && oldImage === undefined) {
    const item = tombstoneItem.parse(newImage);
    return [userEvent('user.deleted', item, item.deletedAt)];
  }
  if (newImage?.type !== 'User') return [];
  const next = userItem.parse(newImage);
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
