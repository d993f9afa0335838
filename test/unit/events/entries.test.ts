import { describe, expect, it } from 'vitest';
import {
  chunkEntries,
  entrySize,
  MAX_BYTES_PER_CALL,
  MAX_ENTRIES_PER_CALL,
  toEntry,
} from '../../../shared/adapters/eventbridge/entries.ts';
import { type LifecycleEvent, lifecycleEventSchema } from '../../../shared/events/catalogue.ts';
import { eventsFromChange } from '../../../shared/events/from-change.ts';
import { userItem } from './fixtures.ts';

const created = (id: string, resource: Record<string, unknown> = {}): LifecycleEvent => {
  const [event] = eventsFromChange({ newImage: userItem(id, 1, resource) });
  if (!event) throw new Error('no event');
  return event;
};

describe('EventBridge limits', () => {
  it('chunks 5,000 events into calls of at most 10 entries and 256 KB, in order, none lost', () => {
    const events = Array.from({ length: 5_000 }, (_, i) =>
      created(`user-${i}`, { displayName: 'x'.repeat(i % 300) }),
    );
    const chunks = chunkEntries(events.map((event) => toEntry(event, 'bus')));
    expect(chunks.length).toBe(500);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(MAX_ENTRIES_PER_CALL);
      expect(chunk.reduce((sum, entry) => sum + entry.bytes, 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
    expect(chunks.flat().map((entry) => entry.event.eventId)).toEqual(events.map((event) => event.eventId));
  });

  it('cuts calls by size when ten entries would not fit', () => {
    const big = Array.from({ length: 30 }, (_, i) =>
      created(`big-${i}`, {
        emails: Array.from({ length: 40 }, (_, j) => ({ value: `${'a'.repeat(2000)}${j}@x.com` })),
      }),
    );
    const chunks = chunkEntries(big.map((event) => toEntry(event, 'bus')));
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks)
      expect(chunk.reduce((sum, entry) => sum + entry.bytes, 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    expect(chunks.flat().length).toBe(30);
  });

  it('trims an event larger than 256 KB and marks it truncated, never drops it', () => {
    const huge = created('huge', {
      displayName: 'Ada',
      emails: Array.from({ length: 300 }, (_, j) => ({ value: `${'b'.repeat(1000)}${j}@x.com` })),
    });
    const { entry, bytes } = toEntry(huge, 'bus');
    expect(bytes).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    const detail = lifecycleEventSchema.parse(JSON.parse(entry.Detail ?? ''));
    expect(detail).toMatchObject({
      type: 'user.created',
      eventId: huge.eventId,
      user: { id: 'huge', truncated: true },
    });
    expect('user' in detail && detail.user.emails).toBeFalsy();
  });

  it('counts sizes as EventBridge does', () => {
    expect(
      entrySize({ Source: 'ab', DetailType: 'c', Detail: '{"é":1}', Time: new Date(), Resources: ['r'] }),
    ).toBe(
      14 + 2 + 1 + 8 + 1, // é is two bytes in UTF-8
    );
  });
});
