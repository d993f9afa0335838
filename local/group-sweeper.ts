/**
 * The group sweeper in the local runtime: the queue the SCIM functions hand too-large group
 * deletes to (through the in-process hand-off their GROUP_DELETION_QUEUE_URL names), consumed by
 * the same handler the Lambda function runs, with a function timeout, a visibility timeout and a
 * redrive limit as in AWS, only shorter.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoGroupStore } from '../shared/adapters/dynamodb/group-store.ts';
import { inProcessGroupDeletions } from '../shared/adapters/in-process/group-deletion-queue.ts';
import { createGroupSweeperHandler } from '../shared/background/group-sweeper.ts';
import { groupDeletionMessageOf } from '../shared/contracts/group-deletion.ts';
import { GroupService } from '../shared/scim/groups/group-service.ts';
import { type DeadLetter, LocalSqsQueue } from './sqs-queue.ts';

export interface LocalGroupSweeper {
  /** The sweeper's queue: `drained()` resolves once every handed-off delete is finished. */
  readonly queue: LocalSqsQueue;
  close(): Promise<void>;
}

/** A minute per run instead of 15: a large group locally takes several runs, as in AWS. */
const FUNCTION_TIMEOUT_MS = 60_000;

/**
 * Starts the sweeper and connects the in-process hand-off to it.
 *
 * @example
 * const sweeper = startLocalGroupSweeper({ client, tableName });
 */
export function startLocalGroupSweeper(options: {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly onError?: (error: unknown) => void;
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}): LocalGroupSweeper {
  const groups = new GroupService(new DynamoGroupStore(options.client, options.tableName));
  const quiet = () => undefined;
  const queue = new LocalSqsQueue({
    name: 'group-deletions',
    handler: createGroupSweeperHandler({
      groups,
      queue: inProcessGroupDeletions,
      log: { info: quiet, warn: quiet },
    }),
    maxReceiveCount: 5,
    batchSize: 1,
    functionTimeoutMs: FUNCTION_TIMEOUT_MS,
    visibilityTimeoutMs: FUNCTION_TIMEOUT_MS + 10_000,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}),
  });
  inProcessGroupDeletions.connect((request) => queue.send(groupDeletionMessageOf(request)));
  return {
    queue,
    async close() {
      inProcessGroupDeletions.disconnect();
      await queue.close();
    },
  };
}
