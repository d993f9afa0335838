/**
 * The Lambda proxy integration event and context, built the way API Gateway REST APIs (v1
 * payload) build them, so the handlers see locally what they see in AWS.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** What the HTTP server knows about a request. */
export interface RawRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** Everything after `?`, or undefined when there is no `?`. */
  readonly rawQuery: string | undefined;
  /** Node's `rawHeaders`: names in the client's casing, alternating with values. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly localPort: number;
  /** The address the request arrived on, `host:port` (IPv6 in brackets): the local domain name. */
  readonly localAddress: string;
}

export interface EventTarget {
  readonly resource: string;
  readonly pathParameters: Record<string, string> | null;
  /** API Gateway's request id (`requestContext.requestId`), not the function's awsRequestId. */
  readonly requestId: string;
  readonly stage: string;
}

/**
 * The `APIGatewayProxyEvent` for a request routed to `target`.
 *
 * @example
 * const event = proxyEvent(raw, { resource: '/Users/{id}', pathParameters: { id: '42' }, requestId, stage: 'local' });
 */
export function proxyEvent(request: RawRequest, target: EventTarget): APIGatewayProxyEvent {
  const multiValueHeaders = groupHeaders(request);
  const headers = lastValues(multiValueHeaders);
  const query = parseQuery(request.rawQuery);
  const body = encodeBody(request.body, headerValue(headers, 'content-type'));
  return {
    resource: target.resource,
    // REST APIs pass the path as the client sent it (percent-encoded), unlike pathParameters.
    path: request.rawPath,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query && lastValues(query),
    multiValueQueryStringParameters: query,
    pathParameters: target.pathParameters,
    stageVariables: null,
    body: body.text,
    isBase64Encoded: body.base64,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: identity(request.sourceIp, headerValue(headers, 'user-agent')),
      // As seen through a custom domain without a base path: the path the client used, with no
      // stage prefix, because the local server has none.
      path: request.rawPath,
      stage: target.stage,
      requestId: target.requestId,
      extendedRequestId: target.requestId,
      requestTime: new Date().toUTCString(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: target.resource,
      // API Gateway names the domain it served the request on, whatever Host the client sent: the
      // local stand-in names the address it listens on.
      domainName: request.localAddress,
    },
  };
}

/** A Lambda `Context` with a fresh awsRequestId and a clock running to `deadline` (epoch ms). */
export function lambdaContext(functionName: string, deadline: number): Context {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
  };
}

/** Header names keep the client's casing; repeats (in any casing) join the first name seen. */
function groupHeaders(request: RawRequest): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  const nameOf = new Map<string, string>();
  const add = (name: string, value: string) => {
    const key = nameOf.get(name.toLowerCase()) ?? name;
    nameOf.set(name.toLowerCase(), key);
    grouped[key] = [...(grouped[key] ?? []), value];
  };
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2)
    add(request.rawHeaders[index] ?? '', request.rawHeaders[index + 1] ?? '');
  // Headers API Gateway adds on its way to the function.
  if (!nameOf.has('x-forwarded-for')) add('X-Forwarded-For', request.sourceIp);
  if (!nameOf.has('x-forwarded-proto')) add('X-Forwarded-Proto', 'http');
  if (!nameOf.has('x-forwarded-port')) add('X-Forwarded-Port', String(request.localPort));
  return grouped;
}

/** API Gateway's single-value maps hold the last value of a repeated name. */
function lastValues(multi: Record<string, string[]>): Record<string, string> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi)) {
    const last = values.at(-1);
    if (last !== undefined) single[name] = last;
  }
  return single;
}

/** Decoded names and values (`+` as a space), or null without a query string, as API Gateway. */
function parseQuery(rawQuery: string | undefined): Record<string, string[]> | null {
  if (!rawQuery) return null;
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery))
    grouped[name] = [...(grouped[name] ?? []), value];
  return Object.keys(grouped).length > 0 ? grouped : null;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

const TEXT_TYPES =
  /^(text\/.*|application\/([\w.+-]+\+)?(json|xml)|application\/x-www-form-urlencoded|application\/javascript)$/;

/**
 * Text bodies travel as strings; anything else as base64 with isBase64Encoded, which is what an
 * API with binary media types does. Without a Content-Type, valid UTF-8 counts as text.
 */
function encodeBody(body: Buffer, contentType: string | undefined): { text: string | null; base64: boolean } {
  if (body.length === 0) return { text: null, base64: false };
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const isText = mediaType ? TEXT_TYPES.test(mediaType) : isUtf8(body);
  return isText
    ? { text: body.toString('utf8'), base64: false }
    : { text: body.toString('base64'), base64: true };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function identity(
  sourceIp: string,
  userAgent: string | undefined,
): APIGatewayProxyEvent['requestContext']['identity'] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent: userAgent ?? null,
    userArn: null,
  };
}
