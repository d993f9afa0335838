import { ScimError } from './errors.ts';
import { instantOf } from './filter/evaluate.ts';
import { isScimObject, type ScimResource, type ScimValue } from './resource.ts';
import type { AttributeDefinition } from './schema/attribute.ts';
import { type ResolvedPath, type ResourceType, resolveAttributePath } from './schema/resource-type.ts';

/**
 * The attributes each resource type sorts by (RFC 7644 §3.4.2.3). Sorting reads every candidate,
 * so the list is kept to what identity tools sort directories by.
 */
export const SORTABLE_ATTRIBUTES: Record<ResourceType['name'], readonly string[]> = {
  User: ['userName', 'displayName', 'externalId', 'meta.created', 'meta.lastModified'],
  Group: ['displayName', 'externalId', 'meta.created', 'meta.lastModified'],
};

export type SortOrder = 'ascending' | 'descending';

/** A validated sortBy/sortOrder pair. `path` is canonical (`meta.created`), whatever the client wrote. */
export interface SortSpec {
  readonly path: string;
  readonly order: SortOrder;
  readonly resolved: ResolvedPath;
}

/**
 * The value a resource sorts by: a string (lower-cased unless the attribute is caseExact), a
 * dateTime as epoch milliseconds, or null when the resource has no value.
 */
export type SortKey = string | number | null;

/**
 * Reads sortBy and sortOrder against a resource type. No sortBy is no sorting (and sortOrder is
 * then ignored); sortOrder defaults to ascending. An attribute that is not sortable, or a
 * sortOrder other than ascending/descending (any case), is 400 invalidValue naming what works.
 *
 * @example
 * readSort(userResourceType, 'urn:ietf:params:scim:schemas:core:2.0:User:UserName', 'Descending')
 * // => { path: 'userName', order: 'descending', resolved: … }
 */
export function readSort(
  resourceType: ResourceType,
  sortBy: string | undefined,
  sortOrder: string | undefined,
): SortSpec | undefined {
  if (!sortBy) return undefined;
  const sortable = SORTABLE_ATTRIBUTES[resourceType.name];
  const resolved = resolveAttributePath(resourceType, sortBy);
  const path = resolved && canonicalPath(resolved);
  if (!resolved || !path || !sortable.includes(path)) {
    throw ScimError.badRequest(
      'invalidValue',
      `${resourceType.name} resources cannot be sorted by "${sortBy}"; sortBy may be ${sortable.join(', ')}.`,
    );
  }
  const order = (sortOrder ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw ScimError.badRequest(
      'invalidValue',
      `sortOrder must be "ascending" or "descending", got "${sortOrder}".`,
    );
  }
  return { path, order, resolved };
}

function canonicalPath(resolved: ResolvedPath): string | undefined {
  if (resolved.extension) return undefined;
  return resolved.subAttribute
    ? `${resolved.attribute.name}.${resolved.subAttribute.name}`
    : resolved.attribute.name;
}

/**
 * What `resource` sorts by under `spec`. A multi-valued attribute sorts by its primary value, or
 * else its first (RFC 7644 §3.4.2.3). Strings compare by the attribute's caseExact rule, so
 * "ada" and "Ada" are equal for userName and differ for externalId.
 */
export function sortKeyOf(resource: ScimResource, spec: SortSpec): SortKey {
  const { extension, attribute, subAttribute } = spec.resolved;
  const container = extension ? resource[extension] : resource;
  if (!isScimObject(container)) return null;
  let value: ScimValue | undefined = container[attribute.name];
  if (Array.isArray(value))
    value = value.find((entry) => isScimObject(entry) && entry.primary === true) ?? value[0];
  if (subAttribute) value = isScimObject(value) ? value[subAttribute.name] : undefined;
  return keyOf(value, subAttribute ?? attribute);
}

function keyOf(value: ScimValue | undefined, definition: AttributeDefinition): SortKey {
  if (value === undefined || value === null || value === '') return null;
  switch (definition.type) {
    case 'dateTime':
      return instantOf(value) ?? null;
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? Number(value) : null;
    default:
      if (typeof value !== 'string') return null;
      return definition.caseExact ? value : value.toLowerCase();
  }
}

/** A resource's place in a sorted list: its sort key and, to break ties, its id. */
export interface SortPlace {
  readonly key: SortKey;
  readonly id: string;
}

/**
 * Orders two places. Without a sort, by id (the store's order). With one: by key, resources
 * without a value last, ties by id; descending is the exact reverse, which puts resources
 * without a value first, as RFC 7644 §3.4.2.3 asks. Strings compare by UTF-16 code unit, as the
 * filter's `gt`/`lt` do, so `sortBy=userName` and `userName gt "m"` agree on what comes after "m".
 *
 * @example
 * [{ key: 'bob', id: '2' }, { key: null, id: '1' }, { key: 'ada', id: '3' }].sort((a, b) => comparePlaces(a, b, spec))
 * // ascending: ada, bob, (no value)
 */
export function comparePlaces(a: SortPlace, b: SortPlace, spec: SortSpec | undefined): number {
  if (!spec) return compareText(a.id, b.id);
  const order = compareKeys(a.key, b.key) || compareText(a.id, b.id);
  return spec.order === 'descending' ? -order : order;
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b);
  // Mixed types only arise from data written outside the schema; keep them apart, numbers first.
  return typeof a === 'number' ? -1 : 1;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
