/**
 * The part every vendor fake shares: a node:http server on a free port, the failure controls a
 * test (or `npm start`) uses to make the vendor slow, rate-limited or down, and a log of the
 * requests it answered. Each fake in this folder adds its vendor's routes, auth and state.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The raw body (the webhook fake verifies signatures over it). */
  readonly body: string;
}

export interface FakeReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Failure {
  readonly status: number;
  /** Seconds, or an HTTP date; sent as Retry-After. */
  readonly retryAfter?: number | string;
  /** Only requests whose path starts with this fail (a token endpoint keeps working, say). */
  readonly path?: string;
  /** Defaults to the vendor's own error body for the status. */
  readonly body?: unknown;
  /** More response headers (a vendor's rate-limit headers). */
  readonly headers?: Record<string, string>;
}

export interface FakeVendor {
  readonly url: string;
  close(): Promise<void>;
  /** The next `count` matching requests get `failure` (default 429 with Retry-After: 1). */
  failNext(count: number, failure?: Failure): void;
  /** Every request gets `failure` (default 503) for the next `forMs` milliseconds: an outage. */
  down(forMs: number, failure?: Failure): void;
  /** Requests answered so far, failures included, oldest first. */
  readonly requests: readonly FakeRequest[];
  /** What each of `requests` was answered, same order (contract tests validate them). */
  readonly replies: readonly FakeReply[];
}

export interface FakeServerOptions {
  /** Default: a free port. */
  readonly port?: number;
  /** The vendor's error body for a status the controls inject. */
  readonly errorBody: (status: number) => unknown;
  /** The vendor's response headers on every answer (its request id...). */
  readonly headers?: () => Record<string, string>;
}

/** Starts a fake answering with `route`, after the failure controls had their say. */
export async function startFakeServer(
  route: (request: FakeRequest) => FakeReply | Promise<FakeReply>,
  options: FakeServerOptions,
): Promise<FakeVendor> {
  const requests: FakeRequest[] = [];
  const replies: FakeReply[] = [];
  let failures: { remaining: number; failure: Failure }[] = [];
  let outage: { until: number; failure: Failure } | undefined;

  const injected = (path: string): Failure | undefined => {
    if (outage && Date.now() < outage.until) return outage.failure;
    const next = failures.find((entry) => entry.remaining > 0 && path.startsWith(entry.failure.path ?? ''));
    if (!next) return undefined;
    next.remaining--;
    failures = failures.filter((entry) => entry.remaining > 0);
    return next.failure;
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const request: FakeRequest = {
        method: incoming.method ?? 'GET',
        url: new URL(incoming.url ?? '/', 'http://fake.local'),
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const failure = injected(request.url.pathname);
      let reply: FakeReply;
      try {
        reply = failure
          ? {
              status: failure.status,
              body: failure.body ?? options.errorBody(failure.status),
              headers: {
                ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
                ...failure.headers,
              },
            }
          : await route(request);
      } catch (error) {
        reply = { status: 500, body: { message: `fake failed: ${(error as Error).message}` } };
      }
      replies.push(reply);
      const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
      outgoing.writeHead(reply.status, {
        ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        ...options.headers?.(),
        ...reply.headers,
      });
      outgoing.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    replies,
    // Idempotent: a test may close a fake early (to make the vendor unreachable) and again in afterEach.
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    failNext(count, failure = { status: 429, retryAfter: 1 }) {
      failures.push({ remaining: count, failure });
    },
    down(forMs, failure = { status: 503 }) {
      outage = { until: Date.now() + forMs, failure };
    },
  };
}

/** JSON body of a request, or undefined when it is not JSON. */
export function jsonBody(request: FakeRequest): unknown {
  try {
    return JSON.parse(request.body);
  } catch {
    return undefined;
  }
}

/** Path segments matched against a pattern like `/orgs/:org/memberships/:username`; undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const wanted = pattern.split('/');
  const actual = path.split('/');
  if (wanted.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of wanted.entries()) {
    const value = actual[index] ?? '';
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return params;
}
