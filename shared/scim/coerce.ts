import { ScimError } from './errors.ts';
import { isScimObject, type ScimObject, type ScimResource, type ScimValue } from './resource.ts';
import { type AttributeDefinition, findAttribute } from './schema/attribute.ts';
import { commonAttributes, type ResourceType } from './schema/resource-type.ts';

/**
 * `create` and `replace` both produce the full writable state of a resource from client input.
 * They differ only in intent (the caller checks immutability against the stored resource).
 */
export interface CoerceOptions {
  readonly mode: 'create' | 'replace';
}

const XSD_DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Reads client input (POST, PUT, or the result of a PATCH) through the schema model:
 * attribute names are matched case-insensitively and rewritten to the schema's spelling, values
 * are checked against their declared type, readOnly attributes (id, meta, groups) are ignored as
 * RFC 7643 §2.2 says, the write-only password is dropped (this service never stores passwords),
 * `null` means "unassigned", and attributes of schemas we do not know are ignored, so custom
 * IdP extension attributes do not break provisioning.
 *
 * @example
 * coerceResource(userResourceType, { UserName: 'ada', active: 'False' }, { mode: 'create' })
 * // => { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada', active: false }
 */
export function coerceResource(
  resourceType: ResourceType,
  input: unknown,
  _options: CoerceOptions,
): ScimResource {
  if (!isScimObject(input))
    throw ScimError.badRequest('invalidSyntax', 'The request body must be a JSON object.');
  const out: ScimObject = {};
  const coreAttributes = [...commonAttributes, ...resourceType.schema.attributes];
  const extensionsPresent: string[] = [];

  for (const [key, value] of Object.entries(input)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = resourceType.extensions.find((e) => e.schema.id.toLowerCase() === key.toLowerCase());
    if (extension) {
      if (value === null) continue;
      if (!isScimObject(value)) throw invalid(key, 'must be an object of extension attributes');
      const coerced = coerceAttributes(extension.schema.attributes, value, key);
      if (Object.keys(coerced).length > 0) {
        out[extension.schema.id] = coerced;
        extensionsPresent.push(extension.schema.id);
      }
      continue;
    }
    if (key.toLowerCase() === resourceType.schema.id.toLowerCase() && isScimObject(value)) {
      // Some clients nest core attributes under the core schema URN; read them as top-level ones.
      Object.assign(out, coerceAttributes(coreAttributes, value, key));
      continue;
    }
    const definition = findAttribute(coreAttributes, key);
    if (!definition) continue; // unknown attribute or unknown extension schema: ignored, not an error
    const coerced = coerceAttribute(definition, value, definition.name);
    if (coerced !== undefined) out[definition.name] = coerced;
  }

  for (const definition of resourceType.schema.attributes) {
    if (!definition.required) continue;
    const value = out[definition.name];
    if (value === undefined) throw invalid(definition.name, 'is required');
    // RFC 7643 §4.1.1: "a non-empty userName"; blanks alone name nobody either (nor a group).
    if (typeof value === 'string' && value.trim() === '')
      throw invalid(definition.name, 'is required and must not be empty or blank');
  }
  for (const { schema, required } of resourceType.extensions) {
    if (required && out[schema.id] === undefined) throw invalid(schema.id, 'is a required extension');
  }
  return { schemas: [resourceType.schema.id, ...extensionsPresent], ...out };
}

function coerceAttributes(
  definitions: readonly AttributeDefinition[],
  input: ScimObject,
  parentPath: string,
): ScimObject {
  const out: ScimObject = {};
  for (const [key, value] of Object.entries(input)) {
    const definition = findAttribute(definitions, key);
    if (!definition) continue;
    const coerced = coerceAttribute(definition, value, `${parentPath}:${definition.name}`);
    if (coerced !== undefined) out[definition.name] = coerced;
  }
  return out;
}

/** Returns the coerced value, or undefined when the attribute is to be left unassigned. */
function coerceAttribute(
  definition: AttributeDefinition,
  value: ScimValue | undefined,
  path: string,
): ScimValue | undefined {
  if (definition.mutability === 'readOnly' || definition.mutability === 'writeOnly') return undefined;
  if (value === null || value === undefined) return undefined;
  if (!definition.multiValued) return coerceSingle(definition, value, path);
  if (!Array.isArray(value)) throw invalid(path, 'is multi-valued and must be an array');
  const items = value
    .filter((item) => item !== null)
    .map((item, index) => coerceSingle(definition, item, `${path}[${index}]`))
    .filter((item): item is ScimValue => item !== undefined);
  if (items.length === 0) return undefined;
  const primaries = items.filter((item) => isScimObject(item) && item.primary === true).length;
  if (primaries > 1) throw invalid(path, 'has more than one value with "primary": true');
  return items;
}

function coerceSingle(
  definition: AttributeDefinition,
  value: ScimValue,
  path: string,
): ScimValue | undefined {
  switch (definition.type) {
    case 'complex': {
      // Entra sends the enterprise manager as a bare id string: a complex attribute with a
      // `value` sub-attribute given a string means that value.
      if (typeof value === 'string' && findAttribute(definition.subAttributes, 'value')) return { value };
      if (!isScimObject(value)) throw invalid(path, 'must be an object');
      const coerced = coerceAttributes(definition.subAttributes ?? [], value, path);
      return Object.keys(coerced).length > 0 ? coerced : undefined;
    }
    case 'boolean':
      return coerceBoolean(value, path);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw invalid(path, 'must be an integer');
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalid(path, 'must be a number');
    case 'dateTime':
      if (typeof value === 'string' && XSD_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))
        return value;
      throw invalid(path, 'must be an xsd:dateTime such as "2026-01-31T09:00:00Z"');
    default:
      // string, reference, binary. Numbers are accepted as their decimal text: some IdPs map a
      // numeric source attribute (employee number) without quoting it.
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw invalid(path, 'must be a string');
  }
}

/**
 * A boolean as Entra ID writes it without the aadOptscim062020 flag: "True"/"False" in any case.
 * Anything else is not a boolean (undefined). Used for values, PATCH values and filter operands alike.
 *
 * @example
 * booleanFromText('False') // false
 */
export function booleanFromText(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

function coerceBoolean(value: ScimValue, path: string): boolean {
  const boolean = booleanFromText(value);
  if (boolean === undefined) throw invalid(path, 'must be a boolean');
  return boolean;
}

function invalid(path: string, problem: string): ScimError {
  return ScimError.badRequest('invalidValue', `Attribute "${path}" ${problem}.`);
}
