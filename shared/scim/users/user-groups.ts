import type { GroupRef, GroupStore } from '../../ports/group-store.ts';
import type { StoredUser, UserStore } from '../../ports/user-store.ts';
import { mapConcurrently, READ_CONCURRENCY } from '../concurrency.ts';
import { ScimError } from '../errors.ts';
import { type Filter, matchesFilter } from '../filter/index.ts';
import { idsComparedWith } from '../groups/membership-filter.ts';
import type { ListQuery } from '../list.ts';
import { type ListResponse, listResponse } from '../list.ts';
import { includesAttribute, type Projection, projectResource } from '../projection.ts';
import type { ScimRequestContext } from '../request-context.ts';
import type { ScimObject, ScimResource } from '../resource.ts';
import { userResourceType } from '../schema/resource-type.ts';
import { toScimUser } from './user-resource.ts';

/** Member ids are read from storage this many at a time. */
const MEMBER_SLICE = 1_000;

/**
 * A user's side of group membership. Memberships are stored with the groups, so the readOnly
 * `groups` attribute is read from them (one query per user, skipped when the projection leaves
 * `groups` out) and `groups.value` filters are answered from a group's member slices rather than
 * by examining users. A group being deleted has no members for either, though its membership
 * items are still being removed.
 */
export class UserGroups {
  constructor(
    private readonly groups: GroupStore,
    private readonly users: UserStore,
  ) {}

  /** The user as a response shows it; `known` when the caller knows its groups (a new user has none). */
  async represent(
    ctx: ScimRequestContext,
    stored: StoredUser,
    projection: Projection,
    known?: readonly GroupRef[],
  ): Promise<ScimResource> {
    const refs = includesAttribute(userResourceType, projection, 'groups')
      ? (known ?? (await this.groups.groupsOf(ctx.directoryId, stored.id)))
      : [];
    const entries = refs.map((ref) => groupEntry(ctx.baseUrl, ref));
    return projectResource(userResourceType, toScimUser(ctx, stored, entries), projection);
  }

  /** A page of users, their groups read a few users at a time. */
  representAll(
    ctx: ScimRequestContext,
    users: readonly StoredUser[],
    projection: Projection,
  ): Promise<ScimObject[]> {
    return mapConcurrently(users, READ_CONCURRENCY, (user) => this.represent(ctx, user, projection));
  }

  /**
   * Adds `groups` to users already in SCIM form (a list page), when the projection asks for it;
   * a few users at a time.
   */
  attachGroups(
    ctx: ScimRequestContext,
    resources: readonly ScimResource[],
    projection: Projection,
  ): Promise<ScimResource[]> {
    if (!includesAttribute(userResourceType, projection, 'groups')) return Promise.resolve([...resources]);
    return mapConcurrently(resources, READ_CONCURRENCY, async (resource) => {
      const refs = await this.groups.groupsOf(ctx.directoryId, String(resource.id));
      return refs.length === 0
        ? resource
        : { ...resource, groups: refs.map((ref) => groupEntry(ctx.baseUrl, ref)) };
    });
  }

  /**
   * `groups.value eq "g"` alone: the group's members, in the stable order of its member slices.
   * totalResults is the member count (constant time); a page reads the member ids up to its end
   * and fetches only its own users in one batched read, so the members of a group of any size
   * can be paged (page n reads n pages of ids, never the users before it).
   */
  async listMembers(ctx: ScimRequestContext, groupId: string, query: ListQuery): Promise<ListResponse> {
    const [live, count] = await Promise.all([
      this.isLive(ctx.directoryId, groupId),
      this.groups.memberCount(ctx.directoryId, groupId),
    ]);
    const totalResults = live ? count : 0;
    const end = query.startIndex - 1 + query.count;
    if (query.count === 0 || query.startIndex > totalResults)
      return listResponse([], totalResults, query.startIndex);
    const ids = await this.memberIds(ctx.directoryId, groupId, end);
    const pageIds = ids.slice(query.startIndex - 1, end);
    const found = new Map(
      (await this.users.getMany(ctx.directoryId, pageIds)).map((user) => [user.id, user] as const),
    );
    // A user deleted since the ids were read is left out rather than shown as gone.
    const page = pageIds.flatMap((id) => {
      const user = found.get(id);
      return user && !user.deleting ? [user] : [];
    });
    return listResponse(await this.representAll(ctx, page, query), totalResults, query.startIndex);
  }

  /**
   * The users of a `groups.value` look-up inside a larger filter (`groups.value eq "g" and
   * active eq false`): every member is fetched and checked, so at most `max` of them.
   */
  async membersOf(directoryId: string, groupId: string, max: number): Promise<StoredUser[]> {
    if (!(await this.isLive(directoryId, groupId))) return [];
    const ids = await this.memberIds(directoryId, groupId, max + 1);
    if (ids.length > max) {
      throw ScimError.badRequest(
        'tooMany',
        `Group ${groupId} has more than ${max} members, too many to check against the rest of this filter. ` +
          `Page its members with GET /Users?filter=groups.value eq "${groupId}" alone.`,
      );
    }
    return this.users.getMany(directoryId, ids);
  }

  /**
   * A function keeping the candidates that match `filter`, each evaluated with `groups` restricted
   * to the group ids the filter mentions (one membership check per mentioned group for all
   * candidates). Unsupported comparisons on `groups` are refused now, before any candidate is read.
   */
  matcher(ctx: ScimRequestContext, filter: Filter): (candidates: StoredUser[]) => Promise<StoredUser[]> {
    const groupIds = idsComparedWith(filter, 'groups');
    return async (candidates) => {
      const userIds = candidates.map((user) => user.id);
      const members = await mapConcurrently(groupIds, READ_CONCURRENCY, async (groupId) =>
        groupId === '' || userIds.length === 0 || !(await this.isLive(ctx.directoryId, groupId))
          ? new Set<string>()
          : this.groups.membersAmong(ctx.directoryId, groupId, userIds),
      );
      return candidates.filter((user) => {
        const groups = groupIds
          .filter((_, index) => members[index]?.has(user.id))
          .map((value) => ({ value }));
        return matchesFilter(filter, toScimUser(ctx, user, groups));
      });
    };
  }

  /**
   * Whether the group exists and is not being deleted: a group whose delete is sweeping its
   * memberships (in the background, for a large one) still has membership items, but no members.
   */
  private async isLive(directoryId: string, groupId: string): Promise<boolean> {
    const group = await this.groups.get(directoryId, groupId);
    return group !== undefined && !group.deleting;
  }

  /** Member ids from the start, until `wanted` of them or the end of the group. */
  private async memberIds(directoryId: string, groupId: string, wanted: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const slice = await this.groups.members(directoryId, groupId, {
        ...(after !== undefined ? { after } : {}),
        limit: Math.min(MEMBER_SLICE, wanted - ids.length),
      });
      ids.push(...slice.userIds);
      after = slice.next;
    } while (after !== undefined && ids.length < wanted);
    return ids;
  }
}

/** A group as the User resource's `groups` attribute shows it (RFC 7643 §4.1.2): direct memberships only. */
function groupEntry(baseUrl: string, ref: GroupRef): ScimObject {
  return { value: ref.id, $ref: `${baseUrl}/Groups/${ref.id}`, display: ref.displayName, type: 'direct' };
}
