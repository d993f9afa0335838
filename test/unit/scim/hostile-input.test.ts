import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceResource } from '../../../shared/scim/coerce.ts';
import { ScimError } from '../../../shared/scim/errors.ts';
import { parseFilter } from '../../../shared/scim/filter/index.ts';
import { MAX_JSON_DEPTH, parseJsonBody } from '../../../shared/scim/json-body.ts';
import { readListQuery } from '../../../shared/scim/list.ts';
import { groupResourceType, userResourceType } from '../../../shared/scim/schema/resource-type.ts';
import { isKeyable, keys } from '../../../shared/store/keys.ts';

/** What the caller sees: a declared ScimError, or (for anything else that escapes) a test failure. */
function refusal(fn: () => unknown): ScimError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
}
const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('request bodies (parseJsonBody, once for every route)', () => {
  it.each([
    ['a value', '{"userName":"x\\ud800"}'],
    ['a trailing low surrogate', '{"userName":"\\udc00x"}'],
    ['an attribute name', '{"x\\udfff":"a"}'],
    ['a Bulk operation', '{"Operations":[{"method":"POST","path":"/Users","data":{"userName":"\\ud800"}}]}'],
    ['a PATCH value', '{"Operations":[{"op":"add","path":"emails","value":[{"value":"\\ud800@x"}]}]}'],
  ])('refuses a lone surrogate in %s with 400 invalidValue', (_, body) => {
    const error = refusal(() => parseJsonBody(body));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error?.detail).toMatch(/well-formed/);
  });

  it('takes a surrogate pair (an emoji, escaped or not) as the character it is', () => {
    expect(parseJsonBody('{"displayName":"\\ud83d\\ude00 😀"}')).toEqual({ displayName: '😀 😀' });
  });

  it(`accepts nesting ${MAX_JSON_DEPTH} levels deep and refuses one more with 400 invalidSyntax`, () => {
    expect(parseJsonBody(nested(MAX_JSON_DEPTH))).toBeDefined();
    expect(refusal(() => parseJsonBody(nested(MAX_JSON_DEPTH + 1)))).toMatchObject({
      status: 400,
      scimType: 'invalidSyntax',
    });
    expect(refusal(() => parseJsonBody(`{"filter":${nested(20_000)}}`))).toMatchObject({ status: 400 });
    expect(
      refusal(() => parseJsonBody(`{"a":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_001)}`)),
    ).toMatchObject({
      status: 400,
    });
  });

  it('refuses text that is not JSON with 400 invalidSyntax', () => {
    expect(refusal(() => parseJsonBody('{"userName":'))).toMatchObject({
      status: 400,
      scimType: 'invalidSyntax',
    });
  });
});

describe('a SearchRequest (readListQuery) takes only its documented types', () => {
  it.each([
    ['filter', { filter: [[['userName pr']]] }],
    ['filter', { filter: ['userName pr'] }],
    ['sortBy', { sortBy: ['userName'] }],
    ['cursor', { cursor: { next: 'x' } }],
    ['attributes', { attributes: [['userName']] }],
    ['excludedAttributes', { excludedAttributes: [{ a: 1 }] }],
    ['count', { count: [1] }],
  ])('%s of the wrong type is a 400 invalidValue', (name, body) => {
    const error = refusal(() => readListQuery(body));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error?.detail).toContain(name);
  });

  it('still reads attributes as a list of strings (RFC 7644 §3.4.3)', () => {
    expect(readListQuery({ attributes: ['userName', 'emails'], filter: 'userName pr' })).toMatchObject({
      attributes: ['userName', 'emails'],
      filter: 'userName pr',
    });
  });
});

describe('filters', () => {
  it.each([
    'userName eq "x\\ud800"',
    'userName eq "\\udc00"',
    'emails[value eq "\\ud800"]',
    'userName eq "x\ud800"',
  ])('%s is a 400 invalidFilter, not a key the store cannot build', (filter) => {
    expect(refusal(() => parseFilter(filter, userResourceType))).toMatchObject({
      status: 400,
      scimType: 'invalidFilter',
    });
  });

  it('an escaped surrogate pair is the character it names', () => {
    expect(refusal(() => parseFilter('displayName eq "\\ud83d\\ude00"', userResourceType))).toBeUndefined();
  });
});

describe('userName and displayName (RFC 7643 §4.1.1, §4.2: required and non-empty)', () => {
  it.each(['', '  ', '\t\n'])('a userName of %j is a 400 invalidValue', (userName) => {
    expect(refusal(() => coerceResource(userResourceType, { userName }, { mode: 'create' }))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
      detail: expect.stringContaining('userName'),
    });
  });

  it('a group displayName of blanks is a 400 invalidValue', () => {
    expect(
      refusal(() => coerceResource(groupResourceType, { displayName: ' ' }, { mode: 'create' })),
    ).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('a userName with surrounding blanks is kept as sent', () => {
    expect(coerceResource(userResourceType, { userName: ' ada ' }, { mode: 'create' }).userName).toBe(
      ' ada ',
    );
  });
});

/** Any UTF-16 code units: whole characters, lone surrogates, and both mixed. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)),
        fc.string({ maxLength: 3 }),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('')),
);
const email = fc.record(
  { value: anyText, type: fc.oneof(anyText, fc.constant('work')), primary: fc.boolean() },
  { requiredKeys: [] },
);
const userBody = fc.record(
  {
    userName: fc.oneof(anyText, fc.integer()),
    externalId: anyText,
    displayName: anyText,
    emails: fc.oneof(fc.array(email, { maxLength: 3 }), anyText),
    name: fc.oneof(fc.record({ givenName: anyText, familyName: anyText }, { requiredKeys: [] }), anyText),
    active: fc.oneof(fc.boolean(), anyText),
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': fc.record(
      { manager: fc.oneof(anyText, fc.record({ value: anyText })) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const groupBody = fc.record(
  {
    displayName: anyText,
    externalId: anyText,
    members: fc.oneof(fc.array(fc.record({ value: anyText }), { maxLength: 3 }), anyText),
  },
  { requiredKeys: [] },
);
const hostileJson = fc.oneof(
  userBody,
  groupBody,
  fc.anything({ stringUnit: 'binary', maxDepth: 4 }),
  fc.dictionary(anyText, fc.anything({ stringUnit: 'binary', maxDepth: 2 })),
);
const allWellFormed = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.isWellFormed()
    : Array.isArray(value)
      ? value.every(allWellFormed)
      : typeof value === 'object' && value !== null
        ? Object.entries(value).every(([name, item]) => name.isWellFormed() && allWellFormed(item))
        : true;
const id = '2819c223-7f76-453a-919d-413861904646';

/**
 * Arbitrary Unicode through the whole path of a write: body text → parseJsonBody → coerceResource
 * → the keys the store would write. Only a declared 400 may escape, and every key that would be
 * written is one DynamoDB accepts.
 */
describe('arbitrary Unicode from body to keys', () => {
  it('ends in a 400 ScimError or in keys DynamoDB accepts', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const error = refusal(() => {
          const body = parseJsonBody(text);
          const user = coerceResource(userResourceType, body, { mode: 'create' });
          expect(allWellFormed(user)).toBe(true);
          const userKeys = [
            keys.userNameClaim('default', String(user.userName)),
            ...(typeof user.externalId === 'string'
              ? [keys.indexEntry('default', 'externalId', user.externalId, id)]
              : []),
            ...(Array.isArray(user.emails) ? user.emails : []).map((entry) =>
              keys.indexEntry(
                'default',
                'emails.value',
                String((entry as { value?: unknown }).value ?? ''),
                id,
              ),
            ),
          ];
          for (const key of userKeys) expect(isKeyable(key)).toBe(true);
          const group = coerceResource(groupResourceType, body, { mode: 'create' });
          expect(isKeyable(keys.groupDisplayNameClaim('default', String(group.displayName)))).toBe(true);
        });
        if (error) expect(error.status).toBe(400);
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses a body exactly when some text in it, a name or a value, is ill-formed', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const error = refusal(() => parseJsonBody(text));
        if (allWellFormed(JSON.parse(text))) expect(error).toBeUndefined();
        else expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
      }),
      { numRuns: 3_000 },
    );
  });

  it('list queries and filters of any text end in a 400 ScimError at worst', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom(
            'filter',
            'sortBy',
            'sortOrder',
            'cursor',
            'attributes',
            'excludedAttributes',
            'count',
            'startIndex',
          ),
          fc.oneof(
            anyText,
            fc.array(anyText, { maxLength: 3 }),
            fc.anything({ stringUnit: 'binary', maxDepth: 3 }),
          ),
        ),
        (source) => {
          const error = refusal(() => {
            const query = readListQuery(source);
            if (query.filter !== undefined) parseFilter(query.filter, userResourceType);
          });
          if (error) expect(error.status).toBe(400);
        },
      ),
      { numRuns: 3_000 },
    );
    fc.assert(
      fc.property(
        anyText,
        fc.constantFrom('userName eq ', 'emails[value co ', 'externalId sw ', 'id eq '),
        (text, prefix) => {
          const filter = `${prefix}${JSON.stringify(text)}${prefix.includes('[') ? ']' : ''}`;
          const error = refusal(() => parseFilter(filter, userResourceType));
          if (text.isWellFormed()) expect(error).toBeUndefined();
          else expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
