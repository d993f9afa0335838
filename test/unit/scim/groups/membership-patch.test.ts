import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MembershipDelta } from '../../../../shared/ports/group-store.ts';
import { ScimError } from '../../../../shared/scim/errors.ts';
import { readMembershipPatch } from '../../../../shared/scim/groups/membership-patch.ts';
import { applyOperations, applyPatch, type PatchOperation } from '../../../../shared/scim/patch/index.ts';
import type { ScimResource } from '../../../../shared/scim/resource.ts';
import { groupResourceType } from '../../../../shared/scim/schema/resource-type.ts';

interface ExpectedError {
  readonly status: number;
  readonly scimType: string;
  readonly detail?: string;
}

/** An operation as the golden files write it: the path as a client would, after normalisation. */
interface OperationShape {
  readonly op: string;
  readonly path: string;
  readonly value?: unknown;
}

interface GoldenCase {
  readonly dialect: string;
  readonly name: string;
  readonly body: unknown;
  readonly expected:
    | { readonly members: MembershipDelta; readonly operations: OperationShape[] }
    | { readonly error: ExpectedError };
}

function load<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

const cases = load<GoldenCase[]>(new URL('./membership-patch.cases.json', import.meta.url));

function shapeOf({ op, target, value }: PatchOperation): OperationShape {
  const path = `${target.extension ? `${target.extension}:` : ''}${target.attribute.name}${target.filter ? '[…]' : ''}${target.subAttribute ? `.${target.subAttribute.name}` : ''}`;
  return value === undefined ? { op, path } : { op, path, value };
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the PATCH to be refused');
}

describe.each([...new Set(cases.map((c) => c.dialect))])('group membership PATCH, %s', (dialect) => {
  it.each(cases.filter((c) => c.dialect === dialect))('$name', ({ body, expected }) => {
    if ('error' in expected) {
      const error = thrownBy(() => readMembershipPatch(body));
      expect(error).toBeInstanceOf(ScimError);
      const { status, scimType, detail } = error as ScimError;
      expect({ status, scimType }).toEqual({
        status: expected.error.status,
        scimType: expected.error.scimType,
      });
      if (expected.error.detail) expect(detail).toContain(expected.error.detail);
      return;
    }
    const read = readMembershipPatch(body);
    expect(read.members).toStrictEqual(expected.members);
    expect(read.operations.map(shapeOf)).toStrictEqual(expected.operations);
  });
});

/**
 * The PATCH goldens apply group cases to a whole resource, members included. Splitting the same
 * PATCH into a membership delta and operations on the group without members must end in the
 * same group, whatever the member order.
 */
describe('agrees with PATCH applied to a whole group (test/unit/scim/patch goldens)', () => {
  interface PatchCase {
    readonly name: string;
    readonly resourceType?: string;
    readonly resource: ScimResource;
    readonly body: unknown;
    readonly expected: ScimResource | { readonly error: ExpectedError };
  }
  /**
   * Where the split is deliberately stricter: a member's sub-attributes are immutable or
   * read-only, so setting one is refused even on a new entry, rather than adding a member by
   * way of its `type`.
   */
  const stricter = new Set(['add of an immutable sub-attribute on a new entry is allowed']);
  const groupCases = ['rfc7644', 'entra-legacy', 'entra-optscim062020', 'okta', 'errors'].flatMap((dialect) =>
    load<PatchCase[]>(new URL(`../patch/${dialect}.cases.json`, import.meta.url)).filter(
      (c) => c.resourceType === 'Group' && !stricter.has(c.name),
    ),
  );

  const idsOf = (resource: ScimResource | undefined) =>
    (Array.isArray(resource?.members) ? resource.members : [])
      .map((member) => String((member as { value: unknown }).value))
      .sort();

  function applyDelta(members: string[], delta: MembershipDelta): string[] {
    const next = new Set(delta.replaceAll ?? members);
    for (const id of delta.add) next.add(id);
    for (const id of delta.remove) next.delete(id);
    return [...next].sort();
  }

  it('covers the group cases of every dialect', () => {
    expect(groupCases.length).toBeGreaterThanOrEqual(15);
  });

  it.each(groupCases)('$name', ({ resource, body, expected }) => {
    const { members: _members, ...withoutMembers } = resource;
    if ('error' in expected && !('schemas' in expected)) {
      const whole = thrownBy(() => applyPatch(groupResourceType, resource, body)) as ScimError;
      const split = thrownBy(() => {
        const read = readMembershipPatch(body);
        applyOperations(groupResourceType, withoutMembers as ScimResource, read.operations);
      }) as ScimError;
      expect(split.scimType).toBe(whole.scimType);
      return;
    }
    const read = readMembershipPatch(body);
    const patched = applyOperations(groupResourceType, withoutMembers as ScimResource, read.operations);
    const { members: _expectedMembers, ...expectedWithoutMembers } = expected as ScimResource;
    expect(patched).toStrictEqual(expectedWithoutMembers);
    expect(applyDelta(idsOf(resource), read.members)).toStrictEqual(idsOf(expected as ScimResource));
  });
});
