import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, GROUP_SCHEMA, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

const q = encodeURIComponent;

/**
 * Membership seen from both sides: a user's readOnly `groups`, a group's `members`, and the
 * members of a group as a filtered /Users list. After every change (member removed, group
 * deleted, user deleted), neither side names a resource that is gone or a membership that ended.
 */
describe('a user’s groups', () => {
  let scim: TestScim;
  const ids: Record<string, string> = {};
  const groups: Record<string, string> = {};
  const user = async (name: string, query = '') =>
    (await scim.request('GET', `/Users/${ids[name]}${query}`)).body;
  const groupsOf = async (name: string) =>
    (((await user(name)).groups ?? []) as { value: string }[]).map((g) => g.value).sort();
  const membersOf = async (group: string) =>
    (((await scim.request('GET', `/Groups/${groups[group]}`)).body.members ?? []) as { value: string }[])
      .map((m) => m.value)
      .sort();
  const usersIn = async (group: string, paging = '') =>
    (await scim.request('GET', `/Users?filter=${q(`groups.value eq "${groups[group]}"`)}${paging}`)).body;

  beforeAll(async () => {
    scim = await startTestScim();
    for (const name of ['ada', 'bob', 'cy'])
      ids[name] = (await scim.request('POST', '/Users', entraUser(`${name}@contoso.com`))).body.id;
    for (const [name, members] of [
      ['Engineering', ['ada', 'bob']],
      ['Admins', ['ada']],
    ] as const) {
      const created = await scim.request('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: name,
        members: members.map((member) => ({ value: ids[member] })),
      });
      groups[name] = created.body.id;
    }
  });
  afterAll(async () => scim.close());

  it('shows each group of the user with display, $ref and type direct, sorted by id', async () => {
    const ada = await user('ada');
    expect(ada.groups).toEqual(
      [groups.Engineering, groups.Admins].sort().map((id) => ({
        value: id,
        $ref: `${scim.runtime.baseUrl}/Groups/${id}`,
        display: id === groups.Admins ? 'Admins' : 'Engineering',
        type: 'direct',
      })),
    );
    expect((await user('ada', '?excludedAttributes=groups')).groups).toBeUndefined();
    expect((await user('cy')).groups).toBeUndefined();
    const listed = await scim.request('GET', '/Users?count=10');
    expect(listed.body.Resources.find((u: { id: string }) => u.id === ids.bob).groups).toHaveLength(1);
  });

  it('lists the members of a group with GET /Users?filter=groups.value eq, page by page', async () => {
    const all = await usersIn('Engineering');
    expect(all.totalResults).toBe(2);
    expect(all.Resources.map((u: { id: string }) => u.id).sort()).toEqual([ids.ada, ids.bob].sort());
    const first = await usersIn('Engineering', '&startIndex=1&count=1');
    const second = await usersIn('Engineering', '&startIndex=2&count=1');
    expect(first).toMatchObject({ totalResults: 2, itemsPerPage: 1 });
    expect([first.Resources[0].id, second.Resources[0].id].sort()).toEqual([ids.ada, ids.bob].sort());
  });

  it('ends the membership on both sides when a member is removed', async () => {
    const reply = await scim.request('PATCH', `/Groups/${groups.Engineering}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${ids.ada}"]` }],
    });
    expect(reply.status).toBe(204);
    expect(await groupsOf('ada')).toEqual([groups.Admins]);
    expect((await usersIn('Engineering')).Resources.map((u: { id: string }) => u.id)).toEqual([ids.bob]);
  });

  it('shows the groups on the answers to PATCH and PUT of the user', async () => {
    const patched = await scim.request('PATCH', `/Users/${ids.ada}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'title', value: 'Engineer' }],
    });
    expect(patched.body.groups.map((g: { value: string }) => g.value)).toEqual([groups.Admins]);
    const put = await scim.request('PUT', `/Users/${ids.ada}`, entraUser('ada@contoso.com', { groups: [] }));
    expect(put.body.groups.map((g: { value: string }) => g.value)).toEqual([groups.Admins]);
  });

  it('leaves no user naming a deleted group', async () => {
    expect((await scim.request('DELETE', `/Groups/${groups.Admins}`)).status).toBe(204);
    expect(await groupsOf('ada')).toEqual([]);
    expect((await usersIn('Admins')).totalResults).toBe(0);
  });

  it('leaves no group naming a deleted user', async () => {
    expect((await scim.request('DELETE', `/Users/${ids.bob}`)).status).toBe(204);
    expect(await membersOf('Engineering')).toEqual([]);
    const filtered = await scim.request(
      'GET',
      `/Groups?filter=${q(`members[value eq "${ids.bob}"]`)}&excludedAttributes=members`,
    );
    expect(filtered.body.totalResults).toBe(0);
    expect((await usersIn('Engineering')).totalResults).toBe(0);
  });
});
