import type { DirectoryRecord, DirectoryStore } from '../ports/directory-store.ts';
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
 * in the request, so a credential of directory A is simply unknown in directory B. Every request
 * reads the directory record (consistently, no cache): a directory that does not exist, or that
 * `directory delete` has marked, accepts no credential from that moment on.
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
      const closed = closedDirectory(directory);
      if (closed) return closed;
      if (directory?.oauth) return this.verifyJwt(directory.oauth, bearer);
    }
    // Both reads at once: the directory check adds a read, not a round trip.
    const [directory, actor]: [DirectoryRecord | undefined, Actor | undefined] = await Promise.all([
      this.deps.directories.get(directoryId),
      this.deps.tokens.authenticate(directoryId, bearer, now),
    ]);
    const closed = closedDirectory(directory);
    if (closed) return closed;
    return actor ? { outcome: 'ok', actor } : { outcome: 'unauthorized', reason: 'UnknownToken' };
  }
}

/** A directory without a record, or being deleted, refuses every credential: 401 like any unknown one. */
function closedDirectory(directory: DirectoryRecord | undefined): Authentication | undefined {
  if (!directory) return { outcome: 'unauthorized', reason: 'UnknownDirectory' };
  if (directory.deletingSince) return { outcome: 'unauthorized', reason: 'DirectoryDeleting' };
  return undefined;
}
