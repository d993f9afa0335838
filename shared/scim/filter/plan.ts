import type { IndexLookup, IndexName } from '../../ports/index-lookup.ts';
import { type ResourceType, userResourceType } from '../schema/resource-type.ts';
import type { Filter, ValueComparison } from './ast.ts';

export type { IndexLookup, IndexName };

/**
 * How storage answers a filter: fetch the candidates of every lookup, or read every resource.
 * Either way the caller re-checks each candidate with `matchesFilter`, so lookups only have to
 * find a superset of the matches.
 */
export type QueryPlan = { kind: 'lookup'; lookups: IndexLookup[] } | { kind: 'scan' };

/**
 * More lookups than this are slower than they are worth (one storage call each) and are planned
 * as a scan, which the caller bounds.
 */
export const MAX_LOOKUPS = 50;

interface IndexedPath {
  readonly index: IndexName;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** Per resource type, most selective first: when a conjunction offers several, the first wins. */
const INDEXES: Record<ResourceType['name'], readonly IndexedPath[]> = {
  User: [
    { index: 'id', attribute: 'id' },
    { index: 'userName', attribute: 'userName' },
    { index: 'externalId', attribute: 'externalId' },
    { index: 'emails.value', attribute: 'emails', subAttribute: 'value' },
    { index: 'groups.value', attribute: 'groups', subAttribute: 'value' },
  ],
  Group: [
    { index: 'id', attribute: 'id' },
    { index: 'externalId', attribute: 'externalId' },
    { index: 'displayName', attribute: 'displayName' },
    { index: 'members.value', attribute: 'members', subAttribute: 'value' },
  ],
};

/**
 * Plans a parsed filter for `resourceType` (User unless given). The plan is `lookup` exactly when
 * every alternative of the filter's disjunctive normal form (OR of ANDs) contains an `eq` with a
 * string on an indexed attribute; `emails[value eq "x" and type eq "work"]` counts as
 * `emails.value eq "x"`. A `not (…)` contributes no lookup.
 *
 * The rule is computed on the tree instead of by expanding to DNF, which can grow exponentially
 * (`(a or b) and (c or d) and …`): a node has lookups when it is an indexed `eq`, when it is an
 * `and` with at least one child that has lookups (any conjunct's candidates contain the matches),
 * or when it is an `or` whose children all have lookups (the union does). This gives the same
 * decision as the DNF rule, without a bound on expansion. Only the number of lookups is bounded.
 *
 * @example
 * planFilter(parseFilter('userName eq "a" or emails[type eq "work" and value eq "b@x"]', userResourceType))
 * // => { kind: 'lookup', lookups: [{ index: 'userName', value: 'a' }, { index: 'emails.value', value: 'b@x' }] }
 * planFilter(parseFilter('name.givenName sw "B"', userResourceType)) // => { kind: 'scan' }
 */
export function planFilter(filter: Filter, resourceType: ResourceType = userResourceType): QueryPlan {
  const lookups = lookupsFor(filter, INDEXES[resourceType.name]);
  return lookups ? { kind: 'lookup', lookups } : { kind: 'scan' };
}

/** Lookups whose candidates include every resource matching `filter`, or undefined when there are none. */
function lookupsFor(filter: Filter, indexes: readonly IndexedPath[]): IndexLookup[] | undefined {
  switch (filter.kind) {
    case 'compare': {
      const lookup = filter.op === 'eq' ? asLookup(filter, indexes) : undefined;
      return lookup ? [lookup] : undefined;
    }
    case 'not':
      return undefined;
    case 'valuePath':
      // Inner paths are full paths (emails.value), and a matching entry satisfies every conjunct
      // of the inner filter, so the inner filter's lookups cover the value path.
      return lookupsFor(filter.filter, indexes);
    case 'and': {
      const options = filter.filters
        .map((child) => lookupsFor(child, indexes))
        .filter((lookups): lookups is IndexLookup[] => lookups !== undefined);
      return options.reduce<IndexLookup[] | undefined>(
        (best, next) => (best === undefined || cost(next, indexes) < cost(best, indexes) ? next : best),
        undefined,
      );
    }
    case 'or': {
      const union = new Map<string, IndexLookup>();
      for (const child of filter.filters) {
        const lookups = lookupsFor(child, indexes);
        if (!lookups) return undefined;
        for (const lookup of lookups) union.set(`${lookup.index}\u0000${lookup.value}`, lookup);
      }
      return union.size <= MAX_LOOKUPS ? [...union.values()] : undefined;
    }
  }
}

function asLookup(comparison: ValueComparison, indexes: readonly IndexedPath[]): IndexLookup | undefined {
  const { path, value } = comparison;
  if (typeof value !== 'string' || path.extension) return undefined;
  const indexed = indexes.find((i) => i.attribute === path.attribute && i.subAttribute === path.subAttribute);
  return indexed ? { index: indexed.index, value } : undefined;
}

/** Fewer lookups first; among equals, the more selective index. */
function cost(lookups: readonly IndexLookup[], indexes: readonly IndexedPath[]): number {
  const rank = Math.max(...lookups.map((lookup) => indexes.findIndex((i) => i.index === lookup.index)));
  return lookups.length * indexes.length + rank;
}
