import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Filter, matchesFilter, parseFilter } from '../../../../shared/scim/filter/index.ts';
import type { ScimResource } from '../../../../shared/scim/resource.ts';
import { groupResourceType, userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

/**
 * Golden cases: a filter, a resource (by name from `resources`, as the list endpoint would hand it
 * over: with id, externalId and meta) and whether the resource matches. A case runs against the
 * User resource type unless it says `"resourceType": "Group"`.
 */
interface GoldenCase {
  readonly name: string;
  readonly filter: string;
  readonly resourceType?: 'User' | 'Group';
  readonly resource: string;
  readonly expected: boolean;
}

const golden = JSON.parse(readFileSync(new URL('./evaluate.cases.json', import.meta.url), 'utf8')) as {
  readonly resources: Record<string, ScimResource>;
  readonly cases: GoldenCase[];
};

describe('matchesFilter golden cases', () => {
  it.each(golden.cases)('$name', ({ filter, resourceType, resource, expected }) => {
    const type = resourceType === 'Group' ? groupResourceType : userResourceType;
    const subject = golden.resources[resource];
    if (!subject) throw new Error(`no resource named ${resource}`);
    expect(matchesFilter(parseFilter(filter, type), subject)).toBe(expected);
  });
});

describe('matchesFilter on numbers', () => {
  // No attribute of the published schemas is a number, so this builds the tree a schema with
  // an integer attribute would give.
  const loginCount = (op: 'gt' | 'eq', value: number): Filter => ({
    kind: 'compare',
    op,
    path: { attribute: 'loginCount' },
    value,
    attributeType: 'integer',
    caseExact: false,
  });
  const user: ScimResource = { schemas: [], loginCount: 10 };

  it('compares numerically, not as text', () => {
    expect(matchesFilter(loginCount('gt', 9), user)).toBe(true);
    expect(matchesFilter(loginCount('gt', 10), user)).toBe(false);
    expect(matchesFilter(loginCount('eq', 10), user)).toBe(true);
  });

  it('does not match a number stored as text', () => {
    expect(matchesFilter(loginCount('eq', 10), { schemas: [], loginCount: '10' })).toBe(false);
  });
});
