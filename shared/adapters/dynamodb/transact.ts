import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import pRetry from 'p-retry';

/** DynamoDB accepts at most 100 actions in one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

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
    {
      retries: 6,
      minTimeout: 20,
      maxTimeout: 500,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof TransactionCanceledException,
    },
  );
}
