/**
 * Environment variable names shared by the CDK stack (which sets them) and the functions (which
 * read them). Read them with `requireEnv`, once, at module scope.
 */
export const ENV = {
  tableName: 'DIRECTORY_TABLE_NAME',
  /** Optional: a DynamoDB endpoint override (DynamoDB Local). */
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  /** The custom EventBridge bus the stream relay publishes lifecycle events to. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Optional: requests per second and directory before 429 (default in shared/auth/table-auth.ts). */
  rateLimitPerSecond: 'SCIM_RATE_LIMIT_PER_SECOND',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** Reads a required variable; fails at cold start with the variable's name rather than later with `undefined`. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
}
