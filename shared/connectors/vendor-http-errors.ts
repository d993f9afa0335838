/**
 * What the vendor HTTP client throws. It never throws for an HTTP status (the handler decides
 * what a status means); it throws only when it could not get an answer worth giving: the vendor
 * was unreachable through every retry, or the time budget ran out. Both are transient: the
 * runtime records them as `failed_retryable` and the queue delivers the event again later.
 */
import type { VendorResponse } from './connector.ts';

/** Base class: a vendor call that ended without a response the handler can act on. */
export class VendorCallError extends Error {
  override readonly name: string = 'VendorCallError';
  constructor(
    message: string,
    /** Method and URL without the query string (queries can carry personal data). */
    readonly target: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Network errors or per-attempt timeouts on every attempt. */
export class VendorUnreachableError extends VendorCallError {
  override readonly name = 'VendorUnreachableError';
}

/**
 * The time budget ran out: the deadline passed mid-request or mid-wait, or the vendor asked to
 * wait (Retry-After) longer than the budget has left. `retryAfterMs` is the vendor's wish, when
 * it said one, so the runtime can delay the redelivery accordingly.
 */
export class VendorTimeBudgetError extends VendorCallError {
  override readonly name = 'VendorTimeBudgetError';
  constructor(
    message: string,
    target: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, target, options);
  }
}

/**
 * Thrown by a `VendorAuth` whose credentials were refused or could not be obtained (a token
 * endpoint said no). The client does not throw it on: it answers the request with `response`, so
 * the handler maps it like any other answer (a refusal is presented as 401, see vendor-auth.ts).
 */
export class VendorAuthFailedError extends Error {
  override readonly name = 'VendorAuthFailedError';
  constructor(
    readonly response: VendorResponse,
    options?: { cause?: unknown },
  ) {
    super(`Authentication failed with status ${response.status}`, options);
  }
}
