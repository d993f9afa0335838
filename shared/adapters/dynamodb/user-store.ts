import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Actor, StoredUser, UserPage, UserStore } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import type { IndexLookup } from '../../scim/filter/index.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { keys } from '../../store/keys.ts';
import { ResourceStore } from './resource-store.ts';
import { creationActions, replacementActions } from './resource-writes.ts';
import { MAX_TRANSACTION_ITEMS, transactWrite } from './transact.ts';
import { deleteUser } from './user-delete.ts';
import { fromUserItem, toUserItem, userNameClaimItem } from './user-item.ts';

/**
 * UserStore on the directory table. Uniqueness and index entries are written in the same
 * transaction as the user, with a version condition, so no read-then-write race can duplicate a
 * userName or lose an update. Reads are strongly consistent: an IdP reads right after it writes.
 * Reading, listing and counting are ResourceStore's (resource-store.ts), alike for groups.
 */
export class DynamoUserStore extends ResourceStore<StoredUser> implements UserStore {
  constructor(client: DynamoDBDocumentClient, tableName: string) {
    super(client, tableName, {
      resourceType: 'User',
      prefix: keys.userPrefix,
      keyOf: keys.user,
      fromItem: fromUserItem,
    });
  }

  async create(
    directoryId: string,
    user: { id: string; resource: ScimResource; now: string },
    actor: Actor,
  ): Promise<StoredUser> {
    const stored: StoredUser = {
      id: user.id,
      resource: user.resource,
      version: 1,
      created: user.now,
      lastModified: user.now,
      // Decided by the credential, once: a conformance token's users are test users for life.
      ...(actor.purpose === 'conformance' ? { conformance: true } : {}),
    };
    const item = toUserItem(directoryId, stored, actor);
    assertIndexable(item.indexSks.length);
    const result = await transactWrite(this.client, {
      // The claim is what makes userName unique: a second create finds it and the whole transaction fails.
      TransactItems: creationActions(this.tableName, {
        directoryId,
        resourceType: 'User',
        item,
        claimItem: userNameClaimItem(directoryId, user.id, item.userName),
        indexItem: (sk) => ({ pk: item.pk, sk, type: 'IndexEntry', userId: user.id }),
      }),
    });
    if (!result.ok) {
      if (result.reasons[1] === 'ConditionalCheckFailed') throw userNameTaken(user.resource);
      throw new Error(`User create cancelled: ${result.reasons.join(',')}`);
    }
    return stored;
  }

  async replace(
    directoryId: string,
    current: StoredUser,
    next: { resource: ScimResource; now: string },
    actor: Actor,
  ): Promise<StoredUser> {
    const { conformance: _test, ...rest } = current;
    const stored: StoredUser = {
      ...rest,
      resource: next.resource,
      version: current.version + 1,
      lastModified: next.now,
      // A test user stays one only while conformance credentials alone write it: once another
      // credential (an IdP linking a person to it) changes it, it is a real user for good.
      ...(current.conformance && actor.purpose === 'conformance' ? { conformance: true } : {}),
    };
    const item = toUserItem(directoryId, stored, actor);
    const before = toUserItem(directoryId, current, actor);
    const claimMoves = before.claimSk !== item.claimSk;
    assertIndexable(item.indexSks.length);
    const [{ Put: userPut }, ...related] = replacementActions(this.tableName, {
      before,
      after: item,
      expectedVersion: current.version,
      claimItem: () => userNameClaimItem(directoryId, current.id, item.userName),
      indexItem: (sk) => ({ pk: item.pk, sk, type: 'IndexEntry', userId: current.id }),
    });
    if (related.length === 0) {
      // Most updates (a deactivation, a title) touch no claim or index entry: a conditional PutItem
      // is exactly as atomic as a one-item transaction, at half the write capacity.
      await this.putUnlessChanged(directoryId, current.id, userPut);
      return stored;
    }
    const result = await transactWrite(this.client, { TransactItems: [{ Put: userPut }, ...related] });
    if (!result.ok) {
      if (result.reasons[0] === 'ConditionalCheckFailed')
        throw await this.goneOrConflict(directoryId, current.id);
      if (claimMoves && result.reasons[1] === 'ConditionalCheckFailed') throw userNameTaken(next.resource);
      throw new Error(`User replace cancelled: ${result.reasons.join(',')}`);
    }
    return stored;
  }

  /**
   * Deletes the user and every membership of it (user-delete.ts). A repeated call on a user
   * marked `deleting` resumes where an interrupted one stopped.
   */
  async delete(directoryId: string, current: StoredUser, now: string, actor: Actor): Promise<void> {
    await deleteUser(this.table, this, directoryId, current, { now, actor });
  }

  async lookup(directoryId: string, lookup: IndexLookup): Promise<StoredUser[]> {
    switch (lookup.index) {
      case 'id': {
        const user = await this.get(directoryId, lookup.value);
        return user && !user.deleting ? [user] : [];
      }
      case 'userName':
        return this.claimedBy(directoryId, keys.userNameClaim(directoryId, lookup.value), 'userId');
      case 'externalId':
      case 'emails.value':
        return this.indexedBy(directoryId, keys.indexPrefix(lookup.index, lookup.value), 'userId');
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<UserPage> {
    const { items, totalResults } = await this.indexPage(directoryId, startIndex, count);
    return { users: items, totalResults };
  }
}

function userNameTaken(resource: ScimResource): ScimError {
  return ScimError.conflict(
    `userName "${String(resource.userName)}" is already taken in this directory (userName is case-insensitive).`,
  );
}

/**
 * Index entries are written in the user's transaction (at most 100 items, and a replace may
 * delete and add every entry), so a user may carry at most 40 distinct email addresses.
 */
const MAX_INDEX_ENTRIES = 41;
function assertIndexable(entries: number): void {
  if (entries > MAX_INDEX_ENTRIES || 2 * entries + 3 > MAX_TRANSACTION_ITEMS) {
    throw ScimError.badRequest('invalidValue', 'A user may have at most 40 distinct email addresses.');
  }
}
