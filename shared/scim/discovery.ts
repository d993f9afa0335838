import { MAX_RESULTS } from './list.ts';
import type { ScimObject } from './resource.ts';
import type { SchemaDefinition } from './schema/attribute.ts';
import { groupResourceType, type ResourceType, userResourceType } from './schema/resource-type.ts';

/** The resource types this service serves. Discovery advertises these and nothing else. */
export const servedResourceTypes: readonly ResourceType[] = [userResourceType, groupResourceType];

export const servedSchemas: readonly SchemaDefinition[] = servedResourceTypes.flatMap((type) => [
  type.schema,
  ...type.extensions.map((extension) => extension.schema),
]);

/** RFC 7643 §5. Only what works is advertised: features arrive here when they do. */
export function serviceProviderConfig(baseUrl: string): ScimObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A bearer token issued for this directory, sent as "Authorization: Bearer <token>".',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6. */
export function resourceTypeResource(type: ResourceType, baseUrl: string): ScimObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((extension) => ({
      schema: extension.schema.id,
      required: extension.required,
    })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` },
  };
}

/** RFC 7643 §7: the attribute definitions are served as they are declared. */
export function schemaResource(schema: SchemaDefinition, baseUrl: string): ScimObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: JSON.parse(JSON.stringify(schema.attributes)) as ScimObject[],
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}
