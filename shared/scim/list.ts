import { ScimError } from './errors.ts';
import { type Projection, parseAttributeList } from './projection.ts';
import type { ScimObject } from './resource.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/**
 * The most resources one page returns; advertised as filter.maxResults and pagination.maxPageSize.
 * A larger `count` is clamped to it, and it is the page size when `count` is absent.
 */
export const MAX_RESULTS = 200;

/**
 * A ListResponse (RFC 7644 §3.4.2). Index paging answers with `startIndex`; cursor paging
 * (RFC 9865) with `nextCursor` unless this is the last page, and `previousCursor` unless it is
 * the first.
 */
export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  itemsPerPage: number;
  startIndex?: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: ScimObject[];
}

export interface Paging {
  readonly startIndex: number;
  readonly count: number;
}

/**
 * A list request: GET query parameters or a POST /.search body, read by `readListQuery`.
 * `sortBy` and `sortOrder` are checked against the resource type by the list engine.
 */
export interface ListQuery extends Paging, Projection {
  readonly filter?: string | undefined;
  readonly sortBy?: string | undefined;
  readonly sortOrder?: string | undefined;
  /**
   * Cursor paging (RFC 9865) when present: empty for the first page, then a `nextCursor` or
   * `previousCursor` of an earlier answer. Absent: index paging from `startIndex`.
   */
  readonly cursor?: string | undefined;
}

/**
 * Reads startIndex and count (RFC 7644 §3.4.2.4): startIndex below 1 is 1, a negative count is
 * 0, a missing count is the maximum page, a count above the maximum is clamped to it. Values
 * arrive as query strings or JSON numbers; anything that is not an integer is a 400.
 */
export function readPaging(startIndex: unknown, count: unknown): Paging {
  const start = readInteger(startIndex, 'startIndex') ?? 1;
  const size = readInteger(count, 'count') ?? MAX_RESULTS;
  return { startIndex: Math.max(1, start), count: Math.min(MAX_RESULTS, Math.max(0, size)) };
}

/**
 * The list query of GET query parameters or of a SearchRequest body (RFC 7644 §3.4.3): the same
 * names either way. Paging is by index unless `cursor` is given (`?cursor` or `"cursor": ""` asks
 * for the first page); asking for both is a 400, since the two answer different questions.
 *
 * @example
 * readListQuery({ filter: 'userName sw "a"', sortBy: 'userName', cursor: '', count: '100' })
 * // => { startIndex: 1, count: 100, filter: 'userName sw "a"', sortBy: 'userName', cursor: '' }
 */
export function readListQuery(source: Readonly<Record<string, unknown>>): ListQuery {
  const text = (name: string): string | undefined => {
    const value = source[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw ScimError.badRequest('invalidValue', `${name} must be a string.`);
    return value;
  };
  // RFC 7644 §3.4.3: in a SearchRequest these two are lists of strings; in a query string, text.
  const names = (name: 'attributes' | 'excludedAttributes'): string | undefined => {
    const value = source[name];
    if (!Array.isArray(value)) return text(name);
    if (!value.every((item) => typeof item === 'string'))
      throw ScimError.badRequest('invalidValue', `${name} must be a string or a list of strings.`);
    return value.join(',');
  };
  const cursor = text('cursor');
  if (cursor !== undefined && readInteger(source.startIndex, 'startIndex') !== undefined)
    throw ScimError.badRequest(
      'invalidValue',
      'Page either by startIndex (index paging) or by cursor (cursor paging, RFC 9865), not both.',
    );
  const attributes = parseAttributeList(names('attributes'));
  const excludedAttributes = parseAttributeList(names('excludedAttributes'));
  const sortBy = text('sortBy')?.trim() || undefined;
  const sortOrder = text('sortOrder')?.trim() || undefined;
  return {
    ...readPaging(source.startIndex, source.count),
    filter: text('filter'),
    ...(sortBy ? { sortBy } : {}),
    ...(sortOrder ? { sortOrder } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
    ...(attributes ? { attributes } : {}),
    ...(excludedAttributes ? { excludedAttributes } : {}),
  };
}

function readInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw ScimError.badRequest('invalidValue', `${name} must be an integer, got ${JSON.stringify(value)}.`);
  }
  return number;
}

/** An index-paged ListResponse whose itemsPerPage is the number of resources actually returned. */
export function listResponse(
  resources: ScimObject[],
  totalResults: number,
  startIndex: number,
): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources,
  };
}

/** A cursor-paged ListResponse (RFC 9865 §2): no startIndex, the cursors that lead on. */
export function cursorListResponse(
  resources: ScimObject[],
  totalResults: number,
  cursors: { readonly next?: string | undefined; readonly previous?: string | undefined },
): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    itemsPerPage: resources.length,
    ...(cursors.next !== undefined ? { nextCursor: cursors.next } : {}),
    ...(cursors.previous !== undefined ? { previousCursor: cursors.previous } : {}),
    Resources: resources,
  };
}
