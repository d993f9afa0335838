/**
 * How a directory accepts OAuth 2.0 bearer JWTs (RFC 9068 style access tokens). Absent on a
 * directory that accepts only static tokens.
 */
export interface OAuthSettings {
  /** Exact `iss`, e.g. Entra's `https://sts.windows.net/{tenant}/`. */
  readonly issuer: string;
  /** Accepted `aud` values (any one of them). */
  readonly audience: readonly string[];
  readonly jwksUri: string;
  /** Signature algorithms accepted in the JWT header, e.g. `['RS256']`. */
  readonly algorithms: readonly string[];
  /** A scope (or Entra app role) the token must carry, else 403. */
  readonly requiredScope?: string;
  /** Client ids (`azp`, `appid`, `cid` or `client_id`) allowed to call, else 403. */
  readonly clientIds?: readonly string[];
  /**
   * The longest a JWT may live (`exp` − `iat`, and `exp` − now), in seconds; a longer-lived one
   * is 401. Absent: `DEFAULT_MAX_JWT_LIFETIME_SECONDS` (24 h, shared/auth/oauth-jwt.ts).
   */
  readonly maxLifetimeSeconds?: number;
}

/** A directory: one IdP connection with its own base URL, credentials and data. */
export interface DirectoryRecord {
  readonly id: string;
  readonly displayName: string;
  /** ISO 8601 */
  readonly created: string;
  readonly oauth?: OAuthSettings;
  /**
   * Set by the first write of `directory delete` (ISO 8601): from then on every credential of
   * the directory is refused, while its data is swept.
   */
  readonly deletingSince?: string;
}

/** Read access to directory records, as the authentication path needs it. */
export interface DirectoryStore {
  get(directoryId: string): Promise<DirectoryRecord | undefined>;
}
