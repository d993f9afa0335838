import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localClientConfig } from '../../local/dynamodb-local.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '../../shared/adapters/dynamodb/group-store.ts';
import { inProcessGroupDeletions } from '../../shared/adapters/in-process/group-deletion-queue.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import { GROUP_SCHEMA, startTestScim, type TestScim } from '../support/scim-client.ts';
import { seedUsers } from '../support/seed-users.ts';

/** Members of the group deleted: 200 membership items, more than a request with no time left removes. */
const MEMBERS = 100;

/**
 * A DELETE of a group too large for its request, over HTTP through the local runtime, whose group
 * sweeper runs in-process as the function does in AWS. The gateway gives each request 5 s, which
 * is the groups function's reserve: every DELETE has no time left to remove memberships. The users
 * and the group are written through the stores, so that only light requests go over HTTP within
 * those 5 s, however busy the machine.
 */
// A few seconds; the timeout leaves room for a machine busy with other test files.
describe('DELETE of a group too large for its request', { timeout: 120_000 }, () => {
  let scim: TestScim;
  let seen: EventCollector;
  let userIds: string[];
  let client: ReturnType<typeof documentClient>;
  let store: DynamoGroupStore;

  beforeAll(async () => {
    scim = await startTestScim({ integrationTimeoutMs: 5_000 });
    seen = collectEvents(scim.runtime.events);
    const now = '2026-03-02T09:00:00.000Z';
    userIds = Array.from({ length: MEMBERS }, (_, i) => `user-${String(i).padStart(3, '0')}`);
    client = documentClient(localClientConfig(scim.dynamoEndpoint));
    store = new DynamoGroupStore(client, scim.tableName);
    await seedUsers(
      client,
      scim.tableName,
      scim.runtime.directoryId,
      userIds.map((id) => ({
        id,
        resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `${id}@contoso.com` },
        version: 1,
        created: now,
        lastModified: now,
      })),
    );
  });
  afterAll(async () => {
    seen.stop();
    client.destroy();
    await scim.close();
  });

  it('answers 204 at once; the group is gone for every read and its name free; the sweeper finishes it', async () => {
    const id = 'everyone';
    await store.create(
      scim.runtime.directoryId,
      {
        id,
        resource: { schemas: [GROUP_SCHEMA], displayName: 'Everyone' },
        members: userIds,
        now: '2026-03-02T09:00:00.000Z',
      },
      { kind: 'admin', id: 'test' },
    );
    expect((await scim.request('GET', `/Groups/${id}?excludedAttributes=members`)).status).toBe(200);

    const handOffs = vi.spyOn(inProcessGroupDeletions, 'enqueue');
    expect((await scim.request('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect(handOffs.mock.calls).toEqual([[{ directoryId: scim.runtime.directoryId, groupId: id }]]);
    handOffs.mockRestore();
    expect((await scim.request('GET', `/Groups/${id}`)).status).toBe(404);
    const listed = await scim.request('GET', '/Groups?filter=displayName%20eq%20%22Everyone%22');
    expect(listed.body.totalResults).toBe(0);
    const member = await scim.request('GET', `/Users/${userIds[7]}`);
    expect(member.body.groups).toBeUndefined();
    const members = await scim.request(
      'GET',
      `/Users?filter=${encodeURIComponent(`groups.value eq "${id}"`)}`,
    );
    expect([members.status, members.body.totalResults]).toEqual([200, 0]);
    // An IdP re-creating the group under the same name is not refused with 409.
    const successor = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Everyone',
    });
    expect(successor.status).toBe(201);

    await scim.runtime.groupDeletions.drained(60_000);
    expect(scim.runtime.groupDeletions.deadLetters).toEqual([]);
    expect(await store.get(scim.runtime.directoryId, id)).toBeUndefined();
    expect((await store.members(scim.runtime.directoryId, id, { limit: 10 })).userIds).toEqual([]);
    const deleted = () => seen.of(id).filter((event) => event.type === 'group.deleted');
    for (const until = Date.now() + 30_000; deleted().length === 0 && Date.now() < until; )
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deleted()).toHaveLength(1);
    const after = await scim.request('GET', '/Groups');
    expect(after.body.Resources.map((group: { id: string }) => group.id)).toEqual([successor.body.id]);
  });
});
