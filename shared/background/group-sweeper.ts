/**
 * The group sweeper: the background side of a group DELETE that ran out of time. Each SQS
 * message names a group its DELETE marked `deleting` (gone for every reader since); the sweeper
 * carries on removing its memberships until its own deadline, then removes the group and writes
 * its tombstone, which the stream relay turns into `group.deleted`. The work is the
 * GroupService's, the same code as the DELETE's.
 *
 * What happens to a message:
 * - done: the delete finished, or there was nothing left (a repeated DELETE or an earlier
 *   delivery finished it): the message is deleted;
 * - out of time again: the rest is queued as a new message and this one deleted, so a group of
 *   any size is finished run after run, each keeping the progress of the last;
 * - a failure (an outage, queuing the rest failed, an unreadable body): a batch item failure,
 *   redelivered after the queue's visibility timeout, then moved to its DLQ (alarmed);
 * - a group that no DELETE marked: logged and dropped; a live group is never deleted on a
 *   message's word.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ConnectorLogger } from '../connectors/connector.ts';
import { readGroupDeletionMessage } from '../contracts/group-deletion.ts';
import type { GroupDeletionQueue } from '../ports/group-deletion-queue.ts';
import type { GroupService } from '../scim/groups/group-service.ts';

/** Kept back from the function's timeout for the batches in flight and queuing the rest. */
export const SWEEPER_RESERVE_MS = 10_000;

export interface GroupSweeperOptions {
  readonly groups: Pick<GroupService, 'finishDelete'>;
  /** The sweeper's own queue, where the rest of a delete that ran out of time goes. */
  readonly queue: GroupDeletionQueue;
  readonly log: Pick<ConnectorLogger, 'info' | 'warn'>;
  /** @default SWEEPER_RESERVE_MS */
  readonly reserveMs?: number;
}

export type GroupSweeperHandler = (
  event: SQSEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SQSBatchResponse>;

/**
 * The SQS handler of the group sweeper. Without a Lambda context (a local queue) it has no
 * deadline.
 *
 * @example
 * export const handler = middy(createGroupSweeperHandler({ groups, queue, log })).use(injectLambdaContext(logger));
 */
export function createGroupSweeperHandler(options: GroupSweeperOptions): GroupSweeperHandler {
  const { groups, queue, log } = options;
  const reserveMs = options.reserveMs ?? SWEEPER_RESERVE_MS;
  return async function sweep(event, context) {
    const remaining = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
    const deadline = Date.now() + remaining - reserveMs;
    const finishDelete = async (record: SQSRecord) => {
      const message = readGroupDeletionMessage(record.body);
      if (!message.ok) throw new Error(message.error);
      const { request } = message;
      const outcome = await groups.finishDelete(request.directoryId, request.groupId, { deadline });
      const fields = {
        directoryId: request.directoryId,
        groupId: request.groupId,
        messageId: record.messageId,
      };
      if (outcome === 'unfinished') {
        await queue.enqueue(request);
        log.info('Group delete continues in the next run', fields);
      } else if (outcome === 'notDeleting') {
        log.warn('No delete of this group is under way; nothing done', fields);
      } else log.info('Group deleted', fields);
    };
    // One group after the other: each delete already runs its batches in parallel.
    return processPartialResponse(event, finishDelete, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
      processInParallel: false,
    });
  };
}
