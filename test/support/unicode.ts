import fc from 'fast-check';

/**
 * Text of any UTF-16 code units: lone surrogates (which JSON carries as `\ud800` escapes), pairs
 * of them, astral characters and plain ASCII, mixed. Built from code units because fast-check's
 * `unit: 'binary'` spends seconds on its first value, long enough for an HTTP keep-alive socket
 * to close under the first request of an e2e property.
 *
 * @example
 * fc.sample(anyUtf16(), 3) // e.g. ['a\ud800', '😀x', '']
 */
export function anyUtf16(constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
    fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
  );
  return fc
    .array(unit, { minLength: constraints.minLength ?? 0, maxLength: constraints.maxLength ?? 10 })
    .map((parts) => parts.join(''));
}
