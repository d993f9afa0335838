import { isDeepStrictEqual } from 'node:util';
import type { CursorKeySource } from '../../ports/cursor-key.ts';
import type { GroupDeletionQueue } from '../../ports/group-deletion-queue.ts';
import type { GroupDeletion, GroupStore, MembershipDelta, StoredGroup } from '../../ports/group-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { coerceResource } from '../coerce.ts';
import { mapConcurrently, READ_CONCURRENCY } from '../concurrency.ts';
import { ScimError } from '../errors.ts';
import { checkPreconditions, etagOf, type Preconditions } from '../etag.ts';
import { matchesFilter } from '../filter/index.ts';
import type { ListQuery, ListResponse } from '../list.ts';
import { ListEngine, type ListSource } from '../listing.ts';
import { applyOperations } from '../patch/index.ts';
import { includesAttribute, type Projection, projectResource } from '../projection.ts';
import type { ScimRequestContext } from '../request-context.ts';
import { isScimObject, type ScimObject, type ScimResource, type ScimValue } from '../resource.ts';
import { GROUP_SCHEMA, groupResourceType } from '../schema/resource-type.ts';
import { MAX_MEMBERS_RETURNED, memberEntry, readMemberIds } from './members.ts';
import { idsComparedWith } from './membership-filter.ts';
import { isEmptyDelta, readMembershipPatch } from './membership-patch.ts';

export interface GroupResult {
  readonly resource: ScimResource;
  readonly etag: string;
}

/** A PATCH answers 204 with the ETag, or 200 with the group when the client asked for attributes. */
export interface GroupPatchResult {
  readonly etag: string;
  readonly resource?: ScimResource;
}

export interface GroupServiceOptions {
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** The most groups a filter that no index answers may examine (docs/filters.md). */
  readonly maxFilterScan?: number;
  /** Read-modify-write retries when another writer changed the group's attributes in between. */
  readonly conflictRetries?: number;
  /** The most members one response carries (MAX_MEMBERS_RETURNED); lowered by tests. */
  readonly maxMembersReturned?: number;
  /** The key that signs list cursors (RFC 9865); a random per-process key when absent. */
  readonly cursorKey?: CursorKeySource;
  /**
   * Where a DELETE that runs out of time hands the rest of its work (docs/groups.md). Without
   * one, such a DELETE answers 503 and its retry carries on.
   */
  readonly deletions?: GroupDeletionQueue;
}

export interface GroupDeleteOptions {
  /**
   * When the request must stop removing memberships (milliseconds since the epoch). A delete not
   * finished by then is handed to the background and answered as done.
   */
  readonly deadline?: number;
}

/** How long an IdP should wait before sending again a DELETE whose hand-off failed. */
const HAND_OFF_RETRY_AFTER_SECONDS = 30;

/** The largest serialised group (without its members, which are stored one item each). */
export const MAX_GROUP_BYTES = 100 * 1024;

/** Members are read from storage this many at a time. */
const MEMBER_SLICE = 1_000;

/**
 * The SCIM /Groups use cases (RFC 7644 §3.3-§3.6) over a GroupStore port, with the conventions
 * of UserService: ETags, preconditions, retries of a lost race without If-Match, no write for a
 * change that changes nothing. A group's members are stored apart from it, so they are read
 * only when a response shows them, and changed as a delta whatever the group's size.
 */
export class GroupService {
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly maxFilterScan: number;
  private readonly conflictRetries: number;
  private readonly maxMembersReturned: number;
  private readonly deletions: GroupDeletionQueue | undefined;
  private readonly lists: ListEngine;

  constructor(
    private readonly store: GroupStore,
    options: GroupServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.maxFilterScan = options.maxFilterScan ?? 25_000;
    this.conflictRetries = options.conflictRetries ?? 5;
    this.maxMembersReturned = options.maxMembersReturned ?? MAX_MEMBERS_RETURNED;
    this.deletions = options.deletions;
    this.lists = new ListEngine({
      clock: this.clock,
      maxScan: this.maxFilterScan,
      ...(options.cursorKey ? { cursorKey: options.cursorKey } : {}),
    });
  }

  /** POST /Groups. Members given must be users of this directory (400 invalidValue naming the others). */
  async create(ctx: ScimRequestContext, body: unknown, projection: Projection = {}): Promise<GroupResult> {
    const { resource, members = [] } = readGroup(body, 'create');
    const stored = await this.store.create(
      ctx.directoryId,
      { id: this.newId(), resource, members, now: this.clock().toISOString() },
      ctx.actor,
    );
    // The members are exactly those just written: no need to read them back.
    const shown = includesAttribute(groupResourceType, projection, 'members') ? members : undefined;
    return {
      resource: projectResource(groupResourceType, toScimGroup(ctx, stored, shown), projection),
      etag: etagOf(stored.version),
    };
  }

  async get(
    ctx: ScimRequestContext,
    id: string,
    projection: Projection,
    preconditions: Preconditions = {},
  ): Promise<GroupResult | { notModified: true; etag: string }> {
    const stored = await this.mustGet(ctx, id);
    const etag = etagOf(stored.version);
    if (checkPreconditions('read', etag, preconditions) === 'notModified') return { notModified: true, etag };
    return { resource: await this.represent(ctx, stored, projection), etag };
  }

  /**
   * PUT: the body replaces the group's attributes, and its members when it has `members`. A body
   * without `members` leaves them as they are (RFC 7644 §3.5.1 lets a service treat an omitted
   * attribute as not asserted): a client that read the group with excludedAttributes=members and
   * puts it back must not empty it. `"members": []` removes every member.
   */
  async replace(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
    projection: Projection = {},
  ): Promise<GroupResult> {
    const { resource, members } = readGroup(body, 'replace');
    const delta = members === undefined ? undefined : { replaceAll: members, add: [], remove: [] };
    const stored = await this.update(ctx, id, preconditions, projection, () => ({
      resource,
      members: delta,
    }));
    return { resource: await this.represent(ctx, stored, projection), etag: etagOf(stored.version) };
  }

  /**
   * PATCH: membership operations become one delta applied by storage (O(changed members), not
   * O(group size)); the other operations apply to the group's attributes. All or nothing: a
   * member id that is not a user of this directory fails the whole request (400 invalidValue).
   * The group is returned only when `returning` is given (the client sent attributes or
   * excludedAttributes); otherwise the answer is 204 and no member is read.
   */
  async patch(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
    returning?: Projection,
  ): Promise<GroupPatchResult> {
    const { members, operations } = readMembershipPatch(body);
    const stored = await this.update(ctx, id, preconditions, returning, (current) => {
      const patched = applyOperations(groupResourceType, toScimGroup(ctx, current), operations);
      return {
        resource: checkedSize(coerceResource(groupResourceType, patched, { mode: 'replace' })),
        members,
      };
    });
    const etag = etagOf(stored.version);
    return returning ? { etag, resource: await this.represent(ctx, stored, returning) } : { etag };
  }

  /**
   * DELETE. From the mark on, the group is gone for every reader (404, left out of lists,
   * filters and users' `groups`) and its displayName is free. A group too large to sweep before
   * `deadline` is handed to the background and answered as deleted, as RFC 7644 §3.6 allows; if
   * that hand-off fails, 503 with Retry-After: the group stays marked and the retried DELETE
   * carries on from where this one stopped. A DELETE of a group being deleted carries on too.
   */
  async delete(
    ctx: ScimRequestContext,
    id: string,
    preconditions: Preconditions = {},
    options: GroupDeleteOptions = {},
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(ctx.directoryId, id);
      if (!current) throw notFound(id);
      checkPreconditions('write', etagOf(current.version), preconditions);
      let deletion: GroupDeletion;
      try {
        deletion = await this.store.delete(
          ctx.directoryId,
          current,
          this.clock().toISOString(),
          ctx.actor,
          options,
        );
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        if (preconditions.ifMatch !== undefined || attempt >= this.conflictRetries) throw conflictError();
        continue;
      }
      if (deletion === 'unfinished') await this.handOff(ctx.directoryId, id);
      return;
    }
  }

  /**
   * The background side of a DELETE that was handed off: carries on removing the group's
   * memberships until `deadline`, then removes the group and writes its tombstone (with the time
   * and actor of the DELETE). `unfinished` when the deadline came first (progress is kept);
   * `deleted` also when someone else finished it; `notDeleting` when no DELETE marked the group
   * (a live group is never deleted on a message's word).
   */
  finishDelete(
    directoryId: string,
    groupId: string,
    options: GroupDeleteOptions = {},
  ): Promise<GroupDeletion | 'notDeleting'> {
    return this.store.resumeDelete(directoryId, groupId, options);
  }

  /** Queues the rest of a delete; a delete that cannot be queued must be retried, so 503. */
  private async handOff(directoryId: string, groupId: string): Promise<void> {
    const retry = `Group ${groupId} is gone for every reader, but removing its memberships did not finish and could not be queued. Send the DELETE again to carry on.`;
    if (!this.deletions) throw ScimError.unavailable(retry, HAND_OFF_RETRY_AFTER_SECONDS);
    try {
      await this.deletions.enqueue({ directoryId, groupId });
    } catch (error) {
      throw ScimError.unavailable(retry, HAND_OFF_RETRY_AFTER_SECONDS, error);
    }
  }

  /**
   * GET /Groups and POST /Groups/.search. Without a filter: one page in id order from storage.
   * With a filter: index look-ups when every alternative has an indexed `eq` (id, displayName,
   * externalId, members.value), otherwise at most `maxFilterScan` groups examined. Each
   * candidate is evaluated with `members` restricted to the user ids the filter mentions, so
   * Entra ID's `id eq "g" and members[value eq "u"]` costs the same for any group size.
   */
  list(ctx: ScimRequestContext, query: ListQuery): Promise<ListResponse> {
    return this.lists.list(ctx.directoryId, query, this.listSource(ctx));
  }

  /** The directory's groups as the list engine reads them; members only for the page returned. */
  private listSource(ctx: ScimRequestContext): ListSource<StoredGroup> {
    const { store } = this;
    const { directoryId } = ctx;
    const live = (groups: readonly StoredGroup[]) => groups.filter((group) => !group.deleting);
    return {
      resourceType: groupResourceType,
      page: async (startIndex, count) => {
        const page = await store.page(directoryId, startIndex, count);
        return { items: live(page.groups), totalResults: page.totalResults };
      },
      // The store leaves groups being deleted out of its cursor pages itself: filtering here would
      // make a page short.
      pageAt: (position, count) => store.pageAt(directoryId, position, count),
      lookup: async (lookup) => live(await store.lookup(directoryId, lookup)),
      scan: async function* () {
        for await (const group of store.scan(directoryId)) if (!group.deleting) yield group;
      },
      toResource: (stored) => toScimGroup(ctx, stored),
      // `members[value eq "u"]` is answered by membership checks of the users it names, never by
      // reading a whole member list.
      matching: async (filter, candidates) => {
        const memberIds = idsComparedWith(filter, 'members');
        const verdicts = await mapConcurrently(candidates, READ_CONCURRENCY, async (stored) =>
          matchesFilter(filter, await this.filterView(ctx, stored, memberIds)),
        );
        return candidates.filter((_, index) => verdicts[index]);
      },
      present: (resources, projection) => this.withMembers(ctx, resources, projection),
    };
  }

  /** Adds `members` to a page of groups when the projection keeps them, within the response limit. */
  private async withMembers(
    ctx: ScimRequestContext,
    resources: readonly ScimResource[],
    projection: Projection,
  ): Promise<ScimResource[]> {
    if (!includesAttribute(groupResourceType, projection, 'members')) return [...resources];
    const counts = await mapConcurrently(resources, READ_CONCURRENCY, (resource) =>
      this.store.memberCount(ctx.directoryId, String(resource.id)),
    );
    const total = counts.reduce((sum, count) => sum + count, 0);
    if (total > this.maxMembersReturned) {
      throw ScimError.badRequest(
        'tooMany',
        `The groups of this page have ${total} members together; a response carries at most ${this.maxMembersReturned}. ` +
          'Ask for fewer groups with count, or list them with excludedAttributes=members and page the members of ' +
          'each with GET /Users?filter=groups.value eq "<group id>".',
      );
    }
    return mapConcurrently(resources, READ_CONCURRENCY, async (resource) => {
      const ids = await this.readMembers(ctx.directoryId, String(resource.id));
      return ids.length === 0
        ? resource
        : { ...resource, members: ids.map((userId) => memberEntry(ctx.baseUrl, userId)) };
    });
  }

  private async update(
    ctx: ScimRequestContext,
    id: string,
    preconditions: Preconditions,
    returning: Projection | undefined,
    change: (current: StoredGroup) => { resource: ScimResource; members: MembershipDelta | undefined },
  ): Promise<StoredGroup> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(ctx, id);
      checkPreconditions('write', etagOf(current.version), preconditions);
      const { resource, members } = change(current);
      const membershipChange = members !== undefined && !isEmptyDelta(members);
      // A change that changes nothing is not written: no new version, no lifecycle event. Okta
      // sends a rename PATCH with the unchanged displayName on every membership change.
      if (!membershipChange && isDeepStrictEqual(resource, current.resource)) return current;
      if (returning && includesAttribute(groupResourceType, returning, 'members')) {
        await this.assertResponseFits(ctx, current, membershipChange ? members : undefined);
      }
      try {
        return await this.store.update(
          ctx.directoryId,
          current,
          { resource, ...(membershipChange ? { members } : {}), now: this.clock().toISOString() },
          ctx.actor,
          preconditions.ifMatch !== undefined ? { ifMatch: true } : {},
        );
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        // With If-Match the client asked for exactly that version: tell it. Without, re-read and
        // re-apply its change on top of the other writer's, so neither write is lost.
        if (preconditions.ifMatch !== undefined || attempt >= this.conflictRetries) throw conflictError();
      }
    }
  }

  /**
   * Refuses a write whose response could not carry the group's members, before writing: answering
   * 400 after a successful write would make the client retry a change that was made.
   */
  private async assertResponseFits(
    ctx: ScimRequestContext,
    current: StoredGroup,
    delta: MembershipDelta | undefined,
  ): Promise<void> {
    const base = delta?.replaceAll?.length ?? (await this.store.memberCount(ctx.directoryId, current.id));
    const most = base + (delta?.add.length ?? 0);
    if (most > this.maxMembersReturned) throw this.tooManyMembers(current.id, `would have up to ${most}`);
  }

  private async mustGet(ctx: ScimRequestContext, id: string): Promise<StoredGroup> {
    const stored = await this.store.get(ctx.directoryId, id);
    // A group whose delete is under way is gone for everything but a DELETE that finishes it.
    if (!stored || stored.deleting) throw notFound(id);
    return stored;
  }

  /** The group as a response shows it: members read only when the projection keeps them. */
  private async represent(
    ctx: ScimRequestContext,
    stored: StoredGroup,
    projection: Projection,
  ): Promise<ScimResource> {
    const members = includesAttribute(groupResourceType, projection, 'members')
      ? await this.readMembers(ctx.directoryId, stored.id)
      : undefined;
    return projectResource(groupResourceType, toScimGroup(ctx, stored, members), projection);
  }

  /** Every member id, slice by slice; a group over the response limit is refused before any slice is read. */
  private async readMembers(directoryId: string, groupId: string): Promise<string[]> {
    const count = await this.store.memberCount(directoryId, groupId);
    if (count > this.maxMembersReturned) throw this.tooManyMembers(groupId, `has ${count}`);
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const slice = await this.store.members(directoryId, groupId, {
        ...(after !== undefined ? { after } : {}),
        limit: MEMBER_SLICE,
      });
      ids.push(...slice.userIds);
      // Members added since the count: the response limit still holds.
      if (ids.length > this.maxMembersReturned) throw this.tooManyMembers(groupId, `has ${ids.length}`);
      after = slice.next;
    } while (after !== undefined);
    return ids;
  }

  /** `size` says how many members, e.g. "has 12000". */
  private tooManyMembers(groupId: string, size: string): ScimError {
    return ScimError.badRequest(
      'tooMany',
      `Group ${groupId} ${size} members; a response carries at most ${this.maxMembersReturned}. ` +
        `Send the request with excludedAttributes=members, and page the members with GET /Users?filter=groups.value eq "${groupId}".`,
    );
  }

  /** What a filter is evaluated against: the group, with those of the mentioned users who are members. */
  private async filterView(
    ctx: ScimRequestContext,
    stored: StoredGroup,
    memberIds: readonly string[],
  ): Promise<ScimResource> {
    if (memberIds.length === 0) return toScimGroup(ctx, stored);
    const members = await this.store.membersAmong(ctx.directoryId, stored.id, memberIds);
    return toScimGroup(
      ctx,
      stored,
      memberIds.filter((id) => members.has(id)),
    );
  }
}

/**
 * The SCIM representation of a stored group: its attributes, id, meta and, when given, its
 * members (user ids) as `members`.
 */
export function toScimGroup(
  ctx: Pick<ScimRequestContext, 'baseUrl'>,
  stored: StoredGroup,
  memberIds?: readonly string[],
): ScimResource {
  const { schemas, ...attributes } = stored.resource;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    ...(memberIds && memberIds.length > 0
      ? { members: memberIds.map((userId) => memberEntry(ctx.baseUrl, userId)) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: stored.created,
      lastModified: stored.lastModified,
      location: `${ctx.baseUrl}/Groups/${stored.id}`,
      version: etagOf(stored.version),
    },
  };
}

/**
 * A POST or PUT body: the group's attributes through the schema, and its members, when the body
 * has them, as user ids (`members` may also sit under the core schema URN, as coercion allows).
 */
function readGroup(
  body: unknown,
  mode: 'create' | 'replace',
): { resource: ScimResource; members?: string[] } {
  if (!isScimObject(body))
    throw ScimError.badRequest('invalidSyntax', 'The request body must be a JSON object.');
  const lists: ScimValue[] = [];
  const attributes: ScimObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'members') lists.push(value);
    else if (key.toLowerCase() === GROUP_SCHEMA.toLowerCase() && isScimObject(value)) {
      const { members, rest } = splitMembers(value);
      if (members !== undefined) lists.push(members);
      attributes[key] = rest;
    } else attributes[key] = value;
  }
  const resource = checkedSize(coerceResource(groupResourceType, attributes, { mode }));
  if (lists.length === 0) return { resource };
  return { resource, members: [...new Set(lists.flatMap((list) => readMemberIds(list, 'members')))] };
}

function splitMembers(object: ScimObject): { members?: ScimValue; rest: ScimObject } {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === 'members');
  if (key === undefined) return { rest: object };
  const { [key]: members, ...rest } = object;
  return members === undefined ? { rest } : { members, rest };
}

function checkedSize(resource: ScimResource): ScimResource {
  const bytes = new TextEncoder().encode(JSON.stringify(resource)).length;
  if (bytes > MAX_GROUP_BYTES) {
    throw ScimError.tooLarge(
      `The group would be ${bytes} bytes without its members; the most this service stores is ${MAX_GROUP_BYTES}.`,
    );
  }
  return resource;
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`Group ${id} not found.`);
}

function conflictError(): ScimError {
  return ScimError.preconditionFailed('The group was changed by another request; read it again and retry.');
}
