/**
 * SCIM attribute definitions as data (RFC 7643 §2.2, §7). The same objects are served by
 * /Schemas and drive validation, coercion, filtering and PATCH, so a SCIM rule lives here once.
 */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'complex'
  | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

type Options = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description' | 'subAttributes'>>;

const DEFAULTS = {
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
} as const;

/** A simple (non-complex) attribute with RFC 7643 §2.2 defaults. */
export function attr(
  name: string,
  type: Exclude<AttributeType, 'complex'>,
  description: string,
  options: Options = {},
): AttributeDefinition {
  return { name, type, description, ...DEFAULTS, ...options };
}

/** A complex attribute with its sub-attributes. */
export function complex(
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  options: Options = {},
): AttributeDefinition {
  return { name, type: 'complex', description, ...DEFAULTS, ...options, subAttributes };
}

/**
 * The sub-attributes shared by most multi-valued complex attributes (RFC 7643 §2.4). A `reference`
 * value needs its `referenceTypes` in `valueOptions` (§7): schema-driven clients refuse one without.
 */
export function multiValuedEntry(
  valueType: Exclude<AttributeType, 'complex'>,
  valueDescription: string,
  types: readonly string[],
  valueOptions: Options = {},
): AttributeDefinition[] {
  return [
    attr('value', valueType, valueDescription, valueOptions),
    attr('display', 'string', 'A human-readable name, primarily used for display purposes.'),
    attr(
      'type',
      'string',
      "A label indicating the attribute's function.",
      types.length > 0 ? { canonicalValues: types } : {},
    ),
    attr(
      'primary',
      'boolean',
      'A Boolean value indicating the preferred value. At most one entry may be primary.',
    ),
  ];
}

/** Case-insensitive lookup of an attribute by name (RFC 7643 §2.1: names are case-insensitive). */
export function findAttribute(
  attributes: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  if (!attributes) return undefined;
  const wanted = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === wanted);
}
