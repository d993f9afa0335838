/**
 * Index paging after the directory changes, on DynamoDB Local: random creates and deletes of
 * users (groups) through the services, interleaved with random jumps and short walks by
 * `startIndex`. Every page must be the same slice of a fresh full listing of the directory as it
 * is at that moment, with the right `totalResults`: a page bookmark written before a create or a
 * delete must never place a later page.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../../local/dynamodb-local.ts';
import { documentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import { GroupService } from '../../../shared/scim/groups/group-service.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../shared/scim/schema/resource-type.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { seedGroups } from '../../support/seed-groups.ts';
import { seedUsers } from '../../support/seed-users.ts';

const NOW = '2026-01-01T00:00:00.000Z';
const actor = { kind: 'admin', id: 'test' } as const;

type Step =
  | { kind: 'create'; n: number }
  | { kind: 'delete'; n: number; seed: number }
  | { kind: 'interruptedDelete'; seed: number }
  | { kind: 'jump'; startIndex: number; count: number }
  | { kind: 'walk'; from: number; count: number; pages: number };

const steps = (size: number) =>
  fc.array(
    fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant('create' as const), n: fc.integer({ min: 1, max: 6 }) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          n: fc.integer({ min: 1, max: 4 }),
          seed: fc.nat(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('interruptedDelete' as const), seed: fc.nat() }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('jump' as const),
          startIndex: fc.integer({ min: 1, max: size + 10 }),
          count: fc.integer({ min: 1, max: 40 }),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('walk' as const),
          from: fc.integer({ min: 1, max: size }),
          count: fc.integer({ min: 5, max: 30 }),
          pages: fc.integer({ min: 2, max: 4 }),
        }),
      },
    ),
    { minLength: 4, maxLength: 10 },
  );

/** What the property needs of one resource type: create, delete, list a page, list everything. */
interface Directory {
  create(): Promise<void>;
  delete(id: string): Promise<void>;
  /**
   * A DELETE that stops after marking the resource (an outage before its last write): the
   * resource is gone from the list, but still counted in totalResults until the delete is resumed.
   */
  interruptDelete(id: string): Promise<void>;
  page(startIndex: number, count: number): Promise<{ ids: string[]; totalResults: number }>;
  /** Every listed id in id order, read without bookmarks. */
  all(): Promise<string[]>;
}

describe('index paging while the directory changes', () => {
  const table = useDynamoTable();
  let users: DynamoUserStore;
  let groups: DynamoGroupStore;

  /** The stores on a client whose every transaction that ends a delete (writes a tombstone) fails. */
  let failingUsers: DynamoUserStore;
  let failingGroups: DynamoGroupStore;

  beforeAll(() => {
    users = new DynamoUserStore(table.document, table.tableName);
    groups = new DynamoGroupStore(table.document, table.tableName);
    const failing = documentClient(localClientConfig(table.endpoint));
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          context.commandName?.startsWith('TransactWrite') &&
          JSON.stringify(args.input).includes('Tombstone')
        )
          throw new Error('DynamoDB is unreachable');
        return next(args);
      },
      { step: 'initialize', name: 'failDeleteEnd' },
    );
    failingUsers = new DynamoUserStore(failing, table.tableName);
    failingGroups = new DynamoGroupStore(failing, table.tableName);
  });

  async function userDirectory(size: number): Promise<Directory> {
    const directoryId = `users-${randomUUID()}`;
    const ctx = { directoryId, actor, baseUrl: 'https://scim.example/scim/v2' };
    const service = new UserService(users, groups);
    const user = (id: string) => ({
      id,
      resource: { schemas: [USER_SCHEMA], userName: `${id}@example.com` },
      version: 1,
      created: NOW,
      lastModified: NOW,
    });
    await seedUsers(
      table.document,
      table.tableName,
      directoryId,
      Array.from({ length: size }, () => user(randomUUID())),
    );
    return {
      create: async () => {
        await service.create(ctx, { schemas: [USER_SCHEMA], userName: `${randomUUID()}@example.com` });
      },
      delete: (id) => service.delete(ctx, id),
      interruptDelete: (id) =>
        expect(new UserService(failingUsers, failingGroups).delete(ctx, id)).rejects.toThrow('unreachable'),
      page: async (startIndex, count) => {
        const page = await service.list(ctx, {
          startIndex,
          count,
          attributes: ['id'],
          excludedAttributes: ['groups'],
        });
        return {
          ids: page.Resources.map((resource) => String(resource.id)),
          totalResults: page.totalResults,
        };
      },
      all: async () => {
        const ids: string[] = [];
        for await (const stored of users.scan(directoryId)) if (!stored.deleting) ids.push(stored.id);
        return ids;
      },
    };
  }

  async function groupDirectory(size: number): Promise<Directory> {
    const directoryId = `groups-${randomUUID()}`;
    const ctx = { directoryId, actor, baseUrl: 'https://scim.example/scim/v2' };
    const service = new GroupService(groups);
    const group = (id: string) => ({
      id,
      resource: { schemas: [GROUP_SCHEMA], displayName: `group ${id}` },
      version: 1,
      created: NOW,
      lastModified: NOW,
    });
    await seedGroups(
      table.document,
      table.tableName,
      directoryId,
      Array.from({ length: size }, () => group(randomUUID())),
    );
    return {
      create: async () => {
        await service.create(ctx, { schemas: [GROUP_SCHEMA], displayName: `group ${randomUUID()}` });
      },
      delete: (id) => service.delete(ctx, id),
      interruptDelete: (id) => expect(new GroupService(failingGroups).delete(ctx, id)).rejects.toThrow(),
      page: async (startIndex, count) => {
        const page = await service.list(ctx, {
          startIndex,
          count,
          attributes: ['id'],
          excludedAttributes: ['members'],
        });
        return {
          ids: page.Resources.map((resource) => String(resource.id)),
          totalResults: page.totalResults,
        };
      },
      all: async () => {
        const ids: string[] = [];
        for await (const stored of groups.scan(directoryId)) if (!stored.deleting) ids.push(stored.id);
        return ids;
      },
    };
  }

  async function run(
    directory: Directory,
    plan: readonly Step[],
    counted: 'marked' | 'notMarked',
  ): Promise<void> {
    // Users whose delete stopped halfway are still counted; groups are not, from their mark on.
    let marked = 0;
    const expectPage = async (startIndex: number, count: number) => {
      const page = await directory.page(startIndex, count);
      const all = await directory.all();
      expect({ startIndex, count, ...page }).toEqual({
        startIndex,
        count,
        ids: all.slice(startIndex - 1, startIndex - 1 + count),
        totalResults: all.length + (counted === 'marked' ? marked : 0),
      });
    };
    for (const step of plan) {
      switch (step.kind) {
        case 'create':
          for (let i = 0; i < step.n; i++) await directory.create();
          break;
        case 'delete': {
          const all = await directory.all();
          for (let i = 0; i < step.n && all.length > 0; i++) {
            const [id] = all.splice((step.seed + i * 7919) % all.length, 1);
            if (id) await directory.delete(id);
          }
          break;
        }
        case 'interruptedDelete': {
          const all = await directory.all();
          const id = all[step.seed % Math.max(all.length, 1)];
          if (id) {
            await directory.interruptDelete(id);
            marked++;
          }
          break;
        }
        case 'jump':
          await expectPage(step.startIndex, step.count);
          break;
        case 'walk':
          for (let page = 0; page < step.pages; page++)
            await expectPage(step.from + page * step.count, step.count);
          break;
      }
    }
  }

  it('a user whose delete stopped after its mark shifts later pages at once, not when the delete ends', async () => {
    const directory = await userDirectory(60);
    // Bookmarks at 21 and 41 of the list as it is now.
    for (const startIndex of [1, 21]) await directory.page(startIndex, 20);
    const [first] = await directory.all();
    await directory.interruptDelete(String(first));
    const all = await directory.all();
    expect(await directory.page(41, 10)).toEqual({ ids: all.slice(40, 50), totalResults: 60 });
  });

  it('every user page is the same slice of a fresh listing, whatever was created or deleted since the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 30, max: 100 }).chain((size) => fc.tuple(fc.constant(size), steps(size))),
        async ([size, plan]) => run(await userDirectory(size), plan, 'marked'),
      ),
      { numRuns: 5, endOnFailure: true },
    );
  }, 120_000);

  it('every group page is the same slice of a fresh listing, whatever was created or deleted since the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 30, max: 100 }).chain((size) => fc.tuple(fc.constant(size), steps(size))),
        async ([size, plan]) => run(await groupDirectory(size), plan, 'notMarked'),
      ),
      { numRuns: 4, endOnFailure: true },
    );
  }, 120_000);
});
