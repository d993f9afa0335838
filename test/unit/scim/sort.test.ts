import { describe, expect, it } from 'vitest';
import type { ScimResource } from '../../../shared/scim/resource.ts';
import {
  groupResourceType,
  resolveAttributePath,
  USER_SCHEMA,
  userResourceType,
} from '../../../shared/scim/schema/resource-type.ts';
import { comparePlaces, readSort, type SortSpec, sortKeyOf } from '../../../shared/scim/sort.ts';

const user = (id: string, attributes: Record<string, unknown>): ScimResource => ({
  schemas: [USER_SCHEMA],
  id,
  ...attributes,
});

/** The ids of `resources` sorted as the list engine sorts them. */
function sortedIds(resources: ScimResource[], spec: SortSpec): string[] {
  return resources
    .map((resource) => ({ id: String(resource.id), key: sortKeyOf(resource, spec) }))
    .sort((a, b) => comparePlaces(a, b, spec))
    .map((place) => place.id);
}

const must = (spec: SortSpec | undefined): SortSpec => {
  if (!spec) throw new Error('expected a sort');
  return spec;
};

describe('readSort (RFC 7644 §3.4.2.3)', () => {
  it('reads attribute names case-insensitively, URN-qualified or not, defaulting to ascending', () => {
    expect(readSort(userResourceType, 'USERNAME', undefined)).toMatchObject({
      path: 'userName',
      order: 'ascending',
    });
    expect(readSort(userResourceType, `${USER_SCHEMA}:displayName`, 'Descending')).toMatchObject({
      path: 'displayName',
      order: 'descending',
    });
    expect(readSort(userResourceType, 'meta.LastModified', 'ascending')).toMatchObject({
      path: 'meta.lastModified',
    });
    expect(readSort(groupResourceType, 'displayname', undefined)).toMatchObject({ path: 'displayName' });
  });

  it('is no sort without sortBy, whatever sortOrder says', () => {
    expect(readSort(userResourceType, undefined, 'descending')).toBeUndefined();
    expect(readSort(userResourceType, undefined, 'sideways')).toBeUndefined();
  });

  it('refuses attributes that are not sortable, and sortOrders other than ascending/descending, with 400 invalidValue', () => {
    for (const sortBy of ['emails.value', 'name.givenName', 'active', 'nickName', 'noSuchThing', 'meta']) {
      expect(() => readSort(userResourceType, sortBy, undefined)).toThrow(
        expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
      );
    }
    expect(() => readSort(groupResourceType, 'userName', undefined)).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
    expect(() => readSort(userResourceType, 'userName', 'desc')).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});

describe('sort order', () => {
  const byUserName = must(readSort(userResourceType, 'userName', 'ascending'));

  it('compares case-insensitive attributes without case (userName, displayName), ties broken by id', () => {
    const users = [
      user('3', { userName: 'bob@x' }),
      user('1', { userName: 'Carol@x' }),
      user('4', { userName: 'ADA@x' }),
      user('2', { userName: 'ada@x' }),
    ];
    expect(sortedIds(users, byUserName)).toEqual(['2', '4', '3', '1']);
    const byDisplayName = must(readSort(userResourceType, 'displayName', undefined));
    expect(
      sortedIds(
        [
          user('b', { displayName: 'émile' }),
          user('a', { displayName: 'Zoe' }),
          user('c', { displayName: 'zoe' }),
        ],
        byDisplayName,
      ),
    ).toEqual(['a', 'c', 'b']);
  });

  it('compares caseExact attributes (externalId) with case: upper case before lower case', () => {
    const byExternalId = must(readSort(userResourceType, 'externalId', undefined));
    const users = [
      user('1', { externalId: 'abe' }),
      user('2', { externalId: 'Zed' }),
      user('3', { externalId: 'Abe' }),
    ];
    expect(sortedIds(users, byExternalId)).toEqual(['3', '2', '1']);
  });

  it('puts resources without a value last ascending and first descending; descending is the exact reverse', () => {
    const users = [
      user('1', { userName: 'b', displayName: 'Beta' }),
      user('2', { userName: 'a' }),
      user('3', { userName: 'c', displayName: '' }),
      user('4', { userName: 'd', displayName: 'Alpha' }),
      user('5', { userName: 'e', displayName: 'alpha' }),
    ];
    const ascending = must(readSort(userResourceType, 'displayName', 'ascending'));
    const descending = must(readSort(userResourceType, 'displayName', 'descending'));
    expect(sortedIds(users, ascending)).toEqual(['4', '5', '1', '2', '3']);
    expect(sortedIds(users, descending)).toEqual(['3', '2', '1', '5', '4']);
  });

  it('compares dateTimes as instants, whatever their offset', () => {
    const byCreated = must(readSort(userResourceType, 'meta.created', undefined));
    const users = [
      user('1', { meta: { created: '2026-01-05T10:00:00+01:00' } }),
      user('2', { meta: { created: '2026-01-05T08:30:00Z' } }),
      user('3', { meta: { created: '2026-01-05T09:00:00Z' } }),
      user('4', { meta: { created: '2026-01-05T09:00:00.001Z' } }),
      user('5', { meta: {} }),
    ];
    // 1 and 3 are the same instant: id breaks the tie.
    expect(sortedIds(users, byCreated)).toEqual(['2', '1', '3', '4', '5']);
  });

  it('sorts a multi-valued attribute by its primary value, or else its first', () => {
    const resolved = resolveAttributePath(userResourceType, 'emails.value');
    if (!resolved) throw new Error('emails.value resolves');
    const byEmail: SortSpec = { path: 'emails.value', order: 'ascending', resolved };
    const users = [
      user('1', { emails: [{ value: 'a@x' }, { value: 'z@x', primary: true }] }),
      user('2', { emails: [{ value: 'm@x' }, { value: 'b@x' }] }),
      user('3', { emails: [] }),
    ];
    expect(sortedIds(users, byEmail)).toEqual(['2', '1', '3']);
  });

  it('orders by id when there is no sort', () => {
    expect(comparePlaces({ id: 'b', key: 'a' }, { id: 'a', key: 'z' }, undefined)).toBeGreaterThan(0);
  });
});
