import { booleanFromText } from '../coerce.ts';
import { ScimError, type ScimType } from '../errors.ts';
import type { Filter, ValueComparison } from '../filter/ast.ts';
import { parseFilter } from '../filter/parse.ts';
import { isScimObject, type ScimObject, type ScimValue } from '../resource.ts';
import { type AttributeDefinition, findAttribute, type SchemaDefinition } from '../schema/attribute.ts';
import { type ResourceType, resolveAttributePath, splitSchemaUrn } from '../schema/resource-type.ts';

/**
 * Turns a PATCH body as identity providers really send it into plain RFC 7644 §3.5.2 operations whose
 * paths are resolved against the schema. Every IdP dialect is handled here and nowhere else, so
 * `apply.ts` sees one shape: lower-case op, a resolved target (never pathless), values whose keys
 * are spelled as the schema spells them.
 */

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOpName = 'add' | 'replace' | 'remove';

/** What an operation addresses: `[urn:]attribute[filter][.subAttribute]`, resolved. */
export interface PatchTarget {
  /** URN of the extension schema the attribute lives under; absent for core attributes. */
  readonly extension?: string;
  readonly attribute: AttributeDefinition;
  /** The value filter of `attribute[filter]`, its attribute names spelled as the schema does. */
  readonly filter?: Filter;
  readonly subAttribute?: AttributeDefinition;
}

export interface PatchOperation {
  /** Position of the operation in the request, so errors can name it. */
  readonly index: number;
  readonly op: PatchOpName;
  readonly target: PatchTarget;
  /** Absent for `remove`. */
  readonly value?: ScimValue;
}

interface Context {
  readonly resourceType: ResourceType;
  readonly index: number;
  readonly op: PatchOpName;
}

type ParsedPath =
  | { readonly kind: 'attribute'; readonly target: PatchTarget }
  | { readonly kind: 'schema'; readonly schema: SchemaDefinition; readonly extension: boolean }
  | { readonly kind: 'ignored' };

/** ATTRNAME [ "[" valFilter "]" ] [ "." subAttr ], after any schema URN (RFC 7644 §3.5.2, §3.10). */
const PATH = /^([A-Za-z$][\w$-]*)(?:\[(.*)\])?(?:\.([A-Za-z$][\w$-]*))?$/s;

/**
 * Validates a PATCH body and rewrites it into resolved RFC 7644 operations. Throws a 400 ScimError
 * naming the offending operation; an empty `Operations` list yields no operations.
 *
 * @example
 * normalisePatchBody(userResourceType, { Operations: [{ op: 'Replace', path: 'active', value: 'False' }] })
 * // => [{ index: 0, op: 'replace', target: { attribute: <active> }, value: false }]
 */
export function normalisePatchBody(resourceType: ResourceType, body: unknown): PatchOperation[] {
  if (!isScimObject(body)) {
    throw ScimError.badRequest('invalidSyntax', 'The PATCH body must be a JSON object.');
  }
  const { schemas, Operations: operations } = body;
  // The PatchOp URN is expected, but a body without `schemas` is still unambiguous, so it is accepted.
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.some(isPatchOpUrn))) {
    throw ScimError.badRequest('invalidSyntax', `"schemas" must contain "${PATCH_OP_SCHEMA}".`);
  }
  if (!Array.isArray(operations)) {
    throw ScimError.badRequest('invalidSyntax', 'The PATCH body must have an "Operations" array.');
  }
  // An empty list is a no-op rather than an error: Microsoft's SCIM validator sends one.
  return operations.flatMap((operation, index) => normaliseOperation(resourceType, operation, index));
}

function normaliseOperation(resourceType: ResourceType, raw: ScimValue, index: number): PatchOperation[] {
  if (!isScimObject(raw)) throw fail(index, 'invalidSyntax', 'an operation must be a JSON object');
  // Entra ID without the aadOptscim062020 flag capitalises op names ("Replace", "Add", "Remove").
  const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : undefined;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw fail(index, 'invalidSyntax', `"op" must be add, replace or remove, not ${JSON.stringify(raw.op)}`);
  }
  const { path, value } = raw;
  if (path !== undefined && typeof path !== 'string') {
    throw fail(index, 'invalidPath', '"path" must be a string');
  }
  if (op !== 'remove' && value === undefined) throw fail(index, 'invalidValue', `"${op}" needs a "value"`);
  const context: Context = { resourceType, index, op };
  if (path !== undefined) return forPath(context, path, value);
  if (op === 'remove') throw fail(index, 'noTarget', '"remove" needs a "path"');
  // Pathless add/replace (Okta's `{"active": false}`, Entra's flagged dotted and URN-qualified keys):
  // each key is a path of its own, so every key gets exactly the semantics it would have as a path.
  if (!isScimObject(value)) throw fail(index, 'invalidValue', 'without a "path", "value" must be an object');
  return Object.entries(value).flatMap(([key, item]) =>
    // Clients echo the resource's `schemas`; they follow from the attributes present.
    key.toLowerCase() === 'schemas' ? [] : forPath(context, key, item),
  );
}

function forPath(context: Context, path: string, value: ScimValue | undefined): PatchOperation[] {
  const parsed = parsePath(context, path);
  const { index, op } = context;
  if (parsed.kind === 'ignored') return [];
  if (parsed.kind === 'attribute') return forTarget(context, parsed.target, value);
  const { schema, extension } = parsed;
  if (op === 'remove' || value === null) {
    if (!extension) throw fail(index, 'invalidPath', 'the core schema cannot be removed');
    const target = (attribute: AttributeDefinition) => ({ extension: schema.id, attribute });
    return schema.attributes.map((attribute) => ({ index, op: 'remove', target: target(attribute) }));
  }
  if (!isScimObject(value)) throw fail(index, 'invalidValue', `"${schema.id}" must be given an object`);
  return Object.entries(value).flatMap(([key, item]) => forPath(context, `${schema.id}:${key}`, item));
}

function forTarget(context: Context, target: PatchTarget, value: ScimValue | undefined): PatchOperation[] {
  const { index, op } = context;
  if (op === 'remove') {
    // Entra ID without the flag removes group members by listing them:
    // {"op":"Remove","path":"members","value":[{"value":"u1"}]}.
    if (value !== undefined && value !== null && isWholeList(target)) {
      return listedRemovals(context, target, value);
    }
    return [{ index, op, target }];
  }
  const given = singleValued(target, value, index);
  // Entra ID clears an attribute by sending null (SCIM_Null_Update in its validator).
  if (given === null || given === undefined) return [{ index, op: 'remove', target }];
  return forValue(context, target, given);
}

/**
 * A single-valued complex attribute (the enterprise manager) as Entra ID sends it: its validator
 * clears the manager with an empty string (SCIM_Update_Manager_Test, "Replace with empty"), and
 * its reference code sends it as a one-element list (`[{"$ref": …, "value": id}]`).
 */
function singleValued(
  target: PatchTarget,
  value: ScimValue | undefined,
  index: number,
): ScimValue | undefined {
  const { attribute, subAttribute, filter } = target;
  if (attribute.type !== 'complex' || attribute.multiValued || subAttribute || filter) return value;
  if (value === '') return null;
  if (!Array.isArray(value)) return value;
  if (value.length > 1) {
    throw fail(
      index,
      'invalidValue',
      `"${attribute.name}" is single-valued and cannot take ${value.length} values`,
    );
  }
  return value[0] ?? null;
}

function forValue(context: Context, target: PatchTarget, value: ScimValue): PatchOperation[] {
  const { index, op } = context;
  if (target.filter && !target.subAttribute && !isScimObject(value)) {
    throw fail(index, 'invalidValue', 'a filtered path without a sub-attribute needs an object value');
  }
  const normalised = valueFor(target, value, index);
  if (!isScimObject(normalised) || target.attribute.type !== 'complex' || target.subAttribute) {
    return [{ index, op, target, value: normalised }];
  }
  // A null sub-attribute inside a complex value clears that sub-attribute (Entra's null update again).
  const { attribute } = target;
  const cleared = Object.keys(normalised).filter((key) => normalised[key] === null);
  const removals: PatchOperation[] = cleared.flatMap((key) => {
    const subAttribute = findAttribute(attribute.subAttributes, key);
    return subAttribute ? [{ index, op: 'remove', target: { ...target, subAttribute } }] : [];
  });
  const rest = withoutNulls(normalised);
  return Object.keys(rest).length > 0 ? [{ index, op, target, value: rest }, ...removals] : removals;
}

/** Canonical spelling, string booleans and bare-id managers, for the shape the target expects. */
function valueFor(target: PatchTarget, value: ScimValue, index: number): ScimValue {
  const { attribute, subAttribute } = target;
  if (subAttribute) return scalar(subAttribute, value);
  if (!isWholeList(target)) return entry(attribute, value, index);
  // A lone value for a multi-valued attribute is a one-element list; null entries are unassigned.
  const items = Array.isArray(value) ? value : [value];
  return items
    .filter((item) => item !== null)
    .map((item) => {
      const normalised = entry(attribute, item, index);
      return isScimObject(normalised) ? withoutNulls(normalised) : normalised;
    });
}

function entry(definition: AttributeDefinition, value: ScimValue, index: number): ScimValue {
  if (definition.type !== 'complex') return scalar(definition, value);
  // Entra ID sends the enterprise manager as a bare id string rather than {"value": id}.
  if (
    typeof value === 'string' &&
    !definition.multiValued &&
    findAttribute(definition.subAttributes, 'value')
  ) {
    return { value };
  }
  if (!isScimObject(value)) return value; // wrong shape: the coercion step names the attribute
  const out: ScimObject = {};
  for (const [key, item] of Object.entries(value)) {
    const subAttribute = findAttribute(definition.subAttributes, key);
    if (!subAttribute) {
      throw fail(index, 'invalidValue', `"${definition.name}" has no sub-attribute "${key}"`);
    }
    // Okta sends `display` with every member it adds; read-only parts of list entries are the server's.
    if (definition.multiValued && subAttribute.mutability === 'readOnly') continue;
    out[subAttribute.name] = scalar(subAttribute, item);
  }
  return out;
}

/** Entra ID without the flag sends booleans as "True"/"False" (`active`; `primary` in its validator). */
function scalar(definition: AttributeDefinition, value: ScimValue): ScimValue {
  return definition.type === 'boolean' ? (booleanFromText(value) ?? value) : value;
}

/** One filtered remove per listed entry, matched on `value` (an entry's identity) when it is given. */
function listedRemovals(context: Context, target: PatchTarget, value: ScimValue): PatchOperation[] {
  const { index } = context;
  return (Array.isArray(value) ? value : [value]).map((item) => {
    const given = entry(target.attribute, item, index);
    const fields = isScimObject(given) ? withoutNulls(given) : {};
    const identity = fields.value !== undefined ? { value: fields.value } : fields;
    const clauses: ValueComparison[] = Object.entries(identity).flatMap(([name, compValue]) => {
      const sub = findAttribute(target.attribute.subAttributes, name);
      if (!sub || typeof compValue === 'object') return [];
      const path = {
        ...(target.extension ? { extension: target.extension } : {}),
        attribute: target.attribute.name,
        subAttribute: sub.name,
      };
      return [
        {
          kind: 'compare',
          op: 'eq',
          path,
          value: compValue,
          attributeType: sub.type,
          caseExact: sub.caseExact,
        },
      ];
    });
    const [first, ...more] = clauses;
    if (!first) {
      throw fail(index, 'invalidValue', 'each entry listed for removal must name it, e.g. {"value": "…"}');
    }
    const filter: Filter = more.length === 0 ? first : { kind: 'and', filters: clauses };
    return { index, op: 'remove' as const, target: { ...target, filter } };
  });
}

function parsePath(context: Context, path: string): ParsedPath {
  const { resourceType, index } = context;
  const trimmed = path.trim();
  const schemas = [resourceType.schema, ...resourceType.extensions.map((e) => e.schema)];
  const schema = schemas.find((s) => s.id.toLowerCase() === trimmed.toLowerCase());
  if (schema) return { kind: 'schema', schema, extension: schema !== resourceType.schema };
  const { urn, rest } = splitSchemaUrn(resourceType, trimmed);
  // Entra ID sends attributes of custom extension schemas this service does not define
  // (urn:ietf:params:scim:schemas:extension:CustomExtension:2.0:User:costCode). Refusing them would stop
  // provisioning of the whole user, so operations on unknown schemas are ignored, as coercion ignores them.
  if (!urn && /^urn:/i.test(rest)) return { kind: 'ignored' };
  const [, name, filterText, sub] = PATH.exec(rest) ?? [];
  if (!name) throw fail(index, 'invalidPath', `"${path}" is not an attribute path`);
  const attributePath = `${name}${sub ? `.${sub}` : ''}`;
  // Clients also name extension attributes without their URN (`manager[value eq "x"]`); RFC 7644 §3.10
  // reads an unqualified name as core first, so an extension is tried only when the core has no such name.
  const candidates = urn
    ? [urn]
    : [resourceType.schema.id, ...resourceType.extensions.map((e) => e.schema.id)];
  const resolved = candidates
    .map((schemaId) => resolveAttributePath(resourceType, `${schemaId}:${attributePath}`))
    .find((found) => found !== undefined);
  if (!resolved) throw fail(index, 'invalidPath', `"${path}" names no attribute of a ${resourceType.name}`);
  if (filterText === undefined) return { kind: 'attribute', target: resolved };
  if (resolved.attribute.type !== 'complex') {
    throw fail(index, 'invalidPath', `"${resolved.attribute.name}" has no entries to filter`);
  }
  return {
    kind: 'attribute',
    target: { ...resolved, filter: valueFilter(resourceType, resolved, filterText, index) },
  };
}

/**
 * Parses `attribute[valFilter]` with the same hardened filter parser as GET ?filter=, so a PATCH path
 * gets the same names, case rules and limits; returns the inner filter (its paths are full paths such
 * as `emails.type`).
 */
function valueFilter(resourceType: ResourceType, target: PatchTarget, text: string, index: number): Filter {
  const qualified = `${target.extension ? `${target.extension}:` : ''}${target.attribute.name}[${text}]`;
  try {
    const parsed = parseFilter(qualified, resourceType);
    if (parsed.kind !== 'valuePath') throw new Error('not a value filter');
    return parsed.filter;
  } catch (error) {
    const detail = error instanceof ScimError ? error.detail : `malformed filter "${text}"`;
    throw ScimError.badRequest('invalidPath', `Operations[${index}]: ${detail}`, error);
  }
}

/**
 * The whole multi-valued attribute, as opposed to some of its entries or one sub-attribute of them.
 *
 * @example
 * isWholeList(target) // true for `emails`; false for `emails[type eq "work"]`, `emails.value` and `name`
 */
export function isWholeList(target: PatchTarget): boolean {
  return target.attribute.multiValued && !target.filter && !target.subAttribute;
}

function withoutNulls(value: ScimObject): ScimObject {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null));
}

function isPatchOpUrn(value: ScimValue): boolean {
  return typeof value === 'string' && value.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase();
}

function fail(index: number, scimType: ScimType, problem: string): ScimError {
  return ScimError.badRequest(scimType, `Operations[${index}]: ${problem}.`);
}
