/**
 * GitHub's rate limits, as its docs describe them, read from an answer: REST and GraphQL alike.
 * A primary limit is a 403 or 429 with `x-ratelimit-remaining: 0` (REST), or a 200 whose GraphQL
 * `errors` carry `type: "RATE_LIMITED"`; a secondary limit is a 403 or 429 (REST) or a 200 or
 * 403 (GraphQL) whose message says "secondary rate limit", with or without Retry-After. Either
 * way the call is worth repeating later, never a permission problem nor a permanent failure.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 * https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#exceeding-the-rate-limit
 */
import type { Outcome, VendorResponse } from '#connectors/connector.ts';
import { vendorMessage } from '#connectors/outcomes.ts';
import { retryAfterMs } from '#connectors/vendor-http.ts';

/** "Otherwise, wait for at least one minute before retrying" (GitHub, secondary rate limits). */
export const SECONDARY_LIMIT_WAIT_SECONDS = 60;

interface GraphqlError {
  readonly type?: string;
  readonly message?: string;
}

/** The GraphQL `errors` array of an answer, when it has one. */
export function graphqlErrors(body: unknown): readonly GraphqlError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? (errors as GraphqlError[]) : [];
}

/**
 * How long GitHub asked to wait, in seconds, when the answer is a rate limit; undefined otherwise.
 *
 * @example
 * rateLimitWaitSeconds({ status: 403, headers: new Headers(), body: { message: 'You have exceeded a secondary rate limit' } });
 * // 60
 */
export function rateLimitWaitSeconds(response: VendorResponse, now = Date.now()): number | undefined {
  const { status, headers, body } = response;
  const errors = graphqlErrors(body);
  const said = [vendorMessage(body) ?? '', ...errors.map((error) => error.message ?? '')].join(' ');
  const secondary = /secondary rate limit/i.test(said) && [200, 403, 429].includes(status);
  const exhausted = headers.get('x-ratelimit-remaining') === '0' && [200, 403, 429].includes(status);
  const graphqlPrimary = status === 200 && errors.some((error) => error.type === 'RATE_LIMITED');
  const retryAfter = retryAfterMs(headers, now);
  if (
    !secondary &&
    !graphqlPrimary &&
    !(exhausted && status !== 200) &&
    !(status === 403 && retryAfter !== undefined)
  ) {
    return undefined;
  }
  if (retryAfter !== undefined) return Math.max(1, Math.ceil(retryAfter / 1000));
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (exhausted && Number.isFinite(reset) && reset > 0) {
    // Epoch seconds; one more so the retry lands after the reset, not on it.
    return Math.max(1, Math.ceil(reset - now / 1000) + 1);
  }
  return SECONDARY_LIMIT_WAIT_SECONDS;
}

/**
 * The retryable outcome of a rate-limited answer, or undefined when the answer is no rate limit.
 *
 * @example
 * rateLimitOutcome(response, 'remove ada from the acme organization') ?? failureOutcome('GitHub', response, action);
 */
export function rateLimitOutcome(response: VendorResponse, action: string): Outcome | undefined {
  const wait = rateLimitWaitSeconds(response);
  if (wait === undefined) return undefined;
  const said = vendorMessage(response.body) ?? 'rate limit exceeded';
  return {
    status: 'failed_retryable',
    detail: `GitHub rate-limited the call to ${action} (${response.status}: ${said}); retry after ${wait} s`,
    retryAfterSeconds: wait,
    ...(response.requestId ? { vendorReference: response.requestId } : {}),
  };
}
