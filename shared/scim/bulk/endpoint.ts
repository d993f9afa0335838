import type { Preconditions } from '../etag.ts';
import type { ScimResource } from '../resource.ts';
import type { ScimRequestContext } from '../users/user-service.ts';

/** A written resource, as the single request would have returned it. */
export interface BulkWriteResult {
  readonly resource: ScimResource;
  readonly etag: string;
}

/**
 * What a Bulk operation needs of one resource endpoint: the write use cases of its service, with
 * the shapes UserService has. Errors are ScimErrors, as for the single requests.
 *
 * @example
 * const bulk = new BulkService({ '/Users': users, '/Groups': groups });
 */
export interface BulkEndpoint {
  create(ctx: ScimRequestContext, body: unknown): Promise<BulkWriteResult>;
  replace(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions,
  ): Promise<BulkWriteResult>;
  /** `undefined`: applied, with no resource to return (204 No Content, as a group PATCH may answer). */
  patch(
    ctx: ScimRequestContext,
    id: string,
    body: unknown,
    preconditions: Preconditions,
  ): Promise<BulkWriteResult | undefined>;
  delete(ctx: ScimRequestContext, id: string, preconditions: Preconditions): Promise<void>;
}

/** The endpoints a Bulk request may address, keyed by path: `/Users`, `/Groups`. */
export type BulkEndpoints = Readonly<Record<string, BulkEndpoint>>;
