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
  /**
   * A random name (`tok_` and 16 hex digits), unrelated to the token and its hash: what `token
   * list` shows and what log lines name the caller by. Tokens minted before these ids carry the
   * first 12 hex digits of their hash instead: rotate them to get one.
   */
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
