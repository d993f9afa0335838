import { isDeepStrictEqual } from 'node:util';
import { type ScimResource as LibraryDocument, type ScimPatchOperation, scimPatch } from 'scim-patch';
import { ScimError, type ScimType } from '../errors.ts';
import type { Filter } from '../filter/ast.ts';
import { matchesFilter } from '../filter/evaluate.ts';
import { isScimObject, type ScimObject, type ScimResource, type ScimValue } from '../resource.ts';
import { findAttribute } from '../schema/attribute.ts';
import type { ResourceType } from '../schema/resource-type.ts';
import { isWholeList, normalisePatchBody, type PatchOperation, type PatchTarget } from './normalise.ts';

/**
 * Applies a SCIM PATCH body (RFC 7644 §3.5.2) to a resource and returns the patched copy; `current`
 * is never modified. The request is validated as a whole before anything is applied, and operations
 * apply to a private copy, so a failing operation leaves nothing half-done. Values are not
 * type-checked here: pass the result through `coerceResource(resourceType, result, { mode: 'replace' })`.
 *
 * @example
 * const patched = applyPatch(userResourceType, user, {
 *   schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
 *   Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
 * });
 * // patched.active === false, and `user` is as it was
 */
export function applyPatch(resourceType: ResourceType, current: ScimResource, body: unknown): ScimResource {
  return applyOperations(resourceType, current, normalisePatchBody(resourceType, body));
}

/**
 * Applies operations already normalised by `normalisePatchBody`, with the same guarantees as
 * `applyPatch`. For callers that handle some operations themselves, such as group membership,
 * which is stored apart from the group (see `shared/scim/groups/membership-patch.ts`).
 *
 * @example
 * const operations = normalisePatchBody(groupResourceType, body).filter((o) => o.target.attribute.name !== 'members');
 * applyOperations(groupResourceType, groupWithoutMembers, operations);
 */
export function applyOperations(
  resourceType: ResourceType,
  current: ScimResource,
  operations: readonly PatchOperation[],
): ScimResource {
  for (const operation of operations) assertNotReadOnly(operation, current);
  const working = structuredClone(current);
  for (const operation of operations) applyOperation(working, operation);
  return withSchemas(resourceType, working);
}

function applyOperation(resource: ScimResource, operation: PatchOperation): void {
  const { target, op } = operation;
  const holder = holderOf(resource, target, op !== 'remove');
  if (!holder) return; // removing from an extension the resource does not have
  assertImmutableKept(holder, operation);
  const primaryBefore = primaries(holder[target.attribute.name]);
  if (target.filter || (target.attribute.multiValued && target.subAttribute)) {
    applyToEntries(holder, operation);
  } else {
    const path = libraryPath(target);
    runScimPatch(
      resource,
      operation.index,
      op === 'remove' ? { op, path } : { op, path, value: operation.value },
    );
  }
  keepOnePrimary(holder[target.attribute.name], primaryBefore);
}

/**
 * Operations on some entries of a complex attribute (`emails[type eq "work"].value`, `emails.type`,
 * `manager[value eq "x"]`). The entries are picked here and scim-patch edits each picked entry. Its
 * own filtered paths fail when the attribute is missing or single-valued ("Impossible to search on a
 * mono valued attribute"), when a filter value contains ":", silently drop an `add` of a whole new
 * entry, and compare values case-sensitively whatever the schema says.
 */
function applyToEntries(holder: ScimObject, operation: PatchOperation): void {
  const { index, op, target } = operation;
  const { attribute, filter, subAttribute } = target;
  const picked = pick(holder, target);
  if (op === 'remove') {
    if (subAttribute) {
      for (const entry of picked) runScimPatch(entry, index, { op, path: subAttribute.name });
      return;
    }
    // A filtered remove that matches nothing is a harmless no-op: removal is idempotent.
    if (picked.length === 0) return;
    const list = holder[attribute.name];
    const kept = Array.isArray(list) ? list.filter((item) => !picked.some((entry) => entry === item)) : [];
    // RFC 7644 §3.5.2.2: a multi-valued attribute left without entries is unassigned.
    if (kept.length > 0) holder[attribute.name] = kept;
    else delete holder[attribute.name];
    return;
  }
  // scim-patch edits one entry: it sets the sub-attribute, or merges the object value into the entry.
  const { value } = operation;
  const patch: ScimPatchOperation = subAttribute ? { op, path: subAttribute.name, value } : { op, value };
  for (const entry of picked) runScimPatch(entry, index, patch);
  if (picked.length > 0) return;
  // Entra ID adds to, and replaces in, entries that do not exist yet (`emails[type eq "work"].value` for a
  // user without a work email): the entry the filter describes is created.
  const seed = attribute.multiValued && filter ? seedOf(filter) : undefined;
  if (!seed) throw fail(index, 'noTarget', `no entry of "${attribute.name}" matches the path`);
  runScimPatch(seed, index, { ...patch, op: 'add' });
  const list = holder[attribute.name];
  holder[attribute.name] = [...(Array.isArray(list) ? list : []), seed];
}

/** The existing entries an operation addresses: those matching its filter, else every entry. */
function pick(holder: ScimObject, target: PatchTarget): ScimObject[] {
  const value = holder[target.attribute.name];
  const entries = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return entries.filter(
    (entry): entry is ScimObject =>
      isScimObject(entry) && (!target.filter || matches(entry, target.filter, target)),
  );
}

/**
 * Evaluates the value filter on one entry with the shared evaluator (the same case rules as
 * GET ?filter=), by presenting the entry as the only value of its attribute.
 */
function matches(entry: ScimObject, filter: Filter, { extension, attribute }: PatchTarget): boolean {
  const value = attribute.multiValued ? [entry] : entry;
  const resource: ScimResource = extension
    ? { schemas: [], [extension]: { [attribute.name]: value } }
    : { schemas: [], [attribute.name]: value };
  return matchesFilter(filter, resource);
}

/** The entry an `eq` filter (or an `and` of them) describes, e.g. `type eq "work"` gives {"type": "work"}. */
function seedOf(filter: Filter): ScimObject | undefined {
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null && filter.path.subAttribute) {
    return { [filter.path.subAttribute]: filter.value };
  }
  if (filter.kind !== 'and') return undefined;
  const parts = filter.filters.map(seedOf);
  return parts.every((part) => part !== undefined) ? Object.assign({}, ...parts) : undefined;
}

/**
 * RFC 7644 §3.5.2: a client must not modify a readOnly attribute (id, meta, groups, manager.displayName).
 * Sending the value the resource already has is no modification: Okta's group rename PATCH echoes the id.
 * readOnly attributes cannot change during a request, so this is checked against `current` up front.
 */
function assertNotReadOnly(operation: PatchOperation, current: ScimResource): void {
  const { index, op, target, value } = operation;
  const { attribute, subAttribute, filter } = target;
  const holder = target.extension ? current[target.extension] : current;
  const existing = isScimObject(holder) ? holder[attribute.name] : undefined;
  if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') {
    const now = subAttribute ? (isScimObject(existing) ? existing[subAttribute.name] : undefined) : existing;
    if (op === 'remove' || filter || !isDeepStrictEqual(now ?? null, value ?? null)) {
      const name = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
      throw fail(index, 'mutability', `"${name}" is read-only`);
    }
    return;
  }
  if (attribute.multiValued || subAttribute || !isScimObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes, key);
    const now = isScimObject(existing) ? existing[key] : undefined;
    if (sub?.mutability === 'readOnly' && !isDeepStrictEqual(now ?? null, item)) {
      throw fail(index, 'mutability', `"${attribute.name}.${sub.name}" is read-only`);
    }
  }
}

/** RFC 7644 §3.5.2: an immutable attribute may be given a value once and never changed or removed. */
function assertImmutableKept(holder: ScimObject, operation: PatchOperation): void {
  const { index, op, target, value } = operation;
  const { attribute, subAttribute } = target;
  const existing = holder[attribute.name];
  const unchanged = op !== 'remove' && !target.filter && !subAttribute && isDeepStrictEqual(existing, value);
  if (attribute.mutability === 'immutable' && isSet(existing) && !unchanged) {
    throw fail(index, 'mutability', `"${attribute.name}" is immutable`);
  }
  // A whole new list is new entries; removing whole entries changes none of their sub-attributes.
  if (attribute.type !== 'complex' || isWholeList(target) || (op === 'remove' && !subAttribute)) return;
  const changes: ScimObject = subAttribute
    ? { [subAttribute.name]: op === 'remove' ? null : (value ?? null) }
    : isScimObject(value)
      ? value
      : {};
  for (const entry of pick(holder, target)) {
    for (const [key, next] of Object.entries(changes)) {
      const sub = findAttribute(attribute.subAttributes, key);
      if (sub?.mutability === 'immutable' && isSet(entry[key]) && !isDeepStrictEqual(entry[key], next)) {
        throw fail(index, 'mutability', `"${attribute.name}.${sub.name}" is immutable`);
      }
    }
  }
}

/** Entries with `"primary": true`, remembered by identity so a newly promoted entry can be told apart. */
function primaries(list: ScimValue | undefined): Set<ScimValue> {
  return new Set(
    Array.isArray(list) ? list.filter((item) => isScimObject(item) && item.primary === true) : [],
  );
}

/** RFC 7644 §3.5.2: when an operation makes an entry primary, every other entry stops being primary. */
function keepOnePrimary(list: ScimValue | undefined, before: Set<ScimValue>): void {
  if (!Array.isArray(list)) return;
  const promoted = list.filter((item) => isScimObject(item) && item.primary === true && !before.has(item));
  const winner = promoted.at(-1); // the last one named wins when one operation promotes several
  if (winner === undefined) return;
  for (const item of list) {
    if (item !== winner && isScimObject(item) && item.primary === true) item.primary = false;
  }
}

/** `[urn:]attribute[.subAttribute]`: scim-patch resolves URN-prefixed paths into the extension object. */
function libraryPath({ extension, attribute, subAttribute }: PatchTarget): string {
  return `${extension ? `${extension}:` : ''}${attribute.name}${subAttribute ? `.${subAttribute.name}` : ''}`;
}

/** The object an attribute lives in: the resource itself, or its extension object (created for writes). */
function holderOf(resource: ScimResource, target: PatchTarget, create: boolean): ScimObject | undefined {
  if (!target.extension) return resource;
  const existing = resource[target.extension];
  if (isScimObject(existing)) return existing;
  if (!create) return undefined;
  const created: ScimObject = {};
  resource[target.extension] = created;
  return created;
}

/** Keeps `schemas` in step with the extension objects present (RFC 7643 §3), dropping emptied ones. */
function withSchemas(resourceType: ResourceType, resource: ScimResource): ScimResource {
  const present: string[] = [];
  for (const { schema } of resourceType.extensions) {
    const value = resource[schema.id];
    if (isScimObject(value) && Object.keys(value).length === 0) delete resource[schema.id];
    else if (value !== undefined) present.push(schema.id);
  }
  resource.schemas = [resourceType.schema.id, ...present];
  return resource;
}

/**
 * Runs scim-patch on one document in place. Paths are validated before it sees them, so what it can
 * still refuse is a value (`add` of a string onto an existing object): that becomes invalidValue, and
 * its noTarget stays noTarget. Nothing it throws escapes raw.
 */
function runScimPatch(document: ScimObject, index: number, operation: ScimPatchOperation): void {
  try {
    // scim-patch types documents as its own resource shape; it only reads and writes their keys.
    scimPatch(document as unknown as LibraryDocument, [operation], {
      mutateDocument: true,
      treatMissingAsAdd: true,
    });
  } catch (error) {
    const noTarget = error instanceof Error && 'scimCode' in error && error.scimCode === 'noTarget';
    const message = error instanceof Error ? error.message : String(error);
    throw ScimError.badRequest(
      noTarget ? 'noTarget' : 'invalidValue',
      `Operations[${index}]: ${message}`,
      error,
    );
  }
}

function isSet(value: ScimValue | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

function fail(index: number, scimType: ScimType, problem: string): ScimError {
  return ScimError.badRequest(scimType, `Operations[${index}]: ${problem}.`);
}
