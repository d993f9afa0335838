/**
 * Counts what one high-level operation costs in DynamoDB: calls, per command, and capacity
 * units. An SDK middleware on the store's own client asks every command for its
 * ConsumedCapacity, so the store runs exactly as in production, only observed.
 */
import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TransactionPricer } from './capacity.ts';

export interface Tally {
  calls: number;
  /** Calls per DynamoDB API, e.g. { GetItem: 1, TransactWriteItems: 1 }. */
  commands: Record<string, number>;
  rcu: number;
  wcu: number;
  /** What DynamoDB Local itself reported for TransactWriteItems, before the pricing rules replaced it. */
  localTransactionWcu: number;
  /** Actions in the TransactWriteItems calls, e.g. 5 for a create with one email. */
  transactionActions: number;
  /** Time the bench spent sizing transaction items; taken out of the operation's latency. */
  overheadMs: number;
}

export interface Measured<T> {
  readonly result: T;
  readonly ms: number;
  readonly tally: Tally;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

interface Capacity {
  CapacityUnits?: number;
}

export class Meter {
  /** The operation being measured. The bench runs one operation at a time, so one slot is enough. */
  private current: Tally | undefined;

  constructor(private readonly pricer: TransactionPricer) {}

  /** Adds the middleware to `client`'s stack (shared with the DynamoDBClient it wraps). */
  instrument(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        if (!READS.has(command) && !WRITES.has(command)) return next(args);
        const input: Record<string, unknown> = { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' };
        const tally = this.current;
        if (!tally) return next({ ...args, input });

        const transaction =
          command === 'TransactWriteItems' ? (input as TransactWriteCommandInput) : undefined;
        const before = transaction
          ? await this.overhead(tally, () => this.pricer.before(transaction))
          : undefined;
        tally.calls++;
        tally.commands[command] = (tally.commands[command] ?? 0) + 1;
        const response = await next({ ...args, input });
        const output = response.output as { ConsumedCapacity?: Capacity | Capacity[] };
        const reported = capacityUnits(command, output.ConsumedCapacity);
        if (transaction && before) {
          tally.localTransactionWcu += reported;
          tally.transactionActions += transaction.TransactItems?.length ?? 0;
          tally.wcu += await this.overhead(tally, () => this.pricer.units(transaction, before));
        } else if (WRITES.has(command)) {
          tally.wcu += reported;
        } else {
          // DynamoDB charges a read that finds nothing the minimum (1 RCU strongly consistent,
          // 0.5 eventually); DynamoDB Local reports 0 for a Query that matches no item.
          tally.rcu += reported > 0 ? reported : input.ConsistentRead === true ? 1 : 0.5;
        }
        return response;
      },
      { step: 'initialize', name: 'benchConsumedCapacity' },
    );
  }

  async measure<T>(operation: () => Promise<T>): Promise<Measured<T>> {
    const tally: Tally = {
      calls: 0,
      commands: {},
      rcu: 0,
      wcu: 0,
      localTransactionWcu: 0,
      transactionActions: 0,
      overheadMs: 0,
    };
    this.current = tally;
    try {
      const started = performance.now();
      const result = await operation();
      return { result, ms: performance.now() - started - tally.overheadMs, tally };
    } finally {
      this.current = undefined;
    }
  }

  private async overhead<T>(tally: Tally, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      tally.overheadMs += performance.now() - started;
    }
  }
}

function capacityUnits(command: string, consumed: Capacity | Capacity[] | undefined): number {
  if (consumed === undefined) throw new Error(`DynamoDB Local returned no ConsumedCapacity for ${command}`);
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce(
    (sum, c) => sum + (c.CapacityUnits ?? 0),
    0,
  );
}
