import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import pRetry from 'p-retry';

/** DynamoDB accepts at most 100 actions in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/**
 * Jittered backoff for writes that lost to a concurrent transaction on the same item. Generous
 * enough for 50 membership changes of one group arriving at once (they share 8 counter shards):
 * eleven attempts spread over about five seconds.
 */
const CONFLICT_RETRIES = { retries: 10, minTimeout: 20, maxTimeout: 1000, randomize: true } as const;

/**
 * Runs a transaction, retrying only when DynamoDB cancelled it for a conflict with another
 * transaction in flight (nothing was written then). Any other cancellation is returned to the
 * caller as the list of per-item reason codes, in the order of the items.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
): Promise<{ ok: true } | { ok: false; reasons: string[] }> {
  return pRetry(
    async () => {
      try {
        await client.send(new TransactWriteCommand(input));
        return { ok: true } as const;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
        if (reasons.includes('TransactionConflict')) throw error; // retried
        return { ok: false, reasons } as const;
      }
    },
    { ...CONFLICT_RETRIES, shouldRetry: ({ error }) => error instanceof TransactionCanceledException },
  );
}

/**
 * Runs a single-item write (PutItem, UpdateItem, DeleteItem), retrying it while an in-flight
 * transaction holds the item: DynamoDB refuses it with TransactionConflictException, which the
 * SDK does not retry by itself.
 *
 * @example
 * await retryOnTransactionConflict(() => client.send(new UpdateCommand(input)));
 */
export function retryOnTransactionConflict<T>(write: () => Promise<T>): Promise<T> {
  return pRetry(write, {
    ...CONFLICT_RETRIES,
    shouldRetry: ({ error }) => error instanceof TransactionConflictException,
  });
}
