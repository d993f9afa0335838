/**
 * A local stand-in for an API Gateway REST API with Lambda proxy integrations: an HTTP server
 * that routes requests by resource template, invokes the same handlers that run in Lambda with
 * the event and context API Gateway would build, and answers with API Gateway's own responses
 * where API Gateway, not the function, would answer: the stack's SCIM-shaped gateway responses
 * for an unknown path or method and an oversized body, API Gateway's plain JSON otherwise.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  type GatewayError,
  gatewayErrorResponse,
  gatewayErrors,
} from '../shared/contracts/gateway-errors.ts';
import { lambdaContext, proxyEvent, type RawRequest } from './api-gateway-event.ts';
import { createResourceRouter } from './api-gateway-router.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface ApiGatewayRoute {
  /** An HTTP method, or ANY. */
  readonly method: string;
  /** An API Gateway resource template, e.g. `/{directoryId}/scim/v2/Users/{id}`. */
  readonly resource: string;
  readonly handler: ProxyHandler;
  /** Shown in the Lambda context; defaults to `local-function`. */
  readonly functionName?: string;
  /**
   * The stand-in for a method's AWS_IAM authorisation: API Gateway refuses the request with 403
   * before the function runs unless this says yes (locally: the admin token).
   */
  readonly authorize?: (authorization: string | undefined) => boolean;
}

export interface ApiGatewayOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly routes: readonly ApiGatewayRoute[];
  /** Interface to listen on; loopback only unless told otherwise. */
  readonly host?: string;
  /** One JSON line per request on stdout (method, path without query, status, duration). */
  readonly logRequests?: boolean;
  /** API Gateway's integration timeout: 29 s, after which the client gets a 504. */
  readonly integrationTimeoutMs?: number;
  /** The stage name in `requestContext.stage`. */
  readonly stage?: string;
}

export interface LocalApiGateway {
  /** e.g. `http://127.0.0.1:8080`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** API Gateway's request payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * Serves `routes` over HTTP the way API Gateway invokes Lambda proxy integrations.
 *
 * @example
 * const api = await startApiGateway({
 *   port: 0,
 *   routes: [{ method: 'GET', resource: '/Users/{id}', handler }],
 * });
 * await fetch(`${api.url}/Users/42`);
 * await api.close();
 */
export async function startApiGateway(options: ApiGatewayOptions): Promise<LocalApiGateway> {
  const router = createResourceRouter(options.routes.map((route) => ({ ...route, entry: route })));
  const timeoutMs = options.integrationTimeoutMs ?? 29_000;
  const stage = options.stage ?? 'local';

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<number> {
    const [rawPath = '/', rawQuery] = splitOnce(req.url ?? '/', '?');
    const body = await readBody(req);
    if (body === 'too-large') return scimGatewayAnswer(res, requestId, gatewayErrors.requestTooLarge);
    const match = router.match(rawPath);
    // API Gateway answers an unknown path, or a method the path does not have, with its
    // MISSING_AUTHENTICATION_TOKEN response, which the stack makes a SCIM 404: so does this.
    const route = match?.forMethod(req.method ?? 'GET');
    if (!match || !route) return scimGatewayAnswer(res, requestId, gatewayErrors.unknownEndpoint);

    if (route.authorize && !route.authorize(req.headers.authorization))
      return gatewayAnswer(res, requestId, 403, 'Missing Authentication Token');

    const raw: RawRequest = {
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      localPort: req.socket.localPort ?? 0,
      localAddress: hostPort(req.socket.localAddress ?? '127.0.0.1', req.socket.localPort ?? 0),
    };
    const event = proxyEvent(raw, { ...match, requestId, stage });
    const context = lambdaContext(route.functionName ?? 'local-function', Date.now() + timeoutMs);
    const outcome = await invoke(route.handler, event, context, timeoutMs);
    if (outcome.kind === 'timeout') return gatewayAnswer(res, requestId, 504, 'Endpoint request timed out');
    if (outcome.kind === 'error' || !isProxyResult(outcome.result)) {
      const error = outcome.kind === 'error' ? outcome.error : new Error('Malformed Lambda proxy response');
      logError(requestId, match.resource, error);
      return gatewayAnswer(res, requestId, 502, 'Internal server error');
    }
    return writeResult(res, requestId, outcome.result);
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const started = performance.now();
    serve(req, res, requestId)
      .catch((error: unknown) => {
        logError(requestId, undefined, error);
        return res.headersSent ? res.statusCode : gatewayAnswer(res, requestId, 500, 'Internal server error');
      })
      .then((status) => {
        if (!options.logRequests) return;
        const path = splitOnce(req.url ?? '/', '?')[0];
        const durationMs = Math.round(performance.now() - started);
        // The query is left out on purpose: SCIM filters carry user names and e-mail addresses.
        console.log(JSON.stringify({ requestId, method: req.method, path, status, durationMs }));
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of finished requests would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/** `host:port` of a socket address, IPv4-mapped IPv6 as plain IPv4, other IPv6 in brackets. */
function hostPort(address: string, port: number): string {
  const host = address.replace(/^::ffff:/, '');
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

type Outcome = { kind: 'result'; result: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

async function invoke(
  handler: ProxyHandler,
  event: APIGatewayProxyEvent,
  context: Context,
  timeoutMs: number,
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
  });
  const run = (async (): Promise<Outcome> => ({
    kind: 'result',
    result: await handler(event, context),
  }))().catch((error: unknown): Outcome => ({ kind: 'error', error }));
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the whole body, or drains and drops it past API Gateway's limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Reading to the end even when too large lets the client finish sending and read our 413.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  return size > MAX_REQUEST_BYTES ? 'too-large' : Buffer.concat(chunks);
}

function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const { statusCode } = value as { statusCode?: unknown };
  return (
    typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599
  );
}

/**
 * Writes the function's answer. Like API Gateway: headers and multiValueHeaders are merged, the
 * multi-value list winning for a name in both; Content-Type defaults to application/json.
 */
function writeResult(res: ServerResponse, requestId: string, result: APIGatewayProxyResult): number {
  const headers = new Map<string, { name: string; values: string[] }>();
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers.set(name.toLowerCase(), { name, values: values.map(String) });
  for (const [name, value] of Object.entries(result.headers ?? {}))
    if (!headers.has(name.toLowerCase())) headers.set(name.toLowerCase(), { name, values: [String(value)] });
  if (!headers.has('content-type'))
    headers.set('content-type', { name: 'Content-Type', values: ['application/json'] });

  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  for (const { name, values } of headers.values())
    if (name.toLowerCase() !== 'content-length') res.setHeader(name, values);
  res.setHeader('Content-Length', body.length);
  res.setHeader('x-amzn-RequestId', requestId);
  res.writeHead(result.statusCode);
  res.end(body);
  return result.statusCode;
}

/** A response API Gateway itself gives, in its `{"message": ...}` shape. */
function gatewayAnswer(res: ServerResponse, requestId: string, status: number, message: string): number {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
  return status;
}

/** One of the stack's SCIM-shaped gateway responses (shared/contracts/gateway-errors.ts). */
function scimGatewayAnswer(res: ServerResponse, requestId: string, error: GatewayError): number {
  const { body, headers } = gatewayErrorResponse(error);
  const text = JSON.stringify(body);
  res.writeHead(error.status, {
    ...headers,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
  });
  res.end(text);
  return error.status;
}

/** The error only, never the event: requests carry bearer tokens and personal data. */
function logError(requestId: string, resource: string | undefined, error: unknown): void {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  console.error(JSON.stringify({ level: 'ERROR', requestId, resource, error: { name, message, stack } }));
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
