/**
 * Counts what a store operation costs in DynamoDB: calls per command and the capacity units
 * DynamoDB Local reports (every command is asked for its ConsumedCapacity by a middleware on the
 * store's own client, so the store runs as in production, only observed).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Cost {
  /** Calls per DynamoDB API, e.g. { GetItem: 1, TransactWriteItems: 1 }. */
  readonly calls: Record<string, number>;
  /** Capacity units reported, per DynamoDB API. */
  readonly units: Record<string, number>;
}

interface Capacity {
  CapacityUnits?: number;
}

export class CapacityMeter {
  private current: { calls: Record<string, number>; units: Record<string, number> } | undefined;

  /** Adds the middleware to `client` (and the DynamoDBClient it wraps). */
  instrument(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const tally = this.current;
        if (!tally) return next(args);
        const command = (context.commandName ?? '').replace(/Command$/, '');
        const response = await next({
          ...args,
          input: { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' },
        });
        const consumed = (response.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (sum, capacity) => sum + (capacity.CapacityUnits ?? 0),
          0,
        );
        tally.calls[command] = (tally.calls[command] ?? 0) + 1;
        tally.units[command] = (tally.units[command] ?? 0) + units;
        return response;
      },
      { step: 'initialize', name: 'capacityMeter' },
    );
  }

  /** Runs `operation` alone (one at a time) and returns what it cost. */
  async measure(operation: () => Promise<unknown>): Promise<Cost> {
    const tally = { calls: {}, units: {} };
    this.current = tally;
    try {
      await operation();
      return tally;
    } finally {
      this.current = undefined;
    }
  }
}
