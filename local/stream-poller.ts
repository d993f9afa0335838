/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping: reads DynamoDB Local's
 * stream of the table (every shard, a child only after its parent is exhausted, as Lambda
 * does), hands batches to the relay handler in Lambda's event shape, and honours its
 * ReportBatchItemFailures answer by retrying from the reported record.
 *
 * Checkpoints (what `npm start` resumes from after a crash): a position, per shard the last
 * sequence number handled, is reported through `onCheckpoint` only once the handler accepted the
 * batch AND `settled()` says every consumer is done with what it published (for `npm start`: each
 * connector's and the evidence recorder's queue has deleted or dead-lettered the message). The
 * local queues live in memory, so a position reported any earlier would skip, after a crash of
 * this process, changes whose events were still queued. Resuming replays what came after the
 * position; consumers dedupe by event id, so the replay is at-least-once and harmless.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { RelayHandler } from '../shared/events/relay.ts';
import { dynamoClientFor, localClientConfig } from './dynamodb-local.ts';

export interface StreamPollerOptions {
  readonly endpoint: string;
  readonly tableName: string;
  readonly handler: RelayHandler;
  /** Where to start in shards that exist now: TRIM_HORIZON for a new table, LATEST to skip old history. */
  readonly startFrom: 'TRIM_HORIZON' | 'LATEST';
  /**
   * Where an earlier poller got to. Shards it names resume right after their sequence number;
   * others are read from TRIM_HORIZON (they came since). Ignored, and `startFrom` used, unless it
   * is of the table's current stream (a table deleted and created again has a new one).
   */
  readonly resumeFrom?: StreamCheckpoint;
  /** Resolves once the consumers are done with everything the handler has published so far. */
  readonly settled?: () => Promise<void>;
  /** Told each new checkpoint, in order, once the records up to it are handled and settled. */
  readonly onCheckpoint?: (checkpoint: StreamCheckpoint) => void | Promise<void>;
  /** Nothing is read while this says so (DynamoDB Local is restarting). */
  readonly paused?: () => boolean;
  /** Records per handler call (the event source mapping's batch size). */
  readonly batchSize?: number;
  /** Pause when no shard had records, and before retrying a failed batch. */
  readonly idleDelayMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** How far a table's stream has been handled: per shard id, the last sequence number. */
export interface StreamCheckpoint {
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, string>>;
}

export interface StreamPoller {
  /** Whether it resumed from `resumeFrom` (false: it started from `startFrom`). */
  readonly resumed: boolean;
  /**
   * Resolves once the poller has handed the handler every record written before the call: a full
   * round, begun after the call and after a fresh look at the shards, found nothing to read and
   * nothing to retry. Tests wait on it to show that something did NOT happen, without a sleep.
   */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

interface ShardState {
  readonly id: string;
  readonly parentId: string | undefined;
  iterator: string | undefined;
  /** The last sequence number handled successfully, to resume after an expired iterator. */
  lastSequence: string | undefined;
  /** Records the handler has not accepted yet, retried before reading further. */
  pending: StreamRecord[];
  done: boolean;
}

const DESCRIBE_EVERY_MS = 1_000;
const RETRY_DELAY_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts polling; resolves once every current shard has an iterator, so that a write made after
 * this resolves is seen even when starting from LATEST.
 *
 * @example
 * const poller = await startStreamPoller({ endpoint, tableName, handler, startFrom: 'TRIM_HORIZON' });
 * await poller.stop();
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const dynamo = dynamoClientFor(options.endpoint);
  const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const latestStreamArn = Table?.LatestStreamArn;
  if (!latestStreamArn) throw new Error(`Table ${options.tableName} has no stream.`);
  const streamArn: string = latestStreamArn;
  const streams = new DynamoDBStreamsClient(localClientConfig(options.endpoint));
  const batchSize = options.batchSize ?? 100;
  const idleDelayMs = options.idleDelayMs ?? 25;
  const onError = options.onError ?? (() => undefined);
  const shards = new Map<string, ShardState>();
  const resumeAfter = options.resumeFrom?.streamArn === streamArn ? options.resumeFrom.shards : undefined;
  const positions: Record<string, string> = { ...resumeAfter };
  // Checkpoints go out one after the other, each once its batch's consumers are done.
  let checkpoints: Promise<void> = Promise.resolve();
  let writing: Promise<void> = Promise.resolve();

  function checkpoint(shardId: string, sequence: string): void {
    if (!options.onCheckpoint) return;
    const settled = options.settled?.() ?? Promise.resolve();
    const report = options.onCheckpoint;
    checkpoints = checkpoints
      .then(() => settled)
      .then(() => {
        positions[shardId] = sequence;
        writing = Promise.resolve(report({ streamArn, shards: { ...positions } }));
        return writing;
      })
      .catch(onError);
  }

  async function describe(startFrom: ShardIteratorType): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        const resumed = resumeAfter?.[shard.ShardId];
        const state: ShardState = {
          id: shard.ShardId,
          parentId: shard.ParentShardId,
          iterator: undefined,
          lastSequence: resumed,
          pending: [],
          done: false,
        };
        // With a checkpoint, a shard it does not name has come since: read it all.
        state.iterator = await iterator(state, resumeAfter ? 'TRIM_HORIZON' : startFrom).catch(
          async (error: unknown) => {
            if (!(error instanceof Error && error.name === 'TrimmedDataAccessException')) throw error;
            onError(
              new Error(
                `Shard ${state.id}: the checkpoint is older than the stream keeps; reading from its oldest record.`,
              ),
            );
            state.lastSequence = undefined;
            return iterator(state, 'TRIM_HORIZON');
          },
        );
        shards.set(shard.ShardId, state);
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  async function iterator(shard: ShardState, type: ShardIteratorType): Promise<string | undefined> {
    const resume = shard.lastSequence !== undefined;
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.id,
        ShardIteratorType: resume ? 'AFTER_SEQUENCE_NUMBER' : type,
        ...(resume ? { SequenceNumber: shard.lastSequence } : {}),
      }),
    );
    return ShardIterator;
  }

  /** A shard may be read once its parent is exhausted (or was never seen: trimmed away). */
  const readable = (shard: ShardState) =>
    !shard.done && !(shard.parentId && shards.get(shard.parentId)?.done === false);

  /** Hands records to the handler; returns false when some must be retried. */
  async function deliver(shard: ShardState, records: StreamRecord[]): Promise<boolean> {
    shard.pending = records;
    const event: DynamoDBStreamEvent = {
      Records: records.map((record) => toLambdaRecord(record, streamArn)),
    };
    let failedFrom = records.length;
    try {
      const { batchItemFailures } = (await options.handler(event)) ?? { batchItemFailures: [] };
      for (const failure of batchItemFailures) {
        const index = records.findIndex(
          (record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier,
        );
        // An identifier that names no record fails the whole batch, as Lambda treats it.
        failedFrom = Math.min(failedFrom, index < 0 ? 0 : index);
      }
    } catch (error) {
      onError(error);
      failedFrom = 0;
    }
    const accepted = records.slice(0, failedFrom);
    const handledUpTo = accepted.at(-1)?.dynamodb?.SequenceNumber;
    if (handledUpTo) {
      shard.lastSequence = handledUpTo;
      checkpoint(shard.id, handledUpTo);
    }
    shard.pending = records.slice(failedFrom);
    return shard.pending.length === 0;
  }

  async function pollShard(shard: ShardState): Promise<boolean> {
    if (shard.pending.length > 0) {
      await deliver(shard, shard.pending);
      return true;
    }
    if (!shard.iterator) {
      shard.done = true;
      return false;
    }
    try {
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize }),
      );
      shard.iterator = NextShardIterator;
      if (Records.length > 0) await deliver(shard, Records);
      if (!NextShardIterator && shard.pending.length === 0) shard.done = true;
      return Records.length > 0;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'ExpiredIteratorException') shard.iterator = await iterator(shard, 'TRIM_HORIZON');
      else if (name === 'TrimmedDataAccessException') {
        shard.lastSequence = undefined;
        shard.iterator = await iterator(shard, 'TRIM_HORIZON');
      } else throw error;
      return false;
    }
  }

  await describe(options.startFrom);
  let running = true;
  let describeNow = false;
  const waiters: { readonly since: number; readonly resolve: () => void }[] = [];
  const loop = (async () => {
    let lastDescribe = Date.now();
    while (running) {
      let busy = false;
      let retrying = false;
      const roundStart = Date.now();
      try {
        if (options.paused?.()) {
          await sleep(RETRY_DELAY_MS);
          continue;
        }
        if (describeNow || Date.now() - lastDescribe > DESCRIBE_EVERY_MS) {
          describeNow = false;
          await describe('TRIM_HORIZON');
          lastDescribe = Date.now();
        }
        for (const shard of shards.values()) {
          if (!running) break;
          if (readable(shard) && (await pollShard(shard))) busy = true;
        }
        retrying = [...shards.values()].some((shard) => shard.pending.length > 0);
        if (!busy && !retrying) {
          // An idle round that began after a waiter asked, with shards described since: caught up.
          const ready = waiters.filter(
            (waiter) => waiter.since <= roundStart && waiter.since <= lastDescribe,
          );
          for (const waiter of ready) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      } catch (error) {
        // An error because DynamoDB Local just died is no news: its supervisor says so.
        if (running && !options.paused?.()) onError(error);
        retrying = true;
      }
      // A failing handler is retried after a pause, not in a tight loop.
      if (running && (retrying || !busy)) await sleep(retrying ? RETRY_DELAY_MS : idleDelayMs);
    }
  })();

  return {
    resumed: resumeAfter !== undefined,
    caughtUp() {
      describeNow = true;
      return new Promise<void>((resolve) => waiters.push({ since: Date.now(), resolve }));
    },
    async stop() {
      running = false;
      await loop;
      // A checkpoint being written is finished; those still waiting on their consumers are not.
      await writing;
      streams.destroy();
    },
  };
}

/** A record as Lambda hands it to the function: the same images, an epoch-seconds timestamp. */
function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const change = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(change?.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(change.ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
      Keys: change?.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      NewImage: change?.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      OldImage: change?.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
      SequenceNumber: change?.SequenceNumber,
      SizeBytes: change?.SizeBytes,
      StreamViewType: change?.StreamViewType,
    },
  };
}
