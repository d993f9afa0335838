import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { ConnectorQueue } from '../../connectors/queue-handler.ts';

/** SQS's longest visibility timeout is 12 hours; our backoff stays far below it. */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The connector function's own queues on SQS: a permanent failure is sent to the DLQ with the
 * error as message attributes (the body is the EventBridge event as received, so a redrive to the
 * source queue replays it unchanged); a retryable one is hidden for the backoff delay.
 *
 * @example
 * const queue = new SqsConnectorQueue(new SQSClient({}), { queueUrl, deadLetterQueueUrl });
 */
export class SqsConnectorQueue implements ConnectorQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly urls: { readonly queueUrl: string; readonly deadLetterQueueUrl: string },
  ) {}

  async deadLetter(record: SQSRecord, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.urls.deadLetterQueueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          error: { DataType: 'String', StringValue: reason.slice(0, 1000) || 'failed' },
          sourceMessageId: { DataType: 'String', StringValue: record.messageId },
          receiveCount: { DataType: 'Number', StringValue: record.attributes.ApproximateReceiveCount ?? '1' },
        },
      }),
    );
  }

  async delay(record: SQSRecord, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.urls.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.round(seconds))),
      }),
    );
  }
}
