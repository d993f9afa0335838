import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeReply,
  type FakeRequest,
  type FakeVendor,
  startFakeServer,
} from '../../../local/fakes/fake-server.ts';
import type { VendorAuth } from '../../../shared/connectors/connector.ts';
import { bearerToken, oauthClientCredentials } from '../../../shared/connectors/vendor-auth.ts';
import {
  createVendorHttp,
  retryAfterMs,
  retryWaitMs,
  type VendorHttpOptions,
} from '../../../shared/connectors/vendor-http.ts';
import {
  VendorTimeBudgetError,
  VendorUnreachableError,
} from '../../../shared/connectors/vendor-http-errors.ts';

/** The client against a local server, with delays short enough for a unit test. */
const fast = { retries: 3, timeoutMs: 1_000, initialDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 3_000 };

let server: FakeVendor;
afterEach(() => server?.close());

async function serve(
  route: (request: FakeRequest) => FakeReply | Promise<FakeReply> = () => ({
    status: 200,
    body: { ok: true },
  }),
) {
  server = await startFakeServer(route, {
    errorBody: (status) => ({ error: `status ${status}` }),
    headers: () => ({ 'x-vendor-request-id': `req-${server?.requests.length ?? 0}` }),
  });
  return server;
}

const client = (options: VendorHttpOptions = {}) =>
  createVendorHttp({ baseUrl: `${server.url}/api/v2`, retry: fast, ...options });

describe('vendor HTTP client', () => {
  it('waits for the Retry-After of a 429 before retrying', async () => {
    await serve();
    server.failNext(1, { status: 429, retryAfter: 1 });
    const started = Date.now();
    const response = await client().request({ method: 'GET', url: 'users/1' });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_500);
  });

  it('does not wait for a Retry-After beyond its cap: the 429 is the answer', async () => {
    await serve();
    server.failNext(1, { status: 429, retryAfter: 3600 });
    const started = Date.now();
    const response = await client().request({ method: 'GET', url: 'users/1' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3600');
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('does not wait for a rate-limit reset beyond its cap either: the 429 is the answer', async () => {
    await serve();
    const reset = String(Math.ceil(Date.now() / 1000) + 600);
    server.failNext(1, {
      status: 429,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const started = Date.now();
    const response = await client().request({ method: 'GET', url: 'users/1' });
    expect(response).toMatchObject({ status: 429, body: { error: 'status 429' } });
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('waits for a near rate-limit reset (no Retry-After) before retrying', async () => {
    await serve();
    server.failNext(1, { status: 429, headers: { 'ratelimit-reset': '1' } });
    const started = Date.now();
    const response = await client().request({ method: 'GET', url: 'users/1' });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx answers with backoff and returns the success', async () => {
    await serve();
    server.failNext(2, { status: 502 });
    const response = await client().request({ method: 'GET', url: 'users/1' });
    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.requests).toHaveLength(3);
  });

  it('answers with the last 5xx when retries run out, without throwing', async () => {
    await serve();
    server.down(60_000);
    const response = await client().request({ method: 'PUT', url: 'users/1', json: { active: false } });
    expect(response).toMatchObject({ status: 503, body: { error: 'status 503' } });
    expect(server.requests).toHaveLength(fast.retries + 1);
  });

  it.each([400, 403, 404, 409, 422])(
    'does not retry a %i: the handler decides what it means',
    async (status) => {
      await serve(() => ({ status, body: { message: 'no' } }));
      const response = await client().request({ method: 'DELETE', url: 'users/1' });
      expect(response).toMatchObject({ status, body: { message: 'no' } });
      expect(server.requests).toHaveLength(1);
    },
  );

  it('retries network errors and per-attempt timeouts', async () => {
    let calls = 0;
    await serve(async () => {
      calls++;
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 400));
      return { status: 200, body: { attempt: calls } };
    });
    let fetches = 0;
    const flaky: typeof fetch = (input, init) => {
      fetches++;
      return fetches === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    };
    const response = await client({ fetch: flaky, retry: { ...fast, timeoutMs: 150 } }).request({
      method: 'GET',
      url: 'users/1',
    });
    expect(response.body).toEqual({ attempt: 2 });
    expect(fetches).toBe(3);
  });

  it('throws VendorUnreachableError when the vendor cannot be reached at all', async () => {
    await serve();
    const url = server.url;
    await server.close();
    const request = createVendorHttp({ baseUrl: url, retry: fast }).request({ method: 'GET', url: 'x' });
    await expect(request).rejects.toBeInstanceOf(VendorUnreachableError);
    await expect(request).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/x unreachable after 4 attempts/);
  });

  it('throws VendorTimeBudgetError when the budget runs out mid-retry, without overrunning it', async () => {
    await serve();
    server.down(60_000);
    const started = Date.now();
    const request = client({
      budgetMs: 300,
      retry: { ...fast, retries: 50, initialDelayMs: 100, maxDelayMs: 100 },
    }).request({ method: 'GET', url: 'users/1' });
    await expect(request).rejects.toBeInstanceOf(VendorTimeBudgetError);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('throws at once when Retry-After is longer than the budget left, saying how long', async () => {
    await serve();
    server.failNext(1, { status: 503, retryAfter: 2 });
    const started = Date.now();
    const error = await client({ budgetMs: 1_000 })
      .request({ method: 'GET', url: 'users/1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VendorTimeBudgetError);
    expect((error as VendorTimeBudgetError).retryAfterMs).toBe(2_000);
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('shares one budget across the requests of a client', async () => {
    await serve(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { status: 200 };
    });
    const http = client({ budgetMs: 500 });
    expect((await http.request({ method: 'GET', url: 'a' })).status).toBe(200);
    await expect(http.request({ method: 'GET', url: 'b' })).rejects.toBeInstanceOf(VendorTimeBudgetError);
    await expect(http.request({ method: 'GET', url: 'c' })).rejects.toThrow(/No time left/);
  });

  it('builds URLs from the base, merges the query, sends JSON or a raw body, and keeps the request id', async () => {
    await serve((request) => ({
      status: 201,
      body: { echo: request.body, type: request.headers['content-type'] },
    }));
    const http = client({
      requestIdHeaders: ['x-missing', 'x-vendor-request-id'],
      headers: { 'x-api-version': '7' },
    });
    const created = await http.request({
      method: 'POST',
      url: '/users?expand=x',
      query: { q: 'a b' },
      json: { a: 1 },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { echo: '{"a":1}', type: 'application/json' },
      requestId: 'req-1',
    });
    const raw = await http.request({
      method: 'POST',
      url: `${server.url}/hooks`,
      body: 'a=1',
      headers: { 'content-type': 'text/plain' },
    });
    expect(raw.body).toEqual({ echo: 'a=1', type: 'text/plain' });
    const [first, second] = server.requests;
    expect(first?.url.pathname + (first?.url.search ?? '')).toBe('/api/v2/users?expand=x&q=a+b');
    expect(first?.headers['x-api-version']).toBe('7');
    expect(second?.url.pathname).toBe('/hooks');
  });

  describe('authentication', () => {
    it('asks a refreshable auth for fresh headers once after a 401, then retries', async () => {
      await serve((request) =>
        request.headers.authorization === 'Bearer second'
          ? { status: 204 }
          : { status: 401, body: { message: 'expired' } },
      );
      const asked: boolean[] = [];
      const auth: VendorAuth = {
        refreshable: true,
        headers: async ({ fresh }) => {
          asked.push(fresh);
          return { authorization: fresh ? 'Bearer second' : 'Bearer first' };
        },
      };
      const response = await client({ auth }).request({ method: 'DELETE', url: 'users/1' });
      expect(response.status).toBe(204);
      expect(asked).toEqual([false, true]);
      expect(server.requests.map((request) => request.headers.authorization)).toEqual([
        'Bearer first',
        'Bearer second',
      ]);
    });

    it('answers the second 401 instead of looping', async () => {
      await serve(() => ({ status: 401, body: { message: 'nope' } }));
      const auth: VendorAuth = { refreshable: true, headers: async () => ({ authorization: 'Bearer x' }) };
      const response = await client({ auth }).request({ method: 'GET', url: 'users/1' });
      expect(response.status).toBe(401);
      expect(server.requests).toHaveLength(2);
    });

    it('does not retry a 401 with a static token', async () => {
      await serve(() => ({ status: 401, body: { message: 'Bad credentials' } }));
      const response = await client({ auth: bearerToken('t') }).request({ method: 'GET', url: 'users/1' });
      expect(response).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
      expect(server.requests).toHaveLength(1);
    });

    it('fetches a client-credentials token once and reuses it across clients', async () => {
      let issued = 0;
      await serve((request) => {
        if (request.url.pathname === '/oauth/token') {
          issued++;
          return {
            status: 200,
            body: { access_token: `token-${issued}`, token_type: 'bearer', expires_in: 3600 },
          };
        }
        return request.headers.authorization === 'Bearer token-1' ? { status: 204 } : { status: 401 };
      });
      const auth = () =>
        oauthClientCredentials({
          tokenUrl: `${server.url}/oauth/token`,
          clientId: 'id',
          clientSecret: `secret-${server.url}`,
          clientAuthentication: 'basic',
          form: { grant_type: 'account_credentials', account_id: 'acc' },
        });
      expect((await client({ auth: auth() }).request({ method: 'PUT', url: 'a' })).status).toBe(204);
      expect((await client({ auth: auth() }).request({ method: 'PUT', url: 'b' })).status).toBe(204);
      expect(issued).toBe(1);
      const [tokenRequest] = server.requests;
      expect(tokenRequest?.headers.authorization).toBe(
        `Basic ${Buffer.from(`id:secret-${server.url}`).toString('base64')}`,
      );
      expect(tokenRequest?.body).toBe('grant_type=account_credentials&account_id=acc');
    });

    it('answers a refused token request as 401 and never calls the API', async () => {
      await serve((request) =>
        request.url.pathname === '/token'
          ? {
              status: 400,
              body: { error: 'invalid_client', error_description: 'invalid client credentials' },
            }
          : { status: 204 },
      );
      const auth = oauthClientCredentials({
        tokenUrl: `${server.url}/token`,
        clientId: 'id',
        clientSecret: 'wrong',
        clientAuthentication: 'form',
        form: { grant_type: 'client_credentials' },
      });
      const response = await client({ auth }).request({ method: 'PATCH', url: 'users/1', json: {} });
      expect(response).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(server.requests.map((request) => request.url.pathname)).toEqual(['/token']);
      expect(server.requests[0]?.body).toBe('grant_type=client_credentials&client_id=id&client_secret=wrong');
    });
  });
});

describe('Retry-After', () => {
  const at = (value: string) =>
    retryAfterMs(new Headers({ 'retry-after': value }), Date.parse('2026-03-02T09:00:00Z'));
  it('reads delta-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(at('120')).toBe(120_000);
    expect(at('Mon, 02 Mar 2026 09:00:30 GMT')).toBe(30_000);
    expect(at('Mon, 02 Mar 2026 08:59:00 GMT')).toBe(0);
    expect(at('soon')).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('falls back to the rate-limit reset, as an epoch second or a delay, as ky does', () => {
    const now = Date.parse('2026-03-02T09:00:00Z');
    const wait = (headers: Record<string, string>) => retryWaitMs(new Headers(headers), now);
    expect(wait({ 'retry-after': '5', 'x-ratelimit-reset': String(now / 1000 + 60) })).toBe(5_000);
    expect(wait({ 'x-ratelimit-reset': String(now / 1000 + 60) })).toBe(60_000);
    expect(wait({ 'ratelimit-reset': '30' })).toBe(30_000);
    expect(wait({ 'x-ratelimit-retry-after': '2000000000' })).toBe(2_000_000_000_000);
    expect(wait({ 'x-ratelimit-reset': 'later' })).toBeUndefined();
    expect(wait({})).toBeUndefined();
  });
});
