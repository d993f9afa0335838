import { describe, expect, it } from 'vitest';
import {
  awsBackoff,
  MAX_VISIBILITY_SECONDS,
  redeliveryDelaySeconds,
  retryDelaySeconds,
} from '../../../shared/connectors/backoff.ts';

describe('the redelivery delay of a failed connector message', () => {
  it('doubles from 30 s up to 15 minutes, jittered over the upper half of each step', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4, 5, 6, 10].map((count) => retryDelaySeconds(awsBackoff, count, high))).toEqual([
      30, 60, 120, 240, 480, 900, 900,
    ]);
    expect(retryDelaySeconds(awsBackoff, 3, low)).toBe(60);
  });

  it('waits as long as the vendor asked (Retry-After) when that is longer than the schedule', () => {
    expect(redeliveryDelaySeconds(awsBackoff, 1, 600, () => 1)).toBe(600);
    // A short Retry-After does not shorten the schedule.
    expect(redeliveryDelaySeconds(awsBackoff, 4, 5, () => 1)).toBe(240);
    expect(redeliveryDelaySeconds(awsBackoff, 1, undefined, () => 1)).toBe(30);
  });

  it('never asks SQS for more than its 12-hour visibility limit', () => {
    expect(redeliveryDelaySeconds(awsBackoff, 1, 3 * 24 * 3600)).toBe(MAX_VISIBILITY_SECONDS);
  });
});
