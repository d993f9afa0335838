/**
 * OAuth 2.0 bearer JWTs of a directory, verified with aws-jwt-verify: signature against the
 * directory's JWKS, `iss`, `aud`, `exp` and `nbf` (with a small clock skew), the allowed
 * algorithms, then the optional scope and client id.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtBaseError } from 'aws-jwt-verify/error';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { OAuthSettings } from '../ports/directory-store.ts';
import type { Actor } from '../ports/user-store.ts';
import { JwksFetcher } from './jwks-fetcher.ts';

/** Seconds of clock difference tolerated on `exp` and `nbf`. */
export const CLOCK_SKEW_SECONDS = 30;
/** After a JWKS fetch that did not hold the JWT's `kid`, no new fetch of that URI for this long. */
export const UNKNOWN_KID_REFETCH_SECONDS = 10;

export type JwtOutcome =
  | { readonly outcome: 'ok'; readonly actor: Actor }
  | { readonly outcome: 'unauthorized' | 'forbidden'; readonly reason: string };

/**
 * One JWKS cache per Lambda instance (module scope), shared by every directory and verifier, so
 * keys survive between invocations. aws-jwt-verify fetches a JWKS once, refetches it only for
 * an unknown `kid` (key rotation), merges concurrent fetches into one, and after a fetch that
 * still lacks the `kid` its penalty box refuses further fetches of that URI for a while: a
 * flood of forged kids cannot turn into a flood of requests to the IdP.
 */
const jwksCache = new SimpleJwksCache({
  fetcher: new JwksFetcher(),
  penaltyBox: new SimplePenaltyBox({ waitSeconds: UNKNOWN_KID_REFETCH_SECONDS }),
});
const verifiers = new Map<string, ReturnType<typeof createVerifier>>();

function createVerifier(settings: OAuthSettings) {
  return JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: [...settings.audience],
      jwksUri: settings.jwksUri,
      graceSeconds: CLOCK_SKEW_SECONDS,
    },
    { jwksCache },
  );
}

function verifierFor(settings: OAuthSettings) {
  const key = JSON.stringify([settings.issuer, settings.audience, settings.jwksUri]);
  let verifier = verifiers.get(key);
  if (!verifier) {
    verifier = createVerifier(settings);
    verifiers.set(key, verifier);
  }
  return verifier;
}

/**
 * True when the bearer has the shape of a JWS compact serialisation (three base64url parts).
 *
 * @example
 * looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'); // true
 * looksLikeJwt('scim_3q2-7w_Zk'); // false
 */
export function looksLikeJwt(bearer: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(bearer);
}

/**
 * Verifies a bearer JWT against a directory's OAuth settings. A refusal carries a reason code for
 * the log (an error class name), never the token or its claims.
 *
 * @example
 * const result = await verifyDirectoryJwt(directory.oauth, bearer);
 * if (result.outcome === 'forbidden') throw forbidden();
 */
export async function verifyDirectoryJwt(settings: OAuthSettings, jwt: string): Promise<JwtOutcome> {
  let payload: JwtPayload;
  try {
    // The algorithm is checked before anything is fetched: `none`, HS256 and the like never
    // reach the JWKS or the signature check.
    const { header } = decomposeUnverifiedJwt(jwt);
    if (typeof header.alg !== 'string' || !settings.algorithms.includes(header.alg))
      return { outcome: 'unauthorized', reason: 'AlgorithmNotAllowed' };
    payload = await verifierFor(settings).verify(jwt);
  } catch (error) {
    if (error instanceof JwtBaseError) return { outcome: 'unauthorized', reason: error.constructor.name };
    throw error;
  }
  const clientId = clientIdOf(payload);
  if (settings.clientIds && !(clientId && settings.clientIds.includes(clientId)))
    return { outcome: 'forbidden', reason: 'ClientNotAllowed' };
  if (settings.requiredScope && !scopesOf(payload).includes(settings.requiredScope))
    return { outcome: 'forbidden', reason: 'ScopeMissing' };
  const subject = clientId ?? (typeof payload.sub === 'string' ? payload.sub : 'unknown');
  return { outcome: 'ok', actor: { kind: 'jwt', id: subject, label: `OAuth client of ${settings.issuer}` } };
}

/** Scopes as OAuth servers spell them: `scope` (RFC 9068), `scp` (Okta: array; Entra: string), Entra app `roles`. */
function scopesOf(payload: JwtPayload): string[] {
  const words = (value: unknown): string[] =>
    typeof value === 'string'
      ? value.split(' ').filter(Boolean)
      : Array.isArray(value)
        ? value.filter((item): item is string => typeof item === 'string')
        : [];
  return [...words(payload.scope), ...words(payload.scp), ...words(payload.roles)];
}

/** The calling client: `client_id` (RFC 9068), `azp` (Entra v2), `appid` (Entra v1), `cid` (Okta). */
function clientIdOf(payload: JwtPayload): string | undefined {
  for (const claim of ['client_id', 'azp', 'appid', 'cid']) {
    const value = payload[claim];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}
