/**
 * Environment variable names shared by the CDK stack (which sets them) and the functions (which
 * read them). Read them with `requireEnv`, once, at module scope.
 */
export const ENV = {
  tableName: 'DIRECTORY_TABLE_NAME',
  /** The evidence table (the revocation ledger): connectors, the evidence recorder and API. */
  evidenceTableName: 'EVIDENCE_TABLE_NAME',
  /** Optional: a DynamoDB endpoint override (DynamoDB Local). */
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  /** The custom EventBridge bus the stream relay publishes lifecycle events to. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Optional: requests per second and directory before 429 (default in shared/auth/table-auth.ts). */
  rateLimitPerSecond: 'SCIM_RATE_LIMIT_PER_SECOND',
  /** Connector functions: which registry entry this function runs. */
  connectorId: 'CONNECTOR_ID',
  /** Connector functions: the instance name, for a second instance of one connector (optional). */
  connectorName: 'CONNECTOR_NAME',
  /** Connector functions: the connector's settings (JSON), validated at synth and again at cold start. */
  connectorSettings: 'CONNECTOR_SETTINGS',
  /** Connector functions: the connector's scope (JSON: "everyone" or { groups }). */
  connectorScope: 'CONNECTOR_SCOPE',
  /** Connector functions: the ARN of the connector's own secret in Secrets Manager. */
  connectorSecretArn: 'CONNECTOR_SECRET_ARN',
  /** Connector functions: the queue the function consumes (for backoff by message visibility). */
  connectorQueueUrl: 'CONNECTOR_QUEUE_URL',
  /** Connector functions: the connector's dead-letter queue (failed_permanent messages are sent there). */
  connectorDeadLetterQueueUrl: 'CONNECTOR_DLQ_URL',
  /** Connector functions: the queue's redrive maxReceiveCount (the last delivery gives up). */
  connectorMaxReceiveCount: 'CONNECTOR_MAX_RECEIVE_COUNT',
  /**
   * SCIM groups and Bulk functions, and the group sweeper: the queue a group DELETE that runs out
   * of time hands the rest of its work to (`in-process` in the local runtime).
   */
  groupDeletionQueueUrl: 'GROUP_DELETION_QUEUE_URL',
  /** Evidence recorder: the enabled connectors with their event types and scopes (JSON). */
  connectorPlans: 'CONNECTOR_PLANS',
  /** Connector functions: the CloudWatch namespace of their metrics (read by Powertools Metrics). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** Reads a required variable; fails at cold start with the variable's name rather than later with `undefined`. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
}
