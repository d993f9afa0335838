/**
 * How long a failed delivery waits before the next one: exponential, capped, with full jitter so
 * that a vendor outage does not end in every queued leaver retrying in the same second. SQS has
 * no backoff of its own (a message reappears after a fixed visibility timeout), so the connector
 * function sets each failed message's visibility to this delay; the local queue applies the same.
 */
export interface BackoffPolicy {
  /** Delay after the first failed delivery, in seconds. */
  readonly baseSeconds: number;
  /** The longest delay, in seconds (SQS allows up to 12 hours; we stay well below). */
  readonly maxSeconds: number;
}

/** In AWS: 30 s, 1, 2, 4, 8 min, then 15 min: a ten-delivery budget spans about 80 minutes of vendor outage. */
export const awsBackoff: BackoffPolicy = { baseSeconds: 30, maxSeconds: 900 };

/**
 * The delay before delivery `receiveCount + 1`.
 *
 * @example
 * retryDelaySeconds(awsBackoff, 3, () => 1); // 120 (30 * 2^2)
 */
export function retryDelaySeconds(
  policy: BackoffPolicy,
  receiveCount: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** Math.max(0, receiveCount - 1));
  // Full jitter over the upper half: never much shorter than the schedule says.
  return ceiling / 2 + (ceiling / 2) * random();
}

/** SQS keeps a received message hidden for 12 hours at most. */
export const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * The delay before the next delivery: the backoff schedule, or longer when the vendor asked for
 * it (Retry-After), since calling earlier only spends a delivery on another refusal.
 *
 * @example
 * redeliveryDelaySeconds(awsBackoff, 1, 600); // 600: the vendor's wish beats the 30 s schedule
 */
export function redeliveryDelaySeconds(
  policy: BackoffPolicy,
  receiveCount: number,
  vendorAskedSeconds = 0,
  random: () => number = Math.random,
): number {
  const scheduled = retryDelaySeconds(policy, receiveCount, random);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(scheduled, vendorAskedSeconds));
}
