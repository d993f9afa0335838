/**
 * Sorting (RFC 7644 §3.4.2.3) and cursor paging (RFC 9865) of /Users over HTTP, through the
 * local runtime, over 250 users whose attributes vary in case, presence and ties. The users are
 * seeded straight into the table (their timestamps chosen), then every request goes over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localClientConfig } from '../../local/dynamodb-local.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import type { StoredUser } from '../../shared/ports/user-store.ts';
import { ERROR_SCHEMA, startTestScim, type TestScim, USER_SCHEMA } from '../support/scim-client.ts';
import { seedUsers } from '../support/seed-users.ts';

const USERS = 250;

/** What was seeded, to state the expected order independently of the service. */
interface Seeded {
  id: string;
  userName: string;
  displayName?: string;
  externalId?: string;
  created: string;
  lastModified: string;
}

type Attribute = 'userName' | 'displayName' | 'externalId' | 'meta.created' | 'meta.lastModified';
const ATTRIBUTES: Attribute[] = [
  'userName',
  'displayName',
  'externalId',
  'meta.created',
  'meta.lastModified',
];

/** RFC 7644 §3.4.2.3 restated: case rule per attribute, no value last (ascending), ties by id. */
function expectedOrder(users: Seeded[], attribute: Attribute, order: 'ascending' | 'descending'): string[] {
  const keyOf = (user: Seeded): string | number | null => {
    switch (attribute) {
      case 'userName':
        return user.userName.toLowerCase();
      case 'displayName':
        return user.displayName?.toLowerCase() ?? null;
      case 'externalId':
        return user.externalId ?? null;
      case 'meta.created':
        return Date.parse(user.created);
      case 'meta.lastModified':
        return Date.parse(user.lastModified);
    }
  };
  const ascending = [...users].sort((a, b) => {
    const [x, y] = [keyOf(a), keyOf(b)];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -1 : 1;
    }
    return a.id < b.id ? -1 : 1;
  });
  const ids = ascending.map((user) => user.id);
  return order === 'ascending' ? ids : ids.reverse();
}

let scim: TestScim;
const seeded: Seeded[] = [];

beforeAll(async () => {
  scim = await startTestScim({ events: false });
  const start = Date.parse('2026-02-01T08:00:00.000Z');
  const users = Array.from({ length: USERS }, (_, i): StoredUser => {
    const number = String((i * 37) % USERS).padStart(3, '0');
    // Three users share each creation second: ties that only the id breaks.
    const created = new Date(start + Math.floor(((i * 101) % USERS) / 3) * 1000).toISOString();
    // Every fourth user was changed a day later, at its own time.
    const changed = i % 4 === 0;
    const resource = {
      schemas: [USER_SCHEMA],
      userName: `${i % 3 === 0 ? 'User' : 'user'}-${number}@contoso.com`,
      active: true,
      ...(i % 10 === 0 ? {} : { displayName: `${i % 2 ? 'name' : 'Name'} ${'ABCDEFG'[i % 7]}` }),
      ...(i % 9 === 0
        ? {}
        : { externalId: `${i % 2 ? 'E' : 'e'}${String((i * 13) % USERS).padStart(3, '0')}` }),
      ...(changed ? { title: 'Engineer' } : {}),
    };
    const lastModified = changed
      ? new Date(start + 86_400_000 + ((i * 7919) % 1000) * 1000).toISOString()
      : created;
    return { id: randomUUID(), resource, version: changed ? 2 : 1, created, lastModified };
  });
  const client = documentClient(localClientConfig(inject('dynamoEndpoint')));
  await seedUsers(client, scim.tableName, scim.runtime.directoryId, users);
  client.destroy();
  for (const { id, resource, created, lastModified } of users) {
    seeded.push({
      id,
      userName: String(resource.userName),
      ...(typeof resource.displayName === 'string' ? { displayName: resource.displayName } : {}),
      ...(typeof resource.externalId === 'string' ? { externalId: resource.externalId } : {}),
      created,
      lastModified,
    });
  }
});
afterAll(async () => scim.close());

const ids = (body: { Resources: { id: string }[] }) => body.Resources.map((resource) => resource.id);
const idOrder = () => seeded.map((user) => user.id).sort();

/** Follows nextCursor from the first page to the last; every page must be a 200. */
async function walkCursor(query: string, count: number) {
  const pages = [];
  let cursor = '';
  for (;;) {
    const reply = await scim.request('GET', `/Users?${query}&count=${count}&cursor=${cursor}`);
    expect(reply.status).toBe(200);
    pages.push(reply.body);
    if (reply.body.nextCursor === undefined) return pages;
    cursor = encodeURIComponent(reply.body.nextCursor);
  }
}

describe('sorting', () => {
  for (const attribute of ATTRIBUTES) {
    for (const order of ['ascending', 'descending'] as const) {
      it(`sorts by ${attribute} ${order}, the same over index pages and cursor pages`, async () => {
        const expected = expectedOrder(seeded, attribute, order);
        // Without each user's groups: this file is about order, and groups cost a Query per user.
        const query = `sortBy=${attribute}&sortOrder=${order}&excludedAttributes=groups`;
        const byIndex = [];
        for (const startIndex of [1, 126]) {
          const reply = await scim.request('GET', `/Users?${query}&startIndex=${startIndex}&count=125`);
          expect(reply.status).toBe(200);
          expect(reply.body).toMatchObject({ totalResults: USERS, startIndex });
          byIndex.push(...ids(reply.body));
        }
        expect(byIndex).toEqual(expected);
        const byCursor = (await walkCursor(query, 125)).flatMap(ids);
        expect(byCursor).toEqual(expected);
      });
    }
  }

  it('compares userName without case and externalId with case, and puts users without a value where the RFC says', async () => {
    const names = (
      await scim.request('GET', '/Users?sortBy=userName&attributes=userName')
    ).body.Resources.map((user: { userName: string }) => user.userName.slice(5, 8));
    expect(names).toEqual(Array.from({ length: 200 }, (_, i) => String(i).padStart(3, '0')));
    const externalIds = (await walkCursor('sortBy=externalId&attributes=externalId', 200))
      .flatMap((page) => page.Resources)
      .map((user: { externalId?: string }) => user.externalId?.[0] ?? '-')
      .join('');
    expect(externalIds).toMatch(/^E+e+-+$/);
    const descending = await scim.request('GET', '/Users?sortBy=displayName&sortOrder=descending&count=25');
    expect(
      descending.body.Resources.every((user: { displayName?: string }) => user.displayName === undefined),
    ).toBe(true);
  });

  it('refuses attributes it cannot sort by, and unknown sort orders, with 400 invalidValue', async () => {
    for (const query of [
      'sortBy=emails.value',
      'sortBy=name.familyName',
      'sortBy=nope',
      'sortBy=userName&sortOrder=up',
    ]) {
      const reply = await scim.request('GET', `/Users?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
    }
  });
});

describe('cursor paging', () => {
  it('walks 250 users forward in pages of 100, each user once, in the order of index paging, and back again', async () => {
    const byIndex = [];
    for (const startIndex of [1, 101, 201])
      byIndex.push(
        ...ids(
          (await scim.request('GET', `/Users?startIndex=${startIndex}&count=100&excludedAttributes=groups`))
            .body,
        ),
      );
    expect(byIndex).toEqual(idOrder());

    const first = await scim.request('GET', '/Users?cursor&count=100');
    expect(first.body).toMatchObject({ totalResults: USERS, itemsPerPage: 100 });
    expect(first.body.startIndex).toBeUndefined();
    expect(first.body.previousCursor).toBeUndefined();
    const pages = await walkCursor('excludedAttributes=groups', 100);
    expect(pages.map((page) => page.itemsPerPage)).toEqual([100, 100, 50]);
    expect(pages.flatMap(ids)).toEqual(byIndex);
    expect(pages[2].nextCursor).toBeUndefined();

    const back = [];
    let cursor = pages[2].previousCursor;
    while (cursor !== undefined) {
      const reply = await scim.request(
        'GET',
        `/Users?count=100&excludedAttributes=groups&cursor=${encodeURIComponent(cursor)}`,
      );
      back.unshift(...ids(reply.body));
      cursor = reply.body.previousCursor;
    }
    expect(back).toEqual(byIndex.slice(0, 200));
  });

  it('pages a filter by cursor, giving what index paging gives', async () => {
    const filter = encodeURIComponent('displayName eq "name c" and externalId pr');
    const all = await scim.request('GET', `/Users?filter=${filter}`);
    expect(all.body.totalResults).toBeGreaterThan(14);
    const pages = await walkCursor(`filter=${filter}`, 7);
    expect(pages.flatMap(ids)).toEqual(ids(all.body));
    expect(pages.every((page) => page.totalResults === all.body.totalResults)).toBe(true);
  });

  it('pages POST /Users/.search by cursor, the cursor in the SearchRequest body', async () => {
    const search = (cursor: string) =>
      scim.request('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        sortBy: 'meta.created',
        sortOrder: 'descending',
        attributes: ['userName'],
        cursor,
        count: 120,
      });
    const first = await search('');
    expect(first.status).toBe(200);
    const second = await search(first.body.nextCursor);
    const third = await search(second.body.nextCursor);
    expect([first, second, third].map((page) => page.body.itemsPerPage)).toEqual([120, 120, 10]);
    expect(third.body.nextCursor).toBeUndefined();
    expect([first, second, third].flatMap((page) => ids(page.body))).toEqual(
      expectedOrder(seeded, 'meta.created', 'descending'),
    );
    expect(Object.keys(first.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('answers a tampered cursor, or one of another query, count or directory, with a 400 naming the reason', async () => {
    const first = await scim.request('GET', '/Users?filter=userName%20sw%20%22u%22&cursor=&count=10');
    const cursor: string = first.body.nextCursor;
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'x' ? 'y' : 'x'}${cursor.slice(11)}`;
    const cases: [string, string][] = [
      [`/Users?filter=userName%20sw%20%22u%22&count=10&cursor=${tampered}`, 'invalidCursor'],
      [`/Users?filter=userName%20sw%20%22u%22&count=10&cursor=not-a-cursor`, 'invalidCursor'],
      [
        `/Users?filter=userName%20sw%20%22U%22%20and%20active%20eq%20true&count=10&cursor=${cursor}`,
        'invalidCursor',
      ],
      [`/Users?count=10&cursor=${cursor}`, 'invalidCursor'],
      [`/Users?filter=userName%20sw%20%22u%22&count=20&cursor=${cursor}`, 'invalidCount'],
      [`/Users?filter=userName%20sw%20%22u%22&count=10&cursor=${cursor}&startIndex=11`, 'invalidValue'],
    ];
    for (const [path, scimType] of cases) {
      const reply = await scim.request('GET', path);
      expect(reply.status, path).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/scim+json');
      expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '400', scimType });
    }
    // The same cursor, the same query, in another directory with its own credential.
    await scim.runtime.directories.create('elsewhere', 'Elsewhere');
    const token = generateToken();
    await scim.runtime.tokens.register('elsewhere', token, { label: 'test' });
    const elsewhere = await fetch(
      `${scim.runtime.url}/elsewhere/scim/v2/Users?filter=userName%20sw%20%22u%22&count=10&cursor=${cursor}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ scimType: 'invalidCursor' });
  });
});

describe('ServiceProviderConfig', () => {
  it('advertises sorting and both paging methods, index by default, with the page sizes the lists honour', async () => {
    const config = (await scim.request('GET', '/ServiceProviderConfig')).body;
    expect(config.sort).toEqual({ supported: true });
    expect(config.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 200,
      maxPageSize: 200,
      cursorTimeout: 3600,
    });
    expect(config.filter.maxResults).toBe(config.pagination.maxPageSize);
    const byDefault = (await scim.request('GET', '/Users')).body;
    expect(byDefault).toMatchObject({ startIndex: 1, itemsPerPage: config.pagination.defaultPageSize });
    expect(byDefault.nextCursor).toBeUndefined();
    const tooMany = await scim.request('GET', '/Users?cursor&count=1000');
    expect(tooMany.body.itemsPerPage).toBe(config.pagination.maxPageSize);
    expect(tooMany.body.nextCursor).toBeDefined();
  });
});
