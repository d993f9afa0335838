import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTERPRISE, entraUser, startTestScim, type TestScim } from '../support/scim-client.ts';

describe('listing: paging, count, attributes', () => {
  let scim: TestScim;
  const ids: string[] = [];
  beforeAll(async () => {
    scim = await startTestScim();
    for (let i = 0; i < 23; i++) {
      const reply = await scim.request(
        'POST',
        '/Users',
        entraUser(`user${String(i).padStart(2, '0')}@contoso.com`),
      );
      ids.push(reply.body.id);
    }
  });
  afterAll(async () => scim.close());

  it('walks every user exactly once in pages of 10 (startIndex 1, 11, 21) with stable order', async () => {
    const seen: string[] = [];
    for (const startIndex of [1, 11, 21]) {
      const page = await scim.request('GET', `/Users?startIndex=${startIndex}&count=10`);
      expect(page.body.totalResults).toBe(23);
      expect(page.body.startIndex).toBe(startIndex);
      expect(page.body.itemsPerPage).toBe(page.body.Resources.length);
      seen.push(...page.body.Resources.map((u: { id: string }) => u.id));
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(ids));
    const again = await scim.request('GET', '/Users?startIndex=11&count=10');
    expect(again.body.Resources.map((u: { id: string }) => u.id)).toEqual(seen.slice(10, 20));
  });

  it('jumps straight to a page nobody walked to', async () => {
    const all = (await scim.request('GET', '/Users?count=200')).body.Resources.map(
      (u: { id: string }) => u.id,
    );
    const page = await scim.request('GET', '/Users?startIndex=17&count=5');
    expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(all.slice(16, 21));
  });

  it('pages filtered results too', async () => {
    const filter = encodeURIComponent('userName sw "user1"');
    const page = await scim.request('GET', `/Users?filter=${filter}&startIndex=6&count=3`);
    expect(page.body).toMatchObject({ totalResults: 10, startIndex: 6, itemsPerPage: 3 });
  });

  it('lists without startIndex or count, answers count=0 with totals only, clamps a huge count, reads past the end', async () => {
    expect((await scim.request('GET', '/Users')).body).toMatchObject({ totalResults: 23, itemsPerPage: 23 });
    expect((await scim.request('GET', '/Users?count=0')).body).toMatchObject({
      totalResults: 23,
      itemsPerPage: 0,
      Resources: [],
    });
    expect((await scim.request('GET', '/Users?count=100000')).body.itemsPerPage).toBe(23);
    expect((await scim.request('GET', '/Users?startIndex=0&count=-5')).body).toMatchObject({
      startIndex: 1,
      itemsPerPage: 0,
    });
    expect((await scim.request('GET', '/Users?startIndex=500&count=10')).body).toMatchObject({
      totalResults: 23,
      itemsPerPage: 0,
    });
  });

  it('POST /Users/.search takes the same query in its body', async () => {
    const reply = await scim.request('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "user05@contoso.com"',
      attributes: ['userName'],
      startIndex: 1,
      count: 10,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.Resources).toEqual([
      { schemas: expect.any(Array), id: ids[5], userName: 'user05@contoso.com' },
    ]);
  });

  it('attributes keeps only what it names (plus id); excludedAttributes removes what it names', async () => {
    const only = await scim.request(
      'GET',
      `/Users/${ids[0]}?attributes=userName,name.givenName,${ENTERPRISE}:department`,
    );
    expect(only.body).toEqual({
      schemas: expect.any(Array),
      id: ids[0],
      userName: 'user00@contoso.com',
      name: { givenName: 'Ada' },
      [ENTERPRISE]: { department: 'Engineering' },
    });
    const without = await scim.request('GET', `/Users/${ids[0]}?excludedAttributes=emails,name,meta`);
    expect(without.body.emails).toBeUndefined();
    expect(without.body.name).toBeUndefined();
    expect(without.body.meta).toBeUndefined();
    expect(without.body.userName).toBe('user00@contoso.com');
    const list = await scim.request('GET', '/Users?count=2&attributes=userName');
    expect(Object.keys(list.body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });
});
