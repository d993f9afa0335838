import { describe, expect, it } from 'vitest';
import { lifecycleEventSchema } from '../../../shared/events/catalogue.ts';
import { eventIdOf, eventsFromChange, LIFECYCLE_ITEM_TYPES } from '../../../shared/events/from-change.ts';
import {
  actor,
  groupItem,
  groupTombstoneItem,
  membershipChange,
  tombstoneItem,
  userItem,
} from './fixtures.ts';

type Change = Parameters<typeof eventsFromChange>[0];

/** What a case asserts: the events' types, sequences and what is particular to each. */
const summary = (change: Change) =>
  eventsFromChange(change).map((event) => ({
    type: event.type,
    sequence: event.sequence,
    ...('group' in event ? { group: event.group } : {}),
    ...('changedAttributes' in event ? { changedAttributes: event.changedAttributes } : {}),
    ...('members' in event ? { members: event.members, part: event.part } : {}),
  }));

const group = (id: string, externalId?: string) => ({
  id,
  displayName: `Group ${id}`,
  ...(externalId ? { externalId } : {}),
});

describe('eventsFromChange for groups', () => {
  const cases: { name: string; change: Change; expected: ReturnType<typeof summary> }[] = [
    {
      name: 'insert of a group',
      change: { newImage: groupItem('g', 1, { externalId: 'eng' }) },
      expected: [{ type: 'group.created', sequence: 1, group: group('g', 'eng') }],
    },
    {
      name: 'a rename',
      change: { oldImage: groupItem('g', 1), newImage: groupItem('g', 2, { displayName: 'Renamed' }) },
      expected: [
        {
          type: 'group.updated',
          sequence: 2,
          group: { id: 'g', displayName: 'Renamed' },
          changedAttributes: ['displayName'],
        },
      ],
    },
    {
      name: 'externalId and an extension attribute',
      change: {
        oldImage: groupItem('g', 3, { 'urn:example:ext:Group': { owner: 'a', site: 'x' } }),
        newImage: groupItem('g', 4, { externalId: 'e', 'urn:example:ext:Group': { owner: 'b', site: 'x' } }),
      },
      expected: [
        {
          type: 'group.updated',
          sequence: 4,
          group: group('g', 'e'),
          changedAttributes: ['externalId', 'urn:example:ext:Group:owner'],
        },
      ],
    },
    {
      name: 'a new version with the same attributes (a membership change)',
      change: { oldImage: groupItem('g', 4), newImage: groupItem('g', 5) },
      expected: [],
    },
    {
      name: 'the deleting mark of a delete in progress (same version)',
      change: { oldImage: groupItem('g', 5), newImage: groupItem('g', 5, {}, { deleting: true }) },
      expected: [],
    },
    {
      name: 'same version again (replayed image)',
      change: {
        oldImage: groupItem('g', 6, { displayName: 'A' }),
        newImage: groupItem('g', 6, { displayName: 'B' }),
      },
      expected: [],
    },
    { name: 'removal of the GROUP# item', change: { oldImage: groupItem('g', 6) }, expected: [] },
    {
      name: 'tombstone insert',
      change: { newImage: groupTombstoneItem('g', 7) },
      expected: [{ type: 'group.deleted', sequence: 7, group: group('g', 'ext-g') }],
    },
    {
      name: 'tombstone rewritten',
      change: { oldImage: groupTombstoneItem('g', 7), newImage: groupTombstoneItem('g', 7) },
      expected: [],
    },
    {
      name: 'members added, part 2 of 3',
      change: { newImage: membershipChange('g', 8, 'added', ['u1', 'u2'], 2, 3) },
      expected: [
        {
          type: 'group.member.added',
          sequence: 8,
          group: group('g', 'ext-g'),
          members: [
            { value: 'u1', type: 'User' },
            { value: 'u2', type: 'User' },
          ],
          part: { index: 2, count: 3 },
        },
      ],
    },
    {
      name: 'members removed',
      change: { newImage: membershipChange('g', 9, 'removed', ['u1']) },
      expected: [
        {
          type: 'group.member.removed',
          sequence: 9,
          group: group('g', 'ext-g'),
          members: [{ value: 'u1', type: 'User' }],
          part: { index: 1, count: 1 },
        },
      ],
    },
    {
      name: 'a membership change expiring (TTL removal)',
      change: { oldImage: membershipChange('g', 9, 'removed', ['u1']) },
      expected: [],
    },
    {
      name: 'a membership change rewritten',
      change: {
        oldImage: membershipChange('g', 9, 'removed', ['u1']),
        newImage: membershipChange('g', 9, 'removed', ['u1']),
      },
      expected: [],
    },
    {
      name: 'a membership item (one per member: its MembershipChange speaks for it)',
      change: {
        newImage: { pk: 'DIR#default', sk: 'MEMBER#g#u1', type: 'Member', groupId: 'g', userId: 'u1' },
      },
      expected: [],
    },
    {
      name: 'a displayName claim',
      change: {
        newImage: { pk: 'DIR#default', sk: 'UNIQUE#Group#displayName#x', type: 'GroupDisplayNameClaim' },
      },
      expected: [],
    },
    {
      name: 'a member counter',
      change: {
        oldImage: { pk: 'p', sk: 'MEMBERCOUNT#g#1', n: 1 },
        newImage: { pk: 'p', sk: 'MEMBERCOUNT#g#1', n: 2 },
      },
      expected: [],
    },
    {
      name: 'a user marked deleting (same version)',
      change: { oldImage: userItem('a', 3), newImage: { ...userItem('a', 3), deleting: true } },
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ change, expected }) => {
    expect(summary(change)).toEqual(expected);
    for (const event of eventsFromChange(change)) {
      expect(lifecycleEventSchema.parse(event)).toEqual(event);
      // The stream trigger must let every item type that means an event through.
      expect(LIFECYCLE_ITEM_TYPES).toContain(change.newImage?.type);
    }
  });

  it('names the groups a deleted user was in, from its tombstone', () => {
    const tombstone = tombstoneItem('a', 3);
    const resource = {
      ...JSON.parse(String(tombstone.resource)),
      groups: [
        { value: 'g1', display: 'One' },
        { value: 'g2', display: 'Two' },
      ],
    };
    const [deleted] = eventsFromChange({ newImage: { ...tombstone, resource: JSON.stringify(resource) } });
    expect(deleted).toMatchObject({
      type: 'user.deleted',
      sequence: 3,
      user: { id: 'a', groups: ['g1', 'g2'] },
    });
  });

  it('takes occurredAt and actor from the items, never from a clock', () => {
    const [added] = eventsFromChange({ newImage: membershipChange('g', 2, 'added', ['u1']) });
    const [deleted] = eventsFromChange({ newImage: groupTombstoneItem('g', 3) });
    const [created] = eventsFromChange({ newImage: groupItem('g', 1) });
    expect(added).toMatchObject({ occurredAt: '2026-01-02T00:00:00.000Z', actor });
    expect(deleted).toMatchObject({ occurredAt: '2026-01-03T00:00:00.000Z', actor });
    expect(created).toMatchObject({ occurredAt: '2026-01-01T00:00:01.000Z', actor });
  });

  it('gives the same ids on redelivery, and a different id to each part, version and kind', () => {
    const part = (index: number, version = 5, kind: 'added' | 'removed' = 'added') =>
      eventsFromChange({ newImage: membershipChange('g', version, kind, ['u1'], index, 3) })[0]?.eventId;
    expect(part(2)).toBe(eventIdOf('default', 'Group', 'g', 5, 'group.member.added', 2));
    expect(
      eventsFromChange(structuredClone({ newImage: membershipChange('g', 5, 'added', ['u1'], 2, 3) }))[0]
        ?.eventId,
    ).toBe(part(2));
    const ids = [part(1), part(2), part(3), part(1, 6), part(1, 5, 'removed')];
    expect(new Set(ids).size).toBe(5);

    const renamed = { oldImage: groupItem('g', 1), newImage: groupItem('g', 2, { displayName: 'X' }) };
    expect(eventsFromChange(structuredClone(renamed))).toEqual(eventsFromChange(renamed));
    expect(eventsFromChange(renamed)[0]?.eventId).toBe(
      eventIdOf('default', 'Group', 'g', 2, 'group.updated'),
    );
    // The same group version's created event and a user's of the same id and version differ.
    expect(eventIdOf('default', 'Group', 'g', 1, 'group.created')).not.toBe(
      eventIdOf('default', 'User', 'g', 1, 'group.created'),
    );
  });

  it('refuses a membership change it cannot read rather than guessing', () => {
    expect(() =>
      eventsFromChange({ newImage: { ...membershipChange('g', 2, 'added', ['u1']), members: [] } }),
    ).toThrow();
    expect(() => eventsFromChange({ newImage: { ...groupItem('g', 1), resource: '[]' } })).toThrow();
  });
});
