import {
  type AttributeDefinition,
  attr,
  complex,
  findAttribute,
  type SchemaDefinition,
} from './attribute.ts';
import { GROUP_SCHEMA, groupSchema } from './group.ts';
import { ENTERPRISE_USER_SCHEMA, enterpriseUserSchema, USER_SCHEMA, userSchema } from './user.ts';

/** Attributes every resource has (RFC 7643 §3.1), outside any schema's attribute list. */
export const commonAttributes: readonly AttributeDefinition[] = [
  attr('id', 'string', 'A unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attr('externalId', 'string', 'An identifier for the resource as defined by the provisioning client.', {
    caseExact: true,
  }),
  complex(
    'meta',
    'Resource metadata.',
    [
      attr('resourceType', 'string', 'The name of the resource type of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
      attr('created', 'dateTime', 'The time the resource was added to the service provider.', {
        mutability: 'readOnly',
      }),
      attr('lastModified', 'dateTime', 'The most recent time the resource was modified.', {
        mutability: 'readOnly',
      }),
      attr('location', 'reference', 'The URI of the resource being returned.', {
        caseExact: true,
        mutability: 'readOnly',
        referenceTypes: ['uri'],
      }),
      attr('version', 'string', 'The version (ETag) of the resource.', {
        caseExact: true,
        mutability: 'readOnly',
      }),
    ],
    { mutability: 'readOnly' },
  ),
];

export interface SchemaExtension {
  readonly schema: SchemaDefinition;
  readonly required: boolean;
}

export interface ResourceType {
  readonly name: 'User' | 'Group';
  readonly endpoint: string;
  readonly description: string;
  readonly schema: SchemaDefinition;
  readonly extensions: readonly SchemaExtension[];
}

export const userResourceType: ResourceType = {
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: userSchema,
  extensions: [{ schema: enterpriseUserSchema, required: false }],
};

export const groupResourceType: ResourceType = {
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: groupSchema,
  extensions: [],
};

export const allSchemas: readonly SchemaDefinition[] = [userSchema, enterpriseUserSchema, groupSchema];
export { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA };

/**
 * An attribute path resolved against a resource type: which schema it belongs to, the attribute,
 * and the sub-attribute when the path names one. `extension` is the URN of the extension schema
 * when the attribute lives in one (its values sit under that URN key in the resource).
 */
export interface ResolvedPath {
  readonly extension?: string;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

/** Splits a leading schema URN off a path, matching the resource type's schemas case-insensitively. */
export function splitSchemaUrn(resourceType: ResourceType, path: string): { urn?: string; rest: string } {
  const lower = path.toLowerCase();
  for (const urn of [resourceType.schema.id, ...resourceType.extensions.map((e) => e.schema.id)]) {
    if (lower.startsWith(`${urn.toLowerCase()}:`)) return { urn, rest: path.slice(urn.length + 1) };
  }
  return { rest: path };
}

/**
 * Resolves `name`, `name.sub`, or a URN-qualified form of either (RFC 7644 §3.10), case-insensitively.
 * Returns undefined for an attribute the resource type does not define.
 */
export function resolveAttributePath(resourceType: ResourceType, path: string): ResolvedPath | undefined {
  const { urn, rest } = splitSchemaUrn(resourceType, path);
  const extension =
    urn && urn !== resourceType.schema.id
      ? resourceType.extensions.find((e) => e.schema.id === urn)
      : undefined;
  const [name, sub, ...more] = rest.split('.');
  if (!name || more.length > 0) return undefined;
  const attributes = extension
    ? extension.schema.attributes
    : [...commonAttributes, ...resourceType.schema.attributes];
  const attribute = findAttribute(attributes, name);
  if (!attribute) return undefined;
  if (sub === undefined) return { ...(extension ? { extension: extension.schema.id } : {}), attribute };
  const subAttribute = findAttribute(attribute.subAttributes, sub);
  if (!subAttribute) return undefined;
  return { ...(extension ? { extension: extension.schema.id } : {}), attribute, subAttribute };
}
