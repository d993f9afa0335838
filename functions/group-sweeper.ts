/**
 * The group sweeper function: finishes, in the background, the deletes of groups too large for a
 * DELETE request's time (shared/background/group-sweeper.ts). Its queue is fed by the SCIM groups
 * and Bulk functions, and by itself when a group needs more than one run.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { groupDeletionQueueAt } from '#adapters/sqs/group-deletion-queue.ts';
import { createGroupSweeperHandler } from '#background/group-sweeper.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { connectorLog, logger } from '#observability/logger.ts';
import { GroupService } from '#scim/groups/group-service.ts';

const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const groups = new GroupService(new DynamoGroupStore(client, requireEnv(ENV.tableName)));

export const handler = middy(
  createGroupSweeperHandler({
    groups,
    queue: groupDeletionQueueAt(requireEnv(ENV.groupDeletionQueueUrl)),
    log: connectorLog(logger),
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
