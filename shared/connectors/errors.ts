/**
 * What a handler may throw instead of returning an outcome. Anything else thrown (a network
 * error after the vendor client's own retries, a bug) is recorded as `failed_retryable`: an
 * unknown failure must never look like a definitive answer in the evidence.
 */

/** The vendor said no for good (bad credentials, account locked by policy): no redelivery, straight to the DLQ. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(
    message: string,
    readonly vendorReference?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Worth trying again later (the vendor is down, rate-limited beyond the client's budget). */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}

/**
 * One line for the evidence from anything thrown: the message, and the cause's when there is one.
 *
 * @example
 * errorText(new Error('GitHub 502', { cause: new Error('socket hang up') })); // 'GitHub 502 (socket hang up)'
 */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`.slice(0, 1000);
}
