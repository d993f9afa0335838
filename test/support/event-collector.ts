/**
 * Subscribes to the local bus and keeps what arrives, parsed by the catalogue's schema (so an
 * event that does not match its documented schema fails the test that receives it).
 */
import type { LocalEventBus } from '../../local/event-bus.ts';
import { type LifecycleEvent, lifecycleEventSchema, subjectOf } from '../../shared/events/catalogue.ts';
import { type EventPattern, eventPatterns } from '../../shared/events/patterns.ts';

export interface EventCollector {
  readonly events: LifecycleEvent[];
  /** Events about one user or group, in arrival order. */
  of(id: string): LifecycleEvent[];
  /** Resolves once `count` events about `id` arrived, then waits `quietMs` more so that an extra one would be seen. */
  waitFor(
    id: string,
    count: number,
    options?: { timeoutMs?: number; quietMs?: number },
  ): Promise<LifecycleEvent[]>;
  stop(): void;
}

/**
 * @example
 * const seen = collectEvents(scim.runtime.events);
 * const [created] = await seen.waitFor(userId, 1);
 */
export function collectEvents(bus: LocalEventBus, pattern: EventPattern = eventPatterns.all): EventCollector {
  const events: LifecycleEvent[] = [];
  const stop = bus.subscribe(pattern, (event) => {
    events.push(lifecycleEventSchema.parse(event.detail));
  });
  const of = (id: string) => events.filter((event) => subjectOf(event).id === id);
  return {
    events,
    of,
    async waitFor(id, count, { timeoutMs = 5_000, quietMs = 300 } = {}) {
      const deadline = Date.now() + timeoutMs;
      while (of(id).length < count) {
        if (Date.now() > deadline)
          throw new Error(`Expected ${count} events for ${id} within ${timeoutMs} ms, got ${of(id).length}.`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      return of(id);
    },
    stop,
  };
}
