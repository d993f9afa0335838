import { ScimError } from '../errors.ts';
import { BULK_ID_PREFIX } from './limits.ts';

/**
 * SCIM resources nest a few levels (a PATCH value holding a complex attribute holding a
 * sub-attribute). Data nested deeper than this is refused rather than walked, so that no request
 * can exhaust the stack.
 */
export const MAX_DATA_DEPTH = 32;

/**
 * Every string value inside `data` (keys excluded), e.g. to find "bulkId:qwerty" in a group's
 * `members[].value` or a user's `manager.value`, or the id of a resource another operation changes.
 * Throws ScimError 400 invalidValue when `data` nests deeper than MAX_DATA_DEPTH.
 *
 * @example
 * stringValuesIn({ members: [{ value: 'bulkId:ada' }] }) // Set { 'bulkId:ada' }
 */
export function stringValuesIn(data: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value === 'string') {
      found.add(value);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (depth > MAX_DATA_DEPTH) throw tooDeep();
    for (const item of Array.isArray(value) ? value : Object.values(value)) visit(item, depth + 1);
  };
  visit(data, 0);
  return found;
}

/** The bulkId a string refers to ("bulkId:qwerty" → "qwerty"), if it is a reference. */
export function bulkIdOf(value: string): string | undefined {
  return value.startsWith(BULK_ID_PREFIX) && value.length > BULK_ID_PREFIX.length
    ? value.slice(BULK_ID_PREFIX.length)
    : undefined;
}

/**
 * A copy of `data` in which every string value "bulkId:{x}" is replaced by the id of the resource
 * created by bulkId x. Every referenced bulkId must be in `ids` (the executor resolves them first).
 *
 * @example
 * resolveBulkIds({ manager: { value: 'bulkId:ada' } }, new Map([['ada', '2819c223']]))
 * // { manager: { value: '2819c223' } }
 */
export function resolveBulkIds(data: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof data === 'string') {
    const bulkId = bulkIdOf(data);
    return bulkId === undefined ? data : (ids.get(bulkId) ?? data);
  }
  if (Array.isArray(data)) return data.map((item) => resolveBulkIds(item, ids));
  if (typeof data === 'object' && data !== null)
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, resolveBulkIds(value, ids)]));
  return data;
}

function tooDeep(): ScimError {
  return ScimError.badRequest('invalidValue', `"data" is nested deeper than ${MAX_DATA_DEPTH} levels.`);
}
