/**
 * SCIM /Users (RFC 7644 §3): the composition root. Clients and services are built once per
 * cold start; each route parses, calls the UserService, and maps the result to HTTP.
 */
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '#adapters/dynamodb/user-store.ts';
import { tableAuth } from '#auth/table-auth.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { scimResponse } from '#http/response.ts';
import { scimHandler } from '#http/scim-handler.ts';
import { idOf, listQuery, preconditionsOf, projectionOf, searchQuery } from '#http/scim-request.ts';
import { type UserResult, UserService } from '#scim/users/user-service.ts';

const tableName = requireEnv(ENV.tableName);
const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
// The group store answers each user's readOnly `groups` and `groups.value` filters.
const users = new UserService(
  new DynamoUserStore(client, tableName),
  new DynamoGroupStore(client, tableName),
);
const auth = tableAuth(client, tableName);

const withEtag = (status: number, result: UserResult, extra: Record<string, string> = {}) =>
  scimResponse(status, result.resource, { ETag: result.etag, ...extra });

export const handler = scimHandler(
  {
    'GET /Users': async (request) =>
      scimResponse(200, await users.list(request.ctx, listQuery(request.query))),
    'POST /Users/.search': async (request) =>
      scimResponse(200, await users.list(request.ctx, searchQuery(request))),
    'POST /Users': async (request) => {
      const result = await users.create(request.ctx, request.body);
      return withEtag(201, result, {
        Location: `${request.ctx.baseUrl}/Users/${String(result.resource.id)}`,
      });
    },
    'GET /Users/{id}': async (request) => {
      const result = await users.get(
        request.ctx,
        idOf(request),
        projectionOf(request),
        preconditionsOf(request),
      );
      return 'notModified' in result
        ? scimResponse(304, undefined, { ETag: result.etag })
        : withEtag(200, result);
    },
    'PUT /Users/{id}': async (request) =>
      withEtag(200, await users.replace(request.ctx, idOf(request), request.body, preconditionsOf(request))),
    'PATCH /Users/{id}': async (request) =>
      withEtag(200, await users.patch(request.ctx, idOf(request), request.body, preconditionsOf(request))),
    'DELETE /Users/{id}': async (request) => {
      await users.delete(request.ctx, idOf(request), preconditionsOf(request));
      return scimResponse(204);
    },
  },
  auth,
);
