import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import type { RateLimiter } from '../ports/rate-limiter.ts';
import { ScimError } from '../scim/errors.ts';
import type { WithScimCaller } from './authenticate.ts';

/**
 * Per-directory throttling: 429 with Retry-After once a directory is over its limit. It runs
 * after authentication and counts only authenticated requests, so nobody without a credential
 * of a directory can use up that directory's allowance.
 *
 * @example
 * middy(handler).use(authenticate(authenticator)).use(throttle(limiter));
 */
export function throttle(
  limiter: RateLimiter,
): middy.MiddlewareObj<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> {
  const before: middy.MiddlewareFn<APIGatewayProxyEvent & WithScimCaller, APIGatewayProxyResult> =
    async function throttleDirectory(request) {
      const directoryId = request.event.scimCaller?.directoryId;
      if (!directoryId) return;
      const decision = await limiter.take(directoryId, new Date());
      if (decision.allowed) return;
      logger.warn('Request throttled', { directoryId });
      throw new ScimError(
        429,
        undefined,
        `Too many requests for this directory: retry after ${decision.retryAfterSeconds} s.`,
        { headers: { 'Retry-After': String(decision.retryAfterSeconds) } },
      );
    };
  return { before };
}
