/**
 * Access tokens a fake's OAuth token endpoint hands out, for the fakes of vendors that use the
 * client-credentials flow (Zoom, Salesforce): issue, check, and expire them all at once so a test
 * can watch the connector fetch a new token after a 401.
 */
import { randomBytes } from 'node:crypto';

export class FakeTokens {
  private readonly issued = new Map<string, number>();
  /** How many tokens were issued: a test checks that a warm connector reuses its token. */
  count = 0;

  issue(ttlSeconds: number): string {
    const token = randomBytes(16).toString('base64url');
    this.issued.set(token, Date.now() + ttlSeconds * 1000);
    this.count++;
    return token;
  }

  /** 'valid', 'expired', or 'unknown' for the `Authorization: Bearer …` header. */
  check(authorization: string | undefined): 'valid' | 'expired' | 'unknown' {
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    const expiresAt = token ? this.issued.get(token) : undefined;
    if (expiresAt === undefined) return 'unknown';
    return Date.now() < expiresAt ? 'valid' : 'expired';
  }

  /** Every token issued so far stops working (expiry, or an admin revoking the app's tokens). */
  expireAll(): void {
    for (const token of this.issued.keys()) this.issued.set(token, 0);
  }
}

/** The client id and secret of a request to a token endpoint, from HTTP Basic or the form (RFC 6749 §2.3.1). */
export function clientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
  if (basic) {
    const [clientId, ...rest] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { clientId, clientSecret: rest.join(':') };
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    clientSecret: form.get('client_secret') ?? undefined,
  };
}
