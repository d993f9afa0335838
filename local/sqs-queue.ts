/**
 * The local stand-in for an SQS queue, its dead-letter queue and Lambda's SQS event source
 * mapping, as `npm start` needs them for connectors:
 * - messages are delivered in batches (at most `batchSize`) to the same handler Lambda runs,
 *   in Lambda's SQS event shape, with ApproximateReceiveCount;
 * - the handler's ReportBatchItemFailures answer is honoured: acknowledged messages are deleted,
 *   failed ones reappear after their visibility timeout (or the delay the handler set through
 *   ChangeMessageVisibility, i.e. `delay`), a throwing handler fails the whole batch;
 * - a message received more than `maxReceiveCount` times moves to the DLQ (the redrive policy);
 * - the handler may send to the DLQ itself (`deadLetter`), as connector functions do;
 * - with `functionTimeoutMs`, the handler gets a Lambda context whose remaining time runs out
 *   then, as a function with that timeout would (the group sweeper keeps to it);
 * - `whenHandled(id)` resolves once a message is deleted or dead-lettered, which is when the
 *   stream poller of `npm start` may checkpoint past the change it came from (the messages live
 *   in memory: the checkpoint, not the queue, is what survives a crash).
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ConnectorQueue } from '../shared/connectors/queue-handler.ts';
import { lambdaContext } from './api-gateway-event.ts';

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  /** Why: the error the function gave, or the redrive policy's. */
  readonly reason: string;
  readonly receiveCount: number;
  readonly at: string;
}

export interface LocalQueueOptions {
  /** Shown in Lambda's record (`eventSourceARN`). */
  readonly name: string;
  readonly handler: (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;
  /** Deliveries before the redrive policy moves a message to the DLQ. */
  readonly maxReceiveCount: number;
  /** How long a delivered message stays hidden unless the handler says otherwise. @default 30 s, as SQS */
  readonly visibilityTimeoutMs?: number;
  /** @default 10 */
  readonly batchSize?: number;
  /** The consuming function's timeout, told to the handler through its Lambda context. @default none (no context) */
  readonly functionTimeoutMs?: number;
  /** Batches handled at once (the event source's maximum concurrency). @default 2 */
  readonly concurrency?: number;
  /** @default 20 ms */
  readonly pollMs?: number;
  /** Nothing is received while this says so (DynamoDB Local is restarting): no delivery is spent on an outage. */
  readonly paused?: () => boolean;
  /** Told of each message that lands in the DLQ. */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
  readonly onError?: (error: unknown) => void;
}

interface Message {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receiptHandle: string;
  inFlight: boolean;
  readonly handled: Promise<void>;
  readonly markHandled: () => void;
}

export class LocalSqsQueue {
  private readonly messages = new Map<string, Message>();
  private readonly letters: DeadLetter[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly batches = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: LocalQueueOptions) {
    this.schedule();
  }

  /** Sends a message (SendMessage); returns its id. */
  send(body: string): string {
    const id = randomUUID();
    let markHandled: () => void = () => undefined;
    const handled = new Promise<void>((resolve) => {
      markHandled = resolve;
    });
    this.messages.set(id, {
      id,
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: 0,
      receiptHandle: '',
      inFlight: false,
      handled,
      markHandled,
    });
    return id;
  }

  /**
   * Resolves once the message is deleted (the handler accepted it) or dead-lettered; at once for
   * a message no longer in the queue. Never, if the queue is closed first.
   *
   * @example
   * await queue.whenHandled(queue.send(body));
   */
  whenHandled(id: string): Promise<void> {
    return this.messages.get(id)?.handled ?? Promise.resolve();
  }

  /** What is in the dead-letter queue, oldest first. */
  get deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  /** Messages not yet deleted (visible, delayed or being handled). */
  get depth(): number {
    return this.messages.size;
  }

  /** The queue operations a connector function has on its own queues. */
  readonly connectorQueue: ConnectorQueue = {
    deadLetter: async (record, reason) => {
      this.toDeadLetters(
        record.messageId,
        record.body,
        reason,
        Number(record.attributes.ApproximateReceiveCount),
      );
    },
    delay: async (record, seconds) => {
      const message = [...this.messages.values()].find(
        (candidate) => candidate.receiptHandle === record.receiptHandle,
      );
      if (message) message.visibleAt = Date.now() + seconds * 1000;
    },
  };

  /** Resolves once the queue is empty (every message deleted or dead-lettered). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.size > 0) {
      if (Date.now() > deadline)
        throw new Error(`Queue ${this.options.name} still holds ${this.messages.size} messages.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops polling and waits for the batches being handled. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.batches]);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.poll();
      this.schedule();
    }, this.options.pollMs ?? 20);
  }

  private poll(): void {
    if (this.options.paused?.()) return;
    const concurrency = this.options.concurrency ?? 2;
    while (this.running < concurrency) {
      const batch = this.receive();
      if (batch.length === 0) return;
      this.running++;
      const handled = this.handle(batch).finally(() => {
        this.running--;
        this.batches.delete(handled);
      });
      this.batches.add(handled);
    }
  }

  /** ReceiveMessage: visible messages, each counted and hidden; the over-received go to the DLQ. */
  private receive(): Message[] {
    const now = Date.now();
    const batch: Message[] = [];
    for (const message of this.messages.values()) {
      if (batch.length >= (this.options.batchSize ?? 10)) break;
      if (message.inFlight || message.visibleAt > now) continue;
      if (message.receiveCount >= this.options.maxReceiveCount) {
        this.toDeadLetters(
          message.id,
          message.body,
          `received ${message.receiveCount} times (maxReceiveCount ${this.options.maxReceiveCount})`,
          message.receiveCount,
        );
        continue;
      }
      message.receiveCount++;
      message.inFlight = true;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + (this.options.visibilityTimeoutMs ?? 30_000);
      batch.push(message);
    }
    return batch;
  }

  private async handle(batch: Message[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((message) => this.recordOf(message)) };
    let failed = new Set(batch.map((message) => message.id));
    try {
      const { functionTimeoutMs, name } = this.options;
      const context =
        functionTimeoutMs === undefined ? undefined : lambdaContext(name, Date.now() + functionTimeoutMs);
      const answer: SQSBatchResponse = await this.options.handler(event, context);
      failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
    } catch (error) {
      this.options.onError?.(error);
    }
    for (const message of batch) {
      message.inFlight = false;
      if (!failed.has(message.id)) this.remove(message.id);
    }
  }

  private remove(messageId: string): void {
    this.messages.get(messageId)?.markHandled();
    this.messages.delete(messageId);
  }

  private toDeadLetters(messageId: string, body: string, reason: string, receiveCount: number): void {
    this.remove(messageId);
    const letter = { messageId, body, reason, receiveCount, at: new Date().toISOString() };
    this.letters.push(letter);
    this.options.onDeadLetter?.(letter);
  }

  private recordOf(message: Message): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.options.name}`,
      awsRegion: 'local',
    };
  }
}
