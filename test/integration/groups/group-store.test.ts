import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { VersionConflict } from '../../../shared/ports/user-store.ts';
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
  userIds,
  versionOf,
} from './fixtures.ts';

const LATER = '2026-03-03T10:00:00.000Z';

const scimError = (status: number, scimType?: string) =>
  expect.objectContaining({ name: 'ScimError', status, ...(scimType ? { scimType } : {}) });

describe('DynamoGroupStore', () => {
  const table = useDynamoTable();
  const { users, groups } = storesOf(table);
  const add = (...ids: string[]) => ({ add: ids, remove: [] });

  it('creates a group with its members and reads it back without them', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob']);
    const created = await groups.create(
      dir,
      {
        id: 'g1',
        resource: groupResource('Engineering', { externalId: 'eng' }),
        members: ['ada', 'bob', 'ada'],
        now: NOW,
      },
      actor,
    );
    expect(created).toEqual({
      id: 'g1',
      resource: groupResource('Engineering', { externalId: 'eng' }),
      version: 1,
      created: NOW,
      lastModified: NOW,
    });
    expect(await groups.get(dir, 'g1')).toEqual(created);
    expect(await groups.memberCount(dir, 'g1')).toBe(2);
    expect(await allMembers(table, dir, 'g1')).toEqual(['ada', 'bob']);
    expect(await groups.groupsOf(dir, 'ada')).toEqual([{ id: 'g1', displayName: 'Engineering' }]);
    // The initial members are one `added` change of version 1: group.member.added with sequence 1.
    expect(await membershipChanges(table, dir, 'g1')).toEqual([
      { version: 1, kind: 'added', members: ['ada', 'bob'], part: 1, parts: 1 },
    ]);
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.group(dir, 'g1') }),
    );
    expect(Item).toMatchObject({
      type: 'Group',
      directoryId: dir,
      id: 'g1',
      displayName: 'Engineering',
      actor,
    });
    expect(JSON.parse(String(Item?.resource))).not.toHaveProperty('members');
    expect(await groups.get(dir, 'nope')).toBeUndefined();
    expect(await groups.get(dir, 'x'.repeat(2000))).toBeUndefined();
  });

  it('keeps displayName unique in any case, on create (an IdP retrying its POST) and on rename', async () => {
    const dir = newDirectory();
    await createGroup(table, dir, 'Sales', [], 'sales');
    const other = await createGroup(table, dir, 'Marketing', [], 'marketing');
    await expect(createGroup(table, dir, 'SALES')).rejects.toEqual(scimError(409, 'uniqueness'));
    await expect(createGroup(table, dir, 'Sales')).rejects.toThrow(/displayName "Sales" is already taken/);
    await expect(
      groups.update(dir, other, { resource: groupResource('sales'), now: LATER }, actor),
    ).rejects.toEqual(scimError(409, 'uniqueness'));
    expect(await groups.get(dir, 'marketing')).toEqual(other);
    expect(await groups.count(dir)).toBe(2);

    // A rename frees the old name; a change of case keeps the claim.
    const renamed = await groups.update(dir, other, { resource: groupResource('Growth'), now: LATER }, actor);
    expect(renamed).toMatchObject({ version: 2, lastModified: LATER, resource: groupResource('Growth') });
    await createGroup(table, dir, 'marketing', [], 'marketing-2');
    const recased = await groups.update(
      dir,
      renamed,
      { resource: groupResource('GROWTH'), now: LATER },
      actor,
    );
    expect(recased.version).toBe(3);
    expect((await groups.lookup(dir, { index: 'displayName', value: 'growth' })).map((g) => g.id)).toEqual([
      'marketing',
    ]);
  });

  it('finds groups by id, displayName in any case, externalId exactly, and a user among members', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob']);
    const create = (id: string, displayName: string, externalId: string, members: string[]) =>
      groups.create(
        dir,
        { id, resource: groupResource(displayName, { externalId }), members, now: NOW },
        actor,
      );
    await create('g1', 'Eng', 'E-1', ['ada']);
    await create('g2', 'Ops', 'e-1', ['ada', 'bob']);
    const ids = async (index: 'id' | 'displayName' | 'externalId' | 'members.value', value: string) =>
      (await groups.lookup(dir, { index, value })).map((group) => group.id);
    expect(await ids('id', 'g2')).toEqual(['g2']);
    expect(await ids('id', 'g3')).toEqual([]);
    expect(await ids('displayName', 'eNG')).toEqual(['g1']);
    expect(await ids('displayName', 'Eng ')).toEqual([]);
    expect(await ids('externalId', 'E-1')).toEqual(['g1']);
    expect(await ids('externalId', 'e-1')).toEqual(['g2']);
    expect(await ids('members.value', 'ada')).toEqual(['g1', 'g2']);
    expect(await ids('members.value', 'bob')).toEqual(['g2']);
    expect(await ids('members.value', 'nobody')).toEqual([]);
    expect(await ids('members.value', 'ada#g')).toEqual([]);
    // A user's index entry for the same externalId is not a group's, nor the other way round.
    await users.create(
      dir,
      { id: 'u-ext', resource: { schemas: [], userName: 'x', externalId: 'E-1' }, now: NOW },
      actor,
    );
    expect(await ids('externalId', 'E-1')).toEqual(['g1']);
    expect((await users.lookup(dir, { index: 'externalId', value: 'E-1' })).map((u) => u.id)).toEqual([
      'u-ext',
    ]);

    // An externalId change moves the entry.
    const g1 = await mustGetGroup(table, dir, 'g1');
    await groups.update(
      dir,
      g1,
      { resource: groupResource('Eng', { externalId: 'E-2' }), now: LATER },
      actor,
    );
    expect(await ids('externalId', 'E-1')).toEqual([]);
    expect(await ids('externalId', 'E-2')).toEqual(['g1']);
  });

  it('pages and scans groups in id order, with totalResults from the counter', async () => {
    const dir = newDirectory();
    for (const id of ['g05', 'g01', 'g04', 'g02', 'g03'])
      await createGroup(table, dir, `Group ${id}`, [], id);
    const first = await groups.page(dir, 1, 2);
    expect(first.totalResults).toBe(5);
    expect(first.groups.map((g) => g.id)).toEqual(['g01', 'g02']);
    expect((await groups.page(dir, 3, 2)).groups.map((g) => g.id)).toEqual(['g03', 'g04']);
    expect((await groups.page(dir, 5, 2)).groups.map((g) => g.id)).toEqual(['g05']);
    // A jump nobody walked to.
    expect((await groups.page(dir, 4, 10)).groups.map((g) => g.id)).toEqual(['g04', 'g05']);
    expect((await groups.page(dir, 6, 2)).groups).toEqual([]);
    const scanned: string[] = [];
    for await (const group of groups.scan(dir)) scanned.push(group.id);
    expect(scanned).toEqual(['g01', 'g02', 'g03', 'g04', 'g05']);
  });

  it('applies add, remove and replaceAll, each as one new version', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob', 'cy', 'dee']);
    const group = await createGroup(table, dir, 'Team', ['ada']);
    const resource = group.resource;
    const change = (members: { replaceAll?: string[]; add: string[]; remove: string[] }) => ({
      resource,
      members,
      now: LATER,
    });

    const added = await groups.update(dir, group, change(add('bob', 'cy')), actor);
    expect(added).toMatchObject({ version: 2, lastModified: LATER });
    expect(await allMembers(table, dir, group.id)).toEqual(['ada', 'bob', 'cy']);

    // An id both added and removed ends up removed.
    const removed = await groups.update(dir, added, change({ add: ['dee'], remove: ['ada', 'dee'] }), actor);
    expect(removed.version).toBe(3);
    expect(await allMembers(table, dir, group.id)).toEqual(['bob', 'cy']);

    const replaced = await groups.update(
      dir,
      removed,
      change({ replaceAll: ['ada', 'bob'], add: ['dee'], remove: ['bob'] }),
      actor,
    );
    expect(replaced.version).toBe(4);
    expect(await allMembers(table, dir, group.id)).toEqual(['ada', 'dee']);
    expect(await groups.memberCount(dir, group.id)).toBe(2);
    expect(await groups.membersAmong(dir, group.id, ['ada', 'bob', 'cy', 'dee', 'ghost'])).toEqual(
      new Set(['ada', 'dee']),
    );
    expect(await groups.groupsOf(dir, 'bob')).toEqual([]);
    expect(await groups.groupsOf(dir, 'dee')).toEqual([{ id: group.id, displayName: 'Team' }]);

    const emptied = await groups.update(
      dir,
      replaced,
      change({ replaceAll: [], add: [], remove: [] }),
      actor,
    );
    expect(emptied.version).toBe(5);
    expect(await allMembers(table, dir, group.id)).toEqual([]);
    expect(await groups.memberCount(dir, group.id)).toBe(0);

    expect(await membershipChanges(table, dir, group.id)).toEqual([
      { version: 1, kind: 'added', members: ['ada'], part: 1, parts: 1 },
      { version: 2, kind: 'added', members: ['bob', 'cy'], part: 1, parts: 1 },
      { version: 3, kind: 'removed', members: ['ada'], part: 1, parts: 1 },
      { version: 4, kind: 'added', members: ['ada', 'dee'], part: 1, parts: 1 },
      { version: 4, kind: 'removed', members: ['bob', 'cy'], part: 1, parts: 1 },
      { version: 5, kind: 'removed', members: ['ada', 'dee'], part: 1, parts: 1 },
    ]);
  });

  it('pages members with `next`, and splits a large change into numbered parts', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(70));
    const group = await createGroup(table, dir, 'Big');
    const updated = await groups.update(
      dir,
      group,
      { resource: group.resource, members: add(...ids), now: LATER },
      actor,
    );
    expect(updated.version).toBe(2);
    expect(await allMembers(table, dir, group.id, 30)).toEqual(ids);
    const first = await groups.members(dir, group.id, { limit: 10 });
    expect(first).toEqual({ userIds: ids.slice(0, 10), next: ids[9] });
    expect(await groups.members(dir, group.id, { limit: 5, after: first.next ?? '' })).toEqual({
      userIds: ids.slice(10, 15),
      next: ids[14],
    });
    expect(await groups.memberCount(dir, group.id)).toBe(70);
    const parts = await membershipChanges(table, dir, group.id);
    expect(parts.map(({ version, kind, part, parts }) => ({ version, kind, part, parts }))).toEqual([
      { version: 2, kind: 'added', part: 1, parts: 3 },
      { version: 2, kind: 'added', part: 2, parts: 3 },
      { version: 2, kind: 'added', part: 3, parts: 3 },
    ]);
    expect(parts.flatMap((part) => part.members).sort()).toEqual(ids);
  });

  it('writes nothing for a change that changes nothing: no new version, no membership change', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob']);
    const group = await createGroup(table, dir, 'Quiet', ['ada']);
    const same = await groups.update(
      dir,
      group,
      { resource: groupResource('Quiet'), members: { add: ['ada'], remove: ['bob', 'ghost'] }, now: LATER },
      actor,
    );
    expect(same).toBe(group);
    const replacedBySame = await groups.update(
      dir,
      group,
      { resource: groupResource('Quiet'), members: { replaceAll: ['ada'], add: [], remove: [] }, now: LATER },
      actor,
    );
    expect(replacedBySame).toBe(group);
    expect(await versionOf(table, dir, group.id)).toBe(1);
    expect(await membershipChanges(table, dir, group.id)).toHaveLength(1);
  });

  it('refuses members that are not users of the directory, naming them, and applies nothing', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob', 'cy']);
    await createUsers(table, newDirectory('elsewhere'), ['xavier']);
    const group = await createGroup(table, dir, 'Strict', ['ada']);

    const attempt = groups.update(
      dir,
      group,
      {
        resource: groupResource('Strict renamed'),
        members: { add: ['bob', 'ghost-1', 'xavier'], remove: ['ada'] },
        now: LATER,
      },
      actor,
    );
    await expect(attempt).rejects.toEqual(scimError(400, 'invalidValue'));
    await expect(attempt).rejects.toThrow(/not found: "ghost-1", "xavier"\. No change was applied/);
    expect(await groups.get(dir, group.id)).toEqual(group);
    expect(await allMembers(table, dir, group.id)).toEqual(['ada']);
    expect(await groups.memberCount(dir, group.id)).toBe(1);
    expect(await membershipChanges(table, dir, group.id)).toHaveLength(1);

    await expect(
      groups.create(
        dir,
        { id: 'g-new', resource: groupResource('New'), members: ['cy', '', 'y'.repeat(2000)], now: NOW },
        actor,
      ),
    ).rejects.toEqual(scimError(400, 'invalidValue'));
    expect(await groups.get(dir, 'g-new')).toBeUndefined();
    expect(await groups.lookup(dir, { index: 'displayName', value: 'New' })).toEqual([]);
    expect(await groups.count(dir)).toBe(1);
  });

  it('adds no user being deleted, and hides such a user from look-ups and pages', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada']);
    await table.document.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.user(dir, 'ada'),
        UpdateExpression: 'SET deleting = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    const group = await createGroup(table, dir, 'Late');
    await expect(
      groups.update(dir, group, { resource: group.resource, members: add('ada'), now: LATER }, actor),
    ).rejects.toEqual(scimError(400, 'invalidValue'));
    expect(await users.get(dir, 'ada')).toMatchObject({ deleting: true });
    expect(await users.lookup(dir, { index: 'id', value: 'ada' })).toEqual([]);
    expect(await users.lookup(dir, { index: 'userName', value: 'ada@example.com' })).toEqual([]);
    expect((await users.page(dir, 1, 10)).users).toEqual([]);
    // Nor can it be changed meanwhile.
    const deleting = await mustGetUser(table, dir, 'ada');
    await expect(
      users.replace(dir, deleting, { resource: { schemas: [], userName: 'ada2' }, now: LATER }, actor),
    ).rejects.toEqual(scimError(404));
  });

  it('with ifMatch, a change of a version that moved on conflicts; without, only attribute changes do', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob', 'cy']);
    const group = await createGroup(table, dir, 'Locked', ['ada']);
    const moved = await groups.update(
      dir,
      group,
      { resource: group.resource, members: add('bob'), now: LATER },
      actor,
    );
    expect(moved.version).toBe(2);

    // `group` is stale now (version 1).
    await expect(
      groups.update(dir, group, { resource: group.resource, members: add('cy'), now: LATER }, actor, {
        ifMatch: true,
      }),
    ).rejects.toBeInstanceOf(VersionConflict);
    await expect(
      groups.update(dir, group, { resource: groupResource('Renamed'), now: LATER }, actor),
    ).rejects.toBeInstanceOf(VersionConflict);
    await expect(
      groups.update(
        dir,
        group,
        { resource: groupResource('Renamed'), members: add('cy'), now: LATER },
        actor,
      ),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(await allMembers(table, dir, group.id)).toEqual(['ada', 'bob']);
    expect(await groups.lookup(dir, { index: 'displayName', value: 'Renamed' })).toEqual([]);
    await expect(groups.delete(dir, group, LATER, actor)).rejects.toBeInstanceOf(VersionConflict);

    // A membership-only change of a stale read still lands, on top of the newer version.
    const landed = await groups.update(
      dir,
      group,
      { resource: group.resource, members: add('cy'), now: LATER },
      actor,
    );
    expect(landed.version).toBe(3);
    const current = await mustGetGroup(table, dir, group.id);
    const withIfMatch = await groups.update(
      dir,
      current,
      { resource: current.resource, members: { add: [], remove: ['ada'] }, now: LATER },
      actor,
      { ifMatch: true },
    );
    expect(withIfMatch.version).toBe(4);
    expect(await allMembers(table, dir, group.id)).toEqual(['bob', 'cy']);
  });

  it('deletes a group with every membership, its name, its entries, and leaves a tombstone', async () => {
    const dir = newDirectory();
    const members = await createUsers(table, dir, userIds(60));
    const group = await groups.create(
      dir,
      { id: 'doomed', resource: groupResource('Doomed', { externalId: 'd' }), members, now: NOW },
      actor,
    );
    const other = await createGroup(table, dir, 'Other', ['u000']);
    await groups.delete(dir, group, LATER, actor);

    expect(await groups.get(dir, 'doomed')).toBeUndefined();
    expect(await allMembers(table, dir, 'doomed')).toEqual([]);
    expect(await groups.memberCount(dir, 'doomed')).toBe(0);
    expect(await groups.groupsOf(dir, 'u000')).toEqual([{ id: other.id, displayName: 'Other' }]);
    expect(await groups.groupsOf(dir, 'u059')).toEqual([]);
    expect(await groups.lookup(dir, { index: 'externalId', value: 'd' })).toEqual([]);
    expect(await groups.count(dir)).toBe(1);
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.groupTombstone(dir, 'doomed') }),
    );
    expect(Item).toMatchObject({ type: 'GroupTombstone', id: 'doomed', version: 2, deletedAt: LATER, actor });
    // The name is free again; the old group is gone for good.
    await createGroup(table, dir, 'doomed');
    await expect(groups.delete(dir, group, LATER, actor)).rejects.toEqual(scimError(404));
  });

  it('deletes a user from every group: members, counts and versions of each, its groups in the tombstone', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['leaver', 'stayer']);
    const g1 = await createGroup(table, dir, 'One', ['leaver', 'stayer'], 'g1');
    const g2 = await createGroup(table, dir, 'Two', ['leaver'], 'g2');
    await users.delete(dir, await mustGetUser(table, dir, 'leaver'), LATER, actor);

    expect(await users.get(dir, 'leaver')).toBeUndefined();
    expect(await allMembers(table, dir, g1.id)).toEqual(['stayer']);
    expect(await groups.memberCount(dir, g1.id)).toBe(1);
    expect(await allMembers(table, dir, g2.id)).toEqual([]);
    expect(await groups.memberCount(dir, g2.id)).toBe(0);
    expect(await groups.groupsOf(dir, 'leaver')).toEqual([]);
    expect(await groups.lookup(dir, { index: 'members.value', value: 'leaver' })).toEqual([]);
    expect(await versionOf(table, dir, g1.id)).toBe(2);
    expect(await versionOf(table, dir, g2.id)).toBe(2);
    expect((await membershipChanges(table, dir, g2.id)).at(-1)).toEqual({
      version: 2,
      kind: 'removed',
      members: ['leaver'],
      part: 1,
      parts: 1,
    });
    const tombstone = async (id: string) =>
      (
        await table.document.send(
          new GetCommand({ TableName: table.tableName, Key: keys.userTombstone(dir, id) }),
        )
      ).Item;
    expect(JSON.parse(String((await tombstone('leaver'))?.resource)).groups).toEqual([
      { value: 'g1', display: 'One' },
      { value: 'g2', display: 'Two' },
    ]);
    // A user in no group: a tombstone without groups.
    await groups.delete(dir, await mustGetGroup(table, dir, 'g1'), LATER, actor);
    await users.delete(dir, await mustGetUser(table, dir, 'stayer'), LATER, actor);
    expect(JSON.parse(String((await tombstone('stayer'))?.resource))).not.toHaveProperty('groups');
  });

  it('refuses changes of a group that is gone', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada']);
    const group = await createGroup(table, dir, 'Gone');
    await groups.delete(dir, group, LATER, actor);
    await expect(
      groups.update(dir, group, { resource: group.resource, members: add('ada'), now: LATER }, actor),
    ).rejects.toEqual(scimError(404));
    await expect(
      groups.update(dir, group, { resource: groupResource('X'), now: LATER }, actor),
    ).rejects.toEqual(scimError(404));
    expect(await groups.groupsOf(dir, 'ada')).toEqual([]);
  });
});
