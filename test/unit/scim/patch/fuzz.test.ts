import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { applyPatch } from '../../../../shared/scim/patch/index.ts';
import { isScimObject, type ScimResource } from '../../../../shared/scim/resource.ts';
import { userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const sampleUser: ScimResource = {
  schemas: [CORE, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@home.example', type: 'home' },
  ],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  ims: [{ value: 'xmpp:babs@example.com', type: 'xmpp' }],
  [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'm-1' } },
  meta: { resourceType: 'User', created: '2026-01-05T09:00:00Z', lastModified: '2026-01-05T09:00:00Z' },
};

/** Flips the case of some letters: attribute names are case-insensitive, and IdPs do not agree on case. */
const anyCase = (text: string) =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((flips) => [...text].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''));

const attributeName = fc.constantFrom(
  'userName',
  'displayName',
  'active',
  'title',
  'name',
  'emails',
  'phoneNumbers',
  'ims',
  'addresses',
  'groups',
  'id',
  'meta',
  'password',
  'favouriteColour',
);
const subAttribute = fc.constantFrom(
  'value',
  'type',
  'primary',
  'display',
  'givenName',
  'lastModified',
  'bogus',
);
const filter = fc.oneof(
  fc.constantFrom(
    'type eq "work"',
    'type eq "HOME"',
    'primary eq true',
    'primary eq "True"',
    'value eq "m-1"',
    'value eq "xmpp:babs@example.com"',
    'type eq "work" and primary eq false',
    'not (type eq "work")',
    'value pr',
    'type eq',
    'kind eq "x"',
    'type[value eq "x"]',
  ),
  fc.string({ maxLength: 12 }),
);
const validPath = fc.oneof(
  attributeName.chain(anyCase),
  fc.tuple(attributeName, subAttribute).map(([a, s]) => `${a}.${s}`),
  fc.tuple(attributeName, filter).map(([a, f]) => `${a}[${f}]`),
  fc.tuple(attributeName, filter, subAttribute).map(([a, f, s]) => `${a}[${f}].${s}`),
  fc
    .constantFrom('manager', 'manager.value', 'manager.displayName', 'employeeNumber', 'department')
    .map((a) => `${ENTERPRISE}:${a}`),
  fc.constantFrom(
    `${ENTERPRISE}:manager[value eq "m-1"]`,
    `${CORE}:emails[type eq "work"].value`,
    ENTERPRISE,
    CORE,
  ),
  fc.constantFrom('urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode', 'urn:x:y'),
);
const brokenPath = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '.',
    '..',
    'emails[',
    'emails]',
    'emails[]',
    'name..givenName',
    'a.b.c',
    '[x]',
    'urn:',
    '$',
  ),
  fc.string({ maxLength: 20 }),
);
const path = fc.oneof({ weight: 4, arbitrary: validPath }, { weight: 1, arbitrary: brokenPath });

const value = fc.oneof(
  fc.constantFrom(null, true, false, 'True', 'False', 'm-2', '', [], {}),
  fc.record(
    {
      value: fc.string(),
      type: fc.constantFrom('work', 'home', 'other'),
      primary: fc.constantFrom(true, 'True', false),
    },
    { requiredKeys: [] },
  ),
  fc.array(fc.record({ value: fc.string(), primary: fc.boolean() }, { requiredKeys: ['value'] }), {
    maxLength: 3,
  }),
  fc.dictionary(
    fc.oneof(path, fc.constantFrom('schemas', 'name.givenName', `${ENTERPRISE}:department`)),
    fc.jsonValue(),
    {
      maxKeys: 3,
    },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const op = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'REMOVE') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
/** Operations that put values of the wrong shape where later operations navigate. */
const awkward = fc.constantFrom(
  { op: 'add', path: 'name', value: 'Barbara Jensen' },
  { op: 'replace', path: 'name', value: 'Barbara Jensen' },
  { op: 'add', path: 'name.givenName', value: 'Barb' },
  { op: 'replace', path: 'emails', value: 'b@example.com' },
  { op: 'add', path: `${ENTERPRISE}:manager`, value: 7 },
  { op: 'add', path: `${ENTERPRISE}:manager.value`, value: 'm-3' },
  { op: 'replace', path: 'emails[type eq "work"]', value: { primary: 'True' } },
);
const operation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op, path, value }) },
  { weight: 1, arbitrary: fc.record({ op, path, value }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: awkward },
);

const body = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:PatchOp']),
      Operations: fc.array(operation, { maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { Operations: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.jsonValue()) },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

describe('PATCH with arbitrary bodies', () => {
  it('returns a resource or a 400 ScimError, never touches the input, and keeps at most one primary', () => {
    fc.assert(
      fc.property(body, (patch) => {
        const current = structuredClone(sampleUser);
        let result: ScimResource | undefined;
        try {
          result = applyPatch(userResourceType, current, patch);
        } catch (error) {
          if (!(error instanceof ScimError) || error.status !== 400) throw error;
        }
        expect(current).toStrictEqual(sampleUser);
        for (const attribute of Object.values(result ?? {})) {
          if (!Array.isArray(attribute)) continue;
          expect(
            attribute.filter((entry) => isScimObject(entry) && entry.primary === true).length,
          ).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
