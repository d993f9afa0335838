/**
 * Cursor paging of /Groups (RFC 9865) on DynamoDB Local: unfiltered, unsorted pages come from
 * DynamoGroupStore.pageAt, one keyed read per page wherever the page is, so a directory of any
 * number of groups can be walked. Costs are observed with the capacity meter, not assumed.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoCursorKey } from '../../../shared/adapters/dynamodb/cursor-key.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import { GroupService } from '../../../shared/scim/groups/group-service.ts';
import type { ListResponse } from '../../../shared/scim/list.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { CapacityMeter } from '../../support/capacity-meter.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { seedGroups } from '../../support/seed-groups.ts';
import {
  actor,
  createGroup,
  createUsers,
  groupResource,
  NOW,
  newDirectory,
  storesOf,
  storesWithFaults,
} from './fixtures.ts';

const GROUPS = 250;

describe('cursor paging of groups on DynamoDB', () => {
  const table = useDynamoTable();
  const meter = new CapacityMeter();
  const directoryId = newDirectory('group-cursor');
  const ctx = { directoryId, actor, baseUrl: `https://scim.example.com/${directoryId}/scim/v2` };
  let service: GroupService;
  let inIdOrder: string[];

  beforeAll(async () => {
    meter.instrument(table.document);
    service = new GroupService(storesOf(table).groups);
    // Random ids, so the id order is not the creation order; names of one length, so equal
    // pages cost equal capacity.
    inIdOrder = Array.from({ length: GROUPS }, () => randomUUID());
    await seedGroups(
      table.document,
      table.tableName,
      directoryId,
      inIdOrder.map((id, i) => ({
        id,
        resource: groupResource(`group-${String(i).padStart(3, '0')}`),
        version: 1,
        created: NOW,
        lastModified: NOW,
      })),
    );
    inIdOrder.sort();
  });

  const ids = (page: ListResponse) => page.Resources.map((resource) => String(resource.id));
  const list = (query: { count: number; cursor?: string; startIndex?: number }, on = service) =>
    on.list(ctx, { startIndex: 1, excludedAttributes: ['members'], ...query });

  it('walks 250 groups forward in pages of 100, each once, in the order of index paging, and back again', async () => {
    const byIndex: string[] = [];
    for (const startIndex of [1, 101, 201]) byIndex.push(...ids(await list({ startIndex, count: 100 })));
    expect(byIndex).toEqual(inIdOrder);

    const pages: ListResponse[] = [];
    let cursor: string | undefined = '';
    while (cursor !== undefined) {
      const page = await list({ count: 100, cursor });
      pages.push(page);
      cursor = page.nextCursor;
    }
    expect(pages.map((page) => page.itemsPerPage)).toEqual([100, 100, 50]);
    expect(pages.every((page) => page.totalResults === GROUPS)).toBe(true);
    expect(pages.flatMap(ids)).toEqual(byIndex);
    expect(pages[0]?.previousCursor).toBeUndefined();

    const back: string[] = [];
    let previous = pages[2]?.previousCursor;
    while (previous !== undefined) {
      const page = await list({ count: 100, cursor: previous });
      back.unshift(...ids(page));
      previous = page.previousCursor;
    }
    expect(back).toEqual(byIndex.slice(0, 200));
  });

  it('costs the same for cursor page 3 as for page 1: a counter Query and one Query of count + 1 groups', async () => {
    const costs = [];
    let cursor = '';
    for (let page = 0; page < 3; page++) {
      let response: ListResponse | undefined;
      costs.push(
        await meter.measure(async () => {
          response = await list({ count: 50, cursor });
        }),
      );
      cursor = response?.nextCursor ?? '';
      expect(response?.itemsPerPage).toBe(50);
    }
    const [page1, , page3] = costs;
    expect(page1?.calls).toEqual({ Query: 2 });
    expect(page3).toEqual(page1);
    // What an unfiltered cursor page cost before: reading every group as candidates.
    const everyGroup = await meter.measure(async () => {
      for await (const _ of storesOf(table).groups.scan(directoryId));
    });
    expect(page1?.units.Query).toBeGreaterThan(0);
    expect(page1?.units.Query).toBeLessThan((everyGroup.units.Query ?? 0) / 3);
  });

  it('refuses a /Users cursor on /Groups with 400 invalidCursor, though both are signed with the same key', async () => {
    const cursorKey = new DynamoCursorKey(table.document, table.tableName);
    const { users, groups } = storesOf(table);
    await createUsers(table, directoryId, ['u-1', 'u-2']);
    const userPage = await new UserService(users, groups, { cursorKey }).list(ctx, {
      startIndex: 1,
      count: 1,
      cursor: '',
    });
    const userCursor = userPage.nextCursor;
    expect(userCursor).toBeDefined();
    const groupService = new GroupService(groups, { cursorKey });
    const groupCursor = (await list({ count: 1, cursor: '' }, groupService)).nextCursor;
    expect(ids(await list({ count: 1, cursor: groupCursor ?? '' }, groupService))).toEqual([inIdOrder[1]]);
    const refused = await list({ count: 1, cursor: userCursor ?? '' }, groupService).catch((error) => error);
    expect(refused).toBeInstanceOf(ScimError);
    expect(refused).toMatchObject({ status: 400, scimType: 'invalidCursor' });
  });

  it('leaves out groups being deleted without making a page short, and pages on past them', async () => {
    const elsewhere = newDirectory('group-cursor-deleting');
    const at = { ...ctx, directoryId: elsewhere };
    const groupIds = Array.from({ length: 7 }, (_, i) => `g${i}`);
    for (const id of groupIds) await createGroup(table, elsewhere, `name ${id}`, [], id);
    // A DELETE that crashed after marking the group: it stays, marked, until a repeated DELETE.
    let transactions = 0;
    const crashing = storesWithFaults(table, (command) => {
      if (command === 'TransactWriteItems' && ++transactions % 2 === 0) throw new Error('crash');
    });
    for (const id of ['g1', 'g3', 'g6']) {
      const group = await crashing.groups.get(elsewhere, id);
      if (!group) throw new Error(`Group ${id} is missing`);
      await expect(
        crashing.groups.delete(elsewhere, group, '2026-03-02T10:00:00.000Z', actor),
      ).rejects.toThrow('crash');
    }
    crashing.destroy();
    expect((await storesOf(table).groups.get(elsewhere, 'g3'))?.deleting).toBe(true);

    const page = (cursor: string) =>
      service.list(at, { startIndex: 1, count: 2, cursor, excludedAttributes: ['members'] });
    const first = await page('');
    // g1 is skipped and the page still holds two groups.
    expect(ids(first)).toEqual(['g0', 'g2']);
    const second = await page(first.nextCursor ?? '');
    expect(ids(second)).toEqual(['g4', 'g5']);
    // Only a group being deleted lies beyond g5: no next page to offer.
    expect(second.nextCursor).toBeUndefined();
    const back = await page(second.previousCursor ?? '');
    expect(ids(back)).toEqual(['g0', 'g2']);
    expect(back.previousCursor).toBeUndefined();
    expect(back.nextCursor).toBeDefined();
  });
});
