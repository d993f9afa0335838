/**
 * The evidence recorder function: leaver and returner events in (its own queue), leavers and the
 * applications expected to act for them out, into the revocation ledger.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { DynamoRevocationLedger } from '#adapters/dynamodb/revocation-ledger.ts';
import { parsePlans } from '#connectors/plans.ts';
import { createRecorderQueueHandler } from '#connectors/queue-handler.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { connectorLog, logger } from '#observability/logger.ts';

const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const tableName = requireEnv(ENV.tableName);
const ledger = new DynamoRevocationLedger(client, requireEnv(ENV.evidenceTableName));

export const handler = middy(
  createRecorderQueueHandler({
    plans: parsePlans(requireEnv(ENV.connectorPlans)),
    // As in the connector functions: a user's groups decide which applications are expected.
    recorder: { ledger, groups: new DynamoGroupStore(client, tableName) },
    log: connectorLog(logger),
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
