import { describe, expect, it } from 'vitest';
import { lifecycleEventSchema } from '../../../shared/events/catalogue.ts';
import { eventIdOf, eventsFromChange } from '../../../shared/events/from-change.ts';
import { ENTERPRISE, tombstoneItem, userItem } from './fixtures.ts';

const summary = (change: Parameters<typeof eventsFromChange>[0]) =>
  eventsFromChange(change).map((event) => ({
    type: event.type,
    sequence: event.sequence,
    ...('changedAttributes' in event ? { changedAttributes: event.changedAttributes } : {}),
  }));

describe('eventsFromChange', () => {
  const cases = [
    {
      name: 'insert of a user',
      change: { newImage: userItem('a', 1) },
      expected: [{ type: 'user.created', sequence: 1 }],
    },
    {
      name: 'active true -> false',
      change: { oldImage: userItem('a', 1), newImage: userItem('a', 2, { active: false }) },
      expected: [{ type: 'user.deactivated', sequence: 2 }],
    },
    {
      name: 'active false -> true',
      change: { oldImage: userItem('a', 2, { active: false }), newImage: userItem('a', 3, { active: true }) },
      expected: [{ type: 'user.reactivated', sequence: 3 }],
    },
    {
      name: 'absent active counts as true',
      change: {
        oldImage: userItem('a', 1, { active: undefined }),
        newImage: userItem('a', 2, { active: false }),
      },
      expected: [{ type: 'user.deactivated', sequence: 2 }],
    },
    {
      name: 'attributes change',
      change: {
        oldImage: userItem('a', 1, {
          displayName: 'A',
          [ENTERPRISE]: { department: 'Eng', costCenter: '1' },
        }),
        newImage: userItem('a', 2, {
          displayName: 'B',
          [ENTERPRISE]: { department: 'Sales', costCenter: '1' },
        }),
      },
      expected: [
        { type: 'user.updated', sequence: 2, changedAttributes: ['displayName', `${ENTERPRISE}:department`] },
      ],
    },
    {
      name: 'active and another attribute: both events',
      change: { oldImage: userItem('a', 4), newImage: userItem('a', 5, { active: false, title: 'x' }) },
      expected: [
        { type: 'user.deactivated', sequence: 5 },
        { type: 'user.updated', sequence: 5, changedAttributes: ['title'] },
      ],
    },
    {
      name: 'an attribute removed',
      change: { oldImage: userItem('a', 1, { nickName: 'n' }), newImage: userItem('a', 2) },
      expected: [{ type: 'user.updated', sequence: 2, changedAttributes: ['nickName'] }],
    },
    {
      name: 'same version again (replayed image)',
      change: { oldImage: userItem('a', 2), newImage: userItem('a', 2) },
      expected: [],
    },
    {
      name: 'tombstone insert',
      change: { newImage: tombstoneItem('a', 3) },
      expected: [{ type: 'user.deleted', sequence: 3 }],
    },
    { name: 'removal of the USER# item', change: { oldImage: userItem('a', 2) }, expected: [] },
    {
      name: 'index entry',
      change: { newImage: { pk: 'DIR#default', sk: 'IDX#externalId#a#a', type: 'IndexEntry', userId: 'a' } },
      expected: [],
    },
    {
      name: 'token',
      change: { newImage: { pk: 'DIR#default', sk: 'TOKEN#h', type: 'Token' } },
      expected: [],
    },
    {
      name: 'counter (no type)',
      change: {
        oldImage: { pk: 'p', sk: 'COUNT#User#1', n: 1 },
        newImage: { pk: 'p', sk: 'COUNT#User#1', n: 2 },
      },
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ change, expected }) => {
    expect(summary(change)).toEqual(expected);
    for (const event of eventsFromChange(change)) expect(lifecycleEventSchema.parse(event)).toEqual(event);
  });

  it('gives the same ids for the same change, different ids for different changes', () => {
    const change = { oldImage: userItem('a', 1), newImage: userItem('a', 2, { active: false, title: 't' }) };
    const first = eventsFromChange(change);
    expect(eventsFromChange(structuredClone(change))).toEqual(first);
    const ids = first.map((event) => event.eventId);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0]).toBe(eventIdOf('default', 'User', 'a', 2, 'user.deactivated'));
    expect(eventIdOf('other', 'User', 'a', 2, 'user.deactivated')).not.toBe(ids[0]);
    expect(eventIdOf('default', 'User', 'a', 3, 'user.deactivated')).not.toBe(ids[0]);
  });

  it('takes occurredAt and actor from the item, never from a clock', () => {
    const [deleted] = eventsFromChange({ newImage: tombstoneItem('a', 3) });
    expect(deleted).toMatchObject({
      occurredAt: '2026-01-02T00:00:00.000Z',
      actor: { kind: 'token', id: 'tok-1', label: 'Entra ID' },
      user: { id: 'a', userName: 'a@example.com' },
    });
  });

  it('builds the snapshot with the enterprise fields flattened and nothing else', () => {
    const [created] = eventsFromChange({
      newImage: userItem('a', 1, {
        externalId: 'ext',
        emails: [{ value: 'a@example.com', type: 'work', primary: true }],
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        phoneNumbers: [{ value: '+44' }],
        [ENTERPRISE]: { department: 'Eng', manager: { value: 'm1', displayName: 'Boss' } },
      }),
    });
    expect(created && 'user' in created ? created.user : undefined).toEqual({
      id: 'a',
      userName: 'a@example.com',
      externalId: 'ext',
      active: true,
      emails: [{ value: 'a@example.com', type: 'work', primary: true }],
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      enterprise: { department: 'Eng', manager: { value: 'm1', displayName: 'Boss' } },
    });
  });

  it('refuses a user item it cannot read rather than guessing', () => {
    expect(() => eventsFromChange({ newImage: { ...userItem('a', 1), resource: 'not json' } })).toThrow();
    expect(() => eventsFromChange({ newImage: { ...userItem('a', 1), version: undefined } })).toThrow();
  });
});

describe('test users of scim-check', () => {
  const test = (item: Record<string, unknown>) => ({ ...item, conformance: true });

  it('publishes nothing about a user the store marked as created by a conformance credential', () => {
    expect(eventsFromChange({ newImage: test(userItem('t', 1)) })).toEqual([]);
    expect(
      eventsFromChange({
        oldImage: test(userItem('t', 1)),
        newImage: test(userItem('t', 2, { active: false })),
      }),
    ).toEqual([]);
    expect(eventsFromChange({ newImage: test(tombstoneItem('t', 3)) })).toEqual([]);
  });

  it('still publishes a real user whatever its SCIM attributes say: only the store sets the mark', () => {
    const claims = { conformance: true, 'urn:scim-check': { conformance: true } };
    const left = eventsFromChange({
      oldImage: userItem('u', 1, claims),
      newImage: userItem('u', 2, { ...claims, active: false }),
    });
    expect(left.map((event) => event.type)).toEqual(['user.deactivated']);
    expect(eventsFromChange({ newImage: tombstoneItem('u', 3) }).map((event) => event.type)).toEqual([
      'user.deleted',
    ]);
  });
});
