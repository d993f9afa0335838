import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBulkRequest } from '../../../../shared/scim/bulk/request.ts';
import { ScimError } from '../../../../shared/scim/errors.ts';

/** Golden cases: a BulkRequest body and the operations it is read as, or the error it gets. */
interface RequestCase {
  readonly name: string;
  readonly body: unknown;
  readonly expected: unknown | { readonly error: { status: number; scimType: string; detail?: string } };
}

const cases = JSON.parse(
  readFileSync(new URL('./request.cases.json', import.meta.url), 'utf8'),
) as RequestCase[];

function refusalOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected the BulkRequest to be refused');
}

describe('BulkRequest parsing', () => {
  it.each(cases)('$name', ({ body, expected }) => {
    if (typeof expected === 'object' && expected !== null && 'error' in expected) {
      const { error } = expected as { error: { status: number; scimType: string; detail?: string } };
      const refusal = refusalOf(() => parseBulkRequest(body));
      expect({ status: refusal.status, scimType: refusal.scimType }).toEqual({
        status: error.status,
        scimType: error.scimType,
      });
      if (error.detail) expect(refusal.detail).toContain(error.detail);
    } else {
      expect(parseBulkRequest(body)).toStrictEqual(expected);
    }
  });

  it('refuses more than maxOperations with 413 naming the limit, before reading any operation', () => {
    const operations = Array.from({ length: 1001 }, () => 'not even an operation');
    const refusal = refusalOf(() => parseBulkRequest({ Operations: operations }));
    expect(refusal.status).toBe(413);
    expect(refusal.detail).toContain('1001 operations; maxOperations is 1000');
    expect(parseBulkRequest({ Operations: [] }, { maxOperations: 0 }).operations).toEqual([]);
  });

  it('throws nothing but a 4xx ScimError, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({
            schemas: fc.anything(),
            failOnErrors: fc.anything(),
            Operations: fc.array(
              fc.oneof(
                fc.anything(),
                fc.record({
                  method: fc.oneof(fc.constantFrom('POST', 'put', 'Patch', 'DELETE', 'GET'), fc.anything()),
                  path: fc.oneof(
                    fc.constantFrom('/Users', '/Users/x', '/Users/bulkId:a', '/', ''),
                    fc.string(),
                  ),
                  bulkId: fc.oneof(fc.constantFrom('a', 'b'), fc.anything()),
                  version: fc.anything(),
                  data: fc.anything(),
                }),
              ),
            ),
          }),
        ),
        (body) => {
          try {
            parseBulkRequest(body);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect((error as ScimError).status).toBeGreaterThanOrEqual(400);
            expect((error as ScimError).status).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
