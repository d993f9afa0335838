import type { LifecycleEvent } from '../events/catalogue.ts';

/** An event the publisher could not publish after its own retries, and why. */
export interface PublishFailure {
  readonly event: LifecycleEvent;
  readonly reason: string;
}

export interface PublishResult {
  /** Empty when every event was accepted. Never contains an event that was accepted. */
  readonly failed: readonly PublishFailure[];
}

/**
 * Where lifecycle events go: EventBridge in AWS, the local bus in `npm start` and tests. The
 * relay owns no bus details. Unlike the storage ports this takes no directoryId: one batch of a
 * stream may span directories, and every event names its own.
 *
 * Implementations publish at least once and report per event; they do not throw for an event
 * they could not publish (so that the caller can retry exactly those), only for a misuse.
 */
export interface EventPublisher {
  publish(events: readonly LifecycleEvent[]): Promise<PublishResult>;
}
