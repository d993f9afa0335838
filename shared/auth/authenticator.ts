import type { DirectoryStore } from '../ports/directory-store.ts';
import type { TokenStore } from '../ports/token-store.ts';
import type { Actor } from '../ports/user-store.ts';
import { type JwtOutcome, looksLikeJwt, verifyDirectoryJwt } from './oauth-jwt.ts';

export type Authentication = JwtOutcome;

export interface AuthenticatorDeps {
  readonly tokens: TokenStore;
  readonly directories: DirectoryStore;
  /** @default verifyDirectoryJwt */
  readonly verifyJwt?: typeof verifyDirectoryJwt;
}

/**
 * Decides who a bearer credential is, for one directory: a static token of that directory, or a
 * JWT that the directory's OAuth settings accept. Both are looked up under the directory named
 * in the request, so a credential of directory A is simply unknown in directory B.
 *
 * @example
 * const auth = new Authenticator({ tokens, directories });
 * const result = await auth.authenticate('default', bearer, new Date());
 * if (result.outcome === 'ok') console.log(result.actor.id);
 */
export class Authenticator {
  private readonly verifyJwt: typeof verifyDirectoryJwt;

  constructor(private readonly deps: AuthenticatorDeps) {
    this.verifyJwt = deps.verifyJwt ?? verifyDirectoryJwt;
  }

  async authenticate(directoryId: string, bearer: string, now: Date): Promise<Authentication> {
    // Generated static tokens never contain a dot, so a JWT-shaped bearer is only a static token
    // when the directory has no OAuth settings (a hand-made SCIM_DEV_TOKEN, say).
    if (looksLikeJwt(bearer)) {
      const directory = await this.deps.directories.get(directoryId);
      if (directory?.oauth) return this.verifyJwt(directory.oauth, bearer);
    }
    const actor: Actor | undefined = await this.deps.tokens.authenticate(directoryId, bearer, now);
    return actor ? { outcome: 'ok', actor } : { outcome: 'unauthorized', reason: 'UnknownToken' };
  }
}
