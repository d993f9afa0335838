import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, GROUP_SCHEMA, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** What Entra ID adds to the schemas of a group it creates. */
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const q = encodeURIComponent;

/** Group provisioning as Microsoft Entra ID drives it, both PATCH dialects. */
describe('Entra ID group provisioning', () => {
  let scim: TestScim;
  let users: string[];
  let groupId: string;
  const patch = (Operations: unknown[]) =>
    scim.request('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations });
  /** Entra ID's membership check before and after a change. */
  const isMember = async (userId: string) => {
    const reply = await scim.request(
      'GET',
      `/Groups?filter=${q(`id eq "${groupId}" and members[value eq "${userId}"]`)}&excludedAttributes=members`,
    );
    expect(reply.status).toBe(200);
    return reply.body.totalResults as number;
  };
  const memberIds = async () => {
    const reply = await scim.request('GET', `/Groups/${groupId}`);
    return ((reply.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
  };

  beforeAll(async () => {
    scim = await startTestScim();
    users = await Promise.all(
      ['ada', 'grace', 'katherine', 'dorothy'].map(
        async (name) =>
          (await scim.request('POST', '/Users', entraUser(`${name}@contoso.com`))).body.id as string,
      ),
    );
  });
  afterAll(async () => scim.close());

  it('answers Test Connection and the pre-check with an empty list', async () => {
    const reply = await scim.request(
      'GET',
      `/Groups?filter=${q('displayName eq "3d5e1a0c-8a3b-4c51-9f0e-6f1f6b7a2c11"')}&excludedAttributes=members`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });

  it('creates the group with members [] and answers 201 with Location and ETag', async () => {
    const created = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA, ADSCIM_GROUP],
      externalId: '8aa1a0c0-c4c3-4bc0-a4a5-0bb1b4a8f2e1',
      displayName: 'Sales EMEA',
      members: [],
    });
    expect(created.status).toBe(201);
    groupId = created.body.id;
    expect(created.headers.get('location')).toBe(`${scim.runtime.baseUrl}/Groups/${groupId}`);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toEqual({
      schemas: [GROUP_SCHEMA],
      id: groupId,
      externalId: '8aa1a0c0-c4c3-4bc0-a4a5-0bb1b4a8f2e1',
      displayName: 'Sales EMEA',
      meta: {
        resourceType: 'Group',
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `${scim.runtime.baseUrl}/Groups/${groupId}`,
        version: 'W/"1"',
      },
    });
  });

  it('reads the group with excludedAttributes=members and finds it by displayName in any case', async () => {
    const read = await scim.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: groupId, displayName: 'Sales EMEA' });
    expect(read.body.members).toBeUndefined();
    const found = await scim.request(
      'GET',
      `/Groups?filter=${q('displayName eq "sales emea"')}&excludedAttributes=members`,
    );
    expect(found.body.Resources.map((g: { id: string }) => g.id)).toEqual([groupId]);
  });

  it('adds a batch of members (legacy "Add") and answers 204 with the new ETag', async () => {
    const reply = await patch([
      { op: 'Add', path: 'members', value: users.slice(0, 3).map((value) => ({ value })) },
    ]);
    expect(reply.status).toBe(204);
    expect(reply.body).toBeUndefined();
    expect(reply.headers.get('etag')).toBe('W/"2"');
    expect(await memberIds()).toEqual(users.slice(0, 3).sort());
    expect(await isMember(users[0] as string)).toBe(1);
    expect(await isMember(users[3] as string)).toBe(0);
  });

  it('removes members listed in the value (legacy "Remove")', async () => {
    expect((await patch([{ op: 'Remove', path: 'members', value: [{ value: users[0] }] }])).status).toBe(204);
    expect(await isMember(users[0] as string)).toBe(0);
    expect(await memberIds()).toEqual([users[1], users[2]].sort());
  });

  it('removes a member by value filter (aadOptscim062020)', async () => {
    const reply = await patch([{ op: 'remove', path: `members[value eq "${users[1]}"]` }]);
    expect(reply.status).toBe(204);
    expect(await isMember(users[1] as string)).toBe(0);
    expect(await memberIds()).toEqual([users[2]]);
  });

  it('removing a member who already left changes nothing, not even the version', async () => {
    const before = (await scim.request('GET', `/Groups/${groupId}`)).headers.get('etag');
    const reply = await patch([{ op: 'remove', path: `members[value eq "${users[1]}"]` }]);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('etag')).toBe(before);
  });

  it('renames the group in both dialects', async () => {
    expect((await patch([{ op: 'Replace', path: 'displayName', value: 'Sales EMEA+APAC' }])).status).toBe(
      204,
    );
    expect((await patch([{ op: 'replace', value: { displayName: 'Sales International' } }])).status).toBe(
      204,
    );
    const read = await scim.request('GET', `/Groups/${groupId}?excludedAttributes=members`);
    expect(read.body.displayName).toBe('Sales International');
    expect(await memberIds()).toEqual([users[2]]);
  });

  it('answers 200 with the group when the PATCH asks for attributes', async () => {
    const reply = await scim.request('PATCH', `/Groups/${groupId}?attributes=members`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: users[3] }] }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.members.map((m: { value: string }) => m.value).sort()).toEqual(
      [users[2], users[3]].sort(),
    );
    expect(reply.body.members[0]).toEqual({
      value: expect.any(String),
      $ref: `${scim.runtime.baseUrl}/Users/${reply.body.members[0].value}`,
      type: 'User',
    });
  });

  it('deletes the group: 204, then 404, and the users no longer name it', async () => {
    expect((await scim.request('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect((await scim.request('GET', `/Groups/${groupId}`)).status).toBe(404);
    const user = await scim.request('GET', `/Users/${users[2]}`);
    expect(user.body.groups).toBeUndefined();
  });
});
