import { isDeepStrictEqual } from 'node:util';
import type { CursorKeySource } from '../../ports/cursor-key.ts';
import type { GroupStore } from '../../ports/group-store.ts';
import type { StoredUser, UserStore } from '../../ports/user-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { coerceResource } from '../coerce.ts';
import { ScimError } from '../errors.ts';
import { checkPreconditions, etagOf, type Preconditions } from '../etag.ts';
import { parseFilter } from '../filter/index.ts';
import { onlyIdComparedWith } from '../groups/membership-filter.ts';
import type { ListQuery, ListResponse } from '../list.ts';
import { ListEngine, type ListSource } from '../listing.ts';
import { applyPatch } from '../patch/index.ts';
import type { Projection } from '../projection.ts';
import type { ScimRequestContext } from '../request-context.ts';
import type { ScimResource } from '../resource.ts';
import { userResourceType } from '../schema/resource-type.ts';
import { UserGroups } from './user-groups.ts';
import { toScimUser } from './user-resource.ts';

export type { ScimRequestContext };
export { toScimUser };

export interface UserResult {
  readonly resource: ScimResource;
  readonly etag: string;
}

export interface UserServiceOptions {
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /**
   * The most users a filter that no index answers may examine (documented in docs/filters.md).
   * Past it the request is refused with 400 tooMany rather than running for minutes.
   */
  readonly maxFilterScan?: number;
  /** Read-modify-write retries when another writer changed the user in between (no If-Match given). */
  readonly conflictRetries?: number;
  /** The key that signs list cursors (RFC 9865); a random per-process key when absent. */
  readonly cursorKey?: CursorKeySource;
}

/** The largest serialised user we store: DynamoDB items are limited to 400 KB. */
export const MAX_USER_BYTES = 100 * 1024;

/**
 * The SCIM /Users use cases (RFC 7644 §3.3-§3.6) over a UserStore port. Knows nothing of HTTP
 * or Lambda: it takes parsed input and returns SCIM resources or throws ScimError.
 */
export class UserService {
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly maxFilterScan: number;
  private readonly conflictRetries: number;
  private readonly lists: ListEngine;
  private readonly groups: UserGroups;

  /** `groups` answers the readOnly `groups` attribute and `groups.value` filters from the memberships. */
  constructor(
    private readonly store: UserStore,
    groups: GroupStore,
    options: UserServiceOptions = {},
  ) {
    this.groups = new UserGroups(groups, store);
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.maxFilterScan = options.maxFilterScan ?? 25_000;
    this.conflictRetries = options.conflictRetries ?? 5;
    this.lists = new ListEngine({
      clock: this.clock,
      maxScan: this.maxFilterScan,
      ...(options.cursorKey ? { cursorKey: options.cursorKey } : {}),
    });
  }

  async create(ctx: ScimRequestContext, body: unknown): Promise<UserResult> {
    const resource = checkedSize(coerceResource(userResourceType, body, { mode: 'create' }));
    const stored = await this.store.create(
      ctx.directoryId,
      { id: this.newId(), resource, now: this.clock().toISOString() },
      ctx.actor,
    );
    // A new user belongs to no group yet: nothing to read.
    return { resource: await this.groups.represent(ctx, stored, {}, []), etag: etagOf(stored.version) };
  }

  async get(
    ctx: ScimRequestContext,
    id: string,
    projection: Projection,
    preconditions: Preconditions = {},
  ): Promise<UserResult | { notModified: true; etag: string }> {
    const stored = await this.mustGet(ctx, id);
    const etag = etagOf(stored.version);
    if (checkPreconditions('read', etag, preconditions) === 'notModified') return { notModified: true, etag };
    return { resource: await this.groups.represent(ctx, stored, projection), etag };
  }

  /**
   * PUT: the body replaces every writable attribute (RFC 7644 §3.5.1). `projection` shapes the
   * returned user; one without `groups` (as Bulk asks, which returns no resource) reads no membership.
   */
  async replace(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
    projection: Projection = {},
  ): Promise<UserResult> {
    const next = checkedSize(coerceResource(userResourceType, body, { mode: 'replace' }));
    return this.update(ctx, id, preconditions, projection, () => next);
  }

  /** PATCH: every operation applies, or none does (RFC 7644 §3.5.2). `projection` as for PUT. */
  async patch(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
    projection: Projection = {},
  ): Promise<UserResult> {
    return this.update(ctx, id, preconditions, projection, (current) => {
      const patched = applyPatch(userResourceType, toScimUser(ctx, current), body);
      return checkedSize(coerceResource(userResourceType, patched, { mode: 'replace' }));
    });
  }

  /** DELETE. A user left half-deleted (its memberships being removed) is finished by a repeated DELETE. */
  async delete(ctx: ScimRequestContext, id: string, preconditions: Preconditions = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(ctx.directoryId, id);
      if (!current) throw ScimError.notFound(`User ${id} not found.`);
      checkPreconditions('write', etagOf(current.version), preconditions);
      try {
        await this.store.delete(ctx.directoryId, current, this.clock().toISOString(), ctx.actor);
        return;
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        if (preconditions.ifMatch !== undefined || attempt >= this.conflictRetries) throw conflictError();
      }
    }
  }

  /**
   * GET /Users and POST /Users/.search: filter, sortBy/sortOrder, index or cursor paging and
   * projection, by the list engine (shared/scim/listing.ts) over this directory's users.
   * `groups.value eq "g"` alone, index-paged, pages the group's members from its member slices
   * (UserGroups.listMembers), so the members of a group of any size can be listed.
   */
  async list(ctx: ScimRequestContext, query: ListQuery): Promise<ListResponse> {
    if (query.filter && query.cursor === undefined && query.sortBy === undefined) {
      const groupId = onlyIdComparedWith(parseFilter(query.filter, userResourceType), 'groups');
      if (groupId !== undefined) return this.groups.listMembers(ctx, groupId, query);
    }
    return this.lists.list(ctx.directoryId, query, this.listSource(ctx));
  }

  /** The directory's users as the list engine reads them, with their groups from the memberships. */
  private listSource(ctx: ScimRequestContext): ListSource<StoredUser> {
    const { store, groups } = this;
    const { directoryId } = ctx;
    const live = (users: readonly StoredUser[]) => users.filter((user) => !user.deleting);
    return {
      resourceType: userResourceType,
      page: async (startIndex, count) => {
        const page = await store.page(directoryId, startIndex, count);
        return { items: page.users, totalResults: page.totalResults };
      },
      pageAt: (position, count) => store.pageAt(directoryId, position, count),
      lookup: async (lookup) =>
        live(
          lookup.index === 'groups.value'
            ? await groups.membersOf(directoryId, lookup.value, this.maxFilterScan)
            : await store.lookup(directoryId, lookup),
        ),
      scan: async function* () {
        for await (const user of store.scan(directoryId)) if (!user.deleting) yield user;
      },
      toResource: (stored) => toScimUser(ctx, stored),
      matching: (filter, candidates) => groups.matcher(ctx, filter)([...candidates]),
      present: (resources, projection) => groups.attachGroups(ctx, resources, projection),
    };
  }

  private async update(
    ctx: ScimRequestContext,
    id: string,
    preconditions: Preconditions,
    projection: Projection,
    change: (current: StoredUser) => ScimResource,
  ): Promise<UserResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(ctx, id);
      checkPreconditions('write', etagOf(current.version), preconditions);
      const next = change(current);
      // A change that changes nothing is not written: no new version, no lifecycle event.
      // Okta sends a rename PATCH with the unchanged displayName on every membership change.
      if (isDeepStrictEqual(next, current.resource)) return await this.result(ctx, current, projection);
      try {
        const stored = await this.store.replace(
          ctx.directoryId,
          current,
          { resource: next, now: this.clock().toISOString() },
          ctx.actor,
        );
        return await this.result(ctx, stored, projection);
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        // With If-Match the client asked for exactly that version: tell it. Without, re-read and
        // re-apply its change on top of the other writer's, so neither write is lost.
        if (preconditions.ifMatch !== undefined || attempt >= this.conflictRetries) throw conflictError();
      }
    }
  }

  private async mustGet(ctx: ScimRequestContext, id: string): Promise<StoredUser> {
    const stored = await this.store.get(ctx.directoryId, id);
    // A user whose delete is under way is gone for everything but a DELETE that finishes it.
    if (!stored || stored.deleting) throw ScimError.notFound(`User ${id} not found.`);
    return stored;
  }

  private async result(
    ctx: ScimRequestContext,
    stored: StoredUser,
    projection: Projection,
  ): Promise<UserResult> {
    return { resource: await this.groups.represent(ctx, stored, projection), etag: etagOf(stored.version) };
  }
}

function checkedSize(resource: ScimResource): ScimResource {
  const bytes = new TextEncoder().encode(JSON.stringify(resource)).length;
  if (bytes > MAX_USER_BYTES) {
    throw ScimError.tooLarge(
      `The user would be ${bytes} bytes; the most this service stores is ${MAX_USER_BYTES}.`,
    );
  }
  return resource;
}

function conflictError(): ScimError {
  return ScimError.preconditionFailed('The user was changed by another request; read it again and retry.');
}
