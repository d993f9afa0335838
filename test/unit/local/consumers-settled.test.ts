/**
 * What the stream checkpoint of `npm start` waits for: the local bus is settled only once each
 * subscriber is done, and a queue subscriber is done with an event only once its message is
 * handled (deleted after the handler accepted it, or dead-lettered), not when it was enqueued.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../../local/event-bus.ts';
import { LocalSqsQueue } from '../../../local/sqs-queue.ts';
import { eventsFromChange } from '../../../shared/events/from-change.ts';
import { eventPatterns } from '../../../shared/events/patterns.ts';
import { userItem } from '../events/fixtures.ts';

const queues: LocalSqsQueue[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

const created = eventsFromChange({ oldImage: undefined, newImage: userItem('ada', 1) });

/** A bus whose only subscriber feeds `queue` and is done once the queue handled the message. */
function busInto(queue: LocalSqsQueue): LocalEventBus {
  const bus = new LocalEventBus();
  bus.subscribe(eventPatterns.all, (event) => queue.whenHandled(queue.send(JSON.stringify(event))));
  return bus;
}

function queueWith(
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  maxReceiveCount = 5,
): LocalSqsQueue {
  const queue = new LocalSqsQueue({
    name: 'test',
    handler,
    maxReceiveCount,
    visibilityTimeoutMs: 5,
    pollMs: 5,
  });
  queues.push(queue);
  return queue;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('consumers settled', () => {
  it('is not reached while the handler is still working on the message, and is once it accepted it', async () => {
    let accept: () => void = () => undefined;
    let received = 0;
    const queue = queueWith(async () => {
      received++;
      await new Promise<void>((resolve) => {
        accept = resolve;
      });
      return { batchItemFailures: [] };
    });
    const bus = busInto(queue);
    await bus.publish(created);
    let settled = false;
    const done = bus.settled().then(() => {
      settled = true;
    });
    await until(() => received === 1, 'the handler to receive the message');
    expect(settled).toBe(false);
    accept();
    await done;
    expect(queue.depth).toBe(0);
  });

  it('waits through a failed delivery until the redelivery is accepted', async () => {
    let received = 0;
    const queue = queueWith(async (event) => {
      received++;
      return {
        batchItemFailures:
          received === 1 ? event.Records.map((record) => ({ itemIdentifier: record.messageId })) : [],
      };
    });
    const bus = busInto(queue);
    await bus.publish(created);
    await bus.settled();
    expect(received).toBe(2);
  });

  it('counts a dead-lettered message as handled', async () => {
    const queue = queueWith(async () => {
      throw new Error('vendor down');
    }, 1);
    const bus = busInto(queue);
    await bus.publish(created);
    await bus.settled();
    expect(queue.deadLetters).toHaveLength(1);
  });

  it('does not wait for events published after it was asked', async () => {
    const queue = queueWith(async (event) => ({
      // Only Ada's creation is ever accepted; her deactivation stays in the queue.
      batchItemFailures: event.Records.filter((record) => !record.body.includes('"user.created"')).map(
        (record) => ({ itemIdentifier: record.messageId }),
      ),
    }));
    const bus = busInto(queue);
    await bus.publish(created);
    const first = bus.settled();
    await bus.publish(
      eventsFromChange({ oldImage: userItem('ada', 1), newImage: userItem('ada', 2, { active: false }) }),
    );
    await first;
    await until(() => queue.depth > 0, 'the deactivation to be queued');
  });
});
