import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { groupDeletionMessageOf } from '../../contracts/group-deletion.ts';
import type { GroupDeletionQueue, GroupDeletionRequest } from '../../ports/group-deletion-queue.ts';
import { IN_PROCESS_QUEUE_URL, inProcessGroupDeletions } from '../in-process/group-deletion-queue.ts';

/**
 * The group sweeper's queue on SQS: one message per group delete handed off, read by the
 * group sweeper function.
 *
 * @example
 * const deletions = new SqsGroupDeletionQueue(new SQSClient({}), queueUrl);
 */
export class SqsGroupDeletionQueue implements GroupDeletionQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(request: GroupDeletionRequest): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: groupDeletionMessageOf(request) }),
    );
  }
}

/**
 * The queue a function's GROUP_DELETION_QUEUE_URL names: SQS in AWS, the in-process one in the
 * local runtime (which sets the URL to `in-process`).
 *
 * @example
 * const deletions = groupDeletionQueueAt(requireEnv(ENV.groupDeletionQueueUrl));
 */
export function groupDeletionQueueAt(url: string): GroupDeletionQueue {
  return url === IN_PROCESS_QUEUE_URL
    ? inProcessGroupDeletions
    : new SqsGroupDeletionQueue(new SQSClient({}), url);
}
