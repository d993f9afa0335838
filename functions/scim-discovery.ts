/**
 * SCIM discovery: /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7644 §4), and the
 * answer to a search at the root. Authenticated like every other endpoint of a directory.
 */

import { documentClient } from '#adapters/dynamodb/client.ts';
import { tableAuth } from '#auth/table-auth.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { scimResponse } from '#http/response.ts';
import { scimHandler } from '#http/scim-handler.ts';
import {
  resourceTypeResource,
  schemaResource,
  servedResourceTypes,
  servedSchemas,
  serviceProviderConfig,
} from '#scim/discovery.ts';
import { ScimError } from '#scim/errors.ts';
import { listResponse } from '#scim/list.ts';

const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const auth = tableAuth(client, requireEnv(ENV.tableName));

export const handler = scimHandler(
  {
    // RFC 7644 §3.4.3 lets a search at the root span every resource type; this service provider
    // searches one type at a time, and says so with a SCIM error rather than a bare 404.
    'POST /.search': async () => {
      throw new ScimError(
        501,
        undefined,
        'A search at the root is not supported: search users at /Users/.search and groups at /Groups/.search.',
      );
    },
    'GET /ServiceProviderConfig': async ({ ctx }) => scimResponse(200, serviceProviderConfig(ctx.baseUrl)),
    'GET /ResourceTypes': async ({ ctx }) => {
      const resources = servedResourceTypes.map((type) => resourceTypeResource(type, ctx.baseUrl));
      return scimResponse(200, listResponse(resources, resources.length, 1));
    },
    'GET /ResourceTypes/{id}': async ({ ctx, pathParameters }) => {
      const type = servedResourceTypes.find((candidate) => candidate.name === pathParameters.id);
      if (!type) throw ScimError.notFound(`Resource type ${pathParameters.id} not found.`);
      return scimResponse(200, resourceTypeResource(type, ctx.baseUrl));
    },
    'GET /Schemas': async ({ ctx }) => {
      const resources = servedSchemas.map((schema) => schemaResource(schema, ctx.baseUrl));
      return scimResponse(200, listResponse(resources, resources.length, 1));
    },
    'GET /Schemas/{id}': async ({ ctx, pathParameters }) => {
      const schema = servedSchemas.find((candidate) => candidate.id === pathParameters.id);
      if (!schema) throw ScimError.notFound(`Schema ${pathParameters.id} not found.`);
      return scimResponse(200, schemaResource(schema, ctx.baseUrl));
    },
  },
  auth,
);
