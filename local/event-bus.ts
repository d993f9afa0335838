/**
 * The local stand-in for the EventBridge custom bus: an EventPublisher that routes each event to
 * the local subscribers whose pattern matches, by the same shared patterns the CDK rules deploy.
 * Delivery is asynchronous and a failing subscriber affects neither the publisher nor the others,
 * as with EventBridge targets. A subscriber may return a promise that resolves once it is done with
 * the event (a connector's: once its queue has handled the message); `settled()` waits for those,
 * which is what the stream poller's checkpoint waits for.
 */
import { randomUUID } from 'node:crypto';
import { detailTypeOf, EVENT_SOURCE, type LifecycleEvent } from '../shared/events/catalogue.ts';
import type { EventPattern } from '../shared/events/patterns.ts';
import type { EventPublisher, PublishResult } from '../shared/ports/event-publisher.ts';
import { type BusEvent, matchesPattern } from './event-pattern.ts';

export type BusSubscriber = (event: BusEvent) => void | Promise<void>;

interface Subscription {
  readonly pattern: EventPattern;
  readonly deliver: BusSubscriber;
}

export class LocalEventBus implements EventPublisher {
  private readonly subscriptions = new Set<Subscription>();
  private readonly deliveries = new Set<Promise<void>>();
  private published = 0;

  /** @param onSubscriberError where a subscriber's failure is reported (it is never rethrown). */
  constructor(private readonly onSubscriberError: (error: unknown) => void = () => undefined) {}

  /**
   * Delivers every event matching `pattern` to `deliver` until the returned function is called.
   *
   * @example
   * const stop = bus.subscribe(eventPatterns.leavers, (event) => console.log(event.detail));
   */
  subscribe(pattern: EventPattern, deliver: BusSubscriber): () => void {
    const subscription = { pattern, deliver };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  /** How many events were put on the bus since it started (for the benchmark). */
  get publishedCount(): number {
    return this.published;
  }

  /**
   * Resolves once every subscriber has finished with every event published so far (a failed
   * subscriber counts as finished: its failure went to `onSubscriberError`).
   *
   * @example
   * await bus.publish(events);
   * const done = bus.settled(); // events published later do not hold it back
   */
  async settled(): Promise<void> {
    await Promise.all([...this.deliveries]);
  }

  async publish(events: readonly LifecycleEvent[]): Promise<PublishResult> {
    for (const event of events) {
      const busEvent = toBusEvent(event);
      this.published++;
      for (const subscription of this.subscriptions) {
        if (!matchesPattern(subscription.pattern, busEvent)) continue;
        // Each target gets its own copy and its own turn, as separate EventBridge targets do.
        const copy = structuredClone(busEvent);
        const delivery: Promise<void> = new Promise<void>((turn) => setImmediate(turn))
          .then(() => subscription.deliver(copy))
          .catch(this.onSubscriberError)
          .finally(() => this.deliveries.delete(delivery));
        this.deliveries.add(delivery);
      }
    }
    return { failed: [] };
  }
}

/**
 * An event as EventBridge hands it to a target: our event in `detail`, EventBridge's envelope around it.
 *
 * @example
 * toBusEvent(event)['detail-type']; // 'user.deactivated'
 */
export function toBusEvent(event: LifecycleEvent): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypeOf(event.type),
    source: EVENT_SOURCE,
    account: '000000000000',
    time: event.occurredAt.replace(/\.\d+Z$/, 'Z'),
    region: 'local',
    resources: [],
    detail: JSON.parse(JSON.stringify(event)) as Record<string, unknown>,
  };
}
