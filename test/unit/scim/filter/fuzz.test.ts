import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import {
  type Filter,
  type IndexLookup,
  matchesFilter,
  parseFilter,
  planFilter,
} from '../../../../shared/scim/filter/index.ts';
import { isScimObject, type ScimResource, type ScimValue } from '../../../../shared/scim/resource.ts';
import { userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Parses, letting through only the refusal a client may see: 400 invalidFilter. */
function parseOrRefuse(text: string): Filter | undefined {
  try {
    return parseFilter(text, userResourceType);
  } catch (error) {
    const refused = error instanceof ScimError && error.status === 400 && error.scimType === 'invalidFilter';
    if (!refused) throw error;
    return undefined;
  }
}

/** Flips the case of some letters: names and operators are case-insensitive. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((flips) => [...text].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''));

/** Values both filters and resources draw from, so that filters often match. */
const sharedValue = fc.constantFrom(
  'a',
  'A',
  'b@x.com',
  'B@X.COM',
  'work',
  'm-1',
  '',
  '2026-01-05T09:00:00Z',
);

const attributePath = fc
  .constantFrom(
    'userName',
    'title',
    'active',
    'id',
    'externalId',
    'displayName',
    'emails',
    'emails.value',
    'emails.type',
    'emails.primary',
    'name',
    'name.givenName',
    'meta.created',
    'meta.lastModified',
    'x509Certificates.value',
    `${ENTERPRISE}:employeeNumber`,
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    `${CORE}:userName`,
    'value',
    'type',
    'primary',
    'members',
    'bogus',
    'name.bogus',
    'a.b.c',
    'emails.$ref',
    'urn:x:y',
  )
  .chain(anyCase);

const operator = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le').chain(anyCase),
  },
  { weight: 1, arbitrary: fc.constantFrom('like', '', '==', 'pr') },
);

const value = fc.oneof(
  { weight: 4, arbitrary: sharedValue.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null', 'True', 'NULL', 'bare', '[1]', '{}') },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double()).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-1',
      '01',
      '1e999',
      '-',
      '1.',
      '"x',
      '"a\\"',
      '"a\\\\"',
      '"\\u00e9\\n"',
      '"C:\\d"',
    ),
  },
);

/** Filters shaped by the RFC 7644 grammar, with mistakes mixed in. */
const { filter: grammarFilter } = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(attributePath, operator, value).map(([path, op, v]) => `${path} ${op} ${v}`),
    fc.tuple(attributePath, anyCase('pr')).map(([path, pr]) => `${path} ${pr}`),
    fc
      .tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or', 'not', ''), tie('filter'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('filter').map((f) => `not (${f})`),
    tie('filter').map((f) => `(${f})`),
    fc
      .tuple(fc.constantFrom('emails', 'EMAILS', `${ENTERPRISE}:manager`, 'name', 'userName'), tie('filter'))
      .map(([path, inner]) => `${path}[${inner}]`),
  ),
}));

/** Filters with an indexed `eq` in places that keep them answerable from indexes, or nearly so. */
const indexedEq = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('id', 'userName', 'externalId', 'emails.value', 'emails', `${CORE}:userName`),
      sharedValue,
    )
    .chain(([path, v]) => anyCase(path).map((p) => `${p} eq ${JSON.stringify(v)}`)),
  fc
    .tuple(sharedValue, sharedValue)
    .map(([v, type]) => `emails[type eq "${type}" and value eq ${JSON.stringify(v)}]`),
);
const { filter: indexedFilter } = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    indexedEq,
    fc
      .tuple(tie('filter'), fc.constantFrom('or', 'OR'), tie('filter'))
      .map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('filter'), grammarFilter).map(([a, b]) => `${a} and ${b}`),
    fc.tuple(grammarFilter, tie('filter')).map(([a, b]) => `(${a}) and (${b})`),
    fc.tuple(tie('filter'), tie('filter')).map(([a, b]) => `(${a}) and not (${b})`),
  ),
}));

/** A grammar-shaped filter with one character inserted or removed somewhere. */
const damagedFilter = fc
  .tuple(grammarFilter, fc.nat(), fc.constantFrom('"', '(', ')', '[', ']', ' ', '\\', '.', ':', '-', ''))
  .map(([text, at, insert]) => {
    const i = at % (text.length + 1);
    return insert === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + insert + text.slice(i);
  });

const randomText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.string({
    unit: fc.constantFrom(...'aeqnotrpsw "()[].:\\-019\n\tusrNm'.split('')),
    maxLength: 120,
  }),
);

const scalar = fc.oneof(
  sharedValue,
  fc.boolean(),
  fc.integer(),
  fc.constant(null),
  fc.string({ maxLength: 5 }),
);
const entry = fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'display'), scalar, { maxKeys: 4 });
const anything = fc.oneof(
  scalar,
  entry,
  fc.array(fc.oneof(entry, scalar), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }).map((json) => json as ScimValue),
);

/**
 * Users as storage holds them where the indexes look (string identifiers, emails as an array of
 * entries), and anything at all elsewhere.
 */
const resource: fc.Arbitrary<ScimResource> = fc
  .record(
    {
      id: sharedValue,
      userName: sharedValue,
      externalId: sharedValue,
      emails: fc.array(fc.record({ value: sharedValue, type: sharedValue, primary: fc.boolean() }), {
        maxLength: 3,
      }),
      title: anything,
      active: anything,
      displayName: anything,
      name: anything,
      x509Certificates: anything,
      meta: fc.oneof(
        fc.record({
          created: fc.oneof(
            sharedValue,
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
          lastModified: anything,
        }),
        anything,
      ),
      [ENTERPRISE]: fc.oneof(
        fc.record({ employeeNumber: anything, manager: anything }, { requiredKeys: [] }),
        anything,
      ),
    },
    { requiredKeys: [] },
  )
  .map((attributes) => ({ schemas: [CORE, ENTERPRISE], ...attributes }));

/** Whether storage's lookup would return this user, with storage's case rules. */
function wouldFind(lookup: IndexLookup, user: ScimResource): boolean {
  const folded = lookup.value.toLowerCase();
  switch (lookup.index) {
    case 'id':
      return user.id === lookup.value;
    case 'externalId':
      return user.externalId === lookup.value;
    case 'userName':
      return typeof user.userName === 'string' && user.userName.toLowerCase() === folded;
    case 'emails.value':
      return (
        Array.isArray(user.emails) &&
        user.emails.some(
          (e) => isScimObject(e) && typeof e.value === 'string' && e.value.toLowerCase() === folded,
        )
      );
    default:
      return false;
  }
}

describe('parseFilter with arbitrary input', () => {
  it('returns a filter or a 400 invalidFilter for random text', () => {
    fc.assert(
      fc.property(randomText, (text) => {
        parseOrRefuse(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('returns a filter or a 400 invalidFilter for grammar-shaped and damaged filters', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof(grammarFilter, damagedFilter), (text) => {
        if (parseOrRefuse(text)) parsed++;
      }),
      { numRuns: 5000 },
    );
    // The generator is only useful if it reaches evaluation often.
    expect(parsed).toBeGreaterThan(300);
  });
});

describe('parsed filters on arbitrary users', () => {
  it('evaluate and plan without throwing, and every matching user is among the planned candidates', () => {
    let matched = 0;
    let foundByLookup = 0;
    fc.assert(
      fc.property(
        fc.oneof(grammarFilter, indexedFilter),
        fc.array(resource, { minLength: 1, maxLength: 4 }),
        (text, users) => {
          const filter = parseOrRefuse(text);
          if (!filter) return;
          const plan = planFilter(filter);
          for (const user of users) {
            if (!matchesFilter(filter, user)) continue;
            matched++;
            if (plan.kind === 'lookup') {
              expect(plan.lookups.some((lookup) => wouldFind(lookup, user))).toBe(true);
              foundByLookup++;
            }
          }
        },
      ),
      { numRuns: 5000 },
    );
    // Both kinds of plan must have been put to the test, not only scans.
    expect(matched).toBeGreaterThan(100);
    expect(foundByLookup).toBeGreaterThan(50);
  });
});
