/**
 * The Lambda side of a connector: SQS batch in (each message an EventBridge event whose `detail`
 * is a lifecycle event), partial-batch answer out (Powertools batch), so that one failing user
 * never holds back the others.
 *
 * What happens to a message:
 * - done, duplicate, stale, out of scope: deleted (the ledger has recorded it);
 * - failed_retryable: a batch item failure, hidden for the backoff delay (ChangeMessageVisibility)
 *   and redelivered; on the queue's last allowed delivery the runtime gives up instead;
 * - failed_permanent (or given up): recorded, then sent to the connector's DLQ by the function
 *   itself, with the error as message attributes, and deleted. The DLQ receives it at once rather
 *   than after pointless redeliveries; the redrive policy stays as the backstop for a function
 *   that crashed or timed out before it could answer.
 * - unreadable (not an event of the catalogue): straight to the DLQ, with the parse error.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { type LifecycleEvent, lifecycleEventSchema, type UserEvent } from '../events/catalogue.ts';
import {
  type ConnectorPlan,
  type RecorderDependencies,
  recordLifecycleEvent,
} from '../evidence/evidence-recorder.ts';
import { type BackoffPolicy, redeliveryDelaySeconds } from './backoff.ts';
import type { ConnectorLogger } from './connector.ts';
import { errorText } from './errors.ts';
import {
  applyEvent,
  type PreparedConnector,
  type RuntimeDependencies,
  recordDeadLettered,
} from './runtime.ts';

/** What the function may do with its own queues. */
export interface ConnectorQueue {
  /** Sends the message to the connector's dead-letter queue, with the reason. */
  deadLetter(record: SQSRecord, reason: string): Promise<void>;
  /** Keeps the message hidden for `seconds` before its next delivery. */
  delay(record: SQSRecord, seconds: number): Promise<void>;
}

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** The envelope EventBridge wraps around an event it delivers to an SQS target. */
const busEnvelope = z.object({ 'detail-type': z.string(), source: z.string(), detail: z.unknown() });

/**
 * The lifecycle event in an SQS message body, or why there is none.
 *
 * @example
 * const parsed = eventOfMessage(record.body);
 * if (parsed.ok) console.log(parsed.event.type);
 */
export function eventOfMessage(
  body: string,
): { ok: true; event: LifecycleEvent } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'The message body is not JSON.' };
  }
  const envelope = busEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, error: 'The message is not an EventBridge event.' };
  const event = lifecycleEventSchema.safeParse(envelope.data.detail);
  if (!event.success)
    return { ok: false, error: `The event does not match the catalogue: ${z.prettifyError(event.error)}` };
  return { ok: true, event: event.data };
}

/** A message to be redelivered later: a batch item failure. */
class RedeliverLater extends Error {
  override readonly name = 'RedeliverLater';
}

const receiveCountOf = (record: SQSRecord) =>
  Math.max(1, Number(record.attributes.ApproximateReceiveCount) || 1);

/** Runs `processRecord` over the batch; a record whose processing throws is reported as a failure. */
function batchHandler(processRecord: (record: SQSRecord) => Promise<void>): QueueHandler {
  return async function handleBatch(event) {
    // A processor per invocation: its state is per batch, and the local queue may run batches concurrently.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, processRecord, processor, { throwOnFullBatchFailure: false });
  };
}

export interface ConnectorQueueHandlerOptions {
  readonly connector: PreparedConnector;
  readonly runtime: RuntimeDependencies;
  readonly queue: ConnectorQueue;
  /** The queue's redrive maxReceiveCount. */
  readonly maxReceiveCount: number;
  readonly backoff: BackoffPolicy;
  readonly log: ConnectorLogger;
}

/**
 * The SQS handler of one connector.
 *
 * @example
 * export const handler = createConnectorQueueHandler({ connector, runtime, queue, maxReceiveCount: 10, backoff: awsBackoff, log });
 */
export function createConnectorQueueHandler(options: ConnectorQueueHandlerOptions): QueueHandler {
  const { connector, runtime, queue, log } = options;
  return batchHandler(async function applyMessage(record) {
    const parsed = eventOfMessage(record.body);
    if (!parsed.ok) {
      log.error('Unreadable message sent to the dead-letter queue', {
        connectorId: connector.id,
        messageId: record.messageId,
        error: parsed.error,
      });
      await queue.deadLetter(record, parsed.error);
      return;
    }
    if (!('user' in parsed.event)) return;
    const event: UserEvent = parsed.event;
    const receiveCount = receiveCountOf(record);
    const decision = await applyEvent(
      connector,
      event,
      { receiveCount, maxReceiveCount: options.maxReceiveCount },
      runtime,
    );
    if (decision.kind === 'retry') {
      await queue
        .delay(record, redeliveryDelaySeconds(options.backoff, receiveCount, decision.retryAfterSeconds))
        .catch((error: unknown) =>
          log.warn('Backoff not set', { messageId: record.messageId, error: errorText(error) }),
        );
      throw new RedeliverLater(decision.reason);
    }
    if (decision.kind === 'dead_letter') {
      await queue.deadLetter(record, decision.reason);
      await recordDeadLettered(connector, event, runtime);
    }
  });
}

export interface RecorderQueueHandlerOptions {
  readonly plans: readonly ConnectorPlan[];
  readonly recorder: RecorderDependencies;
  readonly log: ConnectorLogger;
}

/**
 * The SQS handler of the evidence recorder. A failure is retried by the queue and, after its
 * redrive budget, lands in the recorder's DLQ (alarmed): the leaver is then missing from the
 * evidence, and the alarm says so.
 *
 * @example
 * export const handler = createRecorderQueueHandler({ plans, recorder: { ledger, groups }, log });
 */
export function createRecorderQueueHandler(options: RecorderQueueHandlerOptions): QueueHandler {
  return batchHandler(async function recordMessage(record) {
    const parsed = eventOfMessage(record.body);
    if (!parsed.ok) throw new Error(parsed.error);
    if (!('user' in parsed.event)) return;
    const expected = await recordLifecycleEvent(parsed.event, options.plans, options.recorder);
    options.log.info('Lifecycle event recorded', {
      eventType: parsed.event.type,
      eventId: parsed.event.eventId,
      directoryId: parsed.event.directoryId,
      userId: parsed.event.user.id,
      expected,
    });
  });
}
