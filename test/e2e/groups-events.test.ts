import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../shared/events/catalogue.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import { entraUser, GROUP_SCHEMA, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/** What a lifecycle event says, without its ids and timestamps. */
function summary(event: LifecycleEvent) {
  return {
    type: event.type,
    sequence: event.sequence,
    ...('members' in event ? { members: event.members.map((m) => m.value).sort() } : {}),
    ...('changedAttributes' in event ? { changedAttributes: event.changedAttributes } : {}),
  };
}

/** Group changes over HTTP become the catalogue's group events, through the stream and the local bus. */
describe('group lifecycle events', () => {
  let scim: TestScim;
  let seen: EventCollector;
  let users: string[];
  let groupId: string;
  const patch = (Operations: unknown[]) =>
    scim.request('PATCH', `/Groups/${groupId}`, { schemas: [PATCH_OP], Operations });
  /** The group's events from the `from`-th on, once `count` of them arrived. */
  const eventsOf = async (count: number, from = 0) =>
    (await seen.waitFor(groupId, count, { timeoutMs: 10_000 })).slice(from).map(summary);

  beforeAll(async () => {
    scim = await startTestScim();
    seen = collectEvents(scim.runtime.events);
    users = [];
    for (const name of ['ada', 'bob', 'cy'])
      users.push((await scim.request('POST', '/Users', entraUser(`${name}@contoso.com`))).body.id);
  });
  afterAll(async () => {
    seen.stop();
    await scim.close();
  });

  it('a group created with members: group.created, then its members added, both with sequence 1', async () => {
    const created = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      members: [{ value: users[0] }, { value: users[1] }],
    });
    groupId = created.body.id;
    const events = await eventsOf(2);
    expect(events).toHaveLength(2);
    // One transaction: the stream does not promise an order between its items.
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'group.created', sequence: 1 },
        { type: 'group.member.added', sequence: 1, members: [users[0], users[1]].sort() },
      ]),
    );
  });

  it('a membership PATCH: the members added and removed, with the new sequence', async () => {
    expect(
      (
        await patch([
          { op: 'remove', path: `members[value eq "${users[0]}"]` },
          { op: 'add', path: 'members', value: [{ value: users[2] }] },
        ])
      ).status,
    ).toBe(204);
    const events = await eventsOf(4, 2);
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        { type: 'group.member.added', sequence: 2, members: [users[2]] },
        { type: 'group.member.removed', sequence: 2, members: [users[0]] },
      ]),
    );
  });

  it('a rename is group.updated; Okta’s unchanged rename is no event at all', async () => {
    await patch([{ op: 'replace', value: { id: groupId, displayName: 'Engineering' } }]);
    await patch([{ op: 'Replace', path: 'displayName', value: 'Platform' }]);
    expect(await eventsOf(5, 4)).toEqual([
      { type: 'group.updated', sequence: 3, changedAttributes: ['displayName'] },
    ]);
  });

  it('a user deleted leaves its groups first; a group deleted is group.deleted', async () => {
    expect((await scim.request('DELETE', `/Users/${users[1]}`)).status).toBe(204);
    expect(await eventsOf(6, 5)).toEqual([
      { type: 'group.member.removed', sequence: 4, members: [users[1]] },
    ]);
    const [userDeleted] = (await seen.waitFor(users[1] as string, 2)).filter(
      (e) => e.type === 'user.deleted',
    );
    expect(userDeleted && 'user' in userDeleted && userDeleted.user.groups).toEqual([groupId]);
    expect((await scim.request('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    expect(await eventsOf(7, 6)).toEqual([{ type: 'group.deleted', sequence: 5 }]);
  });
});
