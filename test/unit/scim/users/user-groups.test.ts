import { beforeEach, describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { GroupService } from '../../../../shared/scim/groups/group-service.ts';
import type { ListResponse } from '../../../../shared/scim/list.ts';
import { type ScimRequestContext, UserService } from '../../../../shared/scim/users/user-service.ts';
import { type InMemoryDirectory, inMemoryDirectory } from '../../../support/in-memory-directory.ts';

const ctx: ScimRequestContext = {
  directoryId: 'd1',
  actor: { kind: 'token', id: 't1' },
  baseUrl: 'https://scim.example.com/d1/scim/v2',
};
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let directory: InMemoryDirectory;
let users: UserService;
let groups: GroupService;
/** userName -> id */
let ids: Record<string, string>;
/** displayName -> id */
let groupIds: Record<string, string>;

async function refusal(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

const userNames = (response: ListResponse) => response.Resources.map((user) => user.userName);

beforeEach(async () => {
  directory = inMemoryDirectory();
  let next = 0;
  // Ids in creation order, so that id order and userName order agree in the assertions.
  users = new UserService(directory.users, directory.groups, { newId: () => `u${next++}` });
  groups = new GroupService(directory.groups);
  ids = {};
  for (const name of ['ada', 'bob', 'cy', 'dee']) {
    ids[name] = String((await users.create(ctx, { userName: name, active: true })).resource.id);
  }
  groupIds = {};
  for (const [name, members] of [
    ['Engineering', ['ada', 'bob', 'cy']],
    ['Admins', ['bob']],
  ] as const) {
    const created = await groups.create(ctx, {
      displayName: name,
      members: members.map((member) => ({ value: ids[member] })),
    });
    groupIds[name] = String(created.resource.id);
  }
  directory.groups.calls.reset();
  directory.users.calls.reset();
});

describe('the groups attribute of a user', () => {
  it('lists the groups of the user, sorted by id, as direct memberships with display and $ref', async () => {
    const result = await users.get(ctx, ids.bob as string, {});
    expect('resource' in result && result.resource.groups).toEqual(
      [groupIds.Engineering, groupIds.Admins].sort().map((id) => ({
        value: id,
        $ref: `${ctx.baseUrl}/Groups/${id}`,
        display: id === groupIds.Admins ? 'Admins' : 'Engineering',
        type: 'direct',
      })),
    );
  });

  it('is left out, and not read, when the projection leaves it out', async () => {
    for (const projection of [{ excludedAttributes: ['groups'] }, { attributes: ['userName'] }]) {
      const result = await users.get(ctx, ids.bob as string, projection);
      expect('resource' in result && result.resource.groups).toBeUndefined();
    }
    expect(directory.groups.calls.of('groupsOf')).toBe(0);
  });

  it('is absent for a user in no group, and not read for a user just created', async () => {
    const result = await users.get(ctx, ids.dee as string, {});
    expect('resource' in result && result.resource).not.toHaveProperty('groups');
    directory.groups.calls.reset();
    const created = await users.create(ctx, { userName: 'eve' });
    expect(created.resource).not.toHaveProperty('groups');
    expect(directory.groups.calls.of('groupsOf')).toBe(0);
  });

  it('is shown on PATCH and PUT answers and on every user of a list page', async () => {
    const patched = await users.patch(ctx, ids.ada as string, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(patched.resource.groups).toEqual([expect.objectContaining({ value: groupIds.Engineering })]);
    const replaced = await users.replace(ctx, ids.ada as string, { userName: 'ada', active: true });
    expect(replaced.resource.groups).toHaveLength(1);
    const page = await users.list(ctx, { startIndex: 1, count: 10 });
    expect(page.Resources.map((user) => (Array.isArray(user.groups) ? user.groups.length : 0))).toEqual([
      1, 2, 1, 0,
    ]);
  });

  it('cannot be written: PUT ignores it, PATCH refuses it', async () => {
    const replaced = await users.replace(ctx, ids.dee as string, {
      userName: 'dee',
      groups: [{ value: groupIds.Admins }],
    });
    expect(replaced.resource).not.toHaveProperty('groups');
    const error = await refusal(
      users.patch(ctx, ids.dee as string, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'groups', value: [{ value: groupIds.Admins }] }],
      }),
    );
    expect(error.scimType).toBe('mutability');
  });
});

describe('GET /Users?filter=groups.value eq "…": the members of a group', () => {
  it('pages the members from the memberships and fetches only the page, without examining users', async () => {
    const filter = `groups.value eq "${groupIds.Engineering}"`;
    const first = await users.list(ctx, { startIndex: 1, count: 2, filter });
    expect(first).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 1 });
    expect(userNames(first)).toEqual(['ada', 'bob']);
    const second = await users.list(ctx, { startIndex: 3, count: 2, filter });
    expect(userNames(second)).toEqual(['cy']);
    expect(directory.users.calls.of('scan')).toBe(0);
    expect(directory.users.calls.of('page')).toBe(0);
    expect(directory.users.calls.of('getMany')).toBe(2);
  });

  it('reads the member slices only up to the page asked for', async () => {
    await users.list(ctx, { startIndex: 1, count: 1, filter: `groups[value eq "${groupIds.Engineering}"]` });
    expect(directory.groups.calls.of('members')).toBe(1);
  });

  it('answers an unknown group with an empty list', async () => {
    const response = await users.list(ctx, { startIndex: 1, count: 10, filter: 'groups.value eq "nope"' });
    expect(response).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('combines a group condition with other conditions, evaluated exactly', async () => {
    await users.patch(ctx, ids.cy as string, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    const inactive = await users.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: `groups.value eq "${groupIds.Engineering}" and active eq false`,
    });
    expect(userNames(inactive)).toEqual(['cy']);
    const either = await users.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: `groups.value eq "${groupIds.Admins}" or userName eq "dee"`,
    });
    expect(userNames(either)).toEqual(['bob', 'dee']);
    const outside = await users.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: `not (groups.value eq "${groupIds.Engineering}")`,
    });
    expect(userNames(outside)).toEqual(['dee']);
  });

  it('refuses other comparisons on groups with 400 invalidFilter saying what works', async () => {
    for (const filter of [
      'groups.display eq "Admins"',
      'groups pr',
      `groups.value ne "${groupIds.Admins}"`,
    ]) {
      const error = await refusal(users.list(ctx, { startIndex: 1, count: 10, filter }));
      expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
      expect(error.detail).toContain('groups.value eq "<group id>"');
    }
  });

  it('refuses a combined filter over a group larger than the scan bound, pointing to the plain one', async () => {
    users = new UserService(directory.users, directory.groups, { maxFilterScan: 2 });
    const error = await refusal(
      users.list(ctx, {
        startIndex: 1,
        count: 10,
        filter: `groups.value eq "${groupIds.Engineering}" and active eq true`,
      }),
    );
    expect(error.scimType).toBe('tooMany');
    expect(error.detail).toContain(`groups.value eq "${groupIds.Engineering}" alone`);
    const plain = await users.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: `groups.value eq "${groupIds.Engineering}"`,
    });
    expect(plain.totalResults).toBe(3);
  });
});

describe('a user whose delete is under way', () => {
  beforeEach(async () => {
    const stored = await directory.users.get('d1', ids.ada as string);
    if (stored) directory.users.put('d1', { ...stored, deleting: true });
  });

  it('is not found for reads and writes', async () => {
    expect((await refusal(users.get(ctx, ids.ada as string, {}))).status).toBe(404);
    expect((await refusal(users.replace(ctx, ids.ada as string, { userName: 'ada' }))).status).toBe(404);
    const filtered = await users.list(ctx, { startIndex: 1, count: 10, filter: 'userName eq "ada"' });
    expect(filtered.totalResults).toBe(0);
  });

  it('is deleted by a repeated DELETE, which removes its memberships', async () => {
    await users.delete(ctx, ids.ada as string);
    expect(await directory.users.get('d1', ids.ada as string)).toBeUndefined();
    expect(
      await directory.groups.membersAmong('d1', groupIds.Engineering as string, [ids.ada as string]),
    ).toEqual(new Set());
  });
});

describe('a group whose delete is under way', () => {
  it('is in no user’s groups and matches no groups.value filter, while its memberships are removed', async () => {
    const id = groupIds.Engineering as string;
    directory.groups.markDeleting('d1', id);
    const result = await users.get(ctx, ids.bob as string, {});
    expect('resource' in result && result.resource.groups).toEqual([
      expect.objectContaining({ value: groupIds.Admins }),
    ]);
    for (const filter of [
      `groups.value eq "${id}"`,
      `groups.value eq "${id}" and active eq true`,
      `userName eq "ada" and groups[value eq "${id}"]`,
      `groups.value eq "${id}" or groups.value eq "${groupIds.Admins}"`,
    ]) {
      const found = await users.list(ctx, { startIndex: 1, count: 10, filter });
      expect(userNames(found), filter).toEqual(filter.includes(' or ') ? ['bob'] : []);
    }
  });
});
