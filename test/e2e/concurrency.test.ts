import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** Two writers at once never silently overwrite each other, and a userName is never taken twice. */
describe('concurrent writers', () => {
  let scim: TestScim;
  beforeAll(async () => {
    scim = await startTestScim();
  });
  afterAll(async () => scim.close());

  it('ten simultaneous creates of one userName: exactly one 201, nine 409', async () => {
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        scim.request('POST', '/Users', entraUser(i % 2 ? 'RACE@contoso.com' : 'race@contoso.com')),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(9);
    expect((await scim.request('GET', '/Users?count=0')).body.totalResults).toBe(1);
  });

  it('simultaneous PATCHes of different attributes all land', async () => {
    const { id } = (await scim.request('POST', '/Users', entraUser('busy@contoso.com'))).body;
    const attributes = ['title', 'nickName', 'displayName', 'userType', 'preferredLanguage', 'locale'];
    const replies = await Promise.all(
      attributes.map((path) =>
        scim.request('PATCH', `/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'replace', path, value: `${path}-set` }],
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(attributes.map(() => 200));
    const final = (await scim.request('GET', `/Users/${id}`)).body;
    for (const path of attributes) expect(final[path]).toBe(`${path}-set`);
    expect(final.meta.version).toBe(`W/"${attributes.length + 1}"`);
  });

  it('with If-Match, the second of two writers of the same version gets 412', async () => {
    const created = await scim.request('POST', '/Users', entraUser('etag@contoso.com'));
    const etag = created.headers.get('etag') ?? '';
    const patch = (value: string) =>
      scim.request(
        'PATCH',
        `/Users/${created.body.id}`,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value }] },
        { 'If-Match': etag },
      );
    const [a, b] = await Promise.all([patch('a'), patch('b')]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
  });

  it('simultaneous renames to one userName: one wins, the other gets 409', async () => {
    const one = (await scim.request('POST', '/Users', entraUser('one@contoso.com'))).body.id;
    const two = (await scim.request('POST', '/Users', entraUser('two@contoso.com'))).body.id;
    const rename = (id: string) =>
      scim.request('PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'userName', value: 'taken@contoso.com' }],
      });
    const replies = await Promise.all([rename(one), rename(two)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const found = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "taken@contoso.com"')}`,
    );
    expect(found.body.totalResults).toBe(1);
    // The loser keeps its old userName and the old one of the winner is free again.
    const loser = replies[0]?.status === 409 ? one : two;
    const winnerOld = loser === one ? 'two@contoso.com' : 'one@contoso.com';
    expect((await scim.request('GET', `/Users/${loser}`)).body.userName).toMatch(/^(one|two)@contoso.com$/);
    expect((await scim.request('POST', '/Users', entraUser(winnerOld))).status).toBe(201);
  });
});
