import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, PATCH_OP, startTestScim, type TestScim, USER_SCHEMA } from '../support/scim-client.ts';

const oktaUser = (userName: string) => ({
  schemas: [USER_SCHEMA],
  userName,
  name: { givenName: 'Katherine', familyName: 'Johnson' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Katherine Johnson',
  locale: 'en-US',
  externalId: '00u1abcd',
  groups: [],
  password: 'correct horse battery staple',
  active: true,
});

/** Okta's SCIM 2.0 test sequence (Okta-SCIM-20-SPEC-Test) and its OIN update pattern. */
describe('Okta user provisioning', () => {
  let scim: TestScim;
  let id: string;
  beforeAll(async () => {
    scim = await startTestScim();
  });
  afterAll(async () => scim.close());

  it('creates with 201, active true, and never returns the password', async () => {
    const created = await scim.request('POST', '/Users', oktaUser('katherine@example.com'));
    expect(created.status).toBe(201);
    expect(created.body.active).toBe(true);
    expect(created.body.password).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain('battery');
    id = created.body.id;
  });

  it('lists with count=1 and the user has name, userName, active and emails', async () => {
    const list = await scim.request('GET', '/Users?startIndex=1&count=1');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(typeof list.body.totalResults).toBe('number');
    expect(list.body.Resources[0]).toMatchObject({
      userName: 'katherine@example.com',
      active: true,
      name: { givenName: 'Katherine' },
    });
    expect(list.body.Resources[0].emails).toHaveLength(1);
  });

  it('gets by id, and answers an unknown id with 404 and the Error schema', async () => {
    expect((await scim.request('GET', `/Users/${id}`)).body.userName).toBe('katherine@example.com');
    const missing = await scim.request('GET', '/Users/010101010101010101010101');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
  });

  it('finds an unknown userName with totalResults 0, and an upper-cased userName with 1', async () => {
    const unknown = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}&startIndex=1&count=100`,
    );
    expect(unknown.body.totalResults).toBe(0);
    const upper = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "KATHERINE@EXAMPLE.COM"')}`,
    );
    expect(upper.status).toBe(200);
    expect(upper.body.totalResults).toBe(1);
  });

  it('answers a duplicate create with 409', async () => {
    expect((await scim.request('POST', '/Users', oktaUser('katherine@example.com'))).status).toBe(409);
  });

  it('updates the profile with PUT after a GET, replacing every writable attribute', async () => {
    const current = (await scim.request('GET', `/Users/${id}`)).body;
    const put = await scim.request('PUT', `/Users/${id}`, {
      ...current,
      displayName: 'K. Johnson',
      locale: undefined,
      title: 'Mathematician',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, displayName: 'K. Johnson', title: 'Mathematician' });
    expect(put.body.locale).toBeUndefined();
    expect(put.body.meta.created).toBe(current.meta.created);
  });

  it('deactivates with a pathless replace {"active": false}, and the user is still returned', async () => {
    const off = await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const list = await scim.request('GET', `/Users?filter=${encodeURIComponent('active eq false')}`);
    expect(list.body.Resources.map((u: { id: string }) => u.id)).toContain(id);
  });

  it('answers a bad token with 401, a WWW-Authenticate header and an Error body with status "401"', async () => {
    const reply = await scim.request('GET', '/Users', undefined, { Authorization: 'Bearer not-a-token' });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
    const none = await fetch(`${scim.runtime.baseUrl}/Users`);
    expect(none.status).toBe(401);
  });

  it("never lets one directory's token reach another directory", async () => {
    const other = await fetch(`${scim.runtime.url}/other/scim/v2/Users/${id}`, {
      headers: { Authorization: `Bearer ${scim.runtime.token}` },
    });
    expect(other.status).toBe(401);
  });
});
