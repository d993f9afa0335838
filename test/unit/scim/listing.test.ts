import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PagePosition } from '../../../shared/ports/paging.ts';
import { ephemeralCursorKey } from '../../../shared/scim/cursor.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import type { ListQuery, ListResponse } from '../../../shared/scim/list.ts';
import { readListQuery } from '../../../shared/scim/list.ts';
import { ListEngine, type ListSource } from '../../../shared/scim/listing.ts';
import { USER_SCHEMA, userResourceType } from '../../../shared/scim/schema/resource-type.ts';

interface Item {
  readonly id: string;
  readonly userName: string;
  readonly displayName?: string;
}

/** Users in memory, read the way a store reads them (by id), counting what the engine asks for. */
function memorySource(items: Item[], options: { keyed: boolean }) {
  const calls = { page: 0, pageAt: 0, scan: 0, lookup: 0, presented: [] as number[] };
  const byId = () => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  const source: ListSource<Item> = {
    resourceType: userResourceType,
    page: async (startIndex, count) => {
      calls.page++;
      return { items: byId().slice(startIndex - 1, startIndex - 1 + count), totalResults: items.length };
    },
    ...(options.keyed
      ? {
          pageAt: async (position: PagePosition, count: number) => {
            calls.pageAt++;
            const all = byId();
            const slice =
              position.before !== undefined
                ? all.filter((item) => item.id < (position.before as string)).slice(-(count + 1))
                : all.filter((item) => position.after === undefined || item.id > position.after);
            const backwards = position.before !== undefined;
            const page = backwards ? slice.slice(-count) : slice.slice(0, count);
            return { items: page, more: slice.length > count, totalResults: items.length };
          },
        }
      : {}),
    lookup: async (lookup) => {
      calls.lookup++;
      return items.filter((item) => lookup.index === 'id' && item.id === lookup.value);
    },
    scan: async function* () {
      calls.scan++;
      yield* byId();
    },
    toResource: ({ id, ...attributes }) => ({ schemas: [USER_SCHEMA], id, ...attributes }),
    present: async (resources) => {
      calls.presented.push(resources.length);
      return resources.map((resource) => ({ ...resource, groups: [{ value: `g-${resource.id}` }] }));
    },
  };
  return { source, calls };
}

const users = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `id-${String((i * 11) % n).padStart(3, '0')}`,
    userName: `user${String(i).padStart(3, '0')}@x`,
    ...(i % 4 === 0 ? {} : { displayName: `Name ${'ABC'[i % 3]}` }),
  }));

const ids = (response: ListResponse) => response.Resources.map((resource) => String(resource.id));
const query = (extra: Partial<ListQuery>): ListQuery => ({ startIndex: 1, count: 10, ...extra });

async function walk(engine: ListEngine, source: ListSource<Item>, base: Partial<ListQuery>) {
  const pages: ListResponse[] = [];
  let cursor = '';
  for (;;) {
    const page = await engine.list('dir', query({ ...base, cursor }), source);
    pages.push(page);
    if (page.nextCursor === undefined) return pages;
    cursor = page.nextCursor;
  }
}

describe('list engine: cursor paging', () => {
  for (const keyed of [true, false]) {
    it(`walks forward and back over every resource once, in index order (${keyed ? 'keyed store reads' : 'read candidates'})`, async () => {
      const engine = new ListEngine({ cursorKey: ephemeralCursorKey() });
      const { source, calls } = memorySource(users(25), { keyed });
      const all = ids(await engine.list('dir', query({ count: 25 }), source));
      const pages = await walk(engine, source, {});
      expect(pages.map((page) => page.itemsPerPage)).toEqual([10, 10, 5]);
      expect(pages.flatMap(ids)).toEqual(all);
      expect(pages[0]?.previousCursor).toBeUndefined();
      expect(pages.every((page) => page.totalResults === 25 && page.startIndex === undefined)).toBe(true);
      // Back from the last page: the same pages in reverse, the first again without previousCursor.
      const middle = await engine.list('dir', query({ cursor: pages[2]?.previousCursor }), source);
      expect(ids(middle)).toEqual(ids(pages[1] as ListResponse));
      const first = await engine.list('dir', query({ cursor: middle.previousCursor }), source);
      expect(ids(first)).toEqual(all.slice(0, 10));
      expect(first.previousCursor).toBeUndefined();
      expect(first.nextCursor).toBeDefined();
      expect(calls.pageAt > 0).toBe(keyed);
      expect(calls.scan > 0).toBe(!keyed);
    });

    it(`paging back past the start serves the first page whole (${keyed ? 'keyed' : 'read candidates'})`, async () => {
      const engine = new ListEngine();
      const items = users(25);
      const { source } = memorySource(items, { keyed });
      const [first, second] = await walk(engine, source, {});
      // Someone deletes a user of the first page before the client pages back.
      items.splice(
        items.findIndex((item) => item.id === ids(first as ListResponse)[2]),
        1,
      );
      const back = await engine.list('dir', query({ cursor: second?.previousCursor }), source);
      expect(back.itemsPerPage).toBe(10);
      expect(back.previousCursor).toBeUndefined();
      expect(ids(back)[0]).toBe(ids(first as ListResponse)[0]);
    });
  }

  it('continues a sorted list right after the last resource served, even when resources are added before it', async () => {
    const engine = new ListEngine();
    const items = users(25);
    const { source } = memorySource(items, { keyed: true });
    const sorted = { sortBy: 'userName', sortOrder: 'descending' };
    const first = await engine.list('dir', query({ ...sorted, cursor: '' }), source);
    items.push({ id: 'id-new', userName: 'user999@x' }, { id: 'id-new2', userName: 'aaa@x' });
    const second = await engine.list('dir', query({ ...sorted, cursor: first.nextCursor }), source);
    const names = (page: ListResponse) => page.Resources.map((resource) => resource.userName);
    expect(names(first)).toEqual(
      Array.from({ length: 10 }, (_, i) => `user${String(24 - i).padStart(3, '0')}@x`),
    );
    expect(names(second)).toEqual(
      Array.from({ length: 10 }, (_, i) => `user${String(14 - i).padStart(3, '0')}@x`),
    );
    expect(second.totalResults).toBe(27);
  });

  it('pages a filter by cursor, and refuses the cursor for another filter, sort or count', async () => {
    const engine = new ListEngine();
    const { source } = memorySource(users(40), { keyed: true });
    const filter = 'displayName eq "name a"';
    const pages = await walk(engine, source, { filter, count: 4 });
    const byIndex = await engine.list('dir', query({ filter, count: 40 }), source);
    expect(pages.flatMap(ids)).toEqual(ids(byIndex));
    expect(byIndex.totalResults).toBe(pages[0]?.totalResults);
    const cursor = pages[0]?.nextCursor;
    for (const [other, scimType] of [
      [{ filter: 'displayName eq "name b"', count: 4 }, 'invalidCursor'],
      [{ filter, count: 4, sortBy: 'userName' }, 'invalidCursor'],
      [{ count: 4 }, 'invalidCursor'],
      [{ filter, count: 5 }, 'invalidCount'],
    ] as const) {
      await expect(engine.list('dir', query({ ...other, cursor }), source)).rejects.toMatchObject({
        status: 400,
        scimType,
      });
    }
    await expect(engine.list('other-dir', query({ filter, count: 4, cursor }), source)).rejects.toMatchObject(
      {
        scimType: 'invalidCursor',
      },
    );
  });

  it('answers count=0 with totalResults only and no cursor to follow', async () => {
    const engine = new ListEngine();
    const { source } = memorySource(users(12), { keyed: true });
    for (const extra of [{}, { sortBy: 'userName' }, { filter: 'displayName pr' }]) {
      const page = await engine.list('dir', query({ ...extra, count: 0, cursor: '' }), source);
      expect(page).toMatchObject({ itemsPerPage: 0, Resources: [] });
      expect(page.totalResults).toBe('filter' in extra ? 9 : 12);
      expect(page.nextCursor).toBeUndefined();
      expect(page.previousCursor).toBeUndefined();
    }
  });
});

describe('list engine: what each page costs', () => {
  it('completes only the returned page (present), then applies the projection', async () => {
    const engine = new ListEngine();
    const { source, calls } = memorySource(users(30), { keyed: true });
    const page = await engine.list(
      'dir',
      query({ sortBy: 'displayName', count: 7, attributes: ['groups'] }),
      source,
    );
    expect(calls.presented).toEqual([7]);
    expect(Object.keys(page.Resources[0] ?? {}).sort()).toEqual(['groups', 'id', 'schemas']);
  });

  it('bounds the resources a sort or an unindexed filter reads; index look-ups are not bounded by it', async () => {
    const engine = new ListEngine({ maxScan: 20 });
    const { source } = memorySource(users(21), { keyed: true });
    for (const extra of [
      { sortBy: 'userName' },
      { filter: 'displayName pr' },
      { sortBy: 'userName', cursor: '' },
    ]) {
      await expect(engine.list('dir', query(extra), source)).rejects.toMatchObject({
        status: 400,
        scimType: 'tooMany',
      });
    }
    const id = users(21)[3]?.id;
    const found = await engine.list('dir', query({ filter: `id eq "${id}"`, sortBy: 'userName' }), source);
    expect(ids(found)).toEqual([id]);
    // Unfiltered, unsorted lists page from storage whatever the directory's size.
    expect((await engine.list('dir', query({ cursor: '' }), source)).totalResults).toBe(21);
  });
});

describe('readListQuery', () => {
  it('reads cursor paging from GET parameters and from a SearchRequest body alike', () => {
    expect(readListQuery({ cursor: '', count: '50', sortBy: 'userName', sortOrder: 'descending' })).toEqual({
      startIndex: 1,
      count: 50,
      cursor: '',
      sortBy: 'userName',
      sortOrder: 'descending',
      filter: undefined,
    });
    expect(readListQuery({ cursor: 'abc.def', count: 50, attributes: ['userName'] })).toMatchObject({
      cursor: 'abc.def',
      count: 50,
      attributes: ['userName'],
    });
    expect(readListQuery({ startIndex: '11', count: '10' })).not.toHaveProperty('cursor');
    expect(readListQuery({ cursor: null })).not.toHaveProperty('cursor');
  });

  it('refuses startIndex together with cursor, and a cursor that is not a string', () => {
    expect(() => readListQuery({ startIndex: '1', cursor: '' })).toThrow(
      expect.objectContaining({ status: 400, scimType: 'invalidValue' }),
    );
    expect(() => readListQuery({ startIndex: 5, cursor: 'x' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => readListQuery({ cursor: 42 })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});

describe('fuzzed list requests', () => {
  it('any SearchRequest body gets a ListResponse or a 400 ScimError, never another error', async () => {
    const engine = new ListEngine();
    const { source } = memorySource(users(30), { keyed: true });
    const issued = (await engine.list('dir', query({ cursor: '', count: 5, sortBy: 'displayName' }), source))
      .nextCursor;
    const field = (...plausible: unknown[]) =>
      fc.oneof(fc.constantFrom(...plausible), fc.string({ maxLength: 20 }), fc.anything());
    const body = fc.record(
      {
        filter: field('displayName pr', 'userName sw "user0"', 'id eq "id-003"', 'nosuch eq 1'),
        sortBy: field('userName', 'DISPLAYNAME', 'meta.created', 'emails', ''),
        sortOrder: field('ascending', 'Descending', 'down'),
        startIndex: field(1, '5', -3, 1.5),
        count: field(5, '10', 0, -1, 1e9),
        cursor: field('', issued, 'a.b', `${issued}x`),
        attributes: field(['userName'], 'userName,groups'),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        try {
          const page = await engine.list('dir', readListQuery(request), source);
          expect(page.itemsPerPage).toBe(page.Resources.length);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).status).toBe(400);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
