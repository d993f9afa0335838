/**
 * SCIM /Bulk (RFC 7644 §3.7): the composition root. The Bulk service performs each operation
 * through the same services as the single requests, so an operation in a Bulk request behaves
 * exactly as that request would have on its own.
 */
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { DynamoUserStore } from '#adapters/dynamodb/user-store.ts';
import { groupDeletionQueueAt } from '#adapters/sqs/group-deletion-queue.ts';
import { tableAuth } from '#auth/table-auth.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { scimResponse } from '#http/response.ts';
import { scimHandler } from '#http/scim-handler.ts';
import { deadlineOf } from '#http/scim-request.ts';
import { logger } from '#observability/logger.ts';
import { BulkService } from '#scim/bulk/bulk-service.ts';
import { GroupService } from '#scim/groups/group-service.ts';
import { UserService } from '#scim/users/user-service.ts';

/**
 * Time kept back from the Lambda timeout: operations already running finish (a DynamoDB
 * transaction retried on conflicts takes at most a few seconds) and the response is written.
 */
const RESPONSE_RESERVE_MS = 4_000;

const tableName = requireEnv(ENV.tableName);
const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const userStore = new DynamoUserStore(client, tableName);
const groupStore = new DynamoGroupStore(client, tableName);
const users = new UserService(userStore, groupStore);
// A group DELETE that runs out of time hands the rest to the group sweeper, as its single request does.
const groups = new GroupService(groupStore, {
  deletions: groupDeletionQueueAt(requireEnv(ENV.groupDeletionQueueUrl)),
});
const bulk = new BulkService(
  {
    '/Users': users,
    '/Groups': {
      create: (ctx, body, projection) => groups.create(ctx, body, projection),
      replace: (ctx, id, body, preconditions, projection) =>
        groups.replace(ctx, id, body, preconditions, projection),
      // Asked for no attributes, a group PATCH answers 204 with its ETag and reads no member, as
      // its single request does (Entra ID's expectation); Bulk reports it the same way.
      patch: (ctx, id, body, preconditions) => groups.patch(ctx, id, body, preconditions),
      delete: (ctx, id, preconditions, options) => groups.delete(ctx, id, preconditions, options),
    },
  },
  {
    onUnexpectedError: (error, operation) =>
      logger.error('Bulk operation failed', {
        operation: operation.index,
        method: operation.method,
        endpoint: operation.endpoint,
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      }),
  },
);
const auth = tableAuth(client, tableName);

export const handler = scimHandler(
  {
    'POST /Bulk': async (request) => {
      const deadline = deadlineOf(request, RESPONSE_RESERVE_MS);
      return scimResponse(200, await bulk.run(request.ctx, request.body, { deadline }));
    },
  },
  auth,
);
