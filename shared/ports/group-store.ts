import type { ScimResource } from '../scim/resource.ts';
import type { IndexLookup } from './index-lookup.ts';
import type { PagePosition, PositionedPage } from './paging.ts';
import type { Actor } from './user-store.ts';

/**
 * A group as stored: its SCIM attributes without `members` (membership is stored as one item per
 * member, so no item limit caps a group), plus what the service provider owns.
 */
export interface StoredGroup {
  readonly id: string;
  /** displayName, externalId, schemas and any extension attributes; never `members`. */
  readonly resource: ScimResource;
  /** Incremented on every write, membership changes included; exposed as the ETag `W/"{version}"`. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /**
   * Set while a delete is removing the group's memberships. Such a group is not found for reads
   * and writes; the background sweeper the DELETE handed the rest to, or a repeated DELETE,
   * finishes the job.
   */
  readonly deleting?: true;
}

/**
 * How far a delete got: `deleted` (the group, its memberships and claims are gone, its tombstone
 * written), or `unfinished` (its deadline passed while memberships were being removed; the group
 * stays marked `deleting`, and `resumeDelete` or a repeated `delete` carries on).
 */
export type GroupDeletion = 'deleted' | 'unfinished';

export interface GroupPage {
  readonly groups: readonly StoredGroup[];
  readonly totalResults: number;
}

/**
 * A membership change in ids of users of the same directory. `add` and `remove` are applied
 * after `replaceAll` (when given, every current member not in it is removed first), `remove`
 * last: an id in both ends up not a member. Adding a member twice or removing a non-member is
 * harmless and changes nothing.
 */
export interface MembershipDelta {
  readonly replaceAll?: readonly string[];
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** One slice of a group's members, in a stable order; `next` continues after it. */
export interface MemberSlice {
  readonly userIds: readonly string[];
  readonly next?: string;
}

/** A group a user belongs to, as the User resource's `groups` attribute shows it. */
export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

/**
 * Storage of groups and their memberships, owned by the SCIM core. Every method takes the
 * directory first. Implementations keep membership exact under concurrency: a member is always a
 * live user of the directory, and a user's groups always exist.
 *
 * Costs the core relies on: adding or removing k members costs O(k) storage work, whatever the
 * group's size; reading a group without its members, counting its members and checking whether
 * given users are members cost the same for 10 members as for 100,000.
 */
export interface GroupStore {
  /**
   * Creates the group with its initial members. Throws ScimError 409 uniqueness when the
   * displayName is taken (case-insensitively), 400 invalidValue naming the ids that are not users
   * of this directory (and then nothing is written).
   */
  create(
    directoryId: string,
    group: { id: string; resource: ScimResource; members: readonly string[]; now: string },
    actor: Actor,
  ): Promise<StoredGroup>;
  get(directoryId: string, id: string): Promise<StoredGroup | undefined>;
  /**
   * Writes a new version: the attributes (when `resource` differs from the current one) and the
   * membership delta, as one change with one new version. With `ifMatch` the write happens only
   * if the stored version is still `current.version` (else VersionConflict). Without it, a
   * membership-only change does not conflict with concurrent membership changes; an attribute
   * change still needs the version it read (VersionConflict lets the caller re-read and re-apply).
   *
   * Added ids that are not users of this directory: ScimError 400 invalidValue naming them, and
   * nothing of the change is applied. Returns `current` unchanged when nothing would change.
   * Throws ScimError 404 when the group is gone, 409 when the new displayName is taken.
   */
  update(
    directoryId: string,
    current: StoredGroup,
    change: { resource: ScimResource; members?: MembershipDelta; now: string },
    actor: Actor,
    options?: { ifMatch?: boolean },
  ): Promise<StoredGroup>;
  /**
   * Deletes the group and every membership of it: marks it `deleting` (from then on it is gone
   * for every reader and its displayName is free), removes its memberships, then the group,
   * writing its tombstone. Throws VersionConflict when the version moved on before the mark,
   * ScimError 404 when the group is gone. A group already marked is resumed, and its tombstone
   * keeps the time and actor of the delete that marked it.
   *
   * With `deadline` (milliseconds since the epoch), no further membership is removed once it has
   * passed, and the answer is `unfinished`.
   */
  delete(
    directoryId: string,
    current: StoredGroup,
    now: string,
    actor: Actor,
    options?: { deadline?: number },
  ): Promise<GroupDeletion>;
  /**
   * Carries on the delete of a group marked `deleting`, as `delete` would. `deleted` also when
   * the group is already gone (finished by someone else); `notDeleting` when the group exists
   * but no delete marked it, and then nothing is done.
   */
  resumeDelete(
    directoryId: string,
    groupId: string,
    options?: { deadline?: number },
  ): Promise<GroupDeletion | 'notDeleting'>;
  /**
   * Groups answering an index look-up: `id`, `displayName` (case-insensitive), `externalId`, and
   * `members.value` (the groups the given user belongs to).
   */
  lookup(directoryId: string, lookup: IndexLookup): Promise<StoredGroup[]>;
  /** One page in a stable order; `startIndex` is 1-based. Sequential pages cost the same as the first. */
  page(directoryId: string, startIndex: number, count: number): Promise<GroupPage>;
  /**
   * Cursor paging (RFC 9865): at most `count` groups in the same order, right after (or right
   * before) a group, read strongly consistent at a cost that does not depend on the position.
   * Groups being deleted are left out without making the page short: it holds `count` groups
   * unless it reaches the end, and `more` says whether live groups lie beyond it.
   */
  pageAt(directoryId: string, position: PagePosition, count: number): Promise<PositionedPage<StoredGroup>>;
  /** Every group in the stable order, for filters no index answers. The caller bounds how many it reads. */
  scan(directoryId: string): AsyncIterable<StoredGroup>;

  /** The number of members, in constant time. */
  memberCount(directoryId: string, groupId: string): Promise<number>;
  /** Which of `userIds` are members of the group: O(userIds), not O(group size). */
  membersAmong(directoryId: string, groupId: string, userIds: readonly string[]): Promise<Set<string>>;
  /** Members in a stable order, `limit` at a time; pass the previous slice's `next` to continue. */
  members(
    directoryId: string,
    groupId: string,
    options: { after?: string; limit: number },
  ): Promise<MemberSlice>;
  /** The groups a user belongs to, sorted by id. */
  groupsOf(directoryId: string, userId: string): Promise<GroupRef[]>;
}
