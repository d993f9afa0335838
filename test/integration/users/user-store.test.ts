/**
 * DynamoUserStore on DynamoDB Local: what the SCIM core relies on, observed through the store's
 * own methods (and the tombstone a delete leaves, which is the leaver's evidence).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { StoredUser } from '../../../shared/ports/user-store.ts';
import { VersionConflict } from '../../../shared/ports/user-store.ts';
import type { ScimResource } from '../../../shared/scim/resource.ts';
import { USER_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import {
  actor,
  createGroup,
  createUsers,
  mustGetUser,
  NOW,
  newDirectory,
  storesOf,
  storesWithFaults,
  userIds,
} from '../groups/fixtures.ts';

const LATER = '2026-03-03T10:00:00.000Z';

const scimError = (status: number, scimType?: string) =>
  expect.objectContaining({ name: 'ScimError', status, ...(scimType ? { scimType } : {}) });

const userResource = (userName: string, extra: Record<string, unknown> = {}): ScimResource => ({
  schemas: [USER_SCHEMA],
  userName,
  ...extra,
});

const idsOf = (users: readonly StoredUser[]) => users.map((user) => user.id);

describe('DynamoUserStore', { timeout: 60_000 }, () => {
  const table = useDynamoTable();
  const { users } = storesOf(table);

  const create = (dir: string, id: string, resource: ScimResource = userResource(`${id}@example.com`)) =>
    users.create(dir, { id, resource, now: NOW }, actor);

  it('creates a user and reads it back; an unknown or unkeyable id reads as absent', async () => {
    const dir = newDirectory();
    const created = await create(dir, 'ada', userResource('ada@example.com', { active: true }));
    expect(created).toEqual({
      id: 'ada',
      resource: userResource('ada@example.com', { active: true }),
      version: 1,
      created: NOW,
      lastModified: NOW,
    });
    expect(await users.get(dir, 'ada')).toEqual(created);
    expect(await users.get(dir, 'nobody')).toBeUndefined();
    expect(await users.get(dir, 'x'.repeat(2000))).toBeUndefined();
    // Another directory's user of the same id is another user.
    expect(await users.get(newDirectory(), 'ada')).toBeUndefined();
    // A conformance credential's users are test users, and stay so while only it writes them.
    const probe = await users.create(
      dir,
      { id: 'probe', resource: userResource('probe@example.com'), now: NOW },
      { ...actor, purpose: 'conformance' },
    );
    expect(probe.conformance).toBe(true);
    const linked = await users.replace(dir, probe, { resource: probe.resource, now: LATER }, actor);
    expect(linked.conformance).toBeUndefined();
    expect((await users.get(dir, 'probe'))?.conformance).toBeUndefined();
  });

  it('replaces only the version read: a stale version conflicts, a deleted user is 404', async () => {
    const dir = newDirectory();
    const v1 = await create(dir, 'ada');
    const v2 = await users.replace(
      dir,
      v1,
      { resource: userResource('ada@example.com', { title: 'Engineer' }), now: LATER },
      actor,
    );
    expect(v2).toMatchObject({ version: 2, created: NOW, lastModified: LATER });
    expect(await users.get(dir, 'ada')).toEqual(v2);
    // A change of attributes alone, and one that renames (claim and index entries move): both check the version.
    await expect(
      users.replace(
        dir,
        v1,
        { resource: userResource('ada@example.com', { title: 'CTO' }), now: LATER },
        actor,
      ),
    ).rejects.toBeInstanceOf(VersionConflict);
    await expect(
      users.replace(dir, v1, { resource: userResource('lovelace@example.com'), now: LATER }, actor),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(await users.get(dir, 'ada')).toEqual(v2);
    expect(await users.lookup(dir, { index: 'userName', value: 'lovelace@example.com' })).toEqual([]);

    await users.delete(dir, v2, LATER, actor);
    await expect(
      users.replace(
        dir,
        v2,
        { resource: userResource('ada@example.com', { title: 'CTO' }), now: LATER },
        actor,
      ),
    ).rejects.toEqual(scimError(404));
    await expect(
      users.replace(dir, v2, { resource: userResource('lovelace@example.com'), now: LATER }, actor),
    ).rejects.toEqual(scimError(404));
    await expect(users.delete(dir, v2, LATER, actor)).rejects.toEqual(scimError(404));
  });

  it('keeps userName unique in any case, on create and on rename, and frees a name on rename and delete', async () => {
    const dir = newDirectory();
    const ada = await create(dir, 'ada', userResource('Ada@Example.com'));
    const bob = await create(dir, 'bob', userResource('bob@example.com'));
    await expect(create(dir, 'ada2', userResource('ADA@example.COM'))).rejects.toEqual(
      scimError(409, 'uniqueness'),
    );
    await expect(create(dir, 'ada2', userResource('ada@example.com'))).rejects.toThrow(
      /userName "ada@example.com" is already taken/,
    );
    await expect(
      users.replace(dir, bob, { resource: userResource('ada@EXAMPLE.com'), now: LATER }, actor),
    ).rejects.toEqual(scimError(409, 'uniqueness'));
    expect(await users.get(dir, 'bob')).toEqual(bob);
    expect(await users.count(dir)).toBe(2);
    // The same name in another case is still the user's own name.
    const recased = await users.replace(
      dir,
      ada,
      { resource: userResource('ADA@example.com'), now: LATER },
      actor,
    );
    expect(idsOf(await users.lookup(dir, { index: 'userName', value: 'ada@example.com' }))).toEqual(['ada']);
    // A rename frees the old name for another user; a delete frees the name too.
    await users.replace(dir, recased, { resource: userResource('lovelace@example.com'), now: LATER }, actor);
    await create(dir, 'ada2', userResource('ada@example.com'));
    await users.delete(dir, await mustGetUser(table, dir, 'bob'), LATER, actor);
    await create(dir, 'bob2', userResource('BOB@example.com'));
    expect(idsOf(await users.lookup(dir, { index: 'userName', value: 'bob@example.com' }))).toEqual(['bob2']);
    // A name only one other directory holds is free here.
    await users.create(
      newDirectory(),
      { id: 'x', resource: userResource('ada@example.com'), now: NOW },
      actor,
    );
  });

  it('answers filters on id, userName, externalId and emails from its entries, which follow every change', async () => {
    const dir = newDirectory();
    const ada = await create(
      dir,
      'ada',
      userResource('ada@example.com', {
        externalId: 'E-1',
        emails: [{ value: 'ada@work.example' }, { value: 'ada@home.example' }],
      }),
    );
    // externalId is not unique in SCIM: two users may carry the same one, and both are found.
    await create(dir, 'twin', userResource('twin@example.com', { externalId: 'E-1' }));
    await create(dir, 'bob', userResource('bob@example.com', { externalId: 'e-1' }));
    const find = async (index: 'id' | 'userName' | 'externalId' | 'emails.value', value: string) =>
      idsOf(await users.lookup(dir, { index, value })).sort();

    expect(await find('id', 'ada')).toEqual(['ada']);
    expect(await find('id', 'nobody')).toEqual([]);
    expect(await find('userName', 'ADA@EXAMPLE.COM')).toEqual(['ada']);
    expect(await find('externalId', 'E-1')).toEqual(['ada', 'twin']);
    expect(await find('externalId', 'e-1')).toEqual(['bob']);
    expect(await find('emails.value', 'ada@home.example')).toEqual(['ada']);
    expect(await find('emails.value', 'nobody@home.example')).toEqual([]);

    await users.replace(
      dir,
      ada,
      { resource: userResource('ada@example.com', { emails: [{ value: 'ada@new.example' }] }), now: LATER },
      actor,
    );
    expect(await find('externalId', 'E-1')).toEqual(['twin']);
    expect(await find('emails.value', 'ada@home.example')).toEqual([]);
    expect(await find('emails.value', 'ada@new.example')).toEqual(['ada']);
    await users.delete(dir, await mustGetUser(table, dir, 'ada'), LATER, actor);
    expect(await find('emails.value', 'ada@new.example')).toEqual([]);
    expect(await find('userName', 'ada@example.com')).toEqual([]);
    expect(await find('id', 'ada')).toEqual([]);
  });

  it('refuses a user with more index entries (externalId and email addresses) than one transaction can hold', async () => {
    const dir = newDirectory();
    const emails = Array.from({ length: 41 }, (_, i) => ({ value: `a${i}@example.com` }));
    const resource = (count: number) =>
      userResource('ada@example.com', { externalId: 'E-1', emails: emails.slice(0, count) });
    await expect(create(dir, 'ada', resource(41))).rejects.toEqual(scimError(400, 'invalidValue'));
    expect(await users.get(dir, 'ada')).toBeUndefined();
    expect(await users.count(dir)).toBe(0);
    const forty = await create(dir, 'ada', resource(40));
    expect(idsOf(await users.lookup(dir, { index: 'emails.value', value: 'a39@example.com' }))).toEqual([
      'ada',
    ]);
    await expect(users.replace(dir, forty, { resource: resource(41), now: LATER }, actor)).rejects.toEqual(
      scimError(400, 'invalidValue'),
    );
    expect(await users.get(dir, 'ada')).toEqual(forty);
  });

  it('reads many users at once: those that exist, each once, past 100 ids', async () => {
    const dir = newDirectory();
    const ids = await createUsers(table, dir, userIds(130));
    const found = await users.getMany(dir, [...ids, 'nobody', 'u007', 'x'.repeat(2000)]);
    expect(idsOf(found).sort()).toEqual([...ids]);
    expect(found.find((user) => user.id === 'u007')?.resource.userName).toBe('u007@example.com');
    expect(await users.getMany(dir, [])).toEqual([]);
  });

  it('pages by index and by cursor in id order, counts, and scans', async () => {
    const dir = newDirectory();
    for (const id of ['u05', 'u01', 'u04', 'u02', 'u03']) await create(dir, id);
    expect(await users.count(dir)).toBe(5);

    const first = await users.page(dir, 1, 2);
    expect(first.totalResults).toBe(5);
    expect(idsOf(first.users)).toEqual(['u01', 'u02']);
    expect(idsOf((await users.page(dir, 3, 2)).users)).toEqual(['u03', 'u04']);
    expect(idsOf((await users.page(dir, 5, 2)).users)).toEqual(['u05']);
    expect(idsOf((await users.page(dir, 4, 10)).users)).toEqual(['u04', 'u05']);
    expect((await users.page(dir, 6, 2)).users).toEqual([]);

    const start = await users.pageAt(dir, {}, 2);
    expect({ ids: idsOf(start.items), more: start.more, total: start.totalResults }).toEqual({
      ids: ['u01', 'u02'],
      more: true,
      total: 5,
    });
    const next = await users.pageAt(dir, { after: 'u02' }, 2);
    expect({ ids: idsOf(next.items), more: next.more }).toEqual({ ids: ['u03', 'u04'], more: true });
    const last = await users.pageAt(dir, { after: 'u04' }, 2);
    expect({ ids: idsOf(last.items), more: last.more }).toEqual({ ids: ['u05'], more: false });
    const back = await users.pageAt(dir, { before: 'u05' }, 2);
    expect({ ids: idsOf(back.items), more: back.more }).toEqual({ ids: ['u03', 'u04'], more: true });
    // A position names a place in the list, not a user: one that never existed works as well.
    expect(idsOf((await users.pageAt(dir, { after: 'u025' }, 10)).items)).toEqual(['u03', 'u04', 'u05']);

    // A delete shifts every later position, and the count follows.
    await users.delete(dir, await mustGetUser(table, dir, 'u02'), LATER, actor);
    await create(dir, 'u06');
    expect(await users.count(dir)).toBe(5);
    expect(idsOf((await users.page(dir, 3, 2)).users)).toEqual(['u04', 'u05']);
    expect(idsOf((await users.pageAt(dir, { after: 'u01' }, 2)).items)).toEqual(['u03', 'u04']);
    const scanned: string[] = [];
    for await (const user of users.scan(dir)) scanned.push(user.id);
    expect(scanned).toEqual(['u01', 'u03', 'u04', 'u05', 'u06']);
  });

  it('deletes a user with its groups in the tombstone; a delete stopped halfway is hidden and finished by a repeat', async () => {
    const dir = newDirectory();
    for (const id of ['a', 'leaver', 'z'])
      await create(dir, id, userResource(`${id}@example.com`, { externalId: id }));
    await createGroup(table, dir, 'One', ['leaver', 'a'], 'g1');
    await createGroup(table, dir, 'Two', ['leaver'], 'g2');
    const leaver = await mustGetUser(table, dir, 'leaver');

    // The final transaction fails once, as a timed-out Lambda would stop after the sweep.
    let crash = true;
    const faulty = storesWithFaults(table, (command, input) => {
      const [first] = (input.TransactItems ?? []) as { Delete?: { Key?: { sk?: unknown } } }[];
      if (
        crash &&
        command === 'TransactWriteItems' &&
        first?.Delete?.Key?.sk === keys.user(dir, 'leaver').sk
      ) {
        crash = false;
        throw new Error('Task timed out');
      }
    });
    try {
      await expect(faulty.users.delete(dir, leaver, LATER, actor)).rejects.toThrow('Task timed out');
    } finally {
      faulty.destroy();
    }

    // Half deleted: gone for every SCIM read, though the item is there with its mark.
    expect((await users.get(dir, 'leaver'))?.deleting).toBe(true);
    expect(await users.lookup(dir, { index: 'id', value: 'leaver' })).toEqual([]);
    expect(await users.lookup(dir, { index: 'userName', value: 'leaver@example.com' })).toEqual([]);
    expect(await users.lookup(dir, { index: 'externalId', value: 'leaver' })).toEqual([]);
    expect(idsOf(await users.getMany(dir, ['a', 'leaver', 'z']))).toEqual(['a', 'z']);
    expect(idsOf((await users.page(dir, 1, 10)).users)).toEqual(['a', 'z']);
    expect(idsOf((await users.pageAt(dir, {}, 10)).items)).toEqual(['a', 'z']);
    const scanned: string[] = [];
    for await (const user of users.scan(dir)) scanned.push(user.id);
    expect(scanned).toEqual(['a', 'z']);
    await expect(
      users.replace(
        dir,
        leaver,
        { resource: userResource('leaver@example.com', { title: 'Back' }), now: LATER },
        actor,
      ),
    ).rejects.toEqual(scimError(404));

    // The repeat (an IdP retrying its DELETE) finishes the job from the stored, marked user.
    await users.delete(dir, await mustGetUser(table, dir, 'leaver'), LATER, actor);
    expect(await users.get(dir, 'leaver')).toBeUndefined();
    expect(await users.count(dir)).toBe(2);
    const { Item: tombstone } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.userTombstone(dir, 'leaver') }),
    );
    expect(tombstone).toMatchObject({ id: 'leaver', deletedAt: LATER, version: 2, actor });
    expect(JSON.parse(String(tombstone?.resource)).groups).toEqual([
      { value: 'g1', display: 'One' },
      { value: 'g2', display: 'Two' },
    ]);
    // Its name and entries are free again.
    await create(dir, 'leaver2', userResource('LEAVER@example.com', { externalId: 'leaver' }));
    expect(idsOf(await users.lookup(dir, { index: 'externalId', value: 'leaver' }))).toEqual(['leaver2']);
  });

  it('a delete of a version that moved on conflicts and deletes nothing', async () => {
    const dir = newDirectory();
    const v1 = await create(dir, 'ada');
    await users.replace(
      dir,
      v1,
      { resource: userResource('ada@example.com', { title: 'CTO' }), now: LATER },
      actor,
    );
    await expect(users.delete(dir, v1, LATER, actor)).rejects.toBeInstanceOf(VersionConflict);
    expect(await users.get(dir, 'ada')).toMatchObject({ version: 2 });
    expect(await users.lookup(dir, { index: 'id', value: 'ada' })).toHaveLength(1);
    expect(await users.count(dir)).toBe(1);
  });
});
