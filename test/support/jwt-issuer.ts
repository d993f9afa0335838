/**
 * A stand-in OAuth authorization server for tests: RSA keys made with node:crypto, a JWKS served
 * over HTTP on a free local port (counting fetches), and JWTs signed with any key or none.
 */
import { createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

/**
 * A fresh RSA signing key with its public JWK.
 *
 * @example
 * const key = rsaKey();
 */
export function rsaKey(kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A compact JWS. `alg: 'none'` gives an unsigned token; `header` overrides header fields.
 *
 * @example
 * const jwt = signJwt(key, { iss, aud, exp: nowSeconds() + 300 });
 */
export function signJwt(
  key: TestKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const fullHeader = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...header };
  const input = `${b64(fullHeader)}.${b64(payload)}`;
  if (fullHeader.alg === 'none') return `${input}.`;
  const signature = createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface JwksServer {
  readonly jwksUri: string;
  /** Replaces the published keys (a rotation). */
  publish(keys: readonly TestKey[]): void;
  /** From now on every fetch is answered with this status and no keys (an IdP outage); 200 heals it. */
  answerWith(status: number): void;
  /** How many times the JWKS was fetched. */
  readonly fetches: () => number;
  close(): Promise<void>;
}

/**
 * Serves a JWKS at http://127.0.0.1:{port}/jwks.json.
 *
 * @example
 * const jwks = await startJwksServer([key]);
 * // settings.jwksUri = jwks.jwksUri
 */
export async function startJwksServer(initial: readonly TestKey[]): Promise<JwksServer> {
  let keys = initial;
  let fetches = 0;
  let status = 200;
  const server: Server = createServer((_request, response) => {
    fetches++;
    if (status !== 200) {
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end('unavailable');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    jwksUri: `http://127.0.0.1:${port}/jwks.json`,
    publish(next) {
      keys = next;
    },
    answerWith(next) {
      status = next;
    },
    fetches: () => fetches,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
