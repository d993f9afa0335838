/**
 * The evidence recorder function: leaver and returner events in (its own queue), leavers and the
 * applications expected to act for them out, into the revocation ledger.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoRevocationLedger } from '#adapters/dynamodb/revocation-ledger.ts';
import { parsePlans } from '#connectors/plans.ts';
import { createRecorderQueueHandler } from '#connectors/queue-handler.ts';
import { noGroups } from '#connectors/scope.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { connectorLog, logger } from '#http/logger.ts';

const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const ledger = new DynamoRevocationLedger(client, requireEnv(ENV.tableName));

export const handler = middy(
  createRecorderQueueHandler({
    plans: parsePlans(requireEnv(ENV.connectorPlans)),
    // As in the connector functions: GroupStore memberships once Groups are served.
    recorder: { ledger, groups: noGroups },
    log: connectorLog(logger),
  }),
).use(injectLambdaContext(logger, { resetKeys: true }));
