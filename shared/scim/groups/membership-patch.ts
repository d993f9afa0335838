import type { MembershipDelta } from '../../ports/group-store.ts';
import { ScimError, type ScimType } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';
import { normalisePatchBody, type PatchOperation } from '../patch/index.ts';
import { groupResourceType } from '../schema/resource-type.ts';
import { readMemberIds } from './members.ts';

/**
 * A group PATCH split in two: the membership change, which storage applies member by member
 * (a group's members are not part of its item), and the operations on the group's other
 * attributes, for `applyOperations` on the group without its members.
 */
export interface MembershipPatch {
  readonly members: MembershipDelta;
  readonly operations: PatchOperation[];
}

/**
 * Reads a group PATCH body, in any identity provider's dialect (normalised by
 * `normalisePatchBody`, the one place dialects are handled), into a membership delta and the
 * remaining operations. Operations apply in order: adding u1 then removing it leaves u1 out.
 *
 * The member operations understood, which cover what Entra ID and Okta send:
 * - `add` to `members` with a list of `{"value": id}` (also pathless `{"members": [...]}`);
 * - `replace` of `members` with a list (possibly empty): the group's members become that list;
 * - `remove` of `members[value eq "id"]`, or of several ids joined by `or`;
 * - `remove` of `members` listing `{"value": id}` entries (Entra ID without aadOptscim062020);
 * - `remove` of `members` without a value: every member leaves.
 * Anything else that touches `members` is refused with a 400 that says what is accepted.
 *
 * @example
 * readMembershipPatch({ Operations: [
 *   { op: 'remove', path: 'members[value eq "u1"]' },
 *   { op: 'add', path: 'members', value: [{ value: 'u2' }] },
 *   { op: 'replace', value: { id: 'g1', displayName: 'Sales' } },
 * ] })
 * // => { members: { add: ['u2'], remove: ['u1'] }, operations: [<replace displayName>, <replace id>] }
 */
export function readMembershipPatch(body: unknown): MembershipPatch {
  const delta = new DeltaBuilder();
  const operations: PatchOperation[] = [];
  for (const operation of normalisePatchBody(groupResourceType, body)) {
    if (operation.target.attribute.name === 'members') applyToDelta(delta, operation);
    else operations.push(operation);
  }
  return { members: delta.build(), operations };
}

/** Whether a delta changes nothing at all (no member operation was sent). */
export function isEmptyDelta(delta: MembershipDelta): boolean {
  return delta.replaceAll === undefined && delta.add.length === 0 && delta.remove.length === 0;
}

function applyToDelta(delta: DeltaBuilder, operation: PatchOperation): void {
  const { index, op, target, value } = operation;
  if (target.subAttribute) {
    const path = `members${target.filter ? '[…]' : ''}.${target.subAttribute.name}`;
    throw fail(
      index,
      'mutability',
      `"${path}" cannot be changed: a member's value, $ref and type are immutable and its display is ` +
        'read-only. Add or remove the member as a whole, e.g. {"op":"add","path":"members","value":[{"value":"<user id>"}]}',
    );
  }
  if (target.filter) {
    if (op !== 'remove') {
      throw fail(
        index,
        'invalidPath',
        `"${op}" with a filtered members path is not supported; ${op} members with "path": "members" and a list of {"value": "<user id>"}`,
      );
    }
    delta.remove(idsNamedBy(target.filter, index));
    return;
  }
  if (op === 'remove') {
    // `remove` of `members` with listed entries arrives here as filtered removes (normalise.ts);
    // without a value it removes every member (RFC 7644 §3.5.2.2).
    delta.replaceWith([]);
    return;
  }
  const ids = readMemberIds(value ?? [], `Operations[${index}]`);
  if (op === 'add') delta.add(ids);
  else delta.replaceWith(ids);
}

/**
 * The ids a member filter names: `value eq "id"`, or such comparisons joined by `or`. Membership
 * is answered per member id, so other filters (on type, display, with `and`, `ne`, `co`...) are
 * refused rather than evaluated against every member of a group of any size.
 */
function idsNamedBy(filter: Filter, index: number): string[] {
  if (filter.kind === 'or') return filter.filters.flatMap((child) => idsNamedBy(child, index));
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.subAttribute === 'value') {
    if (typeof filter.value === 'string' && filter.value !== '') return [filter.value];
    throw fail(
      index,
      'invalidValue',
      `a member is named by its user id, a non-empty string, not ${JSON.stringify(filter.value)}`,
    );
  }
  throw fail(
    index,
    'invalidFilter',
    'members are removed by id only: use members[value eq "<user id>"] (several joined with "or"), ' +
      'or list them as {"op":"remove","path":"members","value":[{"value":"<user id>"}]}',
  );
}

/** Folds member operations in request order into the port's delta (replaceAll, then add, then remove). */
class DeltaBuilder {
  private replaceAll: Set<string> | undefined;
  private readonly added = new Set<string>();
  private readonly removed = new Set<string>();

  replaceWith(ids: readonly string[]): void {
    this.replaceAll = new Set(ids);
    this.added.clear();
    this.removed.clear();
  }

  add(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.add(id);
      else {
        this.removed.delete(id);
        this.added.add(id);
      }
    }
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.replaceAll) this.replaceAll.delete(id);
      else {
        this.added.delete(id);
        this.removed.add(id);
      }
    }
  }

  build(): MembershipDelta {
    return {
      ...(this.replaceAll ? { replaceAll: [...this.replaceAll] } : {}),
      add: [...this.added],
      remove: [...this.removed],
    };
  }
}

function fail(index: number, scimType: ScimType, problem: string): ScimError {
  return ScimError.badRequest(scimType, `Operations[${index}]: ${problem}.`);
}
