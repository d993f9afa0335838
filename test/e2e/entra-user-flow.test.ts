import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENTERPRISE,
  ERROR_SCHEMA,
  entraUser,
  PATCH_OP,
  startTestScim,
  type TestScim,
} from '../support/scim-client.ts';

/** The user lifecycle as Microsoft Entra ID provisioning drives it, both PATCH dialects. */
describe('Entra ID user provisioning', () => {
  let scim: TestScim;
  beforeAll(async () => {
    scim = await startTestScim();
  });
  afterAll(async () => scim.close());

  it('answers Test Connection (a filter on a random GUID) with 200 and an empty list', async () => {
    const reply = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "3d5e1a0c-8a3b-4c51-9f0e-6f1f6b7a2c11"')}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(reply.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, startIndex: 1, Resources: [] });
  });

  it('creates after the pre-check, then finds the user by userName and externalId', async () => {
    const precheck = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ada@contoso.com"')}`,
    );
    expect(precheck.body.totalResults).toBe(0);

    const created = await scim.request('POST', '/Users', entraUser('ada@contoso.com'));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${scim.runtime.baseUrl}/Users/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toMatchObject({
      userName: 'ada@contoso.com',
      active: true,
      meta: { resourceType: 'User', version: 'W/"1"', location: created.headers.get('location') },
      [ENTERPRISE]: { employeeNumber: '1815' },
    });

    const byUserName = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ADA@contoso.com"')}`,
    );
    expect(byUserName.body.Resources.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    const byExternalId = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "ada"')}`,
    );
    expect(byExternalId.body.totalResults).toBe(1);
    const byEmail = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('emails[type eq "work" and value eq "ADA@CONTOSO.COM"]')}`,
    );
    expect(byEmail.body.totalResults).toBe(1);
  });

  it('refuses a second user with the same userName in any letter case with 409 uniqueness', async () => {
    const again = await scim.request('POST', '/Users', entraUser('Ada@Contoso.com'));
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '409',
      scimType: 'uniqueness',
      detail: expect.any(String),
    });
  });

  it('applies the legacy dialect: capitalised ops, string booleans, one op per path', async () => {
    const user = await scim.request('POST', '/Users', entraUser('grace@contoso.com'));
    const patched = await scim.request('PATCH', `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Grace Hopper' },
        { op: 'Add', path: 'emails[type eq "home"].value', value: 'grace@home.example' },
        { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: '1906' },
        { op: 'Add', path: 'title', value: 'Rear Admiral' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: 'Grace Hopper',
      title: 'Rear Admiral',
      [ENTERPRISE]: { employeeNumber: '1906', department: 'Engineering' },
    });
    expect(patched.body.emails).toEqual(
      expect.arrayContaining([
        { primary: true, type: 'work', value: 'grace@contoso.com' },
        { type: 'home', value: 'grace@home.example' },
      ]),
    );
    expect(patched.headers.get('etag')).toBe('W/"2"');
  });

  it('deactivates with Replace active "False", keeps returning the user, and reactivates', async () => {
    const user = await scim.request('POST', '/Users', entraUser('leaver@contoso.com'));
    const id = user.body.id;
    const off = await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.body.active).toBe(false);
    expect((await scim.request('GET', `/Users/${id}`)).body.active).toBe(false);
    const found = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "leaver@contoso.com"')}`,
    );
    expect(found.body.Resources[0]).toMatchObject({ id, active: false });

    const on = await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(on.body.active).toBe(true);
  });

  it('applies the aadOptscim062020 dialect: one pathless replace with dotted and URN keys', async () => {
    const user = await scim.request('POST', '/Users', entraUser('alan@contoso.com'));
    const patched = await scim.request('PATCH', `/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'replace',
          value: {
            'name.givenName': 'Alan',
            'name.familyName': 'Turing',
            active: false,
            [`${ENTERPRISE}:department`]: 'Research',
          },
        },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      active: false,
      name: { givenName: 'Alan', familyName: 'Turing' },
      [ENTERPRISE]: { department: 'Research' },
    });
  });

  it('sets the manager from a bare id and removes it in both forms', async () => {
    const boss = await scim.request('POST', '/Users', entraUser('boss@contoso.com'));
    const report = await scim.request('POST', '/Users', entraUser('report@contoso.com'));
    const path = `/Users/${report.body.id}`;
    const set = await scim.request('PATCH', path, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: boss.body.id }],
    });
    expect(set.body[ENTERPRISE].manager).toEqual({ value: boss.body.id });

    const filtered = await scim.request('PATCH', path, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: `${ENTERPRISE}:manager[value eq "${boss.body.id}"]` }],
    });
    expect(filtered.status).toBe(200);
    expect(filtered.body[ENTERPRISE].manager).toBeUndefined();

    await scim.request('PATCH', path, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: `${ENTERPRISE}:manager`, value: { value: boss.body.id } }],
    });
    const plain = await scim.request('PATCH', path, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `${ENTERPRISE}:manager` }],
    });
    expect(plain.body[ENTERPRISE].manager).toBeUndefined();
  });

  it('deletes (hard delete after the soft-delete period): 204, then 404, and the userName is free again', async () => {
    const user = await scim.request('POST', '/Users', entraUser('gone@contoso.com'));
    expect((await scim.request('DELETE', `/Users/${user.body.id}`)).status).toBe(204);
    const after = await scim.request('GET', `/Users/${user.body.id}`);
    expect(after.status).toBe(404);
    expect(after.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '404' });
    expect((await scim.request('DELETE', `/Users/${user.body.id}`)).status).toBe(404);
    const found = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "gone@contoso.com"')}`,
    );
    expect(found.body.totalResults).toBe(0);
    expect((await scim.request('POST', '/Users', entraUser('gone@contoso.com'))).status).toBe(201);
  });
});
