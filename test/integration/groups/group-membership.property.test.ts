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
 * Random sequences of membership deltas (including ids that are not users) against a model, one
 * new group per sequence: the store must keep exactly the model's members, count them exactly,
 * and show each user exactly the groups (of every sequence so far) the model says.
 */
describe('group membership against a model', () => {
  const table = useDynamoTable();
  const { groups } = storesOf(table);
  const dir = newDirectory('model');
  /** The model: each group's members, by group id. */
  const model = new Map<string, Set<string>>();
  beforeAll(async () => {
    await createUsers(table, dir, POOL);
  });

  it('keeps the members, their count and every user groups as Sets would', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deltaArbitrary, { minLength: 1, maxLength: 5 }), async (deltas) => {
        const run = String(model.size + 1).padStart(3, '0');
        const group = await createGroup(table, dir, `Model ${run}`, [], `model-${run}`);
        let members = new Set<string>();
        model.set(group.id, members);
        let current = group;
        for (const delta of deltas) {
          const next = applied(members, delta);
          const refused = [...next].filter((id) => !members.has(id) && UNKNOWN.includes(id));
          const attempt = groups.update(
            dir,
            current,
            { resource: current.resource, members: delta, now: NOW },
            actor,
          );
          if (refused.length > 0) {
            await expect(attempt).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
          } else {
            const changed = sorted(next).join() !== sorted(members).join();
            const updated = await attempt;
            expect(updated.version).toBe(changed ? current.version + 1 : current.version);
            current = updated;
            members = next;
            model.set(group.id, members);
          }
          expect(await allMembers(table, dir, group.id, 4)).toEqual(sorted(members));
          expect(await groups.memberCount(dir, group.id)).toBe(members.size);
        }
        expect((await mustGetGroup(table, dir, group.id)).version).toBe(current.version);
        expect(sorted(await groups.membersAmong(dir, group.id, IDS))).toEqual(sorted(members));
        for (const user of POOL) {
          const expected = [...model]
            .filter(([, ids]) => ids.has(user))
            .map(([id]) => ({ id, displayName: `Model ${id.slice('model-'.length)}` }));
          expect(await groups.groupsOf(dir, user)).toEqual(expected);
        }
      }),
      { numRuns: 10 },
    );
  });
});
