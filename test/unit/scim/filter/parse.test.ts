import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { type Filter, MAX_FILTER_LENGTH, parseFilter } from '../../../../shared/scim/filter/index.ts';
import { groupResourceType, userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

/**
 * Golden cases: a filter as a client sends it and the resolved tree it must produce, or the
 * invalidFilter refusal it must get (`detail` is a fragment the message must contain, so the
 * client is told what is wrong). A case runs against the User resource type unless it says
 * `"resourceType": "Group"`.
 */
interface GoldenCase {
  readonly name: string;
  readonly filter: string;
  readonly resourceType?: 'User' | 'Group';
  readonly expected: Filter | { readonly error: 'invalidFilter'; readonly detail?: string };
}

const cases = JSON.parse(
  readFileSync(new URL('./parse.cases.json', import.meta.url), 'utf8'),
) as GoldenCase[];

function refusalOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected the filter to be refused');
}

describe('parseFilter golden cases', () => {
  it.each(cases)('$name', ({ filter, resourceType, expected }) => {
    const type = resourceType === 'Group' ? groupResourceType : userResourceType;
    if ('error' in expected) {
      const error = refusalOf(() => parseFilter(filter, type));
      expect({ status: error.status, scimType: error.scimType }).toEqual({
        status: 400,
        scimType: expected.error,
      });
      if (expected.detail) expect(error.detail).toContain(expected.detail);
    } else {
      expect(parseFilter(filter, type)).toStrictEqual(expected);
    }
  });
});

describe('parseFilter on pathological input', () => {
  const userNameIs = (value: string) => `userName eq "${value}"`;

  it(`accepts ${MAX_FILTER_LENGTH} characters and refuses one more`, () => {
    const longest = userNameIs('a'.repeat(MAX_FILTER_LENGTH - userNameIs('').length));
    expect(parseFilter(longest, userResourceType)).toMatchObject({ op: 'eq' });
    const error = refusalOf(() => parseFilter(`${longest} `, userResourceType));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(String(MAX_FILTER_LENGTH));
  });

  it('refuses an unterminated string full of line breaks at once', () => {
    // A backtracking string pattern needs hours for this; the refusal must be immediate.
    const started = performance.now();
    const error = refusalOf(() => parseFilter(`userName eq "${'\n'.repeat(3000)}`, userResourceType));
    expect(error.scimType).toBe('invalidFilter');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['parentheses', `${'('.repeat(2000)}userName pr${')'.repeat(2000)}`],
    ['unclosed parentheses', '('.repeat(4000)],
    ['value filters', `${'emails['.repeat(500)}value pr${']'.repeat(500)}`],
    ['not', `${'not '.repeat(1000)}userName pr`],
    ['and/or/not mixed', `${'not (userName pr and '.repeat(150)}title pr${')'.repeat(150)}`],
  ])('refuses deep nesting of %s with invalidFilter, not a stack overflow', (_, filter) => {
    expect(refusalOf(() => parseFilter(filter, userResourceType)).scimType).toBe('invalidFilter');
  });

  it('parses a long flat chain of or', () => {
    const filter = Array.from({ length: 150 }, (_, i) => userNameIs(`user${i}`)).join(' or ');
    const parsed = parseFilter(filter, userResourceType);
    expect(parsed.kind === 'or' && parsed.filters.length).toBe(150);
  });
});
