import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coerceResource } from '../../shared/scim/coerce.ts';
import { userResourceType } from '../../shared/scim/schema/resource-type.ts';
import { ENTERPRISE, entraUser, startTestScim, type TestScim } from '../support/scim-client.ts';
import { anyUtf16 } from '../support/unicode.ts';

const paths = [
  'active',
  'Active',
  'displayName',
  'title',
  'userName',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"].value',
  'emails[type eq "home"]',
  'emails[value co "@"]',
  'phoneNumbers',
  'addresses[type eq "work"].locality',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager[value eq "x"]`,
  `${ENTERPRISE}:employeeNumber`,
  'id',
  'meta',
  'groups',
  'nosuch',
  'emails[',
  '',
  '[]',
  'name..x',
  'emails[type eq "a"',
];
const text = (constraints: { minLength?: number } = {}) => anyUtf16(constraints);
const jsonValue = fc.oneof(
  text(),
  fc.boolean(),
  fc.constantFrom('True', 'False', null),
  fc.integer(),
  fc.array(
    fc.record(
      { value: text(), type: fc.constantFrom('work', 'home'), primary: fc.boolean() },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
  fc.dictionary(
    fc.constantFrom('givenName', 'value', 'name.familyName', 'active', 'userName', 'x'),
    fc.oneof(text(), fc.boolean()),
  ),
);
const operation = fc.record(
  {
    op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove', 'copy', ''),
    path: fc.constantFrom(...paths),
    value: jsonValue,
  },
  { requiredKeys: ['op'] },
);
const patchBody = fc.oneof(
  fc.record({
    schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
    Operations: fc.array(operation, { maxLength: 4 }),
  }),
  fc.oneof(fc.anything(), fc.dictionary(anyUtf16(), anyUtf16())),
);
const filterText = fc.oneof(
  text(),
  fc
    .tuple(
      fc.constantFrom(
        'userName',
        'emails.value',
        'emails[type eq "work"]',
        'name.givenName',
        'active',
        'meta.lastModified',
        'x',
        '',
      ),
      fc.constantFrom('eq', 'ne', 'co', 'sw', 'pr', 'gt', 'lt', 'zz'),
      fc.oneof(
        text().map((s) => JSON.stringify(s)),
        fc.constantFrom('true', 'null', '5', '"2020-01-01T00:00:00Z"', ''),
      ),
    )
    .map(([a, op, v]) => `${a} ${op} ${v}`),
);

/** Random PATCH documents and filters over HTTP: never a 5xx, and what is stored stays a valid user. */
describe('fuzzed input', () => {
  let scim: TestScim;
  let id: string;
  beforeAll(async () => {
    scim = await startTestScim();
    id = (await scim.request('POST', '/Users', entraUser('fuzz@contoso.com'))).body.id;
  });
  afterAll(async () => scim.close());

  it('random PATCH bodies get 200 or a 4xx SCIM error, and the stored user stays valid', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        const reply = await scim.request('PATCH', `/Users/${id}`, body);
        expect(reply.status === 200 || (reply.status >= 400 && reply.status < 500)).toBe(true);
        if (reply.status !== 200)
          expect(reply.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
        const stored = await scim.request('GET', `/Users/${id}`);
        expect(stored.status).toBe(200);
        expect(() => coerceResource(userResourceType, stored.body, { mode: 'replace' })).not.toThrow();
      }),
      { numRuns: 80 },
    );
    // Each run is a PATCH and a GET, each answer with the user's groups read: about 10 s alone,
    // far more on two cores shared with the rest of the suite.
  }, 300_000);

  it('random filters get 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(filterText, async (filter) => {
        // A URL carries UTF-8 only: a raw lone surrogate goes as U+FFFD; an escaped one (`\ud800` in
        // a quoted literal) arrives as written.
        const reply = await scim.request('GET', `/Users?filter=${encodeURIComponent(filter.toWellFormed())}`);
        expect([200, 400]).toContain(reply.status);
      }),
      { numRuns: 80 },
    );
  }, 120_000);

  it('random create bodies never get a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.oneof(fc.anything(), fc.dictionary(anyUtf16(), anyUtf16())),
          fc.record({
            userName: fc.oneof(text({ minLength: 1 }), fc.integer()),
            emails: jsonValue,
            active: jsonValue,
            name: jsonValue,
          }),
        ),
        async (body) => {
          const reply = await scim.request('POST', '/Users', JSON.stringify(body) ?? 'null');
          expect(reply.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);
});
