import { ScimError } from '../scim/errors.ts';
import type { Preconditions } from '../scim/etag.ts';
import { type ListQuery, readListQuery } from '../scim/list.ts';
import { type Projection, parseAttributeList } from '../scim/projection.ts';
import type { ScimHttpRequest } from './scim-handler.ts';

/** What the SCIM handlers read from a request, the same way for /Users and /Groups. */

/** The `{id}` path parameter (API Gateway only routes a request that has one). */
export const idOf = (request: ScimHttpRequest): string => request.pathParameters.id ?? '';

/**
 * When a route must stop starting work (milliseconds since the epoch): the Lambda's remaining
 * time less `reserveMs` for what is in flight and the response. Infinite without a Lambda context.
 */
export const deadlineOf = (request: ScimHttpRequest, reserveMs: number): number =>
  Date.now() + request.remainingTimeMs() - reserveMs;

/** If-Match and If-None-Match (RFC 7644 §3.14). */
export const preconditionsOf = (request: ScimHttpRequest): Preconditions => ({
  ifMatch: request.header('if-match'),
  ifNoneMatch: request.header('if-none-match'),
});

/** `attributes` / `excludedAttributes` of the query string; `undefined` when the client sent neither. */
export function requestedProjection(request: ScimHttpRequest): Projection | undefined {
  const attributes = parseAttributeList(request.query.attributes);
  const excludedAttributes = parseAttributeList(request.query.excludedAttributes);
  if (!attributes && !excludedAttributes) return undefined;
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

/** `attributes` / `excludedAttributes` of the query string, none meaning the default representation. */
export const projectionOf = (request: ScimHttpRequest): Projection => requestedProjection(request) ?? {};

/** GET query parameters, or the body of POST /.search (RFC 7644 §3.4.3, RFC 9865): the same query either way. */
export const listQuery = (source: Readonly<Record<string, unknown>>): ListQuery => readListQuery(source);

/** The body of POST /.search: a SearchRequest object. */
export function searchQuery(request: ScimHttpRequest): ListQuery {
  if (!isObject(request.body))
    throw ScimError.badRequest('invalidSyntax', 'POST /.search needs a SearchRequest JSON object.');
  return listQuery(request.body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
