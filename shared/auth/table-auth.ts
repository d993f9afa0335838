import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDirectoryStore } from '../adapters/dynamodb/directory-store.ts';
import { DynamoRateLimiter } from '../adapters/dynamodb/rate-limiter.ts';
import { DynamoTokenStore } from '../adapters/dynamodb/token-store.ts';
import { ENV } from '../contracts/env.ts';
import type { RateLimiter } from '../ports/rate-limiter.ts';
import { Authenticator } from './authenticator.ts';

/**
 * Requests per second and directory when `SCIM_RATE_LIMIT_PER_SECOND` is not set: twice the 25
 * requests/s Entra ID asks of gallery apps, half the stage limit, so one directory cannot take
 * the whole API from the others.
 */
export const DEFAULT_RATE_LIMIT_PER_SECOND = 50;

/**
 * Authentication and throttling backed by the directory table: what every SCIM function's
 * composition root builds once per cold start.
 *
 * @example
 * const auth = tableAuth(client, requireEnv(ENV.tableName));
 * export const handler = scimHandler(routes, auth);
 */
export function tableAuth(
  client: DynamoDBDocumentClient,
  tableName: string,
  env: NodeJS.ProcessEnv = process.env,
): { authenticator: Authenticator; limiter: RateLimiter } {
  const configured = env[ENV.rateLimitPerSecond];
  const limit = configured ? Number(configured) : DEFAULT_RATE_LIMIT_PER_SECOND;
  return {
    authenticator: new Authenticator({
      tokens: new DynamoTokenStore(client, tableName),
      directories: new DynamoDirectoryStore(client, tableName),
    }),
    limiter: new DynamoRateLimiter(client, tableName, limit),
  };
}
