import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  MAX_LOOKUPS,
  parseFilter,
  planFilter,
  type QueryPlan,
} from '../../../../shared/scim/filter/index.ts';
import { groupResourceType, userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

/**
 * Golden cases: a filter and how storage must answer it. A case runs against the User resource
 * type unless it says `"resourceType": "Group"`. Lookups are compared in order: the first
 * alternative's lookup first.
 */
interface GoldenCase {
  readonly name: string;
  readonly filter: string;
  readonly resourceType?: 'User' | 'Group';
  readonly expected: QueryPlan;
}

const cases = JSON.parse(readFileSync(new URL('./plan.cases.json', import.meta.url), 'utf8')) as GoldenCase[];

describe('planFilter golden cases', () => {
  it.each(cases)('$name', ({ filter, resourceType, expected }) => {
    const type = resourceType === 'Group' ? groupResourceType : userResourceType;
    expect(planFilter(parseFilter(filter, type), type)).toStrictEqual(expected);
  });
});

describe('planFilter bounds', () => {
  const anyOf = (count: number) =>
    Array.from({ length: count }, (_, i) => `userName eq "user${i}"`).join(' or ');

  it(`looks up ${MAX_LOOKUPS} alternatives and scans for more`, () => {
    const plan = planFilter(parseFilter(anyOf(MAX_LOOKUPS), userResourceType));
    expect(plan.kind === 'lookup' && plan.lookups.length).toBe(MAX_LOOKUPS);
    expect(planFilter(parseFilter(anyOf(MAX_LOOKUPS + 1), userResourceType))).toEqual({ kind: 'scan' });
  });

  it('plans for the User resource type when none is given', () => {
    const filter = parseFilter('displayName eq "Sales"', groupResourceType);
    expect(planFilter(filter)).toEqual({ kind: 'scan' });
    expect(planFilter(filter, groupResourceType)).toEqual({
      kind: 'lookup',
      lookups: [{ index: 'displayName', value: 'Sales' }],
    });
  });
});
