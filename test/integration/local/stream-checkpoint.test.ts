/**
 * The stream poller's checkpoint, on the run's DynamoDB Local: a position is reported only once
 * the consumers are done with what was published, and a poller given that position resumes right
 * after it, neither skipping nor (beyond it) replaying a change.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type StreamCheckpoint, type StreamPoller, startStreamPoller } from '../../../local/stream-poller.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const table = useDynamoTable();
const pollers: StreamPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

async function put(...keys: string[]): Promise<void> {
  for (const key of keys)
    await table.client.send(
      new PutItemCommand({ TableName: table.tableName, Item: { pk: { S: 'CHECKPOINT' }, sk: { S: key } } }),
    );
}

/** A poller whose handler keeps the keys it is given, in order, with their sequence numbers. */
async function poll(options: {
  resumeFrom?: StreamCheckpoint;
  settled?: () => Promise<void>;
  onCheckpoint?: (checkpoint: StreamCheckpoint) => void;
}) {
  const seen: { key: string; sequence: string }[] = [];
  const poller = await startStreamPoller({
    endpoint: table.endpoint,
    tableName: table.tableName,
    startFrom: 'TRIM_HORIZON',
    ...options,
    handler: async (event: DynamoDBStreamEvent) => {
      for (const record of event.Records)
        seen.push({
          key: String(record.dynamodb?.Keys?.sk?.S),
          sequence: String(record.dynamodb?.SequenceNumber),
        });
      return { batchItemFailures: [] };
    },
  });
  pollers.push(poller);
  return { poller, seen };
}

async function until<T>(value: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = value();
    if (current !== undefined) return current;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the stream checkpoint', () => {
  it('is reported once the consumers are done, and a new poller resumes right after it', async () => {
    let consumersDone: () => void = () => undefined;
    const consumers = new Promise<void>((resolve) => {
      consumersDone = resolve;
    });
    const checkpoints: StreamCheckpoint[] = [];
    const first = await poll({ settled: () => consumers, onCheckpoint: (c) => checkpoints.push(c) });
    await put('a1', 'a2', 'a3');
    const lastOfFirst = await until(
      () => first.seen.find((record) => record.key === 'a3')?.sequence,
      'the first poller to see a3',
    );
    // The handler accepted every record, but the consumers are not done: no position yet.
    expect(checkpoints).toEqual([]);
    consumersDone();
    const checkpoint = await until(
      () => checkpoints.find((c) => Object.values(c.shards).includes(lastOfFirst)),
      'a checkpoint at a3',
    );
    expect(first.poller.resumed).toBe(false);
    await first.poller.stop();

    await put('b1', 'b2');
    const second = await poll({ resumeFrom: checkpoint });
    expect(second.poller.resumed).toBe(true);
    await until(() => (second.seen.length >= 2 ? true : undefined), 'the second poller to see two records');
    expect(second.seen.map((record) => record.key)).toEqual(['b1', 'b2']);
  });

  it('is ignored when it is of another stream (the table was created again): startFrom applies', async () => {
    await put('c1');
    const other = await poll({
      resumeFrom: { streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/gone/stream/x', shards: {} },
    });
    expect(other.poller.resumed).toBe(false);
    await until(() => (other.seen.some((record) => record.key === 'c1') ? true : undefined), 'c1');
    expect(other.seen[0]?.key).toBe('a1');
  });
});

describe('caughtUp', () => {
  it('resolves only once the handler has been given every change written before the call', async () => {
    const { poller, seen } = await poll({});
    for (let round = 0; round < 3; round++) {
      const keys = [`up-${round}-a`, `up-${round}-b`, `up-${round}-c`];
      await put(...keys);
      await poller.caughtUp();
      expect(seen.map(({ key }) => key)).toEqual(expect.arrayContaining(keys));
    }
  });
});
