import { isDeepStrictEqual } from 'node:util';
import type { GroupStore } from '../../ports/group-store.ts';
import type { Actor, StoredUser, UserStore } from '../../ports/user-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { coerceResource } from '../coerce.ts';
import { ScimError } from '../errors.ts';
import { checkPreconditions, etagOf, type Preconditions } from '../etag.ts';
import { type IndexLookup, parseFilter, planFilter } from '../filter/index.ts';
import { onlyIdComparedWith } from '../groups/membership-filter.ts';
import { type ListResponse, listResponse, type Paging } from '../list.ts';
import { applyPatch } from '../patch/index.ts';
import type { Projection } from '../projection.ts';
import type { ScimResource } from '../resource.ts';
import { userResourceType } from '../schema/resource-type.ts';
import { UserGroups } from './user-groups.ts';
import { toScimUser } from './user-resource.ts';

export { toScimUser };

/** Who is asking and where the resource lives; built by the HTTP layer from the authenticated request. */
export interface ScimRequestContext {
  readonly directoryId: string;
  readonly actor: Actor;
  /** The SCIM base URL of this directory, e.g. https://id.example.com/prod/default/scim/v2 */
  readonly baseUrl: string;
}

export interface UserResult {
  readonly resource: ScimResource;
  readonly etag: string;
}

export interface ListQuery extends Paging, Projection {
  readonly filter?: string | undefined;
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

  /** PUT: the body replaces every writable attribute (RFC 7644 §3.5.1). */
  async replace(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
  ): Promise<UserResult> {
    const next = checkedSize(coerceResource(userResourceType, body, { mode: 'replace' }));
    return this.update(ctx, id, preconditions, () => next);
  }

  /** PATCH: every operation applies, or none does (RFC 7644 §3.5.2). */
  async patch(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions = {},
  ): Promise<UserResult> {
    return this.update(ctx, id, preconditions, (current) => {
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
   * GET /Users and POST /Users/.search. Without a filter: one page in id order from storage.
   * With a filter: the planner picks index look-ups where every alternative of the filter has an
   * indexed `eq`; otherwise users are examined in order, at most `maxFilterScan` of them.
   * `groups.value eq "g"` alone pages the group's members (see UserGroups.listMembers).
   */
  async list(ctx: ScimRequestContext, query: ListQuery): Promise<ListResponse> {
    const project = (users: readonly StoredUser[]) => this.groups.representAll(ctx, users, query);
    if (!query.filter) {
      const page = await this.store.page(ctx.directoryId, query.startIndex, query.count);
      return listResponse(await project(page.users), page.totalResults, query.startIndex);
    }
    const filter = parseFilter(query.filter, userResourceType);
    const groupId = onlyIdComparedWith(filter, 'groups');
    if (groupId !== undefined) return this.groups.listMembers(ctx, groupId, query);
    const matches = this.groups.matcher(ctx, filter);
    const plan = planFilter(filter);
    const candidates =
      plan.kind === 'lookup'
        ? await this.lookupAll(ctx.directoryId, plan.lookups)
        : await this.scanAll(ctx.directoryId);
    const matching = (await matches(candidates)).sort(byId);
    const start = query.startIndex - 1;
    return listResponse(
      await project(matching.slice(start, start + query.count)),
      matching.length,
      query.startIndex,
    );
  }

  private async update(
    ctx: ScimRequestContext,
    id: string,
    preconditions: Preconditions,
    change: (current: StoredUser) => ScimResource,
  ): Promise<UserResult> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(ctx, id);
      checkPreconditions('write', etagOf(current.version), preconditions);
      const next = change(current);
      // A change that changes nothing is not written: no new version, no lifecycle event.
      // Okta sends a rename PATCH with the unchanged displayName on every membership change.
      if (isDeepStrictEqual(next, current.resource)) return await this.result(ctx, current);
      try {
        const stored = await this.store.replace(
          ctx.directoryId,
          current,
          { resource: next, now: this.clock().toISOString() },
          ctx.actor,
        );
        return await this.result(ctx, stored);
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

  private async lookupAll(directoryId: string, lookups: IndexLookup[]): Promise<StoredUser[]> {
    const found = new Map<string, StoredUser>();
    for (const lookup of lookups) {
      const users =
        lookup.index === 'groups.value'
          ? await this.groups.membersOf(directoryId, lookup.value, this.maxFilterScan)
          : await this.store.lookup(directoryId, lookup);
      for (const user of users) if (!user.deleting) found.set(user.id, user);
    }
    return [...found.values()];
  }

  private async scanAll(directoryId: string): Promise<StoredUser[]> {
    const users: StoredUser[] = [];
    for await (const user of this.store.scan(directoryId)) {
      if (users.length >= this.maxFilterScan) {
        throw ScimError.badRequest(
          'tooMany',
          `This filter is evaluated by examining every user, and the directory has more than ${this.maxFilterScan}. ` +
            'Filter with eq on userName, externalId, id or emails.value, which are answered from an index.',
        );
      }
      if (!user.deleting) users.push(user);
    }
    return users;
  }

  private async result(ctx: ScimRequestContext, stored: StoredUser): Promise<UserResult> {
    return { resource: await this.groups.represent(ctx, stored, {}), etag: etagOf(stored.version) };
  }
}

function byId(a: StoredUser, b: StoredUser): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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
