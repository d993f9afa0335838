/**
 * A connector function: the composition root every AppConnector deploys, told by CONNECTOR_ID
 * which registry entry it runs. Clients are built once per cold start; the handler is the
 * runtime's SQS batch handler (shared/connectors/queue-handler.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { documentClient } from '#adapters/dynamodb/client.ts';
import { DynamoGroupStore } from '#adapters/dynamodb/group-store.ts';
import { DynamoRevocationLedger } from '#adapters/dynamodb/revocation-ledger.ts';
import { secretsManagerSource } from '#adapters/secrets-manager/secret-source.ts';
import { SqsConnectorQueue } from '#adapters/sqs/connector-queue.ts';
import { awsBackoff } from '#connectors/backoff.ts';
import { connectorServiceName, metricsOfOutcome } from '#connectors/outcome-metrics.ts';
import { prepareConnector } from '#connectors/prepare.ts';
import { createConnectorQueueHandler } from '#connectors/queue-handler.ts';
import { findConnector } from '#connectors/registry.ts';
import { scopeSchema } from '#connectors/scope.ts';
import { ENV, requireEnv } from '#contracts/env.ts';
import { connectorLog, logger } from '#observability/logger.ts';
import { connectorRegistry } from './connectors/registry.ts';

const tableName = requireEnv(ENV.tableName);
const evidenceTableName = requireEnv(ENV.evidenceTableName);
const maxReceiveCount = Number(requireEnv(ENV.connectorMaxReceiveCount));
const client = documentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
const name = process.env[ENV.connectorName];
const secretArn = process.env[ENV.connectorSecretArn];
const connector = prepareConnector({
  definition: findConnector(connectorRegistry, requireEnv(ENV.connectorId)),
  ...(name ? { name } : {}),
  settings: JSON.parse(requireEnv(ENV.connectorSettings)),
  scope: scopeSchema.parse(JSON.parse(requireEnv(ENV.connectorScope))),
  // A connector without secrets (a manual task) is deployed without one.
  secrets: secretArn ? secretsManagerSource(new SecretsManagerClient({}), secretArn) : async () => ({}),
  // Records of a batch run in parallel; each gets this budget, well inside the 60 s timeout.
  vendorHttp: { budgetMs: 40_000 },
});

// Outcome counts as EMF lines in the function's log: the failure-rate alarm and the dashboard read them.
const metrics = new Metrics({
  namespace: requireEnv(ENV.metricsNamespace),
  serviceName: connectorServiceName(connector.id),
});
const publishMetrics = async () => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
};

export const handler = middy(
  createConnectorQueueHandler({
    connector,
    runtime: {
      ledger: new DynamoRevocationLedger(client, evidenceTableName),
      // Scope by IdP group reads the user's memberships: the directory table, read-only.
      groups: new DynamoGroupStore(client, tableName),
      log: connectorLog(logger),
      // Longer than the function's timeout: a lease only expires when its holder died.
      leaseMs: 5 * 60_000,
      onRecorded: ({ kind }) => {
        for (const name of metricsOfOutcome(kind)) metrics.addMetric(name, MetricUnit.Count, 1);
      },
    },
    queue: new SqsConnectorQueue(new SQSClient({}), {
      queueUrl: requireEnv(ENV.connectorQueueUrl),
      deadLetterQueueUrl: requireEnv(ENV.connectorDeadLetterQueueUrl),
    }),
    maxReceiveCount,
    backoff: awsBackoff,
    log: connectorLog(logger),
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use({ after: publishMetrics, onError: publishMetrics });
