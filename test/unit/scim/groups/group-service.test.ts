import { beforeEach, describe, expect, it } from 'vitest';
import type {
  GroupDeletionQueue,
  GroupDeletionRequest,
} from '../../../../shared/ports/group-deletion-queue.ts';
import type { StoredUser } from '../../../../shared/ports/user-store.ts';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { GroupService } from '../../../../shared/scim/groups/group-service.ts';
import type { ScimResource } from '../../../../shared/scim/resource.ts';
import type { ScimRequestContext } from '../../../../shared/scim/users/user-service.ts';
import { type InMemoryDirectory, inMemoryDirectory } from '../../../support/in-memory-directory.ts';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ctx: ScimRequestContext = {
  directoryId: 'd1',
  actor: { kind: 'token', id: 't1' },
  baseUrl: 'https://scim.example.com/d1/scim/v2',
};
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

let directory: InMemoryDirectory;
let service: GroupService;

function user(id: string): StoredUser {
  const now = '2026-01-01T00:00:00.000Z';
  return { id, resource: { schemas: [], userName: `${id}@x` }, version: 1, created: now, lastModified: now };
}

async function refusal(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

const memberIds = (resource: ScimResource) =>
  (Array.isArray(resource.members) ? resource.members : []).map((m) => (m as { value: string }).value).sort();

async function full(id: string): Promise<ScimResource> {
  const result = await service.get(ctx, id, {});
  if ('notModified' in result) throw new Error('unexpected 304');
  return result.resource;
}

beforeEach(() => {
  directory = inMemoryDirectory();
  for (const id of ['u1', 'u2', 'u3', 'u4', 'u5']) directory.users.put('d1', user(id));
  service = new GroupService(directory.groups, { maxMembersReturned: 4 });
});

describe('create', () => {
  it('stores the group with its members and shows them as users with $ref', async () => {
    const { resource, etag } = await service.create(ctx, {
      schemas: [GROUP, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      displayName: 'Engineering',
      members: [{ value: 'u1', display: 'Ada' }, { value: 'u2' }, { value: 'u1' }],
    });
    expect(etag).toBe('W/"1"');
    expect(resource).toMatchObject({
      schemas: [GROUP],
      displayName: 'Engineering',
      members: [
        { value: 'u1', $ref: `${ctx.baseUrl}/Users/u1`, type: 'User' },
        { value: 'u2', $ref: `${ctx.baseUrl}/Users/u2`, type: 'User' },
      ],
      meta: {
        resourceType: 'Group',
        location: `${ctx.baseUrl}/Groups/${String(resource.id)}`,
        version: 'W/"1"',
      },
    });
    expect(memberIds(await full(String(resource.id)))).toEqual(['u1', 'u2']);
  });

  it('creates a group with members [] (Entra ID, Okta) without a members attribute', async () => {
    const { resource } = await service.create(ctx, { displayName: 'Empty', members: [] });
    expect(resource.members).toBeUndefined();
  });

  it('refuses a member that is not a user of the directory, and stores nothing', async () => {
    const error = await refusal(service.create(ctx, { displayName: 'G', members: [{ value: 'nobody' }] }));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(error.detail).toContain('nobody');
    expect((await service.list(ctx, { startIndex: 1, count: 10 })).totalResults).toBe(0);
  });

  it('refuses a nested group, saying nested groups are not supported', async () => {
    const { resource } = await service.create(ctx, { displayName: 'Inner' });
    const error = await refusal(
      service.create(ctx, { displayName: 'Outer', members: [{ value: resource.id, type: 'Group' }] }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(error.detail).toContain('nested groups are not supported');
  });

  it('refuses a displayName taken in another letter case with 409 uniqueness', async () => {
    await service.create(ctx, { displayName: 'Sales' });
    const error = await refusal(service.create(ctx, { displayName: 'SALES' }));
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
  });

  it('requires a displayName', async () => {
    const error = await refusal(service.create(ctx, { members: [] }));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
  });
});

describe('get', () => {
  it('with excludedAttributes=members reads no membership at all, whatever the group size', async () => {
    const { resource } = await service.create(ctx, {
      displayName: 'Big',
      members: ['u1', 'u2', 'u3', 'u4', 'u5'].map((value) => ({ value })),
    });
    directory.groups.calls.reset();
    const result = await service.get(ctx, String(resource.id), { excludedAttributes: ['members'] });
    expect('resource' in result && result.resource.displayName).toBe('Big');
    expect('resource' in result && result.resource.members).toBeUndefined();
    for (const method of ['members', 'memberCount', 'membersAmong'])
      expect(directory.groups.calls.of(method)).toBe(0);
  });

  it('answers 400 tooMany for a group over the response limit, saying how to read it', async () => {
    const { resource } = await service.create(ctx, {
      displayName: 'Big',
      members: ['u1', 'u2', 'u3', 'u4', 'u5'].map((value) => ({ value })),
    });
    directory.groups.calls.reset();
    const error = await refusal(service.get(ctx, String(resource.id), {}));
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
    expect(error.detail).toContain('excludedAttributes=members');
    expect(error.detail).toContain(`groups.value eq "${String(resource.id)}"`);
    // Refused from the count, before a single member was read.
    expect(directory.groups.calls.of('members')).toBe(0);
  });

  it('reads the members of a group in slices', async () => {
    service = new GroupService(directory.groups);
    const ids = Array.from({ length: 2_500 }, (_, i) => `m${String(i).padStart(4, '0')}`);
    for (const id of ids) directory.users.put('d1', user(id));
    const { resource } = await service.create(ctx, {
      displayName: 'Wide',
      members: ids.map((value) => ({ value })),
    });
    directory.groups.calls.reset();
    expect(memberIds(await full(String(resource.id)))).toEqual(ids);
    expect(directory.groups.calls.of('members')).toBe(3);
  });

  it('answers If-None-Match with the current version as not modified', async () => {
    const { resource, etag } = await service.create(ctx, { displayName: 'G' });
    expect(await service.get(ctx, String(resource.id), {}, { ifNoneMatch: etag })).toEqual({
      notModified: true,
      etag,
    });
  });

  it('does not find a group whose delete is under way, and a repeated DELETE finishes it', async () => {
    const { resource } = await service.create(ctx, { displayName: 'Leaving' });
    const id = String(resource.id);
    directory.groups.markDeleting('d1', id);
    expect((await refusal(service.get(ctx, id, {}))).status).toBe(404);
    expect(
      (await refusal(service.patch(ctx, id, patch({ op: 'replace', path: 'displayName', value: 'X' }))))
        .status,
    ).toBe(404);
    expect(
      (await service.list(ctx, { startIndex: 1, count: 10, filter: 'displayName eq "Leaving"' }))
        .totalResults,
    ).toBe(0);
    await service.delete(ctx, id);
    expect(await directory.groups.get('d1', id)).toBeUndefined();
  });
});

describe('patch', () => {
  let id: string;
  beforeEach(async () => {
    id = String(
      (await service.create(ctx, { displayName: 'Engineering', members: [{ value: 'u1' }] })).resource.id,
    );
  });

  it('applies membership operations in order and answers with the ETag only', async () => {
    directory.groups.calls.reset();
    const result = await service.patch(
      ctx,
      id,
      patch(
        { op: 'remove', path: 'members[value eq "u1"]' },
        { op: 'add', path: 'members', value: [{ value: 'u2' }, { value: 'u3' }] },
        { op: 'remove', path: 'members[value eq "u3"]' },
      ),
    );
    expect(result).toEqual({ etag: 'W/"2"' });
    expect(directory.groups.calls.of('members')).toBe(0);
    expect(memberIds(await full(id))).toEqual(['u2']);
  });

  it('writes nothing for Okta’s rename with the unchanged displayName and id', async () => {
    const result = await service.patch(
      ctx,
      id,
      patch({ op: 'replace', value: { id, displayName: 'Engineering' } }),
    );
    expect(result.etag).toBe('W/"1"');
    expect(directory.groups.calls.of('update')).toBe(0);
  });

  it('applies nothing when a member is not a user of the directory', async () => {
    const error = await refusal(
      service.patch(
        ctx,
        id,
        patch(
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'add', path: 'members', value: [{ value: 'u2' }, { value: 'ghost' }] },
        ),
      ),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    const after = await full(id);
    expect([after.displayName, memberIds(after), after.meta]).toMatchObject([
      'Engineering',
      ['u1'],
      { version: 'W/"1"' },
    ]);
  });

  it('returns the projected group when asked for attributes', async () => {
    const result = await service.patch(
      ctx,
      id,
      patch({ op: 'add', path: 'members', value: [{ value: 'u2' }] }),
      {},
      { attributes: ['members'] },
    );
    expect(result.resource).toEqual({
      schemas: [GROUP],
      id,
      members: [
        { value: 'u1', $ref: `${ctx.baseUrl}/Users/u1`, type: 'User' },
        { value: 'u2', $ref: `${ctx.baseUrl}/Users/u2`, type: 'User' },
      ],
    });
  });

  it('refuses a stale If-Match with 412 and applies nothing', async () => {
    const error = await refusal(
      service.patch(ctx, id, patch({ op: 'add', path: 'members', value: [{ value: 'u2' }] }), {
        ifMatch: 'W/"7"',
      }),
    );
    expect(error.status).toBe(412);
    expect(memberIds(await full(id))).toEqual(['u1']);
  });

  it('refuses to change the id (mutability), as the PATCH goldens do', async () => {
    const error = await refusal(service.patch(ctx, id, patch({ op: 'replace', value: { id: 'other' } })));
    expect([error.status, error.scimType]).toEqual([400, 'mutability']);
  });

  it('lands every one of simultaneous renames without If-Match (re-read and re-applied)', async () => {
    const names = ['A', 'B', 'C', 'D', 'E'];
    await Promise.all(
      names.map((name) => service.patch(ctx, id, patch({ op: 'replace', path: 'displayName', value: name }))),
    );
    const after = await full(id);
    expect(names).toContain(after.displayName);
    expect((after.meta as { version: string }).version).toBe(`W/"${names.length + 1}"`);
  });
});

describe('replace (PUT)', () => {
  it('keeps the members when the body has none, and empties the group for members []', async () => {
    const id = String(
      (await service.create(ctx, { displayName: 'G', members: [{ value: 'u1' }, { value: 'u2' }] })).resource
        .id,
    );
    const kept = await service.replace(ctx, id, { schemas: [GROUP], displayName: 'G2', externalId: 'x1' });
    expect([kept.resource.displayName, kept.resource.externalId, memberIds(kept.resource)]).toEqual([
      'G2',
      'x1',
      ['u1', 'u2'],
    ]);
    const emptied = await service.replace(ctx, id, { displayName: 'G2', members: [] });
    expect(emptied.resource.members).toBeUndefined();
    expect(emptied.resource.externalId).toBeUndefined();
  });

  it('refuses, before writing, a change whose answer could not carry the members', async () => {
    const id = String(
      (
        await service.create(ctx, {
          displayName: 'G',
          members: ['u1', 'u2', 'u3', 'u4'].map((value) => ({ value })),
        })
      ).resource.id,
    );
    const error = await refusal(
      service.replace(ctx, id, {
        displayName: 'G',
        members: ['u1', 'u2', 'u3', 'u4', 'u5'].map((value) => ({ value })),
      }),
    );
    expect(error.scimType).toBe('tooMany');
    expect((await directory.groups.get('d1', id))?.version).toBe(1);
    const projected = await service.replace(
      ctx,
      id,
      { displayName: 'G', members: ['u1', 'u2', 'u3', 'u4', 'u5'].map((value) => ({ value })) },
      {},
      { excludedAttributes: ['members'] },
    );
    expect(projected.etag).toBe('W/"2"');
  });
});

describe('list', () => {
  let ids: Record<string, string>;
  beforeEach(async () => {
    ids = {};
    for (const [name, members] of [
      ['Sales', ['u1']],
      ['Engineering', ['u1', 'u2']],
      ['Support', []],
    ] as const) {
      ids[name] = String(
        (await service.create(ctx, { displayName: name, members: members.map((value) => ({ value })) }))
          .resource.id,
      );
    }
  });
  const names = (response: { Resources: Record<string, unknown>[] }) =>
    response.Resources.map((resource) => resource.displayName).sort();

  it('answers Entra ID’s membership check without reading the members', async () => {
    directory.groups.calls.reset();
    const filter = (user: string) => ({
      startIndex: 1,
      count: 10,
      filter: `id eq "${ids.Engineering}" and members[value eq "${user}"]`,
      excludedAttributes: ['members'],
    });
    expect((await service.list(ctx, filter('u2'))).totalResults).toBe(1);
    expect((await service.list(ctx, filter('u3'))).totalResults).toBe(0);
    expect(directory.groups.calls.of('members')).toBe(0);
    expect(directory.groups.calls.of('lookup:id')).toBe(2);
  });

  it('finds the groups of a user through the memberships, with members.value or members[value eq]', async () => {
    for (const filter of ['members[value eq "u1"]', 'members.value eq "u1"', 'members eq "u1"']) {
      directory.groups.calls.reset();
      const response = await service.list(ctx, { startIndex: 1, count: 10, filter });
      expect(names(response)).toEqual(['Engineering', 'Sales']);
      expect(directory.groups.calls.of('scan')).toBe(0);
    }
  });

  it('serves unfiltered cursor pages from storage by position, never reading every group', async () => {
    directory.groups.calls.reset();
    const query = { startIndex: 1, count: 2, excludedAttributes: ['members'] };
    const first = await service.list(ctx, { ...query, cursor: '' });
    const second = await service.list(ctx, { ...query, cursor: first.nextCursor ?? '' });
    expect([...first.Resources, ...second.Resources].map((group) => group.id)).toEqual(
      Object.values(ids).sort(),
    );
    expect(second.nextCursor).toBeUndefined();
    expect(directory.groups.calls.of('pageAt')).toBe(2);
    expect(directory.groups.calls.of('scan')).toBe(0);
  });

  it('evaluates any combination of member conditions exactly', async () => {
    const response = await service.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: 'not (members[value eq "u2"]) and (members[value eq "u1"] or displayName sw "Sup")',
    });
    expect(names(response)).toEqual(['Sales', 'Support']);
  });

  it('refuses other comparisons on members with 400 invalidFilter saying what works', async () => {
    for (const filter of [
      'members.display eq "Ada"',
      'members pr',
      'members[value co "u"]',
      'members.value ne "u1"',
    ]) {
      const error = await refusal(service.list(ctx, { startIndex: 1, count: 10, filter }));
      expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
      expect(error.detail).toContain('members[value eq "<user id>"]');
    }
  });

  it('filters on displayName case-insensitively', async () => {
    const response = await service.list(ctx, {
      startIndex: 1,
      count: 10,
      filter: 'displayName eq "ENGINEERING"',
      excludedAttributes: ['members'],
    });
    expect(response.Resources).toEqual([
      expect.objectContaining({ id: ids.Engineering, displayName: 'Engineering' }),
    ]);
  });

  it('pages in id order with members, and refuses a page whose members together exceed the limit', async () => {
    const page = await service.list(ctx, { startIndex: 1, count: 2 });
    expect(page).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 1 });
    const sorted = Object.values(ids).sort();
    expect(page.Resources.map((r) => r.id)).toEqual(sorted.slice(0, 2));
    await service.patch(
      ctx,
      ids.Support as string,
      patch({ op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'u4' }] }),
    );
    const error = await refusal(service.list(ctx, { startIndex: 1, count: 10 }));
    expect(error.scimType).toBe('tooMany');
    expect(error.detail).toContain('excludedAttributes=members');
    expect(
      (await service.list(ctx, { startIndex: 1, count: 10, excludedAttributes: ['members'] })).itemsPerPage,
    ).toBe(3);
  });

  it('bounds the groups a non-indexed filter examines', async () => {
    service = new GroupService(directory.groups, { maxFilterScan: 2 });
    const error = await refusal(
      service.list(ctx, { startIndex: 1, count: 10, filter: 'displayName sw "S"' }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
  });
});

describe('delete', () => {
  it('removes the group and its memberships; a second DELETE is 404', async () => {
    const id = String(
      (await service.create(ctx, { displayName: 'G', members: [{ value: 'u1' }] })).resource.id,
    );
    await service.delete(ctx, id);
    expect(await directory.groups.groupsOf('d1', 'u1')).toEqual([]);
    expect((await refusal(service.delete(ctx, id))).status).toBe(404);
  });

  it('refuses a stale If-Match with 412', async () => {
    const id = String((await service.create(ctx, { displayName: 'G' })).resource.id);
    expect((await refusal(service.delete(ctx, id, { ifMatch: 'W/"9"' }))).status).toBe(412);
  });
});

describe('delete that runs out of time', () => {
  /** A hand-off queue recording what it was given, or failing as SQS might. */
  function deletionQueue(failing = false) {
    const handedOff: GroupDeletionRequest[] = [];
    const queue: GroupDeletionQueue = {
      enqueue: async (request) => {
        if (failing) throw new Error('SQS is unreachable');
        handedOff.push(request);
      },
    };
    return { queue, handedOff };
  }
  const past = () => ({ deadline: Date.now() - 1 });

  async function groupWithMembers(): Promise<string> {
    const body = { displayName: 'Everyone', members: [{ value: 'u1' }, { value: 'u2' }] };
    return String((await service.create(ctx, body)).resource.id);
  }

  it('hands the rest to the background and answers as deleted: the group is gone for every read', async () => {
    const { queue, handedOff } = deletionQueue();
    service = new GroupService(directory.groups, { deletions: queue });
    const id = await groupWithMembers();
    await service.delete(ctx, id, {}, past());
    expect(handedOff).toEqual([{ directoryId: 'd1', groupId: id }]);
    expect((await refusal(service.get(ctx, id, {}))).status).toBe(404);
    expect((await service.list(ctx, { startIndex: 1, count: 10 })).totalResults).toBe(0);
    expect(await directory.groups.groupsOf('d1', 'u1')).toEqual([]);

    expect(await service.finishDelete('d1', id)).toBe('deleted');
    expect(await directory.groups.get('d1', id)).toBeUndefined();
    // A message delivered twice, or after the IdP's repeated DELETE finished the job, is done.
    expect(await service.finishDelete('d1', id)).toBe('deleted');
  });

  it('answers 503 with Retry-After when the hand-off fails, and the retried DELETE carries on', async () => {
    service = new GroupService(directory.groups, { deletions: deletionQueue(true).queue });
    const id = await groupWithMembers();
    const error = await refusal(service.delete(ctx, id, {}, past()));
    expect(error.status).toBe(503);
    expect(error.headers['Retry-After']).toMatch(/^\d+$/);
    expect(error.toJSON()).toMatchObject({ status: '503', detail: expect.stringContaining('DELETE again') });
    // Nothing is lost: the group stays marked, gone for reads, until a retry finishes it.
    expect(await directory.groups.get('d1', id)).toMatchObject({ deleting: true });
    expect((await refusal(service.get(ctx, id, {}))).status).toBe(404);

    const { queue, handedOff } = deletionQueue();
    service = new GroupService(directory.groups, { deletions: queue });
    await service.delete(ctx, id);
    expect(handedOff).toEqual([]);
    expect(await directory.groups.get('d1', id)).toBeUndefined();
  });

  it('answers 503 when no background is configured, rather than running past the deadline', async () => {
    const id = await groupWithMembers();
    expect((await refusal(service.delete(ctx, id, {}, past()))).status).toBe(503);
  });

  it('never deletes a live group on a message’s word', async () => {
    const id = await groupWithMembers();
    expect(await service.finishDelete('d1', id)).toBe('notDeleting');
    expect(await full(id)).toMatchObject({ displayName: 'Everyone' });
  });
});
