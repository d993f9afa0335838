/**
 * OAuth 2.0 bearer JWTs of a directory, verified with aws-jwt-verify: signature against the
 * directory's JWKS, `iss`, `aud`, `exp` and `nbf` (with a small clock skew), the allowed
 * algorithms, a required `exp` within the directory's maximum lifetime and an `iat` not in the
 * future, then the optional scope and client id.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { FetchError, JwtBaseError } from 'aws-jwt-verify/error';
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
/**
 * The longest a JWT may live when the directory sets no `maxLifetimeSeconds`: 24 h. IdPs' access
 * tokens live far less (Entra 60-90 min, Okta 1 h by default), and a stolen JWT cannot be revoked,
 * so a token without `exp`, or minted to live for a year, is refused.
 */
export const DEFAULT_MAX_JWT_LIFETIME_SECONDS = 24 * 60 * 60;
/** What a caller is told to wait when the directory's JWKS cannot be fetched. */
export const JWKS_UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

export type JwtOutcome =
  | { readonly outcome: 'ok'; readonly actor: Actor }
  | { readonly outcome: 'unauthorized' | 'forbidden'; readonly reason: string }
  /** The JWT could not be checked (the JWKS is unreachable, times out or answers 5xx): not the caller's fault. */
  | { readonly outcome: 'unavailable'; readonly reason: string; readonly retryAfterSeconds: number };

/** aws-jwt-verify checks `exp` only when present; these are the refusals of our `customJwtCheck`. */
class JwtWithoutExpiryError extends JwtBaseError {}
class JwtLifetimeTooLongError extends JwtBaseError {}
class JwtIssuedInFutureError extends JwtBaseError {}

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
  const maxLifetime = settings.maxLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME_SECONDS;
  return JwtVerifier.create(
    {
      issuer: settings.issuer,
      audience: [...settings.audience],
      jwksUri: settings.jwksUri,
      graceSeconds: CLOCK_SKEW_SECONDS,
      // Runs after the signature and aws-jwt-verify's own claim checks.
      customJwtCheck: ({ payload }) => checkLifetime(payload, maxLifetime, Date.now() / 1000),
    },
    { jwksCache },
  );
}

/**
 * `exp` is required; the token may live at most `maxLifetime` seconds counted from `iat` and from
 * now (so leaving out `iat` does not lift the bound); `iat` may not be in the future.
 */
function checkLifetime(payload: JwtPayload, maxLifetime: number, now: number): void {
  if (typeof payload.exp !== 'number') throw new JwtWithoutExpiryError('The JWT has no exp claim');
  if (typeof payload.iat === 'number') {
    if (payload.iat > now + CLOCK_SKEW_SECONDS) throw new JwtIssuedInFutureError('iat is in the future');
    if (payload.exp - payload.iat > maxLifetime)
      throw new JwtLifetimeTooLongError('exp - iat is over the maximum lifetime');
  }
  if (payload.exp - now > maxLifetime + CLOCK_SKEW_SECONDS)
    throw new JwtLifetimeTooLongError('exp is further away than the maximum lifetime');
}

function verifierFor(settings: OAuthSettings) {
  const key = JSON.stringify([
    settings.issuer,
    settings.audience,
    settings.jwksUri,
    settings.maxLifetimeSeconds,
  ]);
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
 * the log (an error class name), never the token or its claims; `unavailable` means the JWKS
 * could not be fetched.
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
    // Network error, timeout or 5xx of the JWKS URL: the IdP should retry, the operator should
    // see an outage, not a wave of "bad token". A JWKS that answers without the kid stays 401.
    if (error instanceof FetchError)
      return {
        outcome: 'unavailable',
        reason: error.constructor.name,
        retryAfterSeconds: JWKS_UNAVAILABLE_RETRY_AFTER_SECONDS,
      };
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
