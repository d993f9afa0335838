import { isScimObject, type ScimObject, type ScimResource, type ScimValue } from '../resource.ts';
import type { AttributePath, Filter, ValueComparison } from './ast.ts';

/**
 * Whether `resource` satisfies `filter`, with the schema's semantics (RFC 7644 §3.4.2.2):
 * strings compare case-insensitively unless the attribute is caseExact; a multi-valued attribute
 * matches when any of its values does; dateTimes compare as points in time; `pr` needs a value
 * that is not null, "", [] or {}. Never throws, whatever the resource holds: a value of the wrong
 * type simply does not match.
 *
 * @example
 * const filter = parseFilter('userName eq "BJENSEN@example.com"', userResourceType);
 * matchesFilter(filter, { schemas: [USER_SCHEMA], userName: 'bjensen@example.com' }) // => true
 */
export function matchesFilter(filter: Filter, resource: ScimResource): boolean {
  return test(filter, { resource });
}

/** Inside a value path, comparisons read one entry of the multi-valued attribute. */
interface Scope {
  readonly resource: ScimObject;
  readonly entry?: ScimObject;
}

function test(filter: Filter, scope: Scope): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((child) => test(child, scope));
    case 'or':
      return filter.filters.some((child) => test(child, scope));
    case 'not':
      return !test(filter.filter, scope);
    case 'valuePath':
      return entriesOf(scope.resource, filter.path).some((entry) =>
        test(filter.filter, { resource: scope.resource, entry }),
      );
    case 'compare': {
      const values = valuesAt(scope, filter.path);
      if (filter.op === 'pr') return values.some(isPresent);
      // `ne` is "not eq": true for a missing attribute, and for a multi-valued one only when no
      // value is equal. Read as "some value differs", `emails.value ne "a@x"` would match a user
      // who has a@x among other addresses.
      if (filter.op === 'ne') return !isEqualToAny({ ...filter, op: 'eq' }, values);
      return isEqualToAny(filter, values);
    }
  }
}

function isEqualToAny(comparison: ValueComparison, values: readonly ScimValue[]): boolean {
  // `eq null` asks for no value at all (RFC 7643 §2.5: null and unassigned are the same).
  if (comparison.value === null) return comparison.op === 'eq' && !values.some(isPresent);
  return values.some((value) => satisfies(comparison, value));
}

/** Entries of a complex attribute: each element of a multi-valued one, or the single object. */
function entriesOf(resource: ScimObject, path: { extension?: string; attribute: string }): ScimObject[] {
  const container = path.extension ? resource[path.extension] : resource;
  if (!isScimObject(container)) return [];
  const value = container[path.attribute];
  return (Array.isArray(value) ? value : [value]).filter(isScimObject);
}

/** Every value the path reaches, multi-valued attributes flattened; missing and null left out. */
function valuesAt(scope: Scope, path: AttributePath): ScimValue[] {
  let reached: (ScimValue | undefined)[];
  if (scope.entry && path.subAttribute) {
    reached = [scope.entry[path.subAttribute]];
  } else if (path.subAttribute) {
    const sub = path.subAttribute;
    reached = entriesOf(scope.resource, path).map((entry) => entry[sub]);
  } else {
    const container = path.extension ? scope.resource[path.extension] : scope.resource;
    reached = isScimObject(container) ? [container[path.attribute]] : [];
  }
  return reached
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is ScimValue => value !== undefined && value !== null);
}

/** Present in the sense of `pr`: a value that says something. */
function isPresent(value: ScimValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isScimObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function satisfies(comparison: ValueComparison, actual: ScimValue): boolean {
  const { op, value: expected } = comparison;
  switch (comparison.attributeType) {
    case 'boolean':
      return op === 'eq' && actual === expected;
    case 'integer':
    case 'decimal':
      return typeof actual === 'number' && typeof expected === 'number' && holds(op, actual - expected);
    case 'dateTime': {
      if (op === 'co' || op === 'sw' || op === 'ew') return matchesText(comparison, actual);
      const a = instantOf(actual);
      const e = instantOf(expected);
      return a !== undefined && e !== undefined && holds(op, a - e);
    }
    default:
      return matchesText(comparison, actual);
  }
}

function matchesText({ op, value, caseExact }: ValueComparison, actual: ScimValue): boolean {
  if (typeof actual !== 'string' || typeof value !== 'string') return false;
  const a = caseExact ? actual : actual.toLowerCase();
  const e = caseExact ? value : value.toLowerCase();
  if (op === 'co') return a.includes(e);
  if (op === 'sw') return a.startsWith(e);
  if (op === 'ew') return a.endsWith(e);
  // RFC 7644 §3.4.2.2: strings are ordered lexicographically.
  return holds(op, a < e ? -1 : a > e ? 1 : 0);
}

/** Whether an ordering result (negative, zero, positive) satisfies the operator. */
function holds(op: ValueComparison['op'], order: number): boolean {
  switch (op) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'ge':
      return order >= 0;
    case 'lt':
      return order < 0;
    case 'le':
      return order <= 0;
    default:
      return false;
  }
}

/** xsd:dateTime (RFC 7643 §2.3.5), e.g. 2026-01-05T09:00:00Z or 2026-01-05T10:00:00.5+01:00. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Milliseconds since the epoch for an xsd:dateTime, or undefined for anything else. A dateTime
 * without a zone is read as UTC, so the answer does not depend on where the code runs.
 *
 * @example
 * instantOf('2026-01-05T10:00:00+01:00') === instantOf('2026-01-05T09:00:00Z') // => true
 */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return undefined;
  const zoned = /(?:Z|[+-]\d{2}:\d{2})$/i.test(value) ? value : `${value}Z`;
  const instant = Date.parse(zoned.toUpperCase());
  return Number.isNaN(instant) ? undefined : instant;
}
