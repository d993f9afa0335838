import { isDeepStrictEqual } from 'node:util';
import type { CursorKeySource } from '../../ports/cursor-key.ts';
import type { Actor, StoredUser, UserStore } from '../../ports/user-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { coerceResource } from '../coerce.ts';
import { ScimError } from '../errors.ts';
import { checkPreconditions, etagOf, type Preconditions } from '../etag.ts';
import type { ListQuery, ListResponse } from '../list.ts';
import { ListEngine, type ListSource } from '../listing.ts';
import { applyPatch } from '../patch/index.ts';
import { type Projection, projectResource } from '../projection.ts';
import type { ScimResource } from '../resource.ts';
import { userResourceType } from '../schema/resource-type.ts';

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

export type { ListQuery } from '../list.ts';

export interface UserServiceOptions {
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /**
   * The most users a filter that no index answers, or a sort, may examine (docs/filters.md,
   * docs/paging.md). Past it the request is refused with 400 tooMany rather than running for minutes.
   */
  readonly maxFilterScan?: number;
  /** Signs paging cursors; shared by every function of a deployment (a random in-memory key when absent). */
  readonly cursorKey?: CursorKeySource;
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
  private readonly conflictRetries: number;
  private readonly lists: ListEngine;

  constructor(
    private readonly store: UserStore,
    options: UserServiceOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.conflictRetries = options.conflictRetries ?? 5;
    this.lists = new ListEngine({
      clock: this.clock,
      ...(options.maxFilterScan !== undefined ? { maxScan: options.maxFilterScan } : {}),
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
    return this.result(ctx, stored);
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
    return { resource: projectResource(userResourceType, toScimUser(ctx, stored), projection), etag };
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

  async delete(ctx: ScimRequestContext, id: string, preconditions: Preconditions = {}): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.mustGet(ctx, id);
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
   */
  list(ctx: ScimRequestContext, query: ListQuery): Promise<ListResponse> {
    return this.lists.list(ctx.directoryId, query, this.listSource(ctx));
  }

  /** The directory's users as the list engine reads them. */
  private listSource(ctx: ScimRequestContext): ListSource<StoredUser> {
    const { store } = this;
    const { directoryId } = ctx;
    return {
      resourceType: userResourceType,
      page: async (startIndex, count) => {
        const page = await store.page(directoryId, startIndex, count);
        return { items: page.users, totalResults: page.totalResults };
      },
      pageAt: (position, count) => store.pageAt(directoryId, position, count),
      lookup: (lookup) => store.lookup(directoryId, lookup),
      scan: () => store.scan(directoryId),
      toResource: (stored) => toScimUser(ctx, stored),
    };
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
      if (isDeepStrictEqual(next, current.resource)) return this.result(ctx, current);
      try {
        const stored = await this.store.replace(
          ctx.directoryId,
          current,
          { resource: next, now: this.clock().toISOString() },
          ctx.actor,
        );
        return this.result(ctx, stored);
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
    if (!stored) throw ScimError.notFound(`User ${id} not found.`);
    return stored;
  }

  private result(ctx: ScimRequestContext, stored: StoredUser): UserResult {
    return {
      resource: projectResource(userResourceType, toScimUser(ctx, stored)),
      etag: etagOf(stored.version),
    };
  }
}

/** The full SCIM representation of a stored user: its attributes plus id and meta. */
export function toScimUser(ctx: Pick<ScimRequestContext, 'baseUrl'>, stored: StoredUser): ScimResource {
  const { schemas, ...attributes } = stored.resource;
  return {
    schemas,
    id: stored.id,
    ...attributes,
    meta: {
      resourceType: 'User',
      created: stored.created,
      lastModified: stored.lastModified,
      location: `${ctx.baseUrl}/Users/${stored.id}`,
      version: etagOf(stored.version),
    },
  };
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
