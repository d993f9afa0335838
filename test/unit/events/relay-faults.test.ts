import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../shared/adapters/eventbridge/event-publisher.ts';
import { eventsFromChange } from '../../../shared/events/from-change.ts';
import { createRelayHandler, type RelayHandler } from '../../../shared/events/relay.ts';
import { streamRecord, tombstoneItem, userItem } from './fixtures.ts';

/**
 * Fault injection on the real relay and the real EventBridge adapter, with the EventBridge client
 * mocked: PutEvents throws, partly fails, the relay dies mid-batch, a batch arrives twice.
 * Lambda's event source mapping is played by `deliverUntilDone`, with its documented semantics.
 */
const eventBridge = mockClient(EventBridgeClient);
afterEach(() => eventBridge.reset());
const logger = new Logger({ serviceName: 'relay-test', logLevel: 'ERROR' });

/** Everything EventBridge accepted, in order (duplicates included). */
let accepted: string[] = [];
let calls = 0;
type Fault = (entries: PutEventsRequestEntry[], call: number) => 'ok' | 'throw' | number[];

function busWith(fault: Fault) {
  accepted = [];
  calls = 0;
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries;
    expect(entries.length).toBeLessThanOrEqual(10);
    const outcome = fault(entries, ++calls);
    if (outcome === 'throw') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const failing = new Set(outcome === 'ok' ? [] : outcome);
    entries.forEach((entry, index) => {
      if (!failing.has(index)) accepted.push(JSON.parse(entry.Detail ?? '{}').eventId);
    });
    return {
      FailedEntryCount: failing.size,
      Entries: entries.map((_, index) =>
        failing.has(index) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'x' } : { EventId: `eb-${index}` },
      ),
    };
  });
  const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'local' }), 'bus', {
    retries: 1,
    minTimeoutMs: 1,
    maxTimeoutMs: 2,
  });
  return createRelayHandler({ publisher, logger });
}

/** Lambda's stream semantics: retry from the reported record, the whole batch when the function fails. */
async function deliverUntilDone(
  handler: RelayHandler,
  records: DynamoDBRecord[],
  options: { crashOnInvocation?: number } = {},
): Promise<number> {
  let remaining = records;
  for (let invocation = 1; remaining.length > 0; invocation++) {
    if (invocation > 50) throw new Error('The relay never finished the batch.');
    try {
      if (invocation === options.crashOnInvocation) throw new Error('Runtime exited mid-batch');
      const { batchItemFailures } = await handler({ Records: remaining });
      const failedAt = batchItemFailures.map((failure) =>
        remaining.findIndex((record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier),
      );
      remaining =
        failedAt.length === 0 ? [] : remaining.slice(Math.min(...failedAt.map((i) => (i < 0 ? 0 : i))));
    } catch {
      // The function failed: Lambda delivers the same records again.
    }
  }
  return calls;
}

function lifecycleBatch(): DynamoDBRecord[] {
  const records: DynamoDBRecord[] = [];
  for (const id of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']) {
    records.push(streamRecord(undefined, userItem(id, 1)));
    records.push(streamRecord(userItem(id, 1), userItem(id, 2, { active: false, title: 'gone' })));
  }
  records.push(streamRecord(undefined, tombstoneItem('u1', 3)));
  records.push(streamRecord(userItem('u1', 2), undefined));
  return records;
}

function expectedIds(records: DynamoDBRecord[]): string[] {
  return records.flatMap((record) =>
    eventsFromChange({
      oldImage: record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as never) : undefined,
      newImage: record.dynamodb?.NewImage ? unmarshall(record.dynamodb.NewImage as never) : undefined,
    }).map((event) => event.eventId),
  );
}

/** Every expected event delivered at least once; deduped by eventId, each exactly once. */
function expectNoneLost(records: DynamoDBRecord[]) {
  const expected = expectedIds(records);
  expect(expected.length).toBe(25);
  const deduped = [...new Set(accepted)];
  expect(deduped.sort()).toEqual([...expected].sort());
}

describe('relay under faults', () => {
  it('publishes every event of a clean batch once, in order', async () => {
    const records = lifecycleBatch();
    await deliverUntilDone(
      busWith(() => 'ok'),
      records,
    );
    expect(accepted).toEqual(expectedIds(records));
  });

  it('survives PutEvents throwing: nothing lost', async () => {
    const records = lifecycleBatch();
    await deliverUntilDone(
      busWith((_, call) => (call % 3 === 1 ? 'throw' : 'ok')),
      records,
    );
    expectNoneLost(records);
  });

  it('resends only the failed entries of a partial failure', async () => {
    const sent: string[][] = [];
    const handler = busWith((entries, call) => {
      sent.push(entries.map((entry) => JSON.parse(entry.Detail ?? '{}').eventId));
      return call === 1 ? [1, 4] : 'ok';
    });
    const records = lifecycleBatch();
    await deliverUntilDone(handler, records);
    expectNoneLost(records);
    expect(accepted.length).toBe(25); // no duplicate at all: accepted entries were not resent
    const retry = sent.find((ids, index) => index > 0 && ids.length === 2);
    expect(retry).toEqual([sent[0]?.[1], sent[0]?.[4]]);
  });

  it('reports the first record whose events failed after the retry budget, and Lambda resumes there', async () => {
    // Every entry about u3 keeps failing; the others go through.
    const handler = busWith((entries) =>
      entries.flatMap((entry, index) => (entry.Detail?.includes('"id":"u3"') ? [index] : [])),
    );
    const records = lifecycleBatch();
    const result = await handler({ Records: records });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: records[4]?.dynamodb?.SequenceNumber }]);
  });

  it('survives a crash mid-batch and the same batch delivered twice: consumers deduping see each once', async () => {
    const records = lifecycleBatch();
    let crashed = false;
    const handler = busWith((_, call) => {
      // The runtime dies after its second PutEvents call: later calls of that invocation never happen.
      if (call === 3 && !crashed) {
        crashed = true;
        throw Object.assign(new Error('Runtime.ExitError'), { name: 'Crash' });
      }
      return 'ok';
    });
    await deliverUntilDone(handler, records, { crashOnInvocation: 1 });
    await deliverUntilDone(handler, records);
    await deliverUntilDone(handler, records); // delivered twice
    expectNoneLost(records);
    expect(accepted.length).toBeGreaterThan(25); // there were duplicates, and dedupe absorbed them
  });

  it('keeps going when PutEvents partly fails at random, over many batches', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const records = lifecycleBatch();
    await deliverUntilDone(
      busWith((entries) => {
        if (random() < 0.2) return 'throw';
        return entries.flatMap((_, index) => (random() < 0.3 ? [index] : []));
      }),
      records,
    );
    expectNoneLost(records);
  });
});
