import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerceResource } from '../../shared/scim/coerce.ts';
import { groupResourceType } from '../../shared/scim/schema/resource-type.ts';
import {
  ERROR_SCHEMA,
  entraUser,
  GROUP_SCHEMA,
  startTestScim,
  type TestScim,
} from '../support/scim-client.ts';
import { anyUtf16 } from '../support/unicode.ts';

/** Random group PATCH bodies over HTTP: never a 5xx, and the group stays readable, valid, and made of users. */
describe('fuzzed group PATCH', () => {
  let scim: TestScim;
  let users: string[];
  let groupId: string;
  let otherGroup: string;

  beforeAll(async () => {
    scim = await startTestScim();
    users = await Promise.all(
      ['a', 'b', 'c'].map(
        async (name) =>
          (await scim.request('POST', '/Users', entraUser(`${name}@fuzz.example`))).body.id as string,
      ),
    );
    groupId = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Fuzz' })).body
      .id;
    otherGroup = (await scim.request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Taken' }))
      .body.id;
  });
  afterAll(async () => scim.close());

  it('answers 204, 200 or a 4xx SCIM error, and leaves a valid group of users', async () => {
    const id = () => fc.constantFrom(...users, otherGroup, 'ghost', '', 'A"b');
    const member = fc.oneof(
      fc.record(
        {
          value: fc.oneof(id(), fc.integer(), fc.constant(null)),
          type: fc.constantFrom('User', 'Group', 'x'),
          display: anyUtf16(),
        },
        { requiredKeys: [] },
      ),
      id(),
      fc.constant(null),
    );
    const value = fc.oneof(
      fc.array(member, { maxLength: 4 }),
      member,
      anyUtf16(),
      fc.boolean(),
      fc.constant(null),
      fc.record(
        {
          displayName: fc.oneof(fc.constantFrom('Fuzz', 'Taken', 'FUZZ', 'Other'), anyUtf16(), fc.integer()),
          id: fc.constantFrom(groupId, 'other'),
          members: fc.array(member, { maxLength: 3 }),
          externalId: anyUtf16(),
        },
        { requiredKeys: [] },
      ),
    );
    const path = fc.oneof(
      fc.constantFrom(
        'members',
        'Members',
        'members.value',
        'members[type eq "User"]',
        'members[value eq "a"].display',
        'displayName',
        'externalId',
        'id',
        'meta',
        'nosuch',
        '',
        'members[',
        `${GROUP_SCHEMA}:members`,
        `${GROUP_SCHEMA}:displayName`,
      ),
      fc.constantFrom(...users, 'ghost').map((user) => `members[value eq "${user}"]`),
      fc
        .tuple(fc.constantFrom(...users), fc.constantFrom(...users))
        .map(([a, b]) => `members[value eq "${a}" or value eq "${b}"]`),
    );
    const operation = fc.record(
      { op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'move'), path, value },
      { requiredKeys: ['op'] },
    );
    const body = fc.oneof(
      fc.record({
        schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
        Operations: fc.array(operation, { maxLength: 4 }),
      }),
      fc.anything(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (patch) => {
        const reply = await scim.request('PATCH', `/Groups/${groupId}`, JSON.stringify(patch) ?? 'null');
        expect(reply.status === 204 || (reply.status >= 400 && reply.status < 500)).toBe(true);
        if (reply.status !== 204) expect(reply.body.schemas).toEqual([ERROR_SCHEMA]);
        const group = await scim.request('GET', `/Groups/${groupId}`);
        expect(group.status).toBe(200);
        expect(() => coerceResource(groupResourceType, group.body, { mode: 'replace' })).not.toThrow();
        for (const { value: member } of group.body.members ?? []) expect(users).toContain(member);
      }),
      { numRuns: 100 },
    );
    // About 8 s alone; inside the whole suite, on two cores and one DynamoDB Local shared with
    // every other file (it runs transactions one at a time), it has taken two minutes.
  }, 300_000);
});
