import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../shared/events/catalogue.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import { ENTERPRISE, entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

/**
 * Every SCIM change through the local runtime (HTTP -> handler -> DynamoDB Local -> stream ->
 * relay -> local bus) yields exactly the events of the catalogue: no more, no fewer.
 */
interface Case {
  name: string;
  /** The change under test, made to a freshly created user. */
  change: (scim: TestScim, id: string, userName: string) => Promise<{ status: number }>;
  expected: { type: EventType; sequence: number; changedAttributes?: string[] }[];
}

const patch = (scim: TestScim, id: string, Operations: unknown[]) =>
  scim.request('PATCH', `/Users/${id}`, { schemas: [PATCH_OP], Operations });

const cases: Case[] = [
  {
    name: 'Entra deactivation (Replace active "False")',
    change: (scim, id) => patch(scim, id, [{ op: 'Replace', path: 'active', value: 'False' }]),
    expected: [{ type: 'user.deactivated', sequence: 2 }],
  },
  {
    name: 'Okta deactivation (PUT with active false)',
    change: (scim, id, userName) =>
      scim.request('PUT', `/Users/${id}`, entraUser(userName, { active: false })),
    expected: [{ type: 'user.deactivated', sequence: 2 }],
  },
  {
    name: 'a rename',
    change: (scim, id) => patch(scim, id, [{ op: 'replace', path: 'displayName', value: 'Ada King' }]),
    expected: [{ type: 'user.updated', sequence: 2, changedAttributes: ['displayName'] }],
  },
  {
    name: 'a mover: department changes in the enterprise extension',
    change: (scim, id) =>
      patch(scim, id, [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' }]),
    expected: [{ type: 'user.updated', sequence: 2, changedAttributes: [`${ENTERPRISE}:department`] }],
  },
  {
    name: 'deactivation together with another attribute: both events',
    change: (scim, id) =>
      patch(scim, id, [
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'title', value: 'Former engineer' },
      ]),
    expected: [
      { type: 'user.deactivated', sequence: 2 },
      { type: 'user.updated', sequence: 2, changedAttributes: ['title'] },
    ],
  },
  {
    name: 'a new email address (PUT)',
    change: (scim, id, userName) =>
      scim.request(
        'PUT',
        `/Users/${id}`,
        entraUser(userName, { emails: [{ primary: true, type: 'work', value: `new.${userName}` }] }),
      ),
    expected: [{ type: 'user.updated', sequence: 2, changedAttributes: ['emails'] }],
  },
  {
    name: 'a delete',
    change: (scim, id) => scim.request('DELETE', `/Users/${id}`),
    expected: [{ type: 'user.deleted', sequence: 2 }],
  },
  {
    name: 'a PATCH that changes nothing (Okta resends the same displayName)',
    change: (scim, id) => patch(scim, id, [{ op: 'replace', path: 'displayName', value: 'Ada Lovelace' }]),
    expected: [],
  },
  {
    name: 'a PUT that changes nothing',
    change: (scim, id, userName) => scim.request('PUT', `/Users/${id}`, entraUser(userName)),
    expected: [],
  },
  {
    name: 'a refused change (invalid path)',
    change: (scim, id) => patch(scim, id, [{ op: 'replace', path: 'nonsense[', value: 1 }]),
    expected: [],
  },
];

describe('lifecycle events through the local runtime', () => {
  let scim: TestScim;
  let seen: EventCollector;
  beforeAll(async () => {
    scim = await startTestScim();
    seen = collectEvents(scim.runtime.events);
  });
  afterAll(async () => {
    seen.stop();
    await scim.close();
  });

  it.each(cases)('$name', async ({ change, expected }) => {
    const userName = `u-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const created = await scim.request('POST', '/Users', entraUser(userName));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const [joiner] = await seen.waitFor(id, 1, { quietMs: 0 });
    expect(joiner).toMatchObject({
      type: 'user.created',
      directoryId: scim.runtime.directoryId,
      sequence: 1,
      actor: { kind: 'token' },
      user: {
        id,
        userName,
        active: true,
        externalId: userName.split('@')[0],
        enterprise: { department: 'Engineering' },
      },
    });

    await change(scim, id, userName);
    const events = (await seen.waitFor(id, 1 + expected.length)).slice(1);
    expect(
      events.map((event) => ({
        type: event.type,
        sequence: event.sequence,
        ...('changedAttributes' in event ? { changedAttributes: event.changedAttributes } : {}),
      })),
    ).toEqual(expected);
    for (const event of events) expect(event).toMatchObject({ user: { id, userName: expect.any(String) } });
    // Distinct changes never share an id.
    const ids = seen.of(id).map((event) => event.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries the leaver state in the snapshot: active false on user.deactivated', async () => {
    const created = await scim.request('POST', '/Users', entraUser('leaver@example.com'));
    await patch(scim, created.body.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    const [, leaver] = await seen.waitFor(created.body.id, 2, { quietMs: 0 });
    expect(leaver).toMatchObject({
      type: 'user.deactivated',
      user: { active: false, userName: 'leaver@example.com' },
    });
  });
});
