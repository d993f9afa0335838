/**
 * EventPublisher on an EventBridge custom bus with the real PutEvents call. Entries are chunked
 * to EventBridge's limits; when a call partly fails (FailedEntryCount > 0) or throws, only the
 * entries that were not accepted are sent again, so an accepted event is not published twice by
 * us (redeliveries of the stream may still repeat it: consumers dedupe by eventId).
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import pRetry from 'p-retry';
import type { LifecycleEvent } from '../../events/catalogue.ts';
import type { EventPublisher, PublishFailure, PublishResult } from '../../ports/event-publisher.ts';
import { chunkEntries, type EventEntry, toEntry } from './entries.ts';

export interface EventBridgePublisherOptions {
  /** Attempts after the first, for the entries still failing. */
  readonly retries?: number;
  readonly minTimeoutMs?: number;
  readonly maxTimeoutMs?: number;
}

/** Thrown inside the retry loop to carry what is still failing to the next attempt. */
class EntriesFailed extends Error {
  override readonly name = 'EntriesFailed';
  constructor(readonly failures: { entry: EventEntry; reason: string }[]) {
    super(`${failures.length} entries not accepted`);
  }
}

export class EventBridgePublisher implements EventPublisher {
  private readonly retries: number;
  private readonly minTimeoutMs: number;
  private readonly maxTimeoutMs: number;

  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    options: EventBridgePublisherOptions = {},
  ) {
    this.retries = options.retries ?? 4;
    this.minTimeoutMs = options.minTimeoutMs ?? 100;
    this.maxTimeoutMs = options.maxTimeoutMs ?? 2_000;
  }

  async publish(events: readonly LifecycleEvent[]): Promise<PublishResult> {
    let pending = events.map((event) => toEntry(event, this.eventBusName));
    try {
      await pRetry(
        async () => {
          const failures = await this.putAll(pending);
          if (failures.length === 0) return;
          pending = failures.map((failure) => failure.entry);
          throw new EntriesFailed(failures);
        },
        {
          retries: this.retries,
          minTimeout: this.minTimeoutMs,
          maxTimeout: this.maxTimeoutMs,
          randomize: true,
          shouldRetry: ({ error }) => error instanceof EntriesFailed,
        },
      );
      return { failed: [] };
    } catch (error) {
      if (!(error instanceof EntriesFailed)) throw error;
      const failed: PublishFailure[] = error.failures.map(({ entry, reason }) => ({
        event: entry.event,
        reason,
      }));
      return { failed };
    }
  }

  /** One pass over the pending entries: every chunk is sent; what was not accepted is returned. */
  private async putAll(entries: readonly EventEntry[]): Promise<{ entry: EventEntry; reason: string }[]> {
    const failures: { entry: EventEntry; reason: string }[] = [];
    for (const chunk of chunkEntries(entries)) {
      try {
        const result = await this.client.send(
          new PutEventsCommand({ Entries: chunk.map((item) => item.entry) }),
        );
        if (!result.FailedEntryCount) continue;
        // Result entries are in request order; a failed one has an ErrorCode and no EventId.
        chunk.forEach((item, index) => {
          const answer = result.Entries?.[index];
          if (!answer || answer.ErrorCode || !answer.EventId)
            failures.push({ entry: item, reason: answer?.ErrorCode ?? 'NoResultEntry' });
        });
      } catch (error) {
        // The whole call failed (throttled, network, 5xx after the SDK's own retries).
        const reason = error instanceof Error ? error.name : 'PutEventsFailed';
        for (const item of chunk) failures.push({ entry: item, reason });
      }
    }
    return failures;
  }
}
