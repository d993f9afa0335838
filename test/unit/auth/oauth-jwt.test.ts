import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_SECONDS,
  JWKS_UNAVAILABLE_RETRY_AFTER_SECONDS,
  looksLikeJwt,
  verifyDirectoryJwt,
} from '../../../shared/auth/oauth-jwt.ts';
import type { OAuthSettings } from '../../../shared/ports/directory-store.ts';
import { type JwksServer, nowSeconds, rsaKey, signJwt, startJwksServer } from '../../support/jwt-issuer.ts';

const TENANT = '2f0f3c2e-0000-4000-8000-00000000beef';
const issuer = `https://sts.windows.net/${TENANT}/`;
const audience = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';

describe('verifyDirectoryJwt', () => {
  const key = rsaKey();
  const other = rsaKey();
  let jwks: JwksServer;
  let settings: OAuthSettings;
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: issuer,
    aud: audience,
    iat: nowSeconds(),
    nbf: nowSeconds() - 10,
    exp: nowSeconds() + 600,
    appid: 'entra-provisioning',
    ...extra,
  });

  beforeAll(async () => {
    jwks = await startJwksServer([key]);
    settings = { issuer, audience: [audience], jwksUri: jwks.jwksUri, algorithms: ['RS256'] };
  });
  afterAll(() => jwks.close());

  it('accepts a valid token and names the client as the actor', async () => {
    expect(await verifyDirectoryJwt(settings, signJwt(key, claims()))).toEqual({
      outcome: 'ok',
      actor: { kind: 'jwt', id: 'entra-provisioning', label: `OAuth client of ${issuer}` },
    });
  });

  it.each([
    ['expired', { exp: nowSeconds() - CLOCK_SKEW_SECONDS - 5 }, 'JwtExpiredError'],
    ['not yet valid', { nbf: nowSeconds() + CLOCK_SKEW_SECONDS + 60 }, 'JwtNotBeforeError'],
    ['of another issuer', { iss: 'https://sts.windows.net/someone-else/' }, 'JwtInvalidIssuerError'],
    ['for another audience', { aud: 'api://another-app' }, 'JwtInvalidAudienceError'],
  ])('refuses a token %s', async (_, extra, reason) => {
    expect(await verifyDirectoryJwt(settings, signJwt(key, claims(extra)))).toEqual({
      outcome: 'unauthorized',
      reason,
    });
  });

  it.each([
    ['without exp', { exp: undefined }, 'JwtWithoutExpiryError'],
    ['living longer than 24 h', { exp: nowSeconds() + 25 * 3600 }, 'JwtLifetimeTooLongError'],
    [
      'living longer than 24 h and without iat',
      { iat: undefined, exp: nowSeconds() + 48 * 3600 },
      'JwtLifetimeTooLongError',
    ],
    [
      'issued in the future',
      { iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 },
      'JwtIssuedInFutureError',
    ],
  ])('refuses a token %s', async (_, extra, reason) => {
    expect(await verifyDirectoryJwt(settings, signJwt(key, claims(extra)))).toEqual({
      outcome: 'unauthorized',
      reason,
    });
  });

  it("applies the directory's own maximum lifetime", async () => {
    const short = { ...settings, maxLifetimeSeconds: 900 };
    expect((await verifyDirectoryJwt(short, signJwt(key, claims({ exp: nowSeconds() + 600 })))).outcome).toBe(
      'ok',
    );
    expect(await verifyDirectoryJwt(short, signJwt(key, claims({ exp: nowSeconds() + 3600 })))).toEqual({
      outcome: 'unauthorized',
      reason: 'JwtLifetimeTooLongError',
    });
    // A token 23 h long is fine under the default.
    expect(
      (await verifyDirectoryJwt(settings, signJwt(key, claims({ exp: nowSeconds() + 23 * 3600 })))).outcome,
    ).toBe('ok');
  });

  it('tolerates a small clock skew on exp and nbf', async () => {
    const skewed = claims({ exp: nowSeconds() - 5, nbf: nowSeconds() + 5 });
    expect((await verifyDirectoryJwt(settings, signJwt(key, skewed))).outcome).toBe('ok');
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const forged = signJwt(other, claims(), { kid: key.kid });
    expect(await verifyDirectoryJwt(settings, forged)).toEqual({
      outcome: 'unauthorized',
      reason: 'JwtInvalidSignatureError',
    });
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = signJwt(key, claims()).split('.');
    const payload = Buffer.from(JSON.stringify(claims({ appid: 'evil' }))).toString('base64url');
    expect((await verifyDirectoryJwt(settings, `${header}.${payload}.${signature}`)).outcome).toBe(
      'unauthorized',
    );
  });

  it('refuses alg none and algorithms that are not allowed, without fetching anything', async () => {
    const before = jwks.fetches();
    // An unsigned token does not even parse as a JWS (empty signature).
    expect((await verifyDirectoryJwt(settings, signJwt(key, claims(), { alg: 'none' }))).outcome).toBe(
      'unauthorized',
    );
    for (const alg of ['HS256', 'RS512'])
      expect(await verifyDirectoryJwt(settings, signJwt(key, claims(), { alg }))).toEqual({
        outcome: 'unauthorized',
        reason: 'AlgorithmNotAllowed',
      });
    expect(jwks.fetches()).toBe(before);
  });

  it('refuses garbage as a parse error, not a crash', async () => {
    expect((await verifyDirectoryJwt(settings, 'eyJ.eyJ.x')).outcome).toBe('unauthorized');
  });

  it('is 403 when a required scope or client id is missing, in any of the spellings IdPs use', async () => {
    const scoped = { ...settings, requiredScope: 'scim' };
    expect((await verifyDirectoryJwt(scoped, signJwt(key, claims()))).outcome).toBe('forbidden');
    expect((await verifyDirectoryJwt(scoped, signJwt(key, claims({ scp: ['scim'] })))).outcome).toBe('ok');
    expect((await verifyDirectoryJwt(scoped, signJwt(key, claims({ scp: 'read scim' })))).outcome).toBe('ok');
    expect((await verifyDirectoryJwt(scoped, signJwt(key, claims({ scope: 'scim' })))).outcome).toBe('ok');
    expect((await verifyDirectoryJwt(scoped, signJwt(key, claims({ roles: ['scim'] })))).outcome).toBe('ok');
    const client = { ...settings, clientIds: ['okta-app'] };
    expect(await verifyDirectoryJwt(client, signJwt(key, claims()))).toEqual({
      outcome: 'forbidden',
      reason: 'ClientNotAllowed',
    });
    expect(
      (await verifyDirectoryJwt(client, signJwt(key, claims({ appid: undefined, cid: 'okta-app' })))).outcome,
    ).toBe('ok');
  });
});

describe('JWKS key rotation', () => {
  it('refetches once for a new kid, and at most once for a flood of unknown kids', async () => {
    const first = rsaKey();
    const second = rsaKey();
    const jwks = await startJwksServer([first]);
    try {
      const settings: OAuthSettings = {
        issuer,
        audience: [audience],
        jwksUri: jwks.jwksUri,
        algorithms: ['RS256'],
      };
      const token = (key: typeof first, kid = key.kid) =>
        signJwt(key, { iss: issuer, aud: audience, exp: nowSeconds() + 600 }, { kid });

      expect((await verifyDirectoryJwt(settings, token(first))).outcome).toBe('ok');
      expect((await verifyDirectoryJwt(settings, token(first))).outcome).toBe('ok');
      expect(jwks.fetches()).toBe(1); // cached

      // The IdP rotates: the new key is published and used.
      jwks.publish([first, second]);
      expect((await verifyDirectoryJwt(settings, token(second))).outcome).toBe('ok');
      expect(jwks.fetches()).toBe(2);

      // Forged kids: one refetch finds nothing, then the penalty box holds further fetches.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => verifyDirectoryJwt(settings, token(second, `forged-${i}`))),
      );
      expect(results.every((result) => result.outcome === 'unauthorized')).toBe(true);
      expect(jwks.fetches()).toBe(3);
      expect((await verifyDirectoryJwt(settings, token(second, 'forged-again'))).outcome).toBe(
        'unauthorized',
      );
      expect(jwks.fetches()).toBe(3);
      // Known keys keep working meanwhile.
      expect((await verifyDirectoryJwt(settings, token(first))).outcome).toBe('ok');
    } finally {
      await jwks.close();
    }
  });
});

describe('an unreachable JWKS', () => {
  const key = rsaKey();
  const token = () =>
    signJwt(key, { iss: issuer, aud: audience, iat: nowSeconds(), exp: nowSeconds() + 600 });

  it('is "unavailable" with a retry delay when the JWKS answers 500, and recovers when it heals', async () => {
    const jwks = await startJwksServer([key]);
    try {
      const settings: OAuthSettings = {
        issuer,
        audience: [audience],
        jwksUri: jwks.jwksUri,
        algorithms: ['RS256'],
      };
      jwks.answerWith(500);
      expect(await verifyDirectoryJwt(settings, token())).toEqual({
        outcome: 'unavailable',
        reason: 'FetchError',
        retryAfterSeconds: JWKS_UNAVAILABLE_RETRY_AFTER_SECONDS,
      });
      jwks.answerWith(200);
      expect((await verifyDirectoryJwt(settings, token())).outcome).toBe('ok');
    } finally {
      await jwks.close();
    }
  });

  it('is "unavailable" when nothing listens at the JWKS URI', async () => {
    const jwks = await startJwksServer([key]);
    await jwks.close();
    const settings: OAuthSettings = {
      issuer,
      audience: [audience],
      jwksUri: jwks.jwksUri,
      algorithms: ['RS256'],
    };
    expect((await verifyDirectoryJwt(settings, token())).outcome).toBe('unavailable');
  });

  it('stays 401 when the JWKS answers without the kid', async () => {
    const jwks = await startJwksServer([rsaKey()]);
    try {
      const settings: OAuthSettings = {
        issuer,
        audience: [audience],
        jwksUri: jwks.jwksUri,
        algorithms: ['RS256'],
      };
      expect(await verifyDirectoryJwt(settings, token())).toEqual({
        outcome: 'unauthorized',
        reason: 'KidNotFoundInJwksError',
      });
    } finally {
      await jwks.close();
    }
  });
});

describe('looksLikeJwt', () => {
  it('tells a compact JWS from a generated static token', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('scim_3q2-7w_Zk')).toBe(false);
  });
});
