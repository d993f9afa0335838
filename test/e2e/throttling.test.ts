/**
 * Per-directory throttling through the local runtime, with a limit low enough to reach: its own
 * file, because the functions read the limit once, at module scope, as they do in Lambda.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { ERROR_SCHEMA, startTestScim, type TestScim } from '../support/scim-client.ts';

const LIMIT = 5;
let scim: TestScim;
let otherToken: string;

beforeAll(async () => {
  scim = await startTestScim({ rateLimitPerSecond: LIMIT });
  await scim.runtime.directories.create('other', 'Other');
  otherToken = generateToken();
  await scim.runtime.tokens.register('other', otherToken, { label: 'other' });
});
afterAll(() => scim.close());

/** Waits for the start of a wall-clock second, so that a burst falls in one window. */
async function startOfSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
}

describe('per-directory throttling', () => {
  it('answers 429 with Retry-After and a SCIM error over the limit, for that directory only', async () => {
    await startOfSecond();
    const replies = await Promise.all(
      Array.from({ length: LIMIT * 3 }, () => scim.request('GET', '/ServiceProviderConfig')),
    );
    const throttled = replies.filter((reply) => reply.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(replies.filter((reply) => reply.status === 200).length).toBeLessThanOrEqual(LIMIT * 2);
    for (const reply of throttled) {
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
    }
    // Another directory has its own allowance.
    const other = await fetch(`${scim.runtime.url}/other/scim/v2/ServiceProviderConfig`, {
      headers: { Authorization: `Bearer ${otherToken}` },
    });
    expect(other.status).toBe(200);
    // After Retry-After, the directory is served again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await scim.request('GET', '/ServiceProviderConfig')).status).toBe(200);
  });

  it('does not count requests without a valid credential against the directory', async () => {
    await startOfSecond();
    await Promise.all(
      Array.from({ length: LIMIT * 2 }, () =>
        scim.request('GET', '/Users', undefined, { Authorization: 'Bearer nope' }),
      ),
    );
    expect((await scim.request('GET', '/ServiceProviderConfig')).status).toBe(200);
  });
});
