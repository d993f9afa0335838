import type { Actor, StoredUser } from '../../ports/user-store.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { type IndexedAttribute, keys } from '../../store/keys.ts';

/**
 * A user as a table item. The SCIM attributes are kept as one JSON string: SCIM allows shapes
 * (empty strings, nested arrays, any key) that DynamoDB maps handle awkwardly, and the stream
 * relay reads the same string. Flat copies of userName and active serve the relay and operators.
 */
export interface UserItem {
  pk: string;
  sk: string;
  type: 'User';
  directoryId: string;
  id: string;
  resource: string;
  version: number;
  created: string;
  lastModified: string;
  userName: string;
  active: boolean;
  actor: Actor;
  /** The sort keys of this user's userName claim and index entries, so an update knows what to remove. */
  claimSk: string;
  indexSks: string[];
  /** Set while a delete removes the user's group memberships. */
  deleting?: true;
  /** While deleting: the groups the user was in, kept for its tombstone should the delete be resumed. */
  formerGroups?: { id: string; displayName: string }[];
  /** A test user of scim-check (created by a conformance credential): the relay publishes nothing about it. */
  conformance?: true;
}

export interface TombstoneItem {
  pk: string;
  sk: string;
  type: 'UserTombstone';
  directoryId: string;
  id: string;
  resource: string;
  version: number;
  deletedAt: string;
  actor: Actor;
  conformance?: true;
}

/** Index entries a user needs: its externalId and every distinct email address. */
export function indexEntriesOf(
  directoryId: string,
  id: string,
  resource: ScimResource,
): { attribute: IndexedAttribute; sk: string }[] {
  const entries = new Map<string, IndexedAttribute>();
  if (typeof resource.externalId === 'string')
    entries.set(keys.indexEntry(directoryId, 'externalId', resource.externalId, id).sk, 'externalId');
  const emails = Array.isArray(resource.emails) ? resource.emails : [];
  for (const email of emails) {
    if (email && typeof email === 'object' && !Array.isArray(email) && typeof email.value === 'string') {
      entries.set(keys.indexEntry(directoryId, 'emails.value', email.value, id).sk, 'emails.value');
    }
  }
  return [...entries].map(([sk, attribute]) => ({ attribute, sk }));
}

export function toUserItem(directoryId: string, user: StoredUser, actor: Actor): UserItem {
  const userName = String(user.resource.userName);
  return {
    ...keys.user(directoryId, user.id),
    type: 'User',
    directoryId,
    id: user.id,
    resource: JSON.stringify(user.resource),
    version: user.version,
    created: user.created,
    lastModified: user.lastModified,
    userName,
    active: user.resource.active !== false,
    actor,
    claimSk: keys.userNameClaim(directoryId, userName).sk,
    indexSks: indexEntriesOf(directoryId, user.id, user.resource).map((entry) => entry.sk),
    ...(user.conformance ? { conformance: true } : {}),
  };
}

/** The claim that makes a userName unique in its directory (case-insensitively). */
export function userNameClaimItem(directoryId: string, userId: string, userName: string) {
  return { ...keys.userNameClaim(directoryId, userName), type: 'UserNameClaim', userId };
}

export function fromUserItem(item: Record<string, unknown>): StoredUser {
  return {
    id: String(item.id),
    resource: JSON.parse(String(item.resource)) as ScimResource,
    version: Number(item.version),
    created: String(item.created),
    lastModified: String(item.lastModified),
    ...(item.deleting === true ? { deleting: true } : {}),
    ...(item.conformance === true ? { conformance: true } : {}),
  };
}
