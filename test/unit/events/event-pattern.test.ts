import { describe, expect, it } from 'vitest';
import { toBusEvent } from '../../../local/event-bus.ts';
import { matchesPattern } from '../../../local/event-pattern.ts';
import { EVENT_TYPES, type EventType } from '../../../shared/events/catalogue.ts';
import { eventsFromChange } from '../../../shared/events/from-change.ts';
import { cdkEventPattern, eventPatterns, forDirectory } from '../../../shared/events/patterns.ts';
import { tombstoneItem, userItem } from './fixtures.ts';

const busEvent = (type: EventType, directoryId = 'default') => {
  const [event] = eventsFromChange({ newImage: userItem('a', 1, {}, directoryId) });
  if (!event) throw new Error('no event');
  return toBusEvent({ ...event, type } as never);
};

describe('shared event patterns on the local bus', () => {
  it('routes leavers to the leaver pattern and nothing else there', () => {
    const leaverTypes = EVENT_TYPES.filter((type) => matchesPattern(eventPatterns.leavers, busEvent(type)));
    expect(leaverTypes).toEqual(['user.deactivated', 'user.deleted']);
    const [deleted] = eventsFromChange({ newImage: tombstoneItem('a', 2) });
    if (!deleted) throw new Error('no event');
    expect(matchesPattern(eventPatterns.leavers, toBusEvent(deleted))).toBe(true);
  });

  it('matches nested keys with exact values, and arrays in the event by any element', () => {
    const pattern = forDirectory(eventPatterns.leavers, 'contoso', 'fabrikam');
    expect(matchesPattern(pattern, busEvent('user.deactivated', 'contoso'))).toBe(true);
    expect(matchesPattern(pattern, busEvent('user.deactivated', 'default'))).toBe(false);
    expect(matchesPattern(pattern, busEvent('user.created', 'contoso'))).toBe(false);
    expect(matchesPattern({ detail: { user: { id: ['a'] } } }, busEvent('user.created'))).toBe(true);
    expect(matchesPattern({ detail: { user: { id: ['b'] } } }, busEvent('user.created'))).toBe(false);
    expect(matchesPattern({ detail: { missing: { x: ['1'] } } }, busEvent('user.created'))).toBe(false);
    // EventBridge: a pattern value matches an array field if any element matches.
    expect(
      matchesPattern({ resources: ['r2'] } as never, {
        ...busEvent('user.created'),
        resources: ['r1', 'r2'],
      }),
    ).toBe(true);
  });

  it('matches every event of ours with the catch-all and none from another source', () => {
    for (const type of EVENT_TYPES) expect(matchesPattern(eventPatterns.all, busEvent(type))).toBe(true);
    expect(matchesPattern(eventPatterns.all, { ...busEvent('user.created'), source: 'aws.s3' })).toBe(false);
  });

  it('refuses content filters it does not implement rather than matching wrongly', () => {
    expect(() =>
      matchesPattern({ detail: { directoryId: [{ prefix: 'c' } as never] } }, busEvent('user.created')),
    ).toThrow(/Content filters/);
  });

  it('gives CDK the same pattern in its own shape', () => {
    expect(cdkEventPattern(eventPatterns.leavers)).toEqual({
      source: ['scim.directory'],
      detailType: ['user.deactivated', 'user.deleted'],
    });
  });
});
