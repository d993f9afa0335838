import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type ApiGatewayRoute,
  type LocalApiGateway,
  MAX_REQUEST_BYTES,
  type ProxyHandler,
  startApiGateway,
} from '../../../local/api-gateway.ts';
import { gatewayErrorResponse, gatewayErrors } from '../../../shared/contracts/gateway-errors.ts';

const BASE = '/{directoryId}/scim/v2';

interface Echo {
  event: APIGatewayProxyEvent;
  context: { awsRequestId: string; functionName: string; remainingMs: number };
}

/** A handler that answers with the event and context it was given. */
const echo =
  (name: string): ProxyHandler =>
  async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => ({
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'X-Route': name },
    body: JSON.stringify({
      event,
      context: {
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        remainingMs: context.getRemainingTimeInMillis(),
      },
    }),
  });

const routes: ApiGatewayRoute[] = [
  { method: 'GET', resource: `${BASE}/Users`, handler: echo('list') },
  { method: 'POST', resource: `${BASE}/Users`, handler: echo('create'), functionName: 'scim-users' },
  { method: 'POST', resource: `${BASE}/Users/.search`, handler: echo('search') },
  { method: 'GET', resource: `${BASE}/Users/{id}`, handler: echo('get') },
  { method: 'PATCH', resource: `${BASE}/Users/{id}`, handler: echo('patch') },
  {
    method: 'GET',
    resource: '/throws',
    handler: async () => {
      throw new Error('boom');
    },
  },
  {
    method: 'GET',
    resource: '/malformed',
    handler: async () => ({ body: 'no status code' }) as unknown as APIGatewayProxyResult,
  },
  {
    method: 'GET',
    resource: '/slow',
    handler: () =>
      new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 3_000)),
  },
  {
    method: 'GET',
    resource: '/binary',
    handler: async () => ({
      statusCode: 200,
      headers: { 'Content-Type': 'image/png', 'Set-Cookie': 'ignored=1' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]).toString('base64'),
      isBase64Encoded: true,
    }),
  },
  { method: 'GET', resource: '/static', handler: echo('static') },
  { method: 'GET', resource: '/no-content-type', handler: async () => ({ statusCode: 201, body: '{}' }) },
];

let api: LocalApiGateway;

beforeAll(async () => {
  api = await startApiGateway({ port: 0, routes, integrationTimeoutMs: 1_000 });
});

afterAll(async () => {
  await api?.close();
});

async function call(method: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${api.url}${path}`, { method, ...init });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Echo };
}

/** node:http, for what fetch cannot send: the same header twice as separate lines. */
function rawGet(path: string, headers: [string, string][]): Promise<Echo> {
  const url = new URL(path, api.url);
  // Given as an array, headers are sent as they are: Host included, which Node then leaves out.
  const lines = [['Host', url.host], ...headers].flat();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: lines }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(JSON.parse(text) as Echo);
        else reject(new Error(`HTTP ${res.statusCode}: ${text}`));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('routing', () => {
  it('prefers a static segment over a {param} segment', async () => {
    const search = await call('POST', '/d1/scim/v2/Users/.search', { body: '{}' });
    expect(search.headers.get('x-route')).toBe('search');
    expect(search.json().event.resource).toBe(`${BASE}/Users/.search`);
    expect(search.json().event.pathParameters).toEqual({ directoryId: 'd1' });

    const get = await call('GET', '/d1/scim/v2/Users/abc');
    expect(get.headers.get('x-route')).toBe('get');
    expect(get.json().event.pathParameters).toEqual({ directoryId: 'd1', id: 'abc' });
  });

  it('picks the resource first: GET on the static .search resource is not GET /Users/{id}', async () => {
    const response = await call('GET', '/d1/scim/v2/Users/.search');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-route')).toBeNull();
  });

  it('answers the stack’s SCIM 404 for an unknown path, and for an empty {param}', async () => {
    for (const path of ['/d1/scim/v2/Groups', '/d1/scim/v2/Users/abc/extra', '/d1/scim/v2/Users//']) {
      const response = await call('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/scim+json');
      expect(JSON.parse(response.text)).toEqual(gatewayErrorResponse(gatewayErrors.unknownEndpoint).body);
    }
  });

  it('answers the same 404 for a known path with a method it does not have, as API Gateway does', async () => {
    const response = await call('DELETE', '/d1/scim/v2/Users/abc');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toEqual(gatewayErrorResponse(gatewayErrors.unknownEndpoint).body);
  });

  it('ignores a trailing slash', async () => {
    const response = await call('GET', '/d1/scim/v2/Users/');
    expect(response.headers.get('x-route')).toBe('list');
  });
});

describe('the proxy event', () => {
  it('URL-decodes path parameters and keeps event.path as sent', async () => {
    const { event } = (await call('GET', '/dir%201/scim/v2/Users/a%2Fb%40c%2Bd')).json();
    expect(event.pathParameters).toEqual({ directoryId: 'dir 1', id: 'a/b@c+d' });
    expect(event.path).toBe('/dir%201/scim/v2/Users/a%2Fb%40c%2Bd');
    expect(event.requestContext.path).toBe(event.path);
    expect(event.requestContext.resourcePath).toBe(`${BASE}/Users/{id}`);
  });

  it('gives single and multi-value query parameters, decoded, last value wins', async () => {
    const filter = 'userName eq "a+b@example.com"';
    const query = `filter=${encodeURIComponent(filter)}&attributes=userName&attributes=emails&count=1+0&empty=`;
    const { event } = (await call('GET', `/d1/scim/v2/Users?${query}`)).json();
    expect(event.queryStringParameters).toEqual({ filter, attributes: 'emails', count: '1 0', empty: '' });
    expect(event.multiValueQueryStringParameters).toEqual({
      filter: [filter],
      attributes: ['userName', 'emails'],
      count: ['1 0'],
      empty: [''],
    });
  });

  it('gives null query parameters, path parameters and body when there are none', async () => {
    const { event } = (await call('GET', '/static')).json();
    expect(event.pathParameters).toBeNull();
    const list = (await call('GET', '/d1/scim/v2/Users')).json().event;
    expect(list.queryStringParameters).toBeNull();
    expect(list.multiValueQueryStringParameters).toBeNull();
    expect(list.body).toBeNull();
    expect(list.isBase64Encoded).toBe(false);
  });

  it('gives headers in the client’s casing, last value in headers, all in multiValueHeaders', async () => {
    const { event } = await rawGet('/d1/scim/v2/Users', [
      ['Authorization', 'Bearer t0k3n'],
      ['X-Custom', 'one'],
      ['X-Custom', 'two'],
    ]);
    expect(event.headers.Authorization).toBe('Bearer t0k3n');
    expect(event.headers['X-Custom']).toBe('two');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['one', 'two']);
    expect(event.headers.authorization).toBeUndefined();
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
  });

  it('fills requestContext and a fresh Lambda context per request', async () => {
    const first = (await call('POST', '/d1/scim/v2/Users', { body: '{"userName":"ada"}' })).json();
    const second = (await call('POST', '/d1/scim/v2/Users', { body: '{"userName":"ada"}' })).json();
    expect(first.event).toMatchObject({
      resource: `${BASE}/Users`,
      httpMethod: 'POST',
      body: '{"userName":"ada"}',
      isBase64Encoded: false,
      requestContext: {
        stage: 'local',
        httpMethod: 'POST',
        resourcePath: `${BASE}/Users`,
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    expect(first.event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.event.requestContext.requestId).not.toBe(second.event.requestContext.requestId);
    expect(first.context.awsRequestId).not.toBe(second.context.awsRequestId);
    expect(first.context.awsRequestId).not.toBe(first.event.requestContext.requestId);
    expect(first.context.functionName).toBe('scim-users');
    expect(first.context.remainingMs).toBeGreaterThan(0);
    expect(first.context.remainingMs).toBeLessThanOrEqual(1_000);
  });

  it('passes text bodies as strings and binary bodies as base64', async () => {
    const scim = (
      await call('PATCH', '/d1/scim/v2/Users/u1', {
        headers: { 'Content-Type': 'application/scim+json; charset=utf-8' },
        body: '{"Operations":[{"op":"replace","value":{"displayName":"Zoë"}}]}',
      })
    ).json().event;
    expect(scim.isBase64Encoded).toBe(false);
    expect(scim.body).toBe('{"Operations":[{"op":"replace","value":{"displayName":"Zoë"}}]}');

    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x80]);
    const binary = (
      await call('PATCH', '/d1/scim/v2/Users/u1', {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: bytes,
      })
    ).json().event;
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(bytes);
  });
});

describe('the response', () => {
  it('decodes a base64 body and merges headers, multiValueHeaders winning', async () => {
    const response = await fetch(`${api.url}/binary`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]),
    );
  });

  it('defaults Content-Type to application/json and keeps the function’s status', async () => {
    const response = await call('GET', '/no-content-type');
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('API Gateway’s own failures', () => {
  it('turns a throwing handler into 502 Internal server error and logs the error', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await call('GET', '/throws');
      expect(response.status).toBe(502);
      expect(JSON.parse(response.text)).toEqual({ message: 'Internal server error' });
      expect(response.text).not.toContain('boom');
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toContain('boom');
    } finally {
      logged.mockRestore();
    }
  });

  it('turns a malformed proxy result into 502', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const response = await call('GET', '/malformed');
      expect(response.status).toBe(502);
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });

  it('answers 504 when the handler outlives the integration timeout', async () => {
    const started = Date.now();
    const response = await call('GET', '/slow');
    expect(response.status).toBe(504);
    expect(JSON.parse(response.text)).toEqual({ message: 'Endpoint request timed out' });
    expect(Date.now() - started).toBeLessThan(2_900);
  });

  it('refuses a body over 10 MB with 413 without calling the function, and accepts one at the limit', async () => {
    const over = await call('POST', '/d1/scim/v2/Users', { body: 'x'.repeat(MAX_REQUEST_BYTES + 1) });
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toBe('application/scim+json');
    expect(JSON.parse(over.text)).toEqual(gatewayErrorResponse(gatewayErrors.requestTooLarge).body);
    expect(over.headers.get('x-route')).toBeNull();

    const atLimit = await call('POST', '/d1/scim/v2/Users', { body: 'x'.repeat(MAX_REQUEST_BYTES) });
    expect(atLimit.status).toBe(200);
    expect(atLimit.json().event.body).toHaveLength(MAX_REQUEST_BYTES);
  });
});
