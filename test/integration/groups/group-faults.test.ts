import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import {
  actor,
  allMembers,
  createGroup,
  createUsers,
  groupResource,
  membershipChanges,
  mustGetGroup,
  mustGetUser,
  NOW,
  newDirectory,
  storesOf,
  storesWithFaults,
  userIds,
  versionOf,
} from './fixtures.ts';

const LATER = '2026-03-03T10:00:00.000Z';
const crash = () => new Error('Lambda timed out');

/**
 * What DynamoDB Local does not do by itself: fail. Crashes and conflicts are injected into the
 * stores' client; everything else runs on DynamoDB Local.
 */
describe('DynamoGroupStore when things fail', { timeout: 60_000 }, () => {
  const table = useDynamoTable();
  const { users, groups } = storesOf(table);

  it('gets parallel membership changes through DynamoDB transaction conflicts', async () => {
    // DynamoDB Local runs transactions one at a time and never reports a conflict, where DynamoDB
    // cancels concurrent transactions touching one item (here the group's counter shards and
    // item). Each write is refused twice, as DynamoDB would refuse it, before it may go through.
    const refusals = new Map<string, number>();
    let refused = 0;
    const conflicted = storesWithFaults(table, (command, input) => {
      if (command !== 'TransactWriteItems' && command !== 'UpdateItem') return;
      const write = JSON.stringify(input);
      if ((refusals.get(write) ?? 0) >= 2) return;
      refusals.set(write, (refusals.get(write) ?? 0) + 1);
      refused++;
      throw command === 'UpdateItem'
        ? new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} })
        : new TransactionCanceledException({
            message: 'Transaction cancelled',
            $metadata: {},
            CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
          });
    });
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(20));
    const group = await createGroup(table, dir, 'Contended');
    await Promise.all(
      ids.map((id) =>
        conflicted.groups.update(
          dir,
          group,
          { resource: group.resource, members: { add: [id], remove: [] }, now: NOW },
          actor,
        ),
      ),
    );
    conflicted.destroy();
    expect(refused).toBeGreaterThanOrEqual(40);
    expect(await allMembers(table, dir, group.id, 100)).toEqual(ids);
    expect(await groups.memberCount(dir, group.id)).toBe(20);
    expect(await versionOf(table, dir, group.id)).toBe(21);
  });

  it('finishes a group delete that crashed half way when the DELETE is repeated', async () => {
    const dir = newDirectory();
    const members = await createUsers(table, dir, userIds(50));
    const group = await groups.create(
      dir,
      { id: 'big', resource: groupResource('Big', { externalId: 'b' }), members, now: NOW },
      actor,
    );
    let batches = 0;
    const crashing = storesWithFaults(table, (command) => {
      if (command === 'BatchWriteItem' && ++batches > 2) throw crash();
    });
    await expect(crashing.groups.delete(dir, group, LATER, actor)).rejects.toThrow('Lambda timed out');
    crashing.destroy();

    // Half deleted: marked, found by nobody, and closed to new members.
    const deleting = await mustGetGroup(table, dir, 'big');
    expect(deleting).toMatchObject({ deleting: true, version: 1 });
    expect((await allMembers(table, dir, 'big', 100)).length).toBeLessThan(50);
    expect(await groups.lookup(dir, { index: 'id', value: 'big' })).toEqual([]);
    expect(await groups.lookup(dir, { index: 'displayName', value: 'big' })).toEqual([]);
    expect(await groups.lookup(dir, { index: 'members.value', value: 'u049' })).toEqual([]);
    expect(await groups.groupsOf(dir, 'u049')).toEqual([]);
    expect((await groups.page(dir, 1, 10)).groups).toEqual([]);
    await createUsers(table, dir, ['late']);
    await expect(
      groups.update(
        dir,
        group,
        { resource: group.resource, members: { add: ['late'], remove: [] }, now: LATER },
        actor,
      ),
    ).rejects.toMatchObject({ status: 404 });

    await groups.delete(dir, deleting, LATER, actor);
    expect(await groups.get(dir, 'big')).toBeUndefined();
    expect(await allMembers(table, dir, 'big')).toEqual([]);
    expect(await groups.memberCount(dir, 'big')).toBe(0);
    expect(await groups.groupsOf(dir, 'u000')).toEqual([]);
    expect(await groups.count(dir)).toBe(0);
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.groupTombstone(dir, 'big') }),
    );
    expect(Item).toMatchObject({ type: 'GroupTombstone', version: 2 });
  });

  it('finishes a user delete that crashed half way, naming every group the user was in', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['leaver']);
    for (const name of ['A', 'B', 'C']) await createGroup(table, dir, name, ['leaver'], name.toLowerCase());
    let transactions = 0;
    const crashing = storesWithFaults(table, (command) => {
      // The first transaction marks the user deleting, the second removes it from group A.
      if (command === 'TransactWriteItems' && ++transactions > 2) throw crash();
    });
    await expect(
      crashing.users.delete(dir, await mustGetUser(table, dir, 'leaver'), LATER, actor),
    ).rejects.toThrow('Lambda timed out');
    crashing.destroy();
    expect(await groups.groupsOf(dir, 'leaver')).toHaveLength(2);
    const deleting = await mustGetUser(table, dir, 'leaver');
    expect(deleting).toMatchObject({ deleting: true, version: 1 });

    await users.delete(dir, deleting, LATER, actor);
    expect(await users.get(dir, 'leaver')).toBeUndefined();
    expect(await groups.groupsOf(dir, 'leaver')).toEqual([]);
    for (const id of ['a', 'b', 'c']) expect(await groups.memberCount(dir, id)).toBe(0);
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.userTombstone(dir, 'leaver') }),
    );
    expect(JSON.parse(String(Item?.resource)).groups).toEqual([
      { value: 'a', display: 'A' },
      { value: 'b', display: 'B' },
      { value: 'c', display: 'C' },
    ]);
  });

  /** Stores whose second membership transaction finds `victim` deleted since the change checked it. */
  function storesWhereUserVanishes(victim: string, dir: string) {
    let transactions = 0;
    return storesWithFaults(table, async (command) => {
      if (command !== 'TransactWriteItems' || ++transactions !== 2) return;
      await table.document.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keys.user(dir, victim),
          UpdateExpression: 'SET deleting = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    });
  }

  it('undoes the parts already written when a user vanishes before a later part: all or nothing', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(40));
    const group = await createGroup(table, dir, 'Atomic');
    const racing = storesWhereUserVanishes('u035', dir);
    await expect(
      racing.groups.update(
        dir,
        group,
        { resource: group.resource, members: { add: [...ids], remove: [] }, now: LATER },
        actor,
      ),
    ).rejects.toMatchObject({
      status: 400,
      scimType: 'invalidValue',
      detail: expect.stringContaining('"u035"'),
    });
    racing.destroy();

    expect(await allMembers(table, dir, group.id)).toEqual([]);
    expect(await groups.memberCount(dir, group.id)).toBe(0);
    expect(await groups.groupsOf(dir, 'u000')).toEqual([]);
    // A consumer sees the first part added (version 2), then removed again (version 3).
    const changes = await membershipChanges(table, dir, group.id);
    expect(
      changes.map(({ version, kind, part, parts, members }) => [version, kind, part, parts, members.length]),
    ).toEqual([
      [2, 'added', 1, 2, 31],
      [3, 'removed', 1, 1, 31],
    ]);
  });

  it('also puts back the attributes of a change undone that way', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(40));
    const group = await createGroup(table, dir, 'Before');
    const racing = storesWhereUserVanishes('u039', dir);
    await expect(
      racing.groups.update(
        dir,
        group,
        { resource: groupResource('After'), members: { add: [...ids], remove: [] }, now: LATER },
        actor,
      ),
    ).rejects.toMatchObject({ status: 400 });
    racing.destroy();

    expect(await mustGetGroup(table, dir, group.id)).toMatchObject({
      resource: groupResource('Before'),
      version: 3,
    });
    expect(await groups.lookup(dir, { index: 'displayName', value: 'after' })).toEqual([]);
    expect((await groups.lookup(dir, { index: 'displayName', value: 'before' })).map((g) => g.id)).toEqual([
      group.id,
    ]);
    expect(await allMembers(table, dir, group.id)).toEqual([]);
    expect(await groups.memberCount(dir, group.id)).toBe(0);
    // The name the change gave up is free again, and so is the one it took.
    await createGroup(table, dir, 'After');
  });

  it('leaves nothing of a create whose later part finds a user vanished', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(40));
    const racing = storesWhereUserVanishes('u039', dir);
    await expect(
      racing.groups.create(
        dir,
        { id: 'g-new', resource: groupResource('New'), members: ids, now: NOW },
        actor,
      ),
    ).rejects.toMatchObject({ status: 400 });
    racing.destroy();
    expect(await groups.get(dir, 'g-new')).toBeUndefined();
    expect(await groups.groupsOf(dir, 'u000')).toEqual([]);
    expect(await groups.count(dir)).toBe(0);
    await createGroup(table, dir, 'New');
  });
});
