import { describe, expect, it } from 'vitest';
import { queryPrefix } from '../../../shared/adapters/dynamodb/query-prefix.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import {
  actor,
  allMembers,
  createGroup,
  createUsers,
  membershipChanges,
  mustGetUser,
  NOW,
  newDirectory,
  storesOf,
  userIds,
  versionOf,
} from './fixtures.ts';

describe('DynamoGroupStore under concurrency', () => {
  const table = useDynamoTable();
  const { users, groups } = storesOf(table);

  it('lands 50 parallel PATCHes adding distinct members to one group, each with its own version', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(50));
    const group = await createGroup(table, dir, 'Crowded');
    // Every writer read version 1, as 50 IdP requests arriving together would.
    const results = await Promise.allSettled(
      ids.map((id) =>
        groups.update(
          dir,
          group,
          { resource: group.resource, members: { add: [id], remove: [] }, now: NOW },
          actor,
        ),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(await allMembers(table, dir, group.id, 100)).toEqual(ids);
    expect(await groups.memberCount(dir, group.id)).toBe(50);
    expect(await versionOf(table, dir, group.id)).toBe(51);
    const changes = await membershipChanges(table, dir, group.id);
    expect(changes.map((change) => change.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(changes.flatMap((change) => change.members).sort()).toEqual(ids);
  });

  it('counts a member once when parallel requests add or remove the same user', async () => {
    const dir = newDirectory();
    await createUsers(table, dir, ['ada', 'bob']);
    const group = await createGroup(table, dir, 'Racy', ['bob']);
    const change = (add: string[], remove: string[]) =>
      groups.update(dir, group, { resource: group.resource, members: { add, remove }, now: NOW }, actor);
    await Promise.all(Array.from({ length: 12 }, () => change(['ada'], [])));
    expect(await allMembers(table, dir, group.id)).toEqual(['ada', 'bob']);
    expect(await groups.memberCount(dir, group.id)).toBe(2);

    const current = await groups.get(dir, group.id);
    if (!current) throw new Error('group missing');
    await Promise.all(
      Array.from({ length: 12 }, () =>
        groups.update(
          dir,
          current,
          { resource: current.resource, members: { add: [], remove: ['bob'] }, now: NOW },
          actor,
        ),
      ),
    );
    expect(await allMembers(table, dir, group.id)).toEqual(['ada']);
    expect(await groups.memberCount(dir, group.id)).toBe(1);
  });

  it('never keeps a user deleted while it is being added as a member', async () => {
    const dir = newDirectory();
    const groupsOfRace = await Promise.all(
      ['Red', 'Green', 'Blue'].map((name) => createGroup(table, dir, name, [], name.toLowerCase())),
    );
    for (const round of userIds(8, 'leaver-')) {
      await createUsers(table, dir, [round]);
      const user = await mustGetUser(table, dir, round);
      const outcomes = await Promise.allSettled([
        ...groupsOfRace.map((group) =>
          groups.update(
            dir,
            group,
            { resource: group.resource, members: { add: [round], remove: [] }, now: NOW },
            actor,
          ),
        ),
        users.delete(dir, user, NOW, actor),
      ]);
      // The delete always succeeds; each add either landed before it (and was swept) or was refused.
      expect(outcomes.at(-1)).toEqual({ status: 'fulfilled', value: undefined });
      for (const outcome of outcomes.slice(0, -1))
        if (outcome.status === 'rejected')
          expect(outcome.reason).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(await users.get(dir, round)).toBeUndefined();
      expect(await groups.groupsOf(dir, round)).toEqual([]);
      expect(
        await queryPrefix(table.document, table.tableName, keys.partition(dir), keys.membershipPrefix(round)),
      ).toEqual([]);
      for (const group of groupsOfRace) {
        expect(await groups.membersAmong(dir, group.id, [round])).toEqual(new Set());
        expect(await groups.memberCount(dir, group.id)).toBe((await allMembers(table, dir, group.id)).length);
      }
    }
  });
});
