/**
 * Cursor and index paging of DynamoUserStore on DynamoDB Local, observed the way the bench
 * observes it: an SDK middleware counts every call, the items each Query evaluated and the
 * capacity DynamoDB reports, so the cost claims of docs/paging.md are checked, not assumed.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { queryPrefix } from '../../../shared/adapters/dynamodb/query-prefix.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import type { StoredUser } from '../../../shared/ports/user-store.ts';
import type { ListResponse } from '../../../shared/scim/list.ts';
import { USER_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { seedUsers } from '../../support/seed-users.ts';

const DIRECTORY = 'paging';
const USERS = 250;
const ctx = {
  directoryId: DIRECTORY,
  actor: { kind: 'admin', id: 'test' } as const,
  baseUrl: 'https://scim.example.com/paging/scim/v2',
};

interface Tally {
  calls: number;
  /** Items DynamoDB evaluated (Query ScannedCount, 1 per GetItem/PutItem). */
  evaluated: number;
  capacity: number;
}

describe('paging users on DynamoDB', () => {
  const table = useDynamoTable();
  let tally: Tally | undefined;
  let store: DynamoUserStore;
  let service: UserService;
  let inIdOrder: string[];

  beforeAll(async () => {
    table.document.middlewareStack.add(
      (next, context) => async (args) => {
        const input = { ...(args.input as object), ReturnConsumedCapacity: 'TOTAL' };
        const response = await next({ ...args, input });
        if (tally) {
          const output = response.output as {
            ScannedCount?: number;
            ConsumedCapacity?: { CapacityUnits?: number };
          };
          tally.calls++;
          tally.evaluated += context.commandName === 'QueryCommand' ? (output.ScannedCount ?? 0) : 1;
          tally.capacity += output.ConsumedCapacity?.CapacityUnits ?? 0;
        }
        return response;
      },
      { step: 'initialize', name: 'testTally' },
    );
    store = new DynamoUserStore(table.document, table.tableName);
    service = new UserService(store, new DynamoGroupStore(table.document, table.tableName));
    const ids = Array.from({ length: USERS }, () => randomUUID());
    // Users of one size, so equal reads cost equal capacity.
    await seedUsers(
      table.document,
      table.tableName,
      DIRECTORY,
      ids.map((id, i) => ({
        id,
        resource: { schemas: [USER_SCHEMA], userName: `user-${String(i).padStart(3, '0')}@example.com` },
        version: 1,
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-01T00:00:00.000Z',
      })),
    );
    inIdOrder = [...ids].sort();
  });

  async function measure<T>(operation: () => Promise<T>): Promise<{ result: T; tally: Tally }> {
    tally = { calls: 0, evaluated: 0, capacity: 0 };
    try {
      return { result: await operation(), tally };
    } finally {
      tally = undefined;
    }
  }

  const idsOf = (users: readonly StoredUser[]) => users.map((user) => user.id);
  const resourceIds = (page: ListResponse) => page.Resources.map((resource) => String(resource.id));

  it('pageAt reads forwards and backwards from any position, existing or not, with an exact `more`', async () => {
    const first = await store.pageAt(DIRECTORY, {}, 100);
    expect(idsOf(first.items)).toEqual(inIdOrder.slice(0, 100));
    expect(first).toMatchObject({ more: true, totalResults: USERS });
    const last = await store.pageAt(DIRECTORY, { after: inIdOrder[199] }, 100);
    expect(idsOf(last.items)).toEqual(inIdOrder.slice(200));
    expect(last.more).toBe(false);
    const back = await store.pageAt(DIRECTORY, { before: inIdOrder[150] }, 100);
    expect(idsOf(back.items)).toEqual(inIdOrder.slice(50, 150));
    expect(back.more).toBe(true);
    const toStart = await store.pageAt(DIRECTORY, { before: inIdOrder[100] }, 100);
    expect(toStart.more).toBe(false);
    // A position between two ids (a deleted user's) is still a position.
    const between = `${inIdOrder[9]}~`;
    expect(idsOf((await store.pageAt(DIRECTORY, { after: between }, 3)).items)).toEqual(
      inIdOrder.slice(10, 13),
    );
  });

  it("costs the same for cursor page 3 as for page 1: one counter Query and one Query of count + 1 users (without each user's groups)", async () => {
    const pages: { result: ListResponse; tally: Tally }[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const measured = await measure(() =>
        service.list(ctx, { startIndex: 1, count: 50, cursor, excludedAttributes: ['groups'] }),
      );
      pages.push(measured);
      cursor = measured.result.nextCursor ?? '';
    }
    expect(pages.flatMap((page) => resourceIds(page.result))).toEqual(inIdOrder);
    const [page1, , page3] = pages.map((page) => page.tally);
    expect(page1?.calls).toBe(2);
    expect(page3).toEqual(page1);
    expect(page1?.capacity).toBeGreaterThan(0);
    expect(page1?.evaluated).toBeLessThan(51 + 10);
  });

  it('leaves out users being deleted without making a cursor page short', async () => {
    const elsewhere = 'paging-deleting';
    await seedUsers(
      table.document,
      table.tableName,
      elsewhere,
      ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'].map((id) => ({
        id,
        resource: { schemas: [USER_SCHEMA], userName: `${id}@example.com` },
        version: 1,
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-01T00:00:00.000Z',
      })),
    );
    // u1 and u5 marked as a DELETE leaves them when it stops halfway, until a repeated DELETE.
    for (const id of ['u1', 'u5'])
      await table.document.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: keys.user(elsewhere, id),
          UpdateExpression: 'SET #deleting = :true',
          ExpressionAttributeNames: { '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    const at = { ...ctx, directoryId: elsewhere };
    const page = (cursor: string) =>
      service.list(at, { startIndex: 1, count: 2, cursor, excludedAttributes: ['groups'] });
    const first = await page('');
    expect(resourceIds(first)).toEqual(['u0', 'u2']);
    const second = await page(first.nextCursor ?? '');
    expect(resourceIds(second)).toEqual(['u3', 'u4']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('an index jump starts from the nearest earlier bookmark instead of the first user', async () => {
    const forgetBookmarks = async () => {
      const bookmarks = await queryPrefix(
        table.document,
        table.tableName,
        keys.partition(DIRECTORY),
        keys.pageBookmarkPrefix('users'),
      );
      for (const bookmark of bookmarks) {
        await table.document.send(
          new DeleteCommand({ TableName: table.tableName, Key: { pk: bookmark.pk, sk: bookmark.sk } }),
        );
      }
    };
    await forgetBookmarks();
    const cold = await measure(() => service.list(ctx, { startIndex: 231, count: 10 }));
    await forgetBookmarks();
    await service.list(ctx, { startIndex: 101, count: 100 }); // leaves a bookmark at 201
    const warm = await measure(() => service.list(ctx, { startIndex: 231, count: 10 }));
    expect(resourceIds(warm.result)).toEqual(inIdOrder.slice(230, 240));
    expect(resourceIds(cold.result)).toEqual(resourceIds(warm.result));
    // Cold: the 230 keys before 231 are read; warm: the bookmark, then only the 30 keys after it.
    expect(cold.tally.evaluated - warm.tally.evaluated).toBeGreaterThanOrEqual(195);
  });
});
