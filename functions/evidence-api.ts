/**
 * The evidence API function (AWS_IAM authorised in API Gateway): leaver evidence and period
 * reports from the revocation ledger, read-only.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoRevocationLedger } from '#adapters/dynamodb/revocation-ledger.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { EvidenceService } from '#evidence/evidence.ts';
import { createEvidenceApiHandler } from '#evidence/evidence-api.ts';
import { logger } from '#observability/logger.ts';

const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const evidence = new EvidenceService(new DynamoRevocationLedger(client, requireEnv(ENV.evidenceTableName)));

export const handler = middy(createEvidenceApiHandler(evidence)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
