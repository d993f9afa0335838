/**
 * EventBridge's PutEvents limits, applied to our events: at most 10 entries a call and 256 KB a
 * call, sizes counted the way EventBridge counts them (Time 14 bytes; Source, DetailType, Detail
 * and each Resource by their UTF-8 bytes).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { detailTypeOf, EVENT_SOURCE, type LifecycleEvent } from '../../events/catalogue.ts';
import { trimmedSnapshot } from '../../events/snapshot.ts';

export const MAX_ENTRIES_PER_CALL = 10;
/**
 * 256 KB less headroom: AWS notes that the JSON keys of an entry may count as well, so we stay
 * 8 KB below the documented figure rather than discover the exact overhead in production.
 */
export const MAX_BYTES_PER_CALL = 256 * 1024 - 8 * 1024;

/** An entry and the event it carries, so that a failed entry can be traced back to its event. */
export interface EventEntry {
  readonly event: LifecycleEvent;
  readonly entry: PutEventsRequestEntry;
  readonly bytes: number;
}

/**
 * The PutEvents entry of an event, trimmed to fit when its snapshot is too large.
 *
 * @example
 * const { entry, bytes } = toEntry(event, 'scim-lifecycle');
 * // entry.DetailType === 'user.deactivated', bytes <= MAX_BYTES_PER_CALL
 */
export function toEntry(event: LifecycleEvent, eventBusName: string): EventEntry {
  const full = build(event, eventBusName);
  if (full.bytes <= MAX_BYTES_PER_CALL) return full;
  // Too large: keep identity and status, drop the unbounded fields, mark it. Never drop the event.
  const trimmed: LifecycleEvent =
    'user' in event
      ? { ...event, user: trimmedSnapshot(event.user) }
      : {
          ...event,
          group: { ...event.group, displayName: event.group.displayName.slice(0, 1024), truncated: true },
        };
  const fitted = build(trimmed, eventBusName);
  if (fitted.bytes > MAX_BYTES_PER_CALL)
    throw new Error(`Event ${event.eventId} (${event.type}) is ${fitted.bytes} bytes even when trimmed.`);
  return fitted;
}

function build(event: LifecycleEvent, eventBusName: string): EventEntry {
  const entry: PutEventsRequestEntry = {
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: detailTypeOf(event.type),
    Detail: JSON.stringify(event),
    Time: new Date(event.occurredAt),
  };
  return { event, entry, bytes: entrySize(entry) };
}

/**
 * The size EventBridge counts for an entry.
 *
 * @example
 * entrySize({ Source: 'a', DetailType: 'b', Detail: '{}', Time: new Date() }); // 14 + 1 + 1 + 2
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/**
 * Splits entries into PutEvents calls of at most 10 entries and MAX_BYTES_PER_CALL bytes, in
 * order (so events of one resource leave in the order they were derived).
 *
 * @example
 * chunkEntries(entries).length; // 500 for 5,000 small entries
 */
export function chunkEntries(entries: readonly EventEntry[]): EventEntry[][] {
  const chunks: EventEntry[][] = [];
  let current: EventEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (
      current.length === MAX_ENTRIES_PER_CALL ||
      (current.length > 0 && bytes + entry.bytes > MAX_BYTES_PER_CALL)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
