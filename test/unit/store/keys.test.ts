import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isKeyable,
  keys,
  keyValue,
  ledgerKeys,
  MAX_PARTITION_KEY_BYTES,
  MAX_SORT_KEY_BYTES,
} from '../../../shared/store/keys.ts';

/** Lone surrogates, the ill-formed UTF-16 a JSON `\ud800` escape or a filter literal can carry. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** Any UTF-16: every code unit (so lone surrogates too), whole code points, and mixes of both. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(fc.oneof(loneSurrogate, fc.string({ unit: 'binary-ascii', maxLength: 3 })), { maxLength: 12 })
    .map((parts) => parts.join('')),
  fc.string({ unit: 'binary', minLength: 300, maxLength: 1200 }),
);
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('keyValue (strings in sort keys)', () => {
  it('turns any string, lone surrogates included, into a short ASCII key part without "#"', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const part = keyValue(value);
        expect(part).toMatch(/^[\x21-\x22\x24-\x7e]+$|^$/);
        expect(part.length).toBeLessThanOrEqual(400);
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps different strings apart, whichever of them are well-formed', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        fc.pre(a !== b);
        expect(keyValue(a)).not.toBe(keyValue(b));
      }),
      { numRuns: 5_000 },
    );
    // The replacement character is what a lone surrogate becomes in UTF-8: they must not meet.
    expect(keyValue('x\ud800')).not.toBe(keyValue('x\ufffd'));
    expect(keyValue('\ud800')).not.toBe(keyValue('\udc00'));
  });

  it('gives every key built from client text a size DynamoDB accepts', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const id = '2819c223-7f76-453a-919d-413861904646';
        for (const key of [
          keys.userNameClaim('default', value),
          keys.indexEntry('default', 'externalId', value, id),
          keys.indexEntry('default', 'emails.value', value, id),
          keys.groupDisplayNameClaim('default', value),
          keys.groupIndexEntry('default', 'externalId', value, id),
          keys.member('default', value, value),
          keys.membership('default', value, value),
          ledgerKeys.leaverByName('default', value, value),
          ledgerKeys.application('default', value, value),
        ])
          expect(isKeyable(key)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('isKeyable (the one guard for ids that cannot be keys)', () => {
  const sortKeyOf = (id: string) => keys.user('default', id).sk;
  const idOfSortKeyBytes = (n: number) => 'a'.repeat(n - sortKeyOf('').length);

  it('accepts a sort key of exactly 1,024 bytes and refuses 1,025', () => {
    expect(MAX_SORT_KEY_BYTES).toBe(1024);
    expect(bytes(keys.user('default', idOfSortKeyBytes(1024)).sk)).toBe(1024);
    expect(isKeyable(keys.user('default', idOfSortKeyBytes(1024)))).toBe(true);
    expect(isKeyable(keys.group('default', idOfSortKeyBytes(1025)))).toBe(false);
    // Bytes, not characters: 'é' is two bytes in UTF-8.
    const accented = 'é'.repeat(Math.ceil((1025 - sortKeyOf('').length) / 2));
    expect(isKeyable(keys.user('default', accented))).toBe(false);
  });

  it('accepts a partition key of exactly 2,048 bytes and refuses 2,049', () => {
    expect(MAX_PARTITION_KEY_BYTES).toBe(2048);
    const directory = (n: number) => 'd'.repeat(n - keys.partition('').length);
    expect(isKeyable(keys.user(directory(2048), 'a'))).toBe(true);
    expect(isKeyable(keys.user(directory(2049), 'a'))).toBe(false);
  });

  it('refuses ill-formed UTF-16, which DynamoDB cannot store', () => {
    expect(isKeyable(keys.user('default', 'x\ud800'))).toBe(false);
    expect(isKeyable(keys.user('d\udfff', 'x'))).toBe(false);
    expect(isKeyable(keys.user('default', 'x\ud83d\ude00'))).toBe(true);
  });
});
