/**
 * The vendor HTTP client behind every connector, on `ky` (fetch with retries that honour
 * Retry-After). One request goes out with a per-attempt timeout; network errors, timeouts, 408,
 * 429 and 5xx are retried with exponential backoff and full jitter, or after the vendor's
 * Retry-After (seconds or HTTP date) when it sends one, up to a cap. Every request of one
 * client shares a time budget, so a Lambda never times out halfway through a retry: the runtime
 * gives the client the invocation's remaining time. Statuses are answers, never exceptions.
 *
 * @example
 * const http = createVendorHttp({ baseUrl: 'https://api.github.com', auth: bearerToken(token), budgetMs: 25_000 });
 * const { status, requestId } = await http.request({ method: 'DELETE', url: 'orgs/acme/memberships/ada' });
 */
import ky, { isHTTPError, type KyResponse } from 'ky';
import type {
  ConnectorDefinition,
  ConnectorLogger,
  VendorHttp,
  VendorHttpSetup,
  VendorRequest,
  VendorResponse,
} from './connector.ts';
import {
  VendorAuthFailedError,
  VendorCallError,
  VendorTimeBudgetError,
  VendorUnreachableError,
} from './vendor-http-errors.ts';

export interface RetryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  /** Per attempt, until the response headers arrive. */
  readonly timeoutMs: number;
  /** Backoff before retry n is a random time in [0, initialDelayMs · 2^(n-1)], at most maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After waited for here; a longer one is answered as is (the queue retries later). */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  timeoutMs: 10_000,
  initialDelayMs: 300,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** Without a budget from the runtime: well under Lambda's 15-minute maximum and SQS's default visibility timeout. */
export const DEFAULT_BUDGET_MS = 25_000;

export interface VendorHttpOptions extends VendorHttpSetup {
  /** Time for every request made through this client, from its creation. */
  readonly budgetMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Told of each retry (method, host, status or error): a slow vendor shows in the logs. */
  readonly log?: ConnectorLogger;
  readonly fetch?: typeof globalThis.fetch;
}

// Retrying is safe for every method here: connectors only make calls whose repetition is harmless
// (suspend twice = suspended; the webhook carries the event id for the receiver to dedupe).
const METHODS: ('get' | 'post' | 'put' | 'patch' | 'delete')[] = ['get', 'post', 'put', 'patch', 'delete'];
const RETRIED_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, index) => 500 + index)];
const RETRY_AFTER_STATUSES = [429, 503];

/**
 * A client for one invocation: its budget starts now. Cheap to create; credentials caches live in
 * the `auth` (see vendor-auth.ts), not in the client.
 */
export function createVendorHttp(options: VendorHttpOptions = {}): VendorHttp {
  const deadline = Date.now() + (options.budgetMs ?? DEFAULT_BUDGET_MS);
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const unauthenticated: VendorHttp = {
    request: (request) => send(request, { ...options, auth: undefined }, policy, deadline, unauthenticated),
  };
  return { request: (request) => send(request, options, policy, deadline, unauthenticated) };
}

/**
 * The client a connector's handlers get: its definition's vendor setup (base URL, headers,
 * authentication) from its settings and secrets, with the runtime's budget and policy.
 *
 * @example
 * const http = connectorHttp(zoom, { settings, secrets }, { budgetMs: context.getRemainingTimeInMillis() - 5_000 });
 */
export function connectorHttp<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
  config: { readonly settings: Settings; readonly secrets: Secrets },
  options: Omit<VendorHttpOptions, keyof VendorHttpSetup> = {},
): VendorHttp {
  return createVendorHttp({ ...definition.http?.(config), ...options });
}

async function send(
  request: VendorRequest,
  options: VendorHttpOptions,
  policy: RetryPolicy,
  deadline: number,
  unauthenticated: VendorHttp,
): Promise<VendorResponse> {
  const url = resolveUrl(options.baseUrl, request.url, request.query);
  const target = `${request.method} ${url.origin}${url.pathname}`;
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw new VendorTimeBudgetError(`No time left for ${target}`, target);
  // A timer cleared when the request settles (AbortSignal.timeout would fire later into finished streams).
  const budgetController = new AbortController();
  const budgetTimer = setTimeout(
    () => budgetController.abort(new DOMException('The time budget ran out', 'TimeoutError')),
    remaining,
  );
  const budget = budgetController.signal;
  const auth = options.auth;
  /** Set when the vendor asked to wait longer than the budget has left: throw rather than answer. */
  let waitBeyondBudget: number | undefined;
  let refreshed = false;
  try {
    const credentials = auth ? await auth.headers({ http: unauthenticated, fresh: false }) : {};
    const response = await ky(url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        'user-agent': 'scim-provisioning-connector',
        ...options.headers,
        ...request.headers,
        ...credentials,
      },
      ...(request.json !== undefined ? { json: request.json } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      timeout: Math.min(policy.timeoutMs, remaining),
      signal: budget,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      retry: {
        limit: policy.retries,
        methods: METHODS,
        statusCodes: RETRIED_STATUSES,
        afterStatusCodes: RETRY_AFTER_STATUSES,
        maxRetryAfter: policy.maxRetryAfterMs,
        backoffLimit: policy.maxDelayMs,
        delay: (attempt) => policy.initialDelayMs * 2 ** (attempt - 1),
        jitter: true,
        retryOnTimeout: true,
        shouldRetry: ({ error }) => {
          // Our own failures (a refused token, a token endpoint that stayed down) were already final.
          if (budget.aborted || error instanceof VendorAuthFailedError || error instanceof VendorCallError) {
            return false;
          }
          if (!isHTTPError(error)) return undefined;
          const { status, headers } = error.response;
          const wait = RETRY_AFTER_STATUSES.includes(status) ? retryWaitMs(headers) : undefined;
          if (wait !== undefined && wait > policy.maxRetryAfterMs) return false;
          if (wait !== undefined && wait >= deadline - Date.now()) {
            waitBeyondBudget = wait;
            return false;
          }
          return undefined;
        },
      },
      hooks: {
        afterResponse: [
          async function refreshCredentialsOn401({ request: kyRequest, response, retryCount }) {
            // Once per request, and only while a retry is left: a forced retry past the limit loses the response.
            if (response.status !== 401 || !auth?.refreshable || refreshed || retryCount >= policy.retries) {
              return;
            }
            refreshed = true;
            const headers = new Headers(kyRequest.headers);
            for (const [name, value] of Object.entries(
              await auth.headers({ http: unauthenticated, fresh: true }),
            )) {
              headers.set(name, value);
            }
            return ky.retry({
              request: new Request(kyRequest, { headers }),
              delay: 0,
              code: 'CREDENTIALS_REFRESHED',
            });
          },
        ],
        beforeRetry: [
          function logRetry({ error, retryCount }) {
            // The host only: paths carry logins and email addresses, which stay out of logs.
            options.log?.warn('Vendor call retried', {
              method: request.method,
              host: url.host,
              retry: retryCount,
              ...(isHTTPError(error) ? { status: error.response.status } : { reason: error.name }),
            });
          },
        ],
      },
    });
    return await vendorResponse(response, options.requestIdHeaders);
  } catch (error) {
    if (waitBeyondBudget !== undefined) {
      throw new VendorTimeBudgetError(
        `${target}: the vendor asked to wait ${Math.ceil(waitBeyondBudget / 1000)} s, more than the time left`,
        target,
        waitBeyondBudget,
        { cause: error },
      );
    }
    // ky has read the body of an error answer into `data` (JSON by content type, else text).
    if (isHTTPError(error))
      return vendorResponse(error.response, options.requestIdHeaders, { data: error.data });
    if (error instanceof VendorAuthFailedError) return error.response;
    if (error instanceof VendorCallError) throw error;
    if (budget.aborted) {
      throw new VendorTimeBudgetError(`${target}: the time budget ran out`, target, undefined, {
        cause: error,
      });
    }
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
    throw new VendorUnreachableError(
      `${target} unreachable after ${policy.retries + 1} attempts: ${reason}`,
      target,
      {
        cause: error,
      },
    );
  } finally {
    clearTimeout(budgetTimer);
  }
}

/** Relative URLs are appended to the base URL's path (`…/v2` + `users/x`), absolute ones used as they are. */
function resolveUrl(baseUrl: string | undefined, url: string, query?: Record<string, string>): URL {
  const resolved = /^[a-z][a-z0-9+.-]*:\/\//i.test(url)
    ? new URL(url)
    : new URL(`${(baseUrl ?? '').replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(query ?? {})) resolved.searchParams.set(name, value);
  return resolved;
}

/**
 * The wait ky takes before retrying a 429 or 503: Retry-After when the vendor sends it, else the
 * reset of its rate limit (`RateLimit-Reset`, `X-RateLimit-Retry-After`, `X-RateLimit-Reset`,
 * `X-Rate-Limit-Reset`; a reset from 2001-09-09 on is an epoch second, below it a delay), in the
 * order ky reads them, so that "too long to wait here" is decided on the wait ky would take.
 *
 * @example
 * retryWaitMs(new Headers({ 'x-ratelimit-reset': String(Date.now() / 1000 + 60) })); // ≈ 60_000
 */
export function retryWaitMs(headers: Headers, now = Date.now()): number | undefined {
  if (headers.has('retry-after')) return retryAfterMs(headers, now);
  const reset = ['ratelimit-reset', 'x-ratelimit-retry-after', 'x-ratelimit-reset', 'x-rate-limit-reset']
    .map((name) => [name, headers.get(name)?.trim()] as const)
    .find(([, value]) => value !== undefined);
  if (!reset?.[1] || !/^\d+$/.test(reset[1])) return undefined;
  const seconds = Number(reset[1]);
  const epoch = reset[0] !== 'x-ratelimit-retry-after' && seconds >= 1_000_000_000;
  return epoch ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function vendorResponse(
  response: KyResponse,
  requestIdHeaders?: readonly string[],
  read?: { readonly data: unknown },
): Promise<VendorResponse> {
  const data = read ? read.data : await response.text();
  // Some vendors send JSON without a JSON content type: their text is parsed all the same.
  let body: unknown = data;
  if (typeof data === 'string') {
    try {
      body = data === '' ? undefined : JSON.parse(data);
    } catch {
      body = undefined;
    }
  }
  const requestId = (requestIdHeaders ?? ['x-request-id'])
    .map((name) => response.headers.get(name))
    .find((value): value is string => Boolean(value));
  return { status: response.status, headers: response.headers, body, ...(requestId ? { requestId } : {}) };
}
