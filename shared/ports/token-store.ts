import type { Actor } from './user-store.ts';

/**
 * Bearer tokens of a directory, stored only as hashes. `authenticate` answers which credential a
 * presented token is, or undefined; it never says why a token was refused.
 */
export interface TokenStore {
  authenticate(directoryId: string, token: string, now: Date): Promise<Actor | undefined>;
}

/** What an administrator sees of a token: never the token, never its hash. */
export interface TokenInfo {
  /** The first 12 hex digits of the hash: enough to name it, useless to authenticate. */
  readonly tokenId: string;
  readonly label: string;
  readonly created: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  /** Recorded at most once a minute per token. */
  readonly lastUsedAt?: string;
  /** `conformance`: minted for scim-check; the users it creates are test users (see `Actor.purpose`). */
  readonly purpose?: 'conformance';
}
