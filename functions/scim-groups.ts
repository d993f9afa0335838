/**
 * SCIM /Groups (RFC 7644 §3): the composition root. Clients and services are built once per
 * cold start; each route parses, calls the GroupService, and maps the result to HTTP.
 */
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoCursorKey } from '#adapters/dynamodb/cursor-key.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { groupDeletionQueueAt } from '#adapters/sqs/group-deletion-queue.ts';
import { tableAuth } from '#auth/table-auth.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { scimResponse } from '#http/response.ts';
import { scimHandler } from '#http/scim-handler.ts';
import {
  deadlineOf,
  idOf,
  listQuery,
  preconditionsOf,
  projectionOf,
  requestedProjection,
  searchQuery,
} from '#http/scim-request.ts';
import { type GroupResult, GroupService } from '#scim/groups/group-service.ts';

/**
 * Time a DELETE keeps back from the Lambda timeout: the membership batches in flight finish, the
 * rest of the delete is queued for the group sweeper, and the 204 is written.
 */
const DELETE_RESERVE_MS = 5_000;

const tableName = requireEnv(ENV.tableName);
const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
// Cursors are signed with the table's key, the same one the users function uses.
const groups = new GroupService(new DynamoGroupStore(client, tableName), {
  cursorKey: new DynamoCursorKey(client, tableName),
  deletions: groupDeletionQueueAt(requireEnv(ENV.groupDeletionQueueUrl)),
});
const auth = tableAuth(client, tableName);

const withEtag = (status: number, result: GroupResult, extra: Record<string, string> = {}) =>
  scimResponse(status, result.resource, { ETag: result.etag, ...extra });

export const handler = scimHandler(
  {
    'GET /Groups': async (request) =>
      scimResponse(200, await groups.list(request.ctx, listQuery(request.query))),
    'POST /Groups/.search': async (request) =>
      scimResponse(200, await groups.list(request.ctx, searchQuery(request))),
    'POST /Groups': async (request) => {
      const result = await groups.create(request.ctx, request.body, projectionOf(request));
      return withEtag(201, result, {
        Location: `${request.ctx.baseUrl}/Groups/${String(result.resource.id)}`,
      });
    },
    'GET /Groups/{id}': async (request) => {
      const result = await groups.get(
        request.ctx,
        idOf(request),
        projectionOf(request),
        preconditionsOf(request),
      );
      return 'notModified' in result
        ? scimResponse(304, undefined, { ETag: result.etag })
        : withEtag(200, result);
    },
    'PUT /Groups/{id}': async (request) =>
      withEtag(
        200,
        await groups.replace(
          request.ctx,
          idOf(request),
          request.body,
          preconditionsOf(request),
          projectionOf(request),
        ),
      ),
    // 204 with the ETag, as RFC 7644 §3.5.2 allows and Entra ID expects; the group only when the
    // client asked for attributes or excludedAttributes.
    'PATCH /Groups/{id}': async (request) => {
      const returning = requestedProjection(request);
      const result = await groups.patch(
        request.ctx,
        idOf(request),
        request.body,
        preconditionsOf(request),
        returning,
      );
      return result.resource
        ? scimResponse(200, result.resource, { ETag: result.etag })
        : scimResponse(204, undefined, { ETag: result.etag });
    },
    // A group too large to sweep in time is finished by the group sweeper; it is gone already.
    'DELETE /Groups/{id}': async (request) => {
      await groups.delete(request.ctx, idOf(request), preconditionsOf(request), {
        deadline: deadlineOf(request, DELETE_RESERVE_MS),
      });
      return scimResponse(204);
    },
  },
  auth,
);
