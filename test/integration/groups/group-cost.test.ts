import { beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../../local/dynamodb-local.ts';
import { batchPut, inParallel } from '../../../shared/adapters/dynamodb/batch.ts';
import { documentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { memberCounterItems, memberItems } from '../../../shared/adapters/dynamodb/group-item.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { CapacityMeter, type Cost } from '../../support/capacity-meter.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { actor, createUsers, groupResource, mustGetGroup, NOW, storesOf } from './fixtures.ts';

/**
 * The port's promise: adding a member, reading a group, counting its members and checking given
 * users cost the same for a group of 10 as for a very large one. 100,000 members take DynamoDB
 * Local minutes to seed on a shared 2-core machine, so the suite seeds 10,000 (set
 * GROUP_COST_MEMBERS=100000 to run it at full size); bench/groups.ts measures 100,000.
 */
const LARGE = Number(process.env.GROUP_COST_MEMBERS ?? 10_000);
const memberId = (i: number) => `m${String(i).padStart(6, '0')}`;

describe('cost of group operations, 10 members against many', () => {
  const table = useDynamoTable();
  const meter = new CapacityMeter();
  const client = documentClient(localClientConfig(table.endpoint));
  meter.instrument(client);
  const groups = new DynamoGroupStore(client, table.tableName);
  // Same lengths everywhere, so that items, and so capacity units, have the same sizes.
  const small = 'cost-small';
  const large = 'cost-large';

  beforeAll(async () => {
    const members = Array.from({ length: 10 }, (_, i) => memberId(i));
    await createUsers(table, small, [...members, 'newcomer']);
    await storesOf(table).groups.create(
      small,
      { id: 'g-cost', resource: groupResource('Cost'), members, now: NOW },
      actor,
    );
    await createUsers(table, large, ['newcomer']);
    await storesOf(table).groups.create(
      large,
      { id: 'g-cost', resource: groupResource('Cost'), members: [], now: NOW },
      actor,
    );
    // Membership items and counter written straight to the table, in the store's own format.
    // Their users are not created: no operation measured here reads a member's user item.
    const items = Array.from({ length: LARGE }, (_, i) => memberItems(large, 'g-cost', memberId(i))).flat();
    const batches: (typeof items)[] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    await inParallel(batches, 16, (batch) => batchPut(table.document, table.tableName, batch));
    await batchPut(table.document, table.tableName, memberCounterItems(large, 'g-cost', LARGE));
  }, 240_000);

  async function costs(directoryId: string): Promise<Record<string, Cost>> {
    const current = await mustGetGroup(table, directoryId, 'g-cost');
    return {
      get: await meter.measure(() => groups.get(directoryId, 'g-cost')),
      memberCount: await meter.measure(() => groups.memberCount(directoryId, 'g-cost')),
      membersAmong: await meter.measure(() =>
        groups.membersAmong(directoryId, 'g-cost', [memberId(1), memberId(7), 'newcomer']),
      ),
      addOne: await meter.measure(() =>
        groups.update(
          directoryId,
          current,
          { resource: current.resource, members: { add: ['newcomer'], remove: [] }, now: NOW },
          actor,
        ),
      ),
    };
  }

  it(`costs the same calls and capacity at 10 and at ${LARGE.toLocaleString('en')} members`, async () => {
    expect(await groups.memberCount(large, 'g-cost')).toBe(LARGE);
    const ofSmall = await costs(small);
    const ofLarge = await costs(large);
    expect(ofLarge).toEqual(ofSmall);
    // And the figures themselves: one read each, the add a few calls of a few units.
    expect(ofSmall.get?.calls).toEqual({ GetItem: 1 });
    expect(ofSmall.memberCount?.calls).toEqual({ Query: 1 });
    expect(ofSmall.membersAmong?.calls).toEqual({ BatchGetItem: 1 });
    expect(ofSmall.addOne?.calls).toEqual({ BatchGetItem: 2, UpdateItem: 1, TransactWriteItems: 1 });
    expect(await groups.memberCount(large, 'g-cost')).toBe(LARGE + 1);
    expect(await groups.membersAmong(large, 'g-cost', ['newcomer', memberId(LARGE - 1)])).toEqual(
      new Set(['newcomer', memberId(LARGE - 1)]),
    );
  });
});
