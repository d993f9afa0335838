import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, GROUP_SCHEMA, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

const q = encodeURIComponent;

/** Okta Group Push: POST with members [], membership PATCHes with the rename riding along, full replace. */
describe('Okta group push', () => {
  let scim: TestScim;
  let users: string[];
  let groupId: string;
  const patch = (Operations: unknown[]) =>
    scim.request('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations });
  const read = async () => (await scim.request('GET', `/Groups/${groupId}`)).body;
  const memberIds = async () =>
    (((await read()).members ?? []) as { value: string }[]).map((m) => m.value).sort();

  beforeAll(async () => {
    scim = await startTestScim();
    users = await Promise.all(
      ['u1', 'u2', 'u3', 'u4'].map(
        async (name) =>
          (await scim.request('POST', '/Users', entraUser(`${name}@okta.example`))).body.id as string,
      ),
    );
  });
  afterAll(async () => scim.close());

  it('creates the pushed group with members []', async () => {
    const created = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Okta Engineering',
      members: [],
    });
    expect(created.status).toBe(201);
    groupId = created.body.id;
    expect(created.body.members).toBeUndefined();
  });

  it('applies a PATCH mixing an add of a list and a filtered remove, with the rename Okta sends along', async () => {
    expect(
      (
        await patch([
          { op: 'add', path: 'members', value: [{ value: users[0], display: 'u1@okta.example' }] },
        ])
      ).status,
    ).toBe(204);
    const reply = await patch([
      { op: 'replace', value: { id: groupId, displayName: 'Okta Engineering' } },
      { op: 'remove', path: `members[value eq "${users[0]}"]` },
      {
        op: 'add',
        path: 'members',
        value: [
          { value: users[1], display: 'u2@okta.example' },
          { value: users[2], display: 'u3@okta.example' },
        ],
      },
    ]);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('etag')).toBe('W/"3"');
    expect(await memberIds()).toEqual([users[1], users[2]].sort());
  });

  it('writes nothing for the pathless rename with the unchanged displayName', async () => {
    const reply = await patch([{ op: 'replace', value: { id: groupId, displayName: 'Okta Engineering' } }]);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('etag')).toBe('W/"3"');
  });

  it('renames with the pathless replace, the id ignored and the displayName applied', async () => {
    const reply = await patch([{ op: 'replace', value: { id: groupId, displayName: 'Okta Platform' } }]);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('etag')).toBe('W/"4"');
    const group = await read();
    expect([group.id, group.displayName]).toEqual([groupId, 'Okta Platform']);
  });

  it('replaces the whole member list, and empties it with []', async () => {
    expect(
      (await patch([{ op: 'replace', path: 'members', value: [{ value: users[3] }, { value: users[1] }] }]))
        .status,
    ).toBe(204);
    expect(await memberIds()).toEqual([users[1], users[3]].sort());
    expect((await patch([{ op: 'replace', path: 'members', value: [] }])).status).toBe(204);
    expect(await memberIds()).toEqual([]);
  });

  it('lists groups with count=100 and pages them in a stable order', async () => {
    for (const name of ['Okta Sales', 'Okta Support', 'Okta Finance'])
      expect(
        (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: [] }))
          .status,
      ).toBe(201);
    const all = await scim.request('GET', '/Groups?startIndex=1&count=100');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalResults: 4, itemsPerPage: 4, startIndex: 1 });
    const ids = all.body.Resources.map((g: { id: string }) => g.id);
    const first = await scim.request('GET', '/Groups?startIndex=1&count=2');
    const second = await scim.request('GET', '/Groups?startIndex=3&count=2');
    expect([...first.body.Resources, ...second.body.Resources].map((g: { id: string }) => g.id)).toEqual(ids);
    expect(second.body).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 3 });
    const byName = await scim.request(
      'GET',
      `/Groups?filter=${q('displayName eq "Okta Sales"')}&startIndex=1&count=100`,
    );
    expect(byName.body.totalResults).toBe(1);
  });

  it('deletes the group when the push is unlinked with delete', async () => {
    expect((await scim.request('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect((await scim.request('GET', `/Groups/${groupId}`)).status).toBe(404);
  });
});
