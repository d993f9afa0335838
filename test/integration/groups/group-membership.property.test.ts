import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MembershipDelta } from '../../../shared/ports/group-store.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import {
  actor,
  allMembers,
  createGroup,
  createUsers,
  mustGetGroup,
  NOW,
  newDirectory,
  storesOf,
  userIds,
} from './fixtures.ts';

const POOL = userIds(5, 'p');
const UNKNOWN = ['ghost-1', 'ghost-2'];
const IDS = [...POOL, ...UNKNOWN];

/** The membership a delta leaves, by the port's rules: replaceAll first, then add, then remove. */
function applied(model: ReadonlySet<string>, delta: MembershipDelta): Set<string> {
  const next = new Set(delta.replaceAll ?? model);
  for (const id of delta.add) next.add(id);
  for (const id of delta.remove) next.delete(id);
  return next;
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

const deltaArbitrary: fc.Arbitrary<MembershipDelta> = fc.record(
  {
    replaceAll: fc.subarray(IDS),
    add: fc.shuffledSubarray(IDS, { maxLength: 4 }),
    remove: fc.shuffledSubarray(IDS, { maxLength: 3 }),
  },
  { requiredKeys: ['add', 'remove'] },
);

/**
 * Random sequences of membership deltas (including ids that are not users) against a Set: the
 * store must keep exactly the model's members, count them exactly, and show each user exactly
 * the groups the model says.
 */
describe('group membership against a model', () => {
  const table = useDynamoTable();
  const { groups } = storesOf(table);
  const dir = newDirectory('model');
  beforeAll(async () => {
    await createUsers(table, dir, POOL);
  });

  it('keeps the members, their count and every user groups as a Set would', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(deltaArbitrary, { minLength: 1, maxLength: 5 }), async (deltas) => {
        const group = await createGroup(table, dir, `Model ${++runs}`, [], `model-${runs}`);
        let model = new Set<string>();
        let version = 1;
        for (const delta of deltas) {
          const next = applied(model, delta);
          const refused = [...next].filter((id) => !model.has(id) && UNKNOWN.includes(id));
          const current = await mustGetGroup(table, dir, group.id);
          const attempt = groups.update(
            dir,
            current,
            { resource: current.resource, members: delta, now: NOW },
            actor,
          );
          if (refused.length > 0) {
            await expect(attempt).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
          } else {
            const changed = sorted(next).join() !== sorted(model).join();
            expect((await attempt).version).toBe(changed ? ++version : version);
            model = next;
          }
          expect(await allMembers(table, dir, group.id, 3)).toEqual(sorted(model));
          expect(await groups.memberCount(dir, group.id)).toBe(model.size);
        }
        expect((await mustGetGroup(table, dir, group.id)).version).toBe(version);
        expect(sorted(await groups.membersAmong(dir, group.id, IDS))).toEqual(sorted(model));
        for (const user of POOL) {
          const expected = model.has(user) ? [{ id: group.id, displayName: `Model ${runs}` }] : [];
          expect(await groups.groupsOf(dir, user)).toEqual(expected);
        }
        await groups.delete(dir, await mustGetGroup(table, dir, group.id), NOW, actor);
        for (const user of POOL) expect(await groups.groupsOf(dir, user)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
