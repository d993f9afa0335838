import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../../local/dynamodb-local.ts';
import { documentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import { GroupService } from '../../../shared/scim/groups/group-service.ts';
import { type ScimRequestContext, UserService } from '../../../shared/scim/users/user-service.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { actor, createUsers, newDirectory, userIds } from './fixtures.ts';

/** DynamoDB calls and items read, per command, while `run` runs. */
interface Cost {
  calls: Record<string, number>;
  items: number;
}

/** A document client that tallies what it sends, so a test can compare the cost of two requests. */
function meteredClient(endpoint: string): {
  client: DynamoDBDocumentClient;
  measure: (run: () => Promise<unknown>) => Promise<Cost>;
} {
  const client = documentClient(localClientConfig(endpoint));
  let current: Cost | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const response = await next(args);
      if (current) {
        const command = (context.commandName ?? '').replace(/Command$/, '');
        current.calls[command] = (current.calls[command] ?? 0) + 1;
        const output = response.output as {
          Items?: unknown[];
          Item?: unknown;
          Responses?: Record<string, unknown[]>;
        };
        current.items +=
          (output.Items?.length ?? 0) +
          (output.Item ? 1 : 0) +
          Object.values(output.Responses ?? {}).reduce((sum, items) => sum + items.length, 0);
      }
      return response;
    },
    { step: 'initialize', name: 'costMeter' },
  );
  return {
    client,
    async measure(run) {
      current = { calls: {}, items: 0 };
      try {
        await run();
        return current;
      } finally {
        current = undefined;
      }
    },
  };
}

/** The group service on DynamoDB Local: what reading a group costs, and what a response may carry. */
describe('GroupService on DynamoDB', () => {
  const table = useDynamoTable();
  const directoryId = newDirectory('groups-service');
  let metered: ReturnType<typeof meteredClient>;
  let groups: GroupService;
  let ctx: ScimRequestContext;
  let small: string;
  let big: string;
  const bigMembers = userIds(120, 'm');

  beforeAll(async () => {
    metered = meteredClient(table.endpoint);
    ctx = { directoryId, actor, baseUrl: 'https://scim.example.com/x/scim/v2' };
    groups = new GroupService(new DynamoGroupStore(metered.client, table.tableName), {
      maxMembersReturned: 100,
    });
    await createUsers(table, directoryId, bigMembers);
    small = String(
      (
        await groups.create(
          ctx,
          { displayName: 'Small', members: [{ value: 'm000' }, { value: 'm001' }] },
          { excludedAttributes: ['members'] },
        )
      ).resource.id,
    );
    big = String(
      (
        await groups.create(
          ctx,
          { displayName: 'Big', members: bigMembers.map((value) => ({ value })) },
          { excludedAttributes: ['members'] },
        )
      ).resource.id,
    );
  }, 60_000);

  it('reads a group with excludedAttributes=members at the same cost whatever its size', async () => {
    const read = (id: string) =>
      metered.measure(() => groups.get(ctx, id, { excludedAttributes: ['members'] }));
    const [ofSmall, ofBig] = [await read(small), await read(big)];
    expect(ofBig).toEqual(ofSmall);
    expect(ofBig.calls).toEqual({ GetItem: 1 });
  });

  it('answers Entra ID’s membership check at the same cost whatever the group size', async () => {
    const check = (id: string) =>
      metered.measure(async () => {
        const response = await groups.list(ctx, {
          startIndex: 1,
          count: 100,
          filter: `id eq "${id}" and members[value eq "m001"]`,
          excludedAttributes: ['members'],
        });
        expect(response.totalResults).toBe(1);
      });
    expect(await check(big)).toEqual(await check(small));
  });

  it('refuses a group over the response limit from its member count, before reading a member', async () => {
    let error: unknown;
    const cost = await metered.measure(() => groups.get(ctx, big, {}).catch((e: unknown) => (error = e)));
    expect(error).toBeInstanceOf(ScimError);
    expect([(error as ScimError).status, (error as ScimError).scimType]).toEqual([400, 'tooMany']);
    expect((error as ScimError).detail).toContain(`GET /Users?filter=groups.value eq "${big}"`);
    // The group and its counter shards: no member item.
    expect(cost.items).toBeLessThanOrEqual(1 + 8);
    const list = await groups.list(ctx, { startIndex: 1, count: 10 }).catch((e: unknown) => e);
    expect((list as ScimError).scimType).toBe('tooMany');
    expect(
      (await groups.list(ctx, { startIndex: 1, count: 10, excludedAttributes: ['members'] })).totalResults,
    ).toBe(2);
  });

  it('pages the members of a big group as users, fetching only the page', async () => {
    const users = new UserService(
      new DynamoUserStore(metered.client, table.tableName),
      new DynamoGroupStore(metered.client, table.tableName),
    );
    let page: Awaited<ReturnType<UserService['list']>> | undefined;
    const cost = await metered.measure(async () => {
      page = await users.list(ctx, {
        startIndex: 51,
        count: 20,
        filter: `groups.value eq "${big}"`,
        attributes: ['userName'],
      });
    });
    expect(page).toMatchObject({ totalResults: 120, itemsPerPage: 20, startIndex: 51 });
    expect(page?.Resources.map((user) => user.id)).toEqual(bigMembers.slice(50, 70));
    // Member ids up to the page's end, then one batch of the page's users: never a read of every user.
    expect(cost.calls.BatchGetItem).toBe(1);
    expect(cost.items).toBeLessThan(100);
  });
});
