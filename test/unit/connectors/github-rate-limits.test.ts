import { describe, expect, it } from 'vitest';
import { rateLimitWaitSeconds } from '../../../functions/connectors/github/rate-limits.ts';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body,
});

describe('reading GitHub rate limits from an answer', () => {
  it('waits a minute after a secondary limit that names no time, REST 403 or GraphQL 200', () => {
    expect(
      rateLimitWaitSeconds(answer(403, { message: 'You have exceeded a secondary rate limit.' }), NOW),
    ).toBe(60);
    expect(
      rateLimitWaitSeconds(
        answer(200, { errors: [{ message: 'You have exceeded a secondary rate limit.' }] }),
        NOW,
      ),
    ).toBe(60);
  });

  it('prefers Retry-After, then the reset of an exhausted limit', () => {
    const secondary = { message: 'You have exceeded a secondary rate limit.' };
    expect(rateLimitWaitSeconds(answer(403, secondary, { 'retry-after': '90' }), NOW)).toBe(90);
    const reset = String(NOW / 1000 + 300);
    expect(
      rateLimitWaitSeconds(
        answer(429, secondary, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
        NOW,
      ),
    ).toBe(301);
  });

  it('is no rate limit: a plain 403, a successful answer that used the last request, a GraphQL NOT_FOUND', () => {
    expect(
      rateLimitWaitSeconds(answer(403, { message: 'Must have admin rights to Repository.' }), NOW),
    ).toBeUndefined();
    expect(rateLimitWaitSeconds(answer(200, {}, { 'x-ratelimit-remaining': '0' }), NOW)).toBeUndefined();
    expect(
      rateLimitWaitSeconds(
        answer(200, { errors: [{ type: 'NOT_FOUND', message: 'Could not resolve' }] }),
        NOW,
      ),
    ).toBeUndefined();
  });
});
