import type { ScimResource } from '../scim/resource.ts';
import type { IndexLookup } from './index-lookup.ts';
import type { PagePosition, PositionedPage } from './paging.ts';

/** Who made a change: the credential the request authenticated with. Recorded on every write. */
export interface Actor {
  readonly kind: 'token' | 'jwt' | 'admin';
  readonly id: string;
  readonly label?: string;
  /**
   * `conformance`: a static token minted for `npm run scim-check` (`token mint --conformance`).
   * Only the token's own record can say so, never a request: the users it creates are test users.
   */
  readonly purpose?: 'conformance';
}

/**
 * A user as stored: the SCIM attributes the client may write (`resource`, without id and meta)
 * plus what the service provider owns.
 */
export interface StoredUser {
  readonly id: string;
  readonly resource: ScimResource;
  /** Incremented on every write; exposed as the ETag `W/"{version}"`. */
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  /**
   * Set while a delete is removing the user's group memberships. Such a user is not found for
   * reads and writes; a repeated DELETE finishes the job.
   */
  readonly deleting?: true;
  /**
   * Created by a conformance credential (`Actor.purpose`): a test user of `scim-check`. Set by
   * the store at creation from the credential, never from the request body, and dropped for good
   * by the first write of any other credential (an IdP that links a person to it). The stream
   * relay publishes no event about such a user, so no connector acts on it and the evidence never
   * lists it.
   */
  readonly conformance?: true;
}

export interface UserPage {
  readonly users: readonly StoredUser[];
  readonly totalResults: number;
}

/**
 * Storage of users, owned by the SCIM core. Every method takes the directory first: no call can
 * reach another directory's data. Implementations enforce userName uniqueness (case-insensitive)
 * atomically with the write and reject a write whose `expectedVersion` is no longer current.
 */
export interface UserStore {
  /** Throws ScimError 409 uniqueness when the userName is taken. */
  create(
    directoryId: string,
    user: { id: string; resource: ScimResource; now: string },
    actor: Actor,
  ): Promise<StoredUser>;
  get(directoryId: string, id: string): Promise<StoredUser | undefined>;
  /** The users among `ids` that exist, in no particular order: one batched read per 100 ids. */
  getMany(directoryId: string, ids: readonly string[]): Promise<StoredUser[]>;
  /**
   * Replaces the resource if its version is still `expectedVersion`.
   * Throws VersionConflict when it moved on, ScimError 404 when it is gone, 409 on userName.
   */
  replace(
    directoryId: string,
    current: StoredUser,
    next: { resource: ScimResource; now: string },
    actor: Actor,
  ): Promise<StoredUser>;
  /** Deletes if the version is still `current.version`; throws VersionConflict otherwise. */
  delete(directoryId: string, current: StoredUser, now: string, actor: Actor): Promise<void>;
  /** Users whose indexed attribute equals the value (userName and emails case-insensitively). */
  lookup(directoryId: string, lookup: IndexLookup): Promise<StoredUser[]>;
  /** One page in a stable order; `startIndex` is 1-based. Sequential pages cost the same as the first. */
  page(directoryId: string, startIndex: number, count: number): Promise<UserPage>;
  /**
   * Cursor paging (RFC 9865): at most `count` users in the same order, right after (or right
   * before) a user, read strongly consistent at a cost that does not depend on the position.
   */
  pageAt(directoryId: string, position: PagePosition, count: number): Promise<PositionedPage<StoredUser>>;
  /** Every user in the stable order, for filters no index answers. The caller bounds how many it reads. */
  scan(directoryId: string): AsyncIterable<StoredUser>;
}

/** The stored version moved on between our read and our write. */
export class VersionConflict extends Error {
  override readonly name = 'VersionConflict';
}
