/**
 * Authentication end to end through the local runtime: static tokens (rotation, revocation,
 * expiry) and OAuth JWTs from a local authorization server, with every line the process writes
 * captured to prove that no credential ever reaches a log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import {
  type JwksServer,
  nowSeconds,
  rsaKey,
  signJwt,
  startJwksServer,
  type TestKey,
} from '../support/jwt-issuer.ts';
import { ERROR_SCHEMA, entraUser, startTestScim, type TestScim } from '../support/scim-client.ts';

const ISSUER = 'https://sts.windows.net/0c6a2b1e-1111-4000-8000-000000000001/';
const AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';
const JWT_DIR = 'entra-oauth';

let scim: TestScim;
let jwks: JwksServer;
let key: TestKey;
/** Every credential used in this file: none may appear in the captured output. */
const secrets: string[] = [];
/** The hashes of the static tokens used: not even a piece of one may appear. */
const hashes: string[] = [];
let events: EventCollector;
let captured = '';
const restore: (() => void)[] = [];

function capture(stream: NodeJS.WriteStream): void {
  const original = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = original as typeof stream.write;
  });
}

async function call(
  directoryId: string,
  bearer: string | undefined,
  method = 'GET',
  path = '/Users',
  body?: unknown,
) {
  const response = await fetch(`${scim.runtime.url}/${directoryId}/scim/v2${path}`, {
    method,
    headers: {
      ...(bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function jwt(extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}): string {
  const token = signJwt(
    key,
    { iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600, appid: 'entra-scim', scp: 'scim', ...extra },
    header,
  );
  const signature = token.split('.')[2];
  secrets.push(token, ...(signature ? [signature] : []));
  return token;
}

function mint(): string {
  const token = generateToken();
  secrets.push(token, hashToken(token));
  hashes.push(hashToken(token));
  return token;
}

beforeAll(async () => {
  capture(process.stdout);
  capture(process.stderr);
  scim = await startTestScim();
  secrets.push(scim.runtime.token, hashToken(scim.runtime.token));
  hashes.push(hashToken(scim.runtime.token));
  events = collectEvents(scim.runtime.events);
  key = rsaKey();
  jwks = await startJwksServer([key]);
  await scim.runtime.directories.create(JWT_DIR, 'Entra with OAuth');
  await scim.runtime.directories.configureOAuth(JWT_DIR, {
    issuer: ISSUER,
    audience: [AUDIENCE],
    jwksUri: jwks.jwksUri,
    algorithms: ['RS256'],
    requiredScope: 'scim',
  });
});

afterAll(async () => {
  events?.stop();
  await scim?.close();
  await jwks?.close();
  for (const undo of restore) undo();
});

const expect401 = (reply: Awaited<ReturnType<typeof call>>) => {
  expect(reply.status).toBe(401);
  expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="scim"/);
  expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
};

describe('static tokens', () => {
  it('are refused when missing or malformed', async () => {
    expect401(await call('default', undefined));
    expect401(await call('default', 'not-a-token'));
    const response = await fetch(`${scim.runtime.url}/default/scim/v2/Users`, {
      headers: { Authorization: `Basic ${scim.runtime.token}` },
    });
    expect(response.status).toBe(401);
  });

  it('rotate: two work side by side, the revoked one stops at once', async () => {
    const [older, newer] = [mint(), mint()];
    const olderId = await scim.runtime.tokens.register('default', older, { label: 'older' });
    await scim.runtime.tokens.register('default', newer, { label: 'newer' });
    expect((await call('default', older)).status).toBe(200);
    expect((await call('default', newer)).status).toBe(200);
    await scim.runtime.tokens.revoke('default', olderId);
    expect401(await call('default', older));
    expect((await call('default', newer)).status).toBe(200);
  });

  it('stop at their expiry', async () => {
    const token = mint();
    await scim.runtime.tokens.register('default', token, {
      label: 'expired',
      expiresAt: new Date(Date.now() - 1),
    });
    expect401(await call('default', token));
  });
});

describe('OAuth JWTs', () => {
  it('are accepted by the directory that trusts the issuer', async () => {
    const created = await call(JWT_DIR, jwt(), 'POST', '/Users', entraUser('jwt@contoso.com'));
    expect(created.status).toBe(201);
    expect((await call(JWT_DIR, jwt(), 'GET', `/Users/${created.body.id}`)).status).toBe(200);
  });

  it('are 401 when expired, not yet valid, of another issuer or audience, badly signed or unsigned', async () => {
    const forger = rsaKey(key.kid);
    const badlySigned = signJwt(forger, { iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600, scp: 'scim' });
    secrets.push(badlySigned);
    for (const token of [
      jwt({ exp: nowSeconds() - 3600 }),
      jwt({ nbf: nowSeconds() + 3600 }),
      jwt({ iss: 'https://sts.windows.net/another-tenant/' }),
      jwt({ aud: 'api://another' }),
      jwt({}, { alg: 'none' }),
      badlySigned,
    ])
      expect401(await call(JWT_DIR, token));
  });

  it('are 403 when valid but without the required scope', async () => {
    const reply = await call(JWT_DIR, jwt({ scp: 'openid' }));
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '403' });
  });

  it('of one directory are 401 in another', async () => {
    expect401(await call('default', jwt()));
  });

  it('are 401 without exp, living longer than the 24 h default, or issued in the future', async () => {
    for (const token of [
      jwt({ exp: undefined }),
      jwt({ iat: nowSeconds(), exp: nowSeconds() + 25 * 3600 }),
      jwt({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
    ])
      expect401(await call(JWT_DIR, token));
    expect((await call(JWT_DIR, jwt({ iat: nowSeconds(), exp: nowSeconds() + 3600 }))).status).toBe(200);
  });
});

describe('an unreachable JWKS', () => {
  const expect503 = (reply: Awaited<ReturnType<typeof call>>) => {
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('30');
    expect(reply.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '503' });
  };

  it('is 503 with Retry-After while it answers 500 or nothing listens, and 200 once it is back', async () => {
    const outage = await startJwksServer([key]);
    try {
      await scim.runtime.directories.create('jwks-outage', 'JWKS outage');
      await scim.runtime.directories.configureOAuth('jwks-outage', {
        issuer: ISSUER,
        audience: [AUDIENCE],
        jwksUri: outage.jwksUri,
        algorithms: ['RS256'],
      });
      outage.answerWith(500);
      expect503(await call('jwks-outage', jwt()));
      outage.answerWith(200);
      expect((await call('jwks-outage', jwt())).status).toBe(200);
    } finally {
      await outage.close();
    }
    const gone = await startJwksServer([key]);
    await gone.close();
    await scim.runtime.directories.create('jwks-gone', 'JWKS gone');
    await scim.runtime.directories.configureOAuth('jwks-gone', {
      issuer: ISSUER,
      audience: [AUDIENCE],
      jwksUri: gone.jwksUri,
      algorithms: ['RS256'],
    });
    expect503(await call('jwks-gone', jwt()));
    expect(captured).toContain('JWKS unavailable');
  });
});

describe('logs', () => {
  it('record refusals, and never a token, a hash, a piece of a hash or a JWT', async () => {
    // The stream relay has handled every write above once the last user's event is on the bus.
    const last = await call(JWT_DIR, jwt(), 'POST', '/Users', entraUser('last@contoso.com'));
    expect(last.status).toBe(201);
    await events.waitFor(last.body.id, 1, { quietMs: 0 });
    expect(captured).toContain('Authentication refused');
    // Every line of a request carries its Lambda request id, so a refusal can be traced.
    const refusals = captured.split('\n').filter((line) => line.includes('Authentication refused'));
    for (const line of refusals)
      expect(JSON.parse(line)).toMatchObject({ function_request_id: expect.stringMatching(/\S/) });
    expect(secrets.length).toBeGreaterThan(10);
    const leaked = secrets.filter((secret) => captured.includes(secret));
    expect(leaked, 'credentials in the captured output').toEqual([]);
    // Not even a part of a hash: no 12 hex digits in a row of any of them.
    const fragments = hashes.flatMap((hash) =>
      Array.from({ length: hash.length - 11 }, (_, at) => hash.slice(at, at + 12)),
    );
    expect(
      fragments.filter((fragment) => captured.includes(fragment)),
      'hash fragments in the captured output',
    ).toEqual([]);
  });
});
