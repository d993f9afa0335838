import { ScimError } from './errors.ts';
import type { ScimObject } from './resource.ts';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** The most resources one page returns; advertised as filter.maxResults. A larger `count` is clamped to it. */
export const MAX_RESULTS = 200;

export interface ListResponse {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: ScimObject[];
}

export interface Paging {
  readonly startIndex: number;
  readonly count: number;
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

function readInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw ScimError.badRequest('invalidValue', `${name} must be an integer, got ${JSON.stringify(value)}.`);
  }
  return number;
}

/** A ListResponse whose itemsPerPage is the number of resources actually returned. */
export function listResponse(
  resources: ScimObject[],
  totalResults: number,
  startIndex: number,
): ListResponse {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
