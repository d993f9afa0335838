import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { applyPatch } from '../../../../shared/scim/patch/index.ts';
import type { ScimResource } from '../../../../shared/scim/resource.ts';
import { groupResourceType, userResourceType } from '../../../../shared/scim/schema/resource-type.ts';

/**
 * Golden cases, one file per dialect: what each identity provider sends and the resource it must
 * produce (before coercion), or the SCIM error it must get. A case runs against the User resource
 * type unless it says `"resourceType": "Group"`.
 */
interface ExpectedError {
  readonly status: number;
  readonly scimType: string;
  /** A fragment the error detail must contain, such as the operation index. */
  readonly detail?: string;
}

interface GoldenCase {
  readonly name: string;
  readonly resourceType?: 'User' | 'Group';
  readonly resource: ScimResource;
  readonly body: unknown;
  readonly expected: ScimResource | { readonly error: ExpectedError };
}

/** `{"error": …}` and nothing else: a resource always has `schemas`. */
function isRefusal(expected: GoldenCase['expected']): expected is { readonly error: ExpectedError } {
  return !('schemas' in expected) && 'error' in expected;
}

const DIALECTS = ['rfc7644', 'entra-legacy', 'entra-optscim062020', 'okta', 'errors'] as const;

function load(dialect: string): GoldenCase[] {
  return JSON.parse(
    readFileSync(new URL(`./${dialect}.cases.json`, import.meta.url), 'utf8'),
  ) as GoldenCase[];
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the patch to be refused');
}

for (const dialect of DIALECTS) {
  describe(`PATCH, ${dialect} dialect`, () => {
    it.each(load(dialect))('$name', ({ resourceType, resource, body, expected }) => {
      const type = resourceType === 'Group' ? groupResourceType : userResourceType;
      const before = structuredClone(resource);
      if (isRefusal(expected)) {
        const error = thrownBy(() => applyPatch(type, resource, body));
        expect(error).toBeInstanceOf(ScimError);
        const { status, scimType, detail } = error as ScimError;
        expect({ status, scimType }).toEqual({
          status: expected.error.status,
          scimType: expected.error.scimType,
        });
        if (expected.error.detail) expect(detail).toContain(expected.error.detail);
      } else {
        expect(applyPatch(type, resource, body)).toStrictEqual(expected);
      }
      // Whatever happened, the resource handed in is exactly as it was.
      expect(resource).toStrictEqual(before);
    });
  });
}
