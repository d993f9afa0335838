import type { Actor } from './user-store.ts';

/**
 * Bearer tokens of a directory, stored only as hashes. `authenticate` answers which credential a
 * presented token is, or undefined; it never says why a token was refused.
 */
export interface TokenStore {
  authenticate(directoryId: string, token: string, now: Date): Promise<Actor | undefined>;
}
