import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../../local/event-bus.ts';
import type { StreamPoller } from '../../../local/stream-poller.ts';
import { eventPatterns } from '../../../shared/events/patterns.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { collectEvents, type EventCollector } from '../../support/event-collector.ts';
import { relayStreamToBus } from '../../support/stream-relay.ts';
import {
  actor,
  createGroup,
  createUsers,
  groupResource,
  mustGetGroup,
  mustGetUser,
  newDirectory,
  storesOf,
  userIds,
} from './fixtures.ts';

/**
 * The group lifecycle through the real path: DynamoDB Local's stream, the relay handler, and the
 * local bus that routes by the same patterns as the CDK rules.
 */
describe('group lifecycle events', { timeout: 60_000 }, () => {
  const table = useDynamoTable();
  const { users, groups } = storesOf(table);
  const bus = new LocalEventBus();
  let poller: StreamPoller;
  let all: EventCollector;
  let membership: EventCollector;

  beforeAll(async () => {
    poller = await relayStreamToBus(table, bus);
    all = collectEvents(bus);
    membership = collectEvents(bus, eventPatterns.groupMembership);
  });
  afterAll(async () => {
    all.stop();
    membership.stop();
    await poller.stop();
  });

  it('says created, members added in parts, updated, member removed when a user leaves, deleted', async () => {
    const dir = newDirectory();
    const many = await createUsers(table, dir, userIds(40));
    await createUsers(table, dir, ['ada']);
    const created = await createGroup(table, dir, 'Engineering', ['ada'], 'eng');
    const grown = await groups.update(
      dir,
      created,
      {
        resource: created.resource,
        members: { add: [...many], remove: [] },
        now: '2026-03-02T10:00:00.000Z',
      },
      actor,
    );
    await groups.update(
      dir,
      grown,
      { resource: groupResource('Engineering (all)'), now: '2026-03-02T11:00:00.000Z' },
      actor,
    );
    await users.delete(dir, await mustGetUser(table, dir, 'ada'), '2026-03-02T12:00:00.000Z', actor);
    await groups.delete(dir, await mustGetGroup(table, dir, 'eng'), '2026-03-02T13:00:00.000Z', actor);

    const events = await all.waitFor('eng', 7, { timeoutMs: 30_000 });
    expect(
      events
        .map((event) => ({
          type: event.type,
          sequence: event.sequence,
          ...('part' in event ? { part: event.part, members: event.members.length } : {}),
        }))
        .sort((a, b) => a.sequence - b.sequence || (a.part?.index ?? 0) - (b.part?.index ?? 0)),
    ).toEqual([
      { type: 'group.created', sequence: 1 },
      { type: 'group.member.added', sequence: 1, part: { index: 1, count: 1 }, members: 1 },
      { type: 'group.member.added', sequence: 2, part: { index: 1, count: 2 }, members: 31 },
      { type: 'group.member.added', sequence: 2, part: { index: 2, count: 2 }, members: 9 },
      { type: 'group.updated', sequence: 3 },
      { type: 'group.member.removed', sequence: 4, part: { index: 1, count: 1 }, members: 1 },
      { type: 'group.deleted', sequence: 5 },
    ]);
    // Who left the group, and the name the group had then.
    expect(events.find((event) => event.type === 'group.member.removed')).toMatchObject({
      members: [{ value: 'ada', type: 'User' }],
      group: { id: 'eng', displayName: 'Engineering (all)' },
      occurredAt: '2026-03-02T12:00:00.000Z',
    });
    // The leaver's own events: the deleting mark and the sweep add none.
    const ada = await all.waitFor('ada', 2, { timeoutMs: 30_000 });
    expect(ada.map((event) => event.type)).toEqual(['user.created', 'user.deleted']);
    expect(ada.at(-1)).toMatchObject({ user: { id: 'ada', groups: ['eng'] }, sequence: 2 });
    // The membership pattern routes exactly the member events.
    expect(membership.of('eng').map((event) => event.type)).toEqual(
      expect.arrayContaining(['group.member.added', 'group.member.removed']),
    );
    expect(membership.of('eng')).toHaveLength(4);
    // Each event once: the ids are distinct.
    expect(new Set(events.map((event) => event.eventId)).size).toBe(7);
  });
});
