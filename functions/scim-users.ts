/**
 * SCIM /Users (RFC 7644 §3): the composition root. Clients and services are built once per
 * cold start; each route parses, calls the UserService, and maps the result to HTTP.
 */
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoCursorKey } from '#adapters/dynamodb/cursor-key.ts';
import { DynamoUserStore } from '#adapters/dynamodb/user-store.ts';
import { tableAuth } from '#auth/table-auth.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { scimResponse } from '#http/response.ts';
import { type ScimHttpRequest, scimHandler } from '#http/scim-handler.ts';
import { ScimError } from '#scim/errors.ts';
import { readListQuery } from '#scim/list.ts';
import { parseAttributeList } from '#scim/projection.ts';
import { isScimObject } from '#scim/resource.ts';
import { type UserResult, UserService } from '#scim/users/user-service.ts';

const tableName = requireEnv(ENV.tableName);
const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
// One key read per container: every function signs and checks paging cursors with the table's key.
const cursorKey = new DynamoCursorKey(client, tableName);
const users = new UserService(new DynamoUserStore(client, tableName), { cursorKey });
const auth = tableAuth(client, tableName);

const idOf = (request: ScimHttpRequest): string => request.pathParameters.id ?? '';
const preconditions = (request: ScimHttpRequest) => ({
  ifMatch: request.header('if-match'),
  ifNoneMatch: request.header('if-none-match'),
});
const withEtag = (status: number, result: UserResult, extra: Record<string, string> = {}) =>
  scimResponse(status, result.resource, { ETag: result.etag, ...extra });

function projection(request: ScimHttpRequest) {
  const attributes = parseAttributeList(request.query.attributes);
  const excludedAttributes = parseAttributeList(request.query.excludedAttributes);
  return { ...(attributes ? { attributes } : {}), ...(excludedAttributes ? { excludedAttributes } : {}) };
}

export const handler = scimHandler(
  {
    'GET /Users': async (request) =>
      scimResponse(200, await users.list(request.ctx, readListQuery(request.query))),
    'POST /Users/.search': async (request) => {
      if (!isScimObject(request.body))
        throw ScimError.badRequest('invalidSyntax', 'POST /.search needs a SearchRequest JSON object.');
      return scimResponse(200, await users.list(request.ctx, readListQuery(request.body)));
    },
    'POST /Users': async (request) => {
      const result = await users.create(request.ctx, request.body);
      return withEtag(201, result, {
        Location: `${request.ctx.baseUrl}/Users/${String(result.resource.id)}`,
      });
    },
    'GET /Users/{id}': async (request) => {
      const result = await users.get(request.ctx, idOf(request), projection(request), preconditions(request));
      return 'notModified' in result
        ? scimResponse(304, undefined, { ETag: result.etag })
        : withEtag(200, result);
    },
    'PUT /Users/{id}': async (request) =>
      withEtag(200, await users.replace(request.ctx, idOf(request), request.body, preconditions(request))),
    'PATCH /Users/{id}': async (request) =>
      withEtag(200, await users.patch(request.ctx, idOf(request), request.body, preconditions(request))),
    'DELETE /Users/{id}': async (request) => {
      await users.delete(request.ctx, idOf(request), preconditions(request));
      return scimResponse(204);
    },
  },
  auth,
);
