import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraUser, GROUP_SCHEMA, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** Simultaneous writers of one group: membership changes never conflict, renames are re-applied, none is lost. */
describe('concurrent group writers', () => {
  let scim: TestScim;
  let users: string[];
  const createGroup = async (displayName: string) =>
    (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName, members: [] })).body
      .id as string;
  const patch = (id: string, Operations: unknown[], headers: Record<string, string> = {}) =>
    scim.request('PATCH', `/Groups/${id}`, { schemas: [PATCH_OP], Operations }, headers);

  beforeAll(async () => {
    scim = await startTestScim();
    users = [];
    // In batches, so the set-up does not itself become the concurrency test.
    for (let batch = 0; batch < 5; batch++) {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          scim.request('POST', '/Users', entraUser(`member${batch * 10 + i}@contoso.com`)),
        ),
      );
      users.push(...created.map((reply) => reply.body.id as string));
    }
  });
  afterAll(async () => scim.close());

  it('lands all of 50 simultaneous PATCHes, each adding a different member', async () => {
    const id = await createGroup('Crowd');
    const replies = await Promise.all(
      users.map((user) => patch(id, [{ op: 'add', path: 'members', value: [{ value: user }] }])),
    );
    expect(replies.map((reply) => reply.status)).toEqual(users.map(() => 204));
    const group = await scim.request('GET', `/Groups/${id}`);
    expect(group.body.members.map((m: { value: string }) => m.value).sort()).toEqual([...users].sort());
    // One version per membership change: no change was folded into another or lost.
    expect(group.headers.get('etag')).toBe(`W/"${users.length + 1}"`);
  });

  it('lands every one of simultaneous renames, and membership changes made meanwhile', async () => {
    const id = await createGroup('Renamed');
    // Each other write can make a rename lose at most one attempt; with five other writers and five
    // retries (docs/limits.md), every rename lands whatever the interleaving.
    const names = ['Alpha', 'Bravo', 'Charlie'];
    const added = users.slice(0, 3);
    const replies = await Promise.all([
      ...names.map((name) => patch(id, [{ op: 'replace', path: 'displayName', value: name }])),
      ...added.map((user) => patch(id, [{ op: 'add', path: 'members', value: [{ value: user }] }])),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 204));
    const group = await scim.request('GET', `/Groups/${id}`);
    expect(names).toContain(group.body.displayName);
    expect(group.body.members).toHaveLength(added.length);
    expect(group.headers.get('etag')).toBe(`W/"${names.length + added.length + 1}"`);
  });

  it('with If-Match, the second of two writers of the same version gets 412', async () => {
    const id = await createGroup('Guarded');
    const etag = (await scim.request('GET', `/Groups/${id}`)).headers.get('etag') ?? '';
    const [a, b] = await Promise.all([
      patch(id, [{ op: 'add', path: 'members', value: [{ value: users[0] }] }], { 'If-Match': etag }),
      patch(id, [{ op: 'add', path: 'members', value: [{ value: users[1] }] }], { 'If-Match': etag }),
    ]);
    expect([a.status, b.status].sort()).toEqual([204, 412]);
    expect((await scim.request('GET', `/Groups/${id}`)).body.members).toHaveLength(1);
  });
});
