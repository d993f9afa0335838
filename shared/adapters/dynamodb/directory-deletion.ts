/**
 * Deleting a directory and everything it holds (docs/auth.md#deleting-a-directory). The order
 * is what makes it safe:
 *
 * 1. The directory record is marked `deletingSince`: authentication reads that record on every
 *    request, so from this write on every credential of the directory (static token or JWT) is
 *    refused.
 * 2. Every user is deleted through the user store, as `DELETE /Users/{id}` does: the tombstone
 *    of that transaction becomes `user.deleted` on the bus, so each connector deprovisions the
 *    user in its application.
 * 3. Everything else of the partition (groups, memberships, uniqueness claims, index entries,
 *    counters, tokens, bookmarks, tombstones, the revocation ledger) is batch-deleted.
 * 4. Steps 2-3 repeat until a Query of the partition finds nothing and requests accepted just
 *    before the mark can no longer write (they end within their function's timeout).
 * 5. The directory record goes last. Until then a crash leaves a marked directory, and running
 *    the deletion again resumes it.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor, StoredUser } from '../../ports/user-store.ts';
import { keys } from '../../store/keys.ts';
import { batchDelete, inParallel } from './batch.ts';
import { DynamoDirectoryStore } from './directory-store.ts';
import { DynamoUserStore } from './user-store.ts';

/**
 * How long after the mark the sweep goes on even when it finds nothing: a request accepted just
 * before the mark may still write until its function times out (25 s, Bulk 28 s; API Gateway
 * gives up at 29 s).
 */
export const DELETION_SETTLE_MS = 30_000;
/** Between two empty rounds while the settle time runs: a few Queries, not a busy loop. */
const EMPTY_ROUND_PAUSE_MS = 1_000;
/** Users deleted at once: each is a few transactions of its own. */
const USER_DELETES_IN_PARALLEL = 8;
/** A sweep that still finds items after this many rounds stops and says so; running it again resumes. */
const MAX_ROUNDS = 500;

export interface DirectoryDeletionOptions {
  /** Who deletes, as the users' tombstones and `user.deleted` events name it. */
  readonly actor: Actor;
  /** @default DELETION_SETTLE_MS */
  readonly settleMs?: number;
  /** Called once the mark is written: from here on every credential is refused. */
  readonly onMarked?: () => void;
  /** Called after every sweep with the totals so far, for progress lines. */
  readonly onSweep?: (progress: DirectoryDeletionProgress) => void;
}

export interface DirectoryDeletionProgress {
  readonly rounds: number;
  readonly usersDeleted: number;
  /** Other items removed so far, all kinds together. */
  readonly itemsRemoved: number;
  /** How long the sweep goes on at least, from now, even if it finds nothing more. */
  readonly settleRemainingMs: number;
}

export interface DirectoryDeletionReport {
  /** Users deleted through the user store, one `user.deleted` event each. */
  readonly usersDeleted: number;
  /** The other items removed, by kind (`tokens`, `uniqueness claims`, `counters`, …). */
  readonly removed: Readonly<Record<string, number>>;
  /** Sweeps of the partition, the last of which found nothing. */
  readonly rounds: number;
}

/** What a sort key's first segment is, in the words an operator reads in the report. */
const KIND_OF_PREFIX: Readonly<Record<string, string>> = {
  USER: 'users',
  TOKEN: 'tokens',
  UNIQUE: 'uniqueness claims',
  IDX: 'index entries',
  COUNT: 'counters',
  MEMBERCOUNT: 'counters',
  RATE: 'rate windows',
  GROUP: 'groups',
  MEMBER: 'memberships',
  MEMBEROF: 'memberships',
  MEMBERSHIP: 'membership changes',
  TOMBSTONE: 'tombstones',
  PAGE: 'page bookmarks',
  LEDGER: 'revocation ledger entries',
  LEAVERS: 'revocation ledger entries',
  LEAVERNAME: 'revocation ledger entries',
};

const kindOf = (sk: string) => KIND_OF_PREFIX[sk.split('#')[0] ?? ''] ?? 'other items';

/**
 * Deletes directories; see the module comment for the order and why.
 *
 * @example
 * const deletion = new DirectoryDeletion(client, tableName);
 * if (await deletion.hasUsers('test-tenant')) throw new Error('add --force');
 * const report = await deletion.delete('test-tenant', { actor: { kind: 'admin', id: 'alice' } });
 */
export class DirectoryDeletion {
  private readonly directories: DynamoDirectoryStore;
  private readonly users: DynamoUserStore;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.directories = new DynamoDirectoryStore(client, tableName);
    this.users = new DynamoUserStore(client, tableName);
  }

  /**
   * True when the directory holds at least one user (one Query with Limit 1).
   *
   * @example
   * if (await deletion.hasUsers('okta')) print('okta still has users');
   */
  async hasUsers(directoryId: string): Promise<boolean> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.partition(directoryId), ':prefix': keys.userPrefix },
        ProjectionExpression: 'pk',
        Limit: 1,
      }),
    );
    return (page.Items ?? []).length > 0;
  }

  /**
   * Deletes the directory and everything in its partition; undefined when there was neither a
   * record nor any item. Also sweeps the leftovers of a directory whose record is gone already.
   *
   * @example
   * const report = await deletion.delete('test-tenant', { actor: { kind: 'admin', id: 'alice' } });
   * console.log(report?.usersDeleted, report?.removed);
   */
  async delete(
    directoryId: string,
    options: DirectoryDeletionOptions,
  ): Promise<DirectoryDeletionReport | undefined> {
    const settleMs = options.settleMs ?? DELETION_SETTLE_MS;
    const marked = await this.directories.markDeleting(directoryId);
    const markedAt = Date.now();
    if (marked) options.onMarked?.();
    const removed: Record<string, number> = {};
    let usersDeleted = 0;
    let rounds = 0;
    let lastFailure: unknown;
    for (;;) {
      rounds++;
      if (rounds > MAX_ROUNDS)
        throw new Error(
          `Directory ${directoryId} still holds items after ${MAX_ROUNDS} sweeps: run the deletion again.`,
          { cause: lastFailure },
        );
      const users = await this.deleteUsers(directoryId, options.actor);
      usersDeleted += users.deleted;
      lastFailure = users.failure ?? lastFailure;
      const swept = await this.sweepOnce(directoryId, removed);
      options.onSweep?.({
        rounds,
        usersDeleted,
        itemsRemoved: Object.values(removed).reduce((sum, count) => sum + count, 0),
        settleRemainingMs: Math.max(0, settleMs - (Date.now() - markedAt)),
      });
      const found = users.deleted + users.failed + swept;
      if (found > 0) continue;
      if (!marked && rounds === 1 && usersDeleted === 0) return undefined;
      if (Date.now() - markedAt >= settleMs) break;
      await new Promise((resolve) => setTimeout(resolve, EMPTY_ROUND_PAUSE_MS));
    }
    await this.directories.removeRecord(directoryId);
    return { usersDeleted, removed, rounds };
  }

  /** Each user as `DELETE /Users` deletes it: its tombstone is the `user.deleted` event. */
  private async deleteUsers(
    directoryId: string,
    actor: Actor,
  ): Promise<{ deleted: number; failed: number; failure?: unknown }> {
    const users: StoredUser[] = [];
    for await (const user of this.users.scan(directoryId)) users.push(user);
    let deleted = 0;
    let failed = 0;
    let failure: unknown;
    await inParallel(users, USER_DELETES_IN_PARALLEL, async (user) => {
      try {
        await this.users.delete(directoryId, user, new Date().toISOString(), actor);
        deleted++;
      } catch (error) {
        // Changed by a request still in flight, or a transaction conflict: the next round reads
        // the user again and retries.
        failed++;
        failure = error;
      }
    });
    return { deleted, failed, ...(failure === undefined ? {} : { failure }) };
  }

  /**
   * One pass over the partition: every item but the users (left to the user path, so that a
   * user created by a late request still gets its `user.deleted`). Returns how many it saw.
   */
  private async sweepOnce(directoryId: string, removed: Record<string, number>): Promise<number> {
    let seen = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.partition(directoryId) },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      const itemKeys = ((page.Items ?? []) as { pk: string; sk: string }[]).filter(
        (key) => !key.sk.startsWith(keys.userPrefix),
      );
      seen += (page.Items ?? []).length;
      await batchDelete(this.client, this.tableName, itemKeys);
      for (const { sk } of itemKeys) removed[kindOf(sk)] = (removed[kindOf(sk)] ?? 0) + 1;
      start = page.LastEvaluatedKey;
    } while (start);
    return seen;
  }
}
