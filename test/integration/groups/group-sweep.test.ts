import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventBus } from '../../../local/event-bus.ts';
import type { StreamPoller } from '../../../local/stream-poller.ts';
import { batchPut, inParallel } from '../../../shared/adapters/dynamodb/batch.ts';
import { memberCounterItems, memberItems } from '../../../shared/adapters/dynamodb/group-item.ts';
import { SqsGroupDeletionQueue } from '../../../shared/adapters/sqs/group-deletion-queue.ts';
import { createGroupSweeperHandler, SWEEPER_RESERVE_MS } from '../../../shared/background/group-sweeper.ts';
import { groupDeletionMessageOf } from '../../../shared/contracts/group-deletion.ts';
import type { GroupDeletionQueue, GroupDeletionRequest } from '../../../shared/ports/group-deletion-queue.ts';
import type { Actor } from '../../../shared/ports/user-store.ts';
import { GroupService } from '../../../shared/scim/groups/group-service.ts';
import { GROUP_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';
import { type ScimRequestContext, UserService } from '../../../shared/scim/users/user-service.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { collectEvents, type EventCollector } from '../../support/event-collector.ts';
import { relayStreamToBus } from '../../support/stream-relay.ts';
import {
  actor,
  allMembers,
  createGroup,
  createUsers,
  newDirectory,
  storesOf,
  storesWithFaults,
  userIds,
} from './fixtures.ts';

const DELETED_AT = '2026-03-02T13:00:00.000Z';
const RETRIED_AT = '2026-03-02T13:05:00.000Z';
const quiet = { info: () => undefined, warn: () => undefined };
/** A run of the sweeper with minutes left, and one with nothing left but its reserve. */
const plentyOfTime = { getRemainingTimeInMillis: () => 5 * 60_000 };
const outOfTime = { getRemainingTimeInMillis: () => SWEEPER_RESERVE_MS };

/**
 * A group DELETE too large for its request, finished by the group sweeper: on DynamoDB Local,
 * through the real stores, the stream and the relay. The request's deadline is made to have
 * passed, so the hand-off happens on a group of a few hundred members.
 */
// A few seconds each; the timeout leaves room for a machine busy with other test files.
describe('group deletes finished in the background', { timeout: 120_000 }, () => {
  const table = useDynamoTable();
  const { users, groups: store } = storesOf(table);
  const bus = new LocalEventBus();
  let poller: StreamPoller;
  let events: EventCollector;
  /** What the SCIM functions and the sweeper handed to the sweeper's queue. */
  const queued: GroupDeletionRequest[] = [];
  const queue: GroupDeletionQueue = { enqueue: async (request) => void queued.push(request) };
  const groups = new GroupService(store, { deletions: queue, clock: () => new Date(DELETED_AT) });
  const people = new UserService(users, store);
  const sweep = createGroupSweeperHandler({ groups, queue, log: quiet });

  beforeAll(async () => {
    poller = await relayStreamToBus(table, bus);
    events = collectEvents(bus);
  });
  afterAll(async () => {
    events.stop();
    await poller.stop();
  });

  const contextOf = (directoryId: string, by: Actor = actor): ScimRequestContext => ({
    directoryId,
    actor: by,
    baseUrl: `https://scim.example.com/${directoryId}/scim/v2`,
  });

  /**
   * A group created through the service, its members written straight to the table in the
   * store's own format (both items of each membership and the counter): a test about deleting
   * should not spend its time on hundreds of membership transactions.
   */
  async function groupOf(ctx: ScimRequestContext, displayName: string, members: readonly string[]) {
    const id = String((await groups.create(ctx, { schemas: [GROUP_SCHEMA], displayName })).resource.id);
    const items = members.flatMap((userId) => memberItems(ctx.directoryId, id, userId));
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 24) batches.push(items.slice(i, i + 24));
    await inParallel(batches, 4, (batch) => batchPut(table.document, table.tableName, batch));
    await batchPut(table.document, table.tableName, memberCounterItems(ctx.directoryId, id, members.length));
    return id;
  }

  async function userOf(ctx: ScimRequestContext, id: string) {
    const result = await people.get(ctx, id, {});
    if ('notModified' in result) throw new Error('unexpected 304');
    return result.resource;
  }

  /** DELETE with a deadline already past: every membership is left to the sweeper. */
  async function deleteOutOfTime(ctx: ScimRequestContext, id: string): Promise<GroupDeletionRequest> {
    await groups.delete(ctx, id, {}, { deadline: Date.now() });
    expect(queued).toEqual([{ directoryId: ctx.directoryId, groupId: id }]);
    return queued.splice(0)[0] as GroupDeletionRequest;
  }

  async function tombstoneOf(directoryId: string, id: string) {
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.groupTombstone(directoryId, id) }),
    );
    return Item;
  }

  /**
   * How many group.deleted events the group got, once the relay has read every change written so
   * far and the bus has delivered what it published: a second one would be counted by then.
   */
  async function deletedEvents(id: string): Promise<number> {
    await poller.caughtUp();
    await bus.settled();
    return events.of(id).filter((event) => event.type === 'group.deleted').length;
  }

  it('answers the DELETE at once, hides the group everywhere, frees its name; the sweeper finishes it', async () => {
    const dir = newDirectory();
    const ctx = contextOf(dir);
    // The users the assertions read; the memberships of the other 198 need no user item to be swept.
    await createUsers(table, dir, ['u000', 'u001']);
    const members = userIds(300);
    const other = await createGroup(table, dir, 'Other', ['u000']);
    const id = await groupOf(ctx, 'All staff', members);

    const request = await deleteOutOfTime(ctx, id);
    expect(await allMembers(table, dir, id, 1000)).toHaveLength(300);

    // Gone for every read while its 600 membership items wait for the sweeper.
    await expect(groups.get(ctx, id, {})).rejects.toMatchObject({ status: 404 });
    const list = await groups.list(ctx, { startIndex: 1, count: 10 });
    expect([list.totalResults, list.Resources.map((group) => group.id)]).toEqual([1, [other.id]]);
    const byName = await groups.list(ctx, { startIndex: 1, count: 10, filter: 'displayName eq "all staff"' });
    expect(byName.totalResults).toBe(0);
    expect((await userOf(ctx, 'u001')).groups).toBeUndefined();
    expect((await userOf(ctx, 'u000')).groups).toEqual([
      expect.objectContaining({ value: other.id, display: 'Other' }),
    ]);
    for (const filter of [
      `groups.value eq "${id}"`,
      `groups.value eq "${id}" and active eq false`,
      `userName eq "u001@example.com" and groups[value eq "${id}"]`,
    ])
      expect((await people.list(ctx, { startIndex: 1, count: 10, filter })).totalResults, filter).toBe(0);
    // The IdP may push a group of the same name at once.
    const successor = await groupOf(ctx, 'All Staff', ['u001']);

    const answer = await sweep(sqsEvent([request]), plentyOfTime);
    expect(answer.batchItemFailures).toEqual([]);
    expect(queued).toEqual([]);
    expect(await allMembers(table, dir, id)).toEqual([]);
    expect(await store.memberCount(dir, id)).toBe(0);
    expect(await store.get(dir, id)).toBeUndefined();
    // The tombstone says what the DELETE did, when and by whom: group.deleted, once.
    expect(await tombstoneOf(dir, id)).toMatchObject({
      type: 'GroupTombstone',
      deletedAt: DELETED_AT,
      actor,
    });
    expect(await deletedEvents(id)).toBe(1);
    // The successor keeps the name, its member and its place; the other group is untouched.
    const named = await groups.list(ctx, { startIndex: 1, count: 10, filter: 'displayName eq "ALL STAFF"' });
    expect(named.Resources.map((group) => group.id)).toEqual([successor]);
    expect(await allMembers(table, dir, successor)).toEqual(['u001']);
    expect(await allMembers(table, dir, other.id)).toEqual(['u000']);
    expect((await groups.list(ctx, { startIndex: 1, count: 10 })).totalResults).toBe(2);
  });

  it('answers 503 with Retry-After when SQS cannot be reached, and the retried DELETE finishes', async () => {
    const dir = newDirectory();
    const ctx = contextOf(dir);
    const id = await groupOf(ctx, 'Unlucky', userIds(60));
    // The real SQS adapter, against an address where nothing listens.
    const sqs = new SQSClient({ endpoint: 'http://127.0.0.1:9', region: 'local', maxAttempts: 1 });
    const unreachable = new GroupService(store, {
      deletions: new SqsGroupDeletionQueue(sqs, 'http://127.0.0.1:9/q'),
    });
    await expect(unreachable.delete(ctx, id, {}, { deadline: Date.now() })).rejects.toMatchObject({
      status: 503,
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    sqs.destroy();
    // Nothing is lost: marked, gone for reads, every member still to remove.
    expect(await store.get(dir, id)).toMatchObject({ deleting: true });
    await expect(groups.get(ctx, id, {})).rejects.toMatchObject({ status: 404 });
    expect(await allMembers(table, dir, id, 1000)).toHaveLength(60);

    await groups.delete(ctx, id);
    expect(queued).toEqual([]);
    expect(await store.get(dir, id)).toBeUndefined();
    expect(await allMembers(table, dir, id)).toEqual([]);
    expect(await tombstoneOf(dir, id)).toMatchObject({ type: 'GroupTombstone' });
  });

  it('resumes a run that crashed, queues the rest of a run out of time, and keeps what each did', async () => {
    const dir = newDirectory();
    const ctx = contextOf(dir);
    const id = await groupOf(ctx, 'Crashy', userIds(200));
    const request = await deleteOutOfTime(ctx, id);

    // Run 1 dies after two batches (a crash, an outage): the message fails and is redelivered.
    let batches = 0;
    const crashing = storesWithFaults(table, (command) => {
      if (command === 'BatchWriteItem' && ++batches > 2) throw new Error('Lambda crashed');
    });
    const crashingSweep = createGroupSweeperHandler({
      groups: new GroupService(crashing.groups),
      queue,
      log: quiet,
    });
    const first = await crashingSweep(sqsEvent([request]), plentyOfTime);
    crashing.destroy();
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'message-0' }]);
    const left = (await allMembers(table, dir, id, 1000)).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(200);
    expect(await store.get(dir, id)).toMatchObject({ deleting: true });

    // Run 2, the redelivery, starts with nothing but its reserve left: it queues the rest.
    const second = await sweep(sqsEvent([request], 2), outOfTime);
    expect(second.batchItemFailures).toEqual([]);
    expect(queued.splice(0)).toEqual([request]);
    expect(await allMembers(table, dir, id, 1000)).toHaveLength(left);

    // Run 3 has time: done. A late duplicate of any of the messages changes nothing.
    expect((await sweep(sqsEvent([request]), plentyOfTime)).batchItemFailures).toEqual([]);
    expect(await allMembers(table, dir, id)).toEqual([]);
    expect(await store.get(dir, id)).toBeUndefined();
    expect((await sweep(sqsEvent([request], 3), plentyOfTime)).batchItemFailures).toEqual([]);
    expect(queued).toEqual([]);
    expect(await deletedEvents(id)).toBe(1);
  });

  it('lets a repeated IdP DELETE finish first, keeping the first DELETE’s time and actor', async () => {
    const dir = newDirectory();
    const id = await groupOf(contextOf(dir), 'Twice', userIds(40));
    const request = await deleteOutOfTime(contextOf(dir), id);

    const later = new GroupService(store, { deletions: queue, clock: () => new Date(RETRIED_AT) });
    const retrier: Actor = { kind: 'token', id: 'tok-2', label: 'Entra ID (retry)' };
    await later.delete(contextOf(dir, retrier), id);
    expect(queued).toEqual([]);
    expect((await sweep(sqsEvent([request]), plentyOfTime)).batchItemFailures).toEqual([]);
    expect(await tombstoneOf(dir, id)).toMatchObject({ deletedAt: DELETED_AT, actor });
    expect(await deletedEvents(id)).toBe(1);
  });

  it('deletes no live group on a message’s word, and fails an unreadable message', async () => {
    const dir = newDirectory();
    const live = await createGroup(table, dir, 'Live', await createUsers(table, dir, ['ada']));
    const answer = await sweep(
      {
        Records: [
          ...sqsEvent([{ directoryId: dir, groupId: live.id }]).Records,
          {
            ...(sqsEvent([{ directoryId: dir, groupId: 'x' }]).Records[0] as SQSEvent['Records'][number]),
            messageId: 'garbled',
            body: '{"groupId":',
          },
        ],
      },
      plentyOfTime,
    );
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'garbled' }]);
    expect(await store.get(dir, live.id)).toMatchObject({ id: live.id });
    expect(await allMembers(table, dir, live.id)).toEqual(['ada']);
  });
});

/** The SQS event Lambda delivers for these messages (the Nth delivery of each). */
function sqsEvent(requests: readonly GroupDeletionRequest[], receiveCount = 1): SQSEvent {
  return {
    Records: requests.map((request, index) => ({
      messageId: `message-${index}`,
      receiptHandle: `receipt-${index}-${receiveCount}`,
      body: groupDeletionMessageOf(request),
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:group-deletions',
      awsRegion: 'local',
    })),
  };
}
