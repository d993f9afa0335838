/**
 * The ways connectors authenticate to vendors: a fixed header (API token, Basic) or an OAuth 2.0
 * client-credentials token (Zoom's account_credentials, Salesforce's client_credentials) fetched
 * from the vendor's token endpoint, cached until it expires and fetched again after a 401.
 */
import { createHash } from 'node:crypto';
import type { VendorAuth, VendorHttp, VendorResponse } from './connector.ts';
import { VendorAuthFailedError } from './vendor-http-errors.ts';

/** The same headers on every request; a 401 is final (nothing to refresh). */
export function staticAuth(headers: Record<string, string>): VendorAuth {
  return { refreshable: false, headers: async () => headers };
}

/** `Authorization: Bearer <token>`. */
export function bearerToken(token: string): VendorAuth {
  return staticAuth({ authorization: `Bearer ${token}` });
}

/** `Authorization: Basic base64(user:password)` (RFC 7617). */
export function basicAuth(user: string, password: string): VendorAuth {
  return staticAuth({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
}

export interface ClientCredentialsGrant {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** How the client authenticates to the token endpoint (RFC 6749 §2.3.1): HTTP Basic (Zoom) or form fields (Salesforce). */
  readonly clientAuthentication: 'basic' | 'form';
  /** The grant's form fields, `grant_type` included. */
  readonly form: Record<string, string>;
}

interface CachedToken {
  readonly accessToken: string;
  /** Epoch ms after which the token is fetched again; Infinity when the vendor gives no lifetime (Salesforce). */
  readonly renewAt: number;
}

/**
 * Tokens by grant, for the life of the process: a warm Lambda reuses its token across
 * invocations whether or not the runtime rebuilds the auth each time. Keyed with a hash of the
 * secret, so a rotated secret fetches a new token.
 */
const tokens = new Map<string, Promise<CachedToken>>();

/** Renew a minute early, so a token never expires between being read and being used. */
const RENEW_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4). A refused token request (4xx) becomes the
 * request's answer as a 401, whatever status the endpoint used (Zoom says 400 invalid_client):
 * the credentials are wrong, and a handler must never read it as "no such user". A token
 * endpoint that stays unavailable (429/5xx after retries) answers with its own status.
 *
 * @example
 * oauthClientCredentials({ tokenUrl: 'https://zoom.us/oauth/token', clientId, clientSecret,
 *   clientAuthentication: 'basic', form: { grant_type: 'account_credentials', account_id } });
 */
export function oauthClientCredentials(grant: ClientCredentialsGrant): VendorAuth {
  const key = [grant.tokenUrl, grant.clientId, sha256(grant.clientSecret), JSON.stringify(grant.form)].join(
    '\n',
  );
  return {
    refreshable: true,
    async headers({ http, fresh }) {
      const pending = tokens.get(key);
      let token = pending ? await pending.catch(() => undefined) : undefined;
      if (fresh || !token || Date.now() >= token.renewAt) {
        const fetching = fetchToken(grant, http);
        tokens.set(key, fetching);
        // A failed fetch is not cached: the next request tries again.
        fetching.catch(() => tokens.get(key) === fetching && tokens.delete(key));
        token = await fetching;
      }
      return { authorization: `Bearer ${token.accessToken}` };
    },
  };
}

async function fetchToken(grant: ClientCredentialsGrant, http: VendorHttp): Promise<CachedToken> {
  const form = new URLSearchParams(grant.form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (grant.clientAuthentication === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${grant.clientId}:${grant.clientSecret}`).toString('base64')}`;
  } else {
    form.set('client_id', grant.clientId);
    form.set('client_secret', grant.clientSecret);
  }
  const response = await http.request({
    method: 'POST',
    url: grant.tokenUrl,
    headers,
    body: form.toString(),
  });
  const body = response.body as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (response.status >= 200 && response.status < 300 && typeof body?.access_token === 'string') {
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in * 1000 : Number.POSITIVE_INFINITY;
    return { accessToken: body.access_token, renewAt: Date.now() + lifetime - RENEW_MARGIN_MS };
  }
  throw new VendorAuthFailedError(asRefusal(response));
}

function asRefusal(response: VendorResponse): VendorResponse {
  const unavailable = response.status === 408 || response.status === 429 || response.status >= 500;
  return unavailable ? response : { ...response, status: 401 };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
