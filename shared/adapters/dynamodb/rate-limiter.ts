import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateDecision, RateLimiter } from '../../ports/rate-limiter.ts';
import { keys } from '../../store/keys.ts';

/**
 * A per-directory limit shared by every Lambda instance: one atomic counter per directory and
 * second in the table (fixed window). It costs one small write per authenticated request; in
 * exchange the limit holds however far Lambda scales out, which an in-memory limiter cannot
 * promise (see docs/auth.md). Windows expire by TTL.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Requests per second and directory. */
    private readonly limit: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`Rate limit must be a positive integer, got ${limit}`);
  }

  /**
   * Counts one request and says whether it is within the limit.
   *
   * @example
   * const decision = await limiter.take('default', new Date());
   * if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
   */
  async take(directoryId: string, now: Date): Promise<RateDecision> {
    const second = Math.floor(now.getTime() / 1000);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rateWindow(directoryId, second),
        UpdateExpression: 'ADD requests :one SET expiresAt = if_not_exists(expiresAt, :expiresAt)',
        // TTL deletes lazily; a minute is long enough for any clock skew between instances.
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': second + 60 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const requests = Number(Attributes?.requests ?? 0);
    return requests <= this.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: 1 };
  }
}
