import type { Preconditions } from '../etag.ts';
import type { Projection } from '../projection.ts';
import type { ScimRequestContext } from '../request-context.ts';
import type { ScimResource } from '../resource.ts';

/** A written resource, as the single request would have returned it. */
export interface BulkWriteResult {
  readonly resource: ScimResource;
  readonly etag: string;
}

/** A PATCH: the resource (200), or only its ETag (204 No Content, as a group PATCH may answer). */
export interface BulkPatchResult {
  readonly resource?: ScimResource;
  readonly etag: string;
}

/**
 * What a Bulk operation needs of one resource endpoint: the write use cases of its service, in
 * the shapes UserService and GroupService have. Errors are ScimErrors, as for the single
 * requests. `projection` is what Bulk needs of the returned resource (its id): a service can skip
 * reading what only a full representation shows (a user's groups, a group's members).
 *
 * @example
 * const bulk = new BulkService({
 *   '/Users': users,
 *   '/Groups': { ...each method of groups, patch: (ctx, id, body, pre) => groups.patch(ctx, id, body, pre) },
 * });
 */
export interface BulkEndpoint {
  create(ctx: ScimRequestContext, body: unknown, projection: Projection): Promise<BulkWriteResult>;
  replace(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions,
    projection: Projection,
  ): Promise<BulkWriteResult>;
  patch(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions,
    projection: Projection,
  ): Promise<BulkPatchResult>;
  /**
   * `deadline` is the Bulk request's (milliseconds since the epoch): a group delete that cannot
   * finish by then hands the rest to the background, as its single request does.
   */
  delete(
    ctx: ScimRequestContext,
    id: string,
    preconditions: Preconditions,
    options?: { deadline?: number },
  ): Promise<void>;
}

/** The endpoints a Bulk request may address, keyed by path: `/Users`, `/Groups`. */
export type BulkEndpoints = Readonly<Record<string, BulkEndpoint>>;
