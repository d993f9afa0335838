/** The answer of a rate limiter: go on, or come back after `retryAfterSeconds`. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts the requests of a directory and says when it is over its limit. */
export interface RateLimiter {
  take(directoryId: string, now: Date): Promise<RateDecision>;
}
