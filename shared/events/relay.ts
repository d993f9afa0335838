/**
 * The stream relay: DynamoDB Streams records in, lifecycle events out through an EventPublisher,
 * and a ReportBatchItemFailures answer naming the first record whose events did not all go out.
 * Lambda then checkpoints everything before that record and retries from it (bisecting on
 * repeated failure), so no stored change is ever skipped. Redelivered records yield the same
 * event ids, which makes the relay idempotent for consumers that dedupe by eventId.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { EventPublisher } from '../ports/event-publisher.ts';
import { type LifecycleEvent, subjectOf } from './catalogue.ts';
import { eventsFromChange } from './from-change.ts';

export interface RelayDependencies {
  readonly publisher: EventPublisher;
  readonly logger: Logger;
}

export type RelayHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Builds the relay handler over a publisher: EventBridge in Lambda, the local bus in `npm start`.
 *
 * @example
 * export const handler = createRelayHandler({ publisher: new EventBridgePublisher(client, bus), logger });
 */
export function createRelayHandler({ publisher, logger }: RelayDependencies): RelayHandler {
  return async function relayStreamBatch(batch) {
    const records = batch.Records;
    const events: LifecycleEvent[] = [];
    const recordOf = new Map<string, number>();
    // A record we cannot read stops the batch there: it and everything after it are retried, and
    // after the retry budget Lambda sends it to the on-failure queue, where an alarm sees it.
    let firstFailed = records.length;
    for (const [index, record] of records.entries()) {
      try {
        for (const event of eventsOf(record)) {
          events.push(event);
          recordOf.set(event.eventId, index);
        }
      } catch (error) {
        logger.error('Stream record could not be turned into events', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          eventName: record.eventName,
          error,
        });
        firstFailed = index;
        break;
      }
    }

    const { failed } = events.length > 0 ? await publisher.publish(events) : { failed: [] };
    for (const { event, reason } of failed) {
      logger.warn('Lifecycle event not published', { ...logKeys(event), reason });
      firstFailed = Math.min(firstFailed, recordOf.get(event.eventId) ?? 0);
    }
    const failedIds = new Set(failed.map((failure) => failure.event.eventId));
    for (const event of events)
      if (!failedIds.has(event.eventId)) logger.info('Lifecycle event published', logKeys(event));

    const failedRecord = records[firstFailed];
    if (!failedRecord) return { batchItemFailures: [] };
    return { batchItemFailures: [{ itemIdentifier: failedRecord.dynamodb?.SequenceNumber ?? '' }] };
  };
}

/** The events of one stream record. Lambda's images use the same attribute-value shape as the SDK's. */
function eventsOf(record: DynamoDBRecord): LifecycleEvent[] {
  const image = (value: unknown) => (value ? unmarshall(value as Record<string, AttributeValue>) : undefined);
  return eventsFromChange({
    oldImage: image(record.dynamodb?.OldImage),
    newImage: image(record.dynamodb?.NewImage),
  });
}

/** What a log line may say about an event: identifiers, never the snapshot (personal data). */
function logKeys(event: LifecycleEvent): Record<string, string | number> {
  const subject = subjectOf(event);
  return {
    eventType: event.type,
    eventId: event.eventId,
    directoryId: event.directoryId,
    [subject.kind === 'User' ? 'userId' : 'groupId']: subject.id,
    sequence: event.sequence,
  };
}
