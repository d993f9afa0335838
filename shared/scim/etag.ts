import { ScimError } from './errors.ts';

/** The weak ETag of a stored version (RFC 7644 §3.14): the version changes on every write. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** Request headers that carry preconditions, already read case-insensitively by the caller. */
export interface Preconditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

function listMatches(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/**
 * Checks If-Match / If-None-Match against the current version (weak comparison, RFC 7232).
 * A GET whose If-None-Match matches is "not modified"; a write whose If-Match does not match, or
 * whose If-None-Match matches, fails with 412.
 *
 * @example
 * checkPreconditions('write', 'W/"3"', { ifMatch: 'W/"2"' }) // throws ScimError 412
 */
export function checkPreconditions(
  kind: 'read' | 'write',
  currentEtag: string,
  headers: Preconditions,
): 'proceed' | 'notModified' {
  if (headers.ifMatch !== undefined && !listMatches(headers.ifMatch, currentEtag)) {
    throw ScimError.preconditionFailed(
      `If-Match ${headers.ifMatch} does not match the current version ${currentEtag}.`,
    );
  }
  if (headers.ifNoneMatch !== undefined && listMatches(headers.ifNoneMatch, currentEtag)) {
    if (kind === 'read') return 'notModified';
    throw ScimError.preconditionFailed(
      `If-None-Match ${headers.ifNoneMatch} matches the current version ${currentEtag}.`,
    );
  }
  return 'proceed';
}
