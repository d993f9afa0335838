import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_SCHEMA,
  entraUser,
  GROUP_SCHEMA,
  PATCH_OP,
  startTestScim,
  type TestScim,
} from '../support/scim-client.ts';

const q = encodeURIComponent;

/** Every refusal of /Groups is an RFC 7644 §3.12 error with the right status and scimType, and changes nothing. */
describe('/Groups errors', () => {
  let scim: TestScim;
  let ada: string;
  let groupId: string;
  const patch = (Operations: unknown[], headers: Record<string, string> = {}) =>
    scim.request('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations }, headers);
  const expectError = (
    reply: { status: number; body: Record<string, unknown> },
    status: number,
    scimType?: string,
  ) => {
    expect(reply.status).toBe(status);
    expect(reply.body).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: String(status),
      detail: expect.any(String),
    });
    if (scimType) expect(reply.body.scimType).toBe(scimType);
  };

  beforeAll(async () => {
    scim = await startTestScim();
    ada = (await scim.request('POST', '/Users', entraUser('ada@contoso.com'))).body.id;
    groupId = (
      await scim.request('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Engineering',
        members: [{ value: ada }],
      })
    ).body.id;
  });
  afterAll(async () => scim.close());

  it('refuses a PATCH naming a member who is not a user of the directory, and applies none of it', async () => {
    const before = await scim.request('GET', `/Groups/${groupId}`);
    const reply = await patch([
      { op: 'replace', path: 'displayName', value: 'Renamed' },
      { op: 'remove', path: `members[value eq "${ada}"]` },
      { op: 'add', path: 'members', value: [{ value: 'f4a1e6c2-0000-4000-8000-000000000000' }] },
    ]);
    expectError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toContain('f4a1e6c2-0000-4000-8000-000000000000');
    const after = await scim.request('GET', `/Groups/${groupId}`);
    expect(after.body).toEqual(before.body);
  });

  it('refuses a POST naming an unknown member, and creates nothing', async () => {
    const reply = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Ghosts',
      members: [{ value: 'nobody' }],
    });
    expectError(reply, 400, 'invalidValue');
    const found = await scim.request('GET', `/Groups?filter=${q('displayName eq "Ghosts"')}`);
    expect(found.body.totalResults).toBe(0);
  });

  it('refuses a nested group, saying nested groups are not supported', async () => {
    const other = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Inner' }))
      .body.id;
    const reply = await patch([{ op: 'add', path: 'members', value: [{ value: other, type: 'Group' }] }]);
    expectError(reply, 400, 'invalidValue');
    expect(reply.body.detail).toContain('nested groups are not supported');
    // Without a type, a group id is still not a user of the directory.
    expectError(
      await patch([{ op: 'add', path: 'members', value: [{ value: other }] }]),
      400,
      'invalidValue',
    );
  });

  it('refuses a change of a member’s sub-attribute and a member filter on anything but value eq', async () => {
    expectError(
      await patch([{ op: 'replace', path: `members[value eq "${ada}"].display`, value: 'X' }]),
      400,
      'mutability',
    );
    expectError(await patch([{ op: 'remove', path: 'members[display eq "Ada"]' }]), 400, 'invalidFilter');
    const filtered = await scim.request('GET', `/Groups?filter=${q('members.display eq "Ada"')}`);
    expectError(filtered, 400, 'invalidFilter');
    expect(filtered.body.detail).toContain('members[value eq "<user id>"]');
  });

  it('answers 404 for an unknown group on every route', async () => {
    const unknown = '/Groups/7f4bc1a3-285e-48ae-8202-5accb43efb0e';
    expectError(await scim.request('GET', unknown), 404);
    expectError(await scim.request('PUT', unknown, { schemas: [GROUP_SCHEMA], displayName: 'X' }), 404);
    expectError(await scim.request('PATCH', unknown, { schemas: [PATCH_OP], Operations: [] }), 404);
    expectError(await scim.request('DELETE', unknown), 404);
  });

  it('refuses a duplicate displayName in any letter case with 409 uniqueness, on create and rename', async () => {
    expectError(
      await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'ENGINEERING' }),
      409,
      'uniqueness',
    );
    const other = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Sales' }))
      .body.id;
    const rename = await scim.request('PATCH', `/Groups/${other}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'engineering' }],
    });
    expectError(rename, 409, 'uniqueness');
  });

  it('honours If-Match on PATCH, PUT and DELETE, and If-None-Match on GET', async () => {
    const { headers } = await scim.request('GET', `/Groups/${groupId}`);
    const etag = headers.get('etag') ?? '';
    const stale = 'W/"999"';
    expectError(
      await patch([{ op: 'replace', path: 'displayName', value: 'Eng' }], { 'If-Match': stale }),
      412,
    );
    expectError(
      await scim.request(
        'PUT',
        `/Groups/${groupId}`,
        { schemas: [GROUP_SCHEMA], displayName: 'Eng' },
        { 'If-Match': stale },
      ),
      412,
    );
    expectError(await scim.request('DELETE', `/Groups/${groupId}`, undefined, { 'If-Match': stale }), 412);
    const notModified = await scim.request('GET', `/Groups/${groupId}`, undefined, { 'If-None-Match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    const current = await patch([{ op: 'replace', path: 'displayName', value: 'Eng' }], { 'If-Match': etag });
    expect(current.status).toBe(204);
    expect(
      (await scim.request('GET', `/Groups/${groupId}`, undefined, { 'If-None-Match': etag })).status,
    ).toBe(200);
  });

  it('refuses malformed bodies with 400', async () => {
    expectError(await scim.request('POST', '/Groups', '{"displayName":'), 400, 'invalidSyntax');
    expectError(
      await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], members: [] }),
      400,
      'invalidValue',
    );
    expectError(
      await scim.request('POST', '/Groups', { displayName: 'X', members: 'everyone' }),
      400,
      'invalidValue',
    );
    expectError(await scim.request('POST', '/Groups/.search', '[]'), 400, 'invalidSyntax');
  });

  it('advertises the Group resource type and schema', async () => {
    const types = await scim.request('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
    const group = await scim.request('GET', '/ResourceTypes/Group');
    expect(group.body).toMatchObject({ endpoint: '/Groups', schema: GROUP_SCHEMA });
    const schema = await scim.request('GET', `/Schemas/${GROUP_SCHEMA}`);
    expect(schema.status).toBe(200);
    expect(schema.body.attributes.map((a: { name: string }) => a.name)).toEqual(['displayName', 'members']);
  });
});
