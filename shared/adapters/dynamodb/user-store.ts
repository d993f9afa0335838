import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { GroupRef } from '../../ports/group-store.ts';
import type { PagePosition, PositionedPage } from '../../ports/paging.ts';
import type { Actor, StoredUser, UserPage, UserStore } from '../../ports/user-store.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import type { IndexLookup } from '../../scim/filter/index.ts';
import type { ScimResource } from '../../scim/resource.ts';
import { isKeyable, keys } from '../../store/keys.ts';
import { batchGet } from './batch.ts';
import { queryIndexPage } from './index-page.ts';
import { queryPositionedPage } from './key-page.ts';
import { groupIdsOf, removeFromAllGroups, type Table } from './membership.ts';
import { queryPrefix } from './query-prefix.ts';
import { readResourceCount, resourceCounterUpdate } from './resource-counter.ts';
import { MAX_TRANSACTION_ITEMS, retryOnTransactionConflict, transactWrite } from './transact.ts';
import { fromUserItem, toUserItem, userNameClaimItem } from './user-item.ts';

/**
 * UserStore on the directory table. Uniqueness and index entries are written in the same
 * transaction as the user, with a version condition, so no read-then-write race can duplicate a
 * userName or lose an update. Reads are strongly consistent: an IdP reads right after it writes.
 */
export class DynamoUserStore implements UserStore {
  private readonly table: Table;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.table = { client, tableName };
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
      TransactItems: [
        { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        // The claim item is what makes userName unique: a second create finds it and the whole transaction fails.
        {
          Put: {
            TableName: this.tableName,
            Item: userNameClaimItem(directoryId, user.id, item.userName),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...item.indexSks.map((sk) => ({
          Put: { TableName: this.tableName, Item: { pk: item.pk, sk, type: 'IndexEntry', userId: user.id } },
        })),
        resourceCounterUpdate(this.tableName, directoryId, 'User', +1),
      ],
    });
    if (!result.ok) {
      if (result.reasons[1] === 'ConditionalCheckFailed') throw userNameTaken(user.resource);
      throw new Error(`User create cancelled: ${result.reasons.join(',')}`);
    }
    return stored;
  }

  async get(directoryId: string, id: string): Promise<StoredUser | undefined> {
    const key = keys.user(directoryId, id);
    if (!isKeyable(key)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? fromUserItem(Item) : undefined;
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
    const removedIndex = before.indexSks.filter((sk) => !item.indexSks.includes(sk));
    const addedIndex = item.indexSks.filter((sk) => !before.indexSks.includes(sk));
    const claimMoves = before.claimSk !== item.claimSk;
    assertIndexable(item.indexSks.length);
    const userPut = {
      TableName: this.tableName,
      Item: item,
      // The optimistic lock: only the version we read may be replaced, and never a user being deleted.
      ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
      ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
      ExpressionAttributeValues: { ':expected': current.version },
    };
    const related = [
      ...(claimMoves
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: item.pk, sk: item.claimSk, type: 'UserNameClaim', userId: current.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Delete: { TableName: this.tableName, Key: { pk: item.pk, sk: before.claimSk } } },
          ]
        : []),
      ...removedIndex.map((sk) => ({ Delete: { TableName: this.tableName, Key: { pk: item.pk, sk } } })),
      ...addedIndex.map((sk) => ({
        Put: { TableName: this.tableName, Item: { pk: item.pk, sk, type: 'IndexEntry', userId: current.id } },
      })),
    ];
    if (related.length === 0) {
      // Most updates (a deactivation, a title) touch no claim or index entry: a conditional PutItem
      // is exactly as atomic as a one-item transaction, at half the write capacity.
      try {
        // A membership transaction checking this user holds it for a moment: retry past it.
        await retryOnTransactionConflict(() => this.client.send(new PutCommand(userPut)));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException)
          throw await this.goneOrConflict(directoryId, current.id);
        throw error;
      }
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
   * Deletes the user and every membership of it: mark the user `deleting` (from then on no group
   * can add it), remove it from each group (each group gets a new version and a `removed`
   * event), then delete it with its claim, index entries and a tombstone naming the groups it was
   * in. A repeated call on a user marked `deleting` resumes where an interrupted one stopped.
   */
  async delete(directoryId: string, current: StoredUser, now: string, actor: Actor): Promise<void> {
    if (!current.deleting) await this.markDeleting(directoryId, current);
    const groupIds = await groupIdsOf(this.table, directoryId, current.id);
    const groups = await this.formerGroups(directoryId, current, groupIds);
    await removeFromAllGroups(this.table, directoryId, current.id, groupIds, { actor, now });
    const item = toUserItem(directoryId, current, actor);
    // user.deleted carries the groups the user left, so a connector revoking group-based access
    // needs no other event.
    const resource =
      groups.length > 0
        ? JSON.stringify({
            ...current.resource,
            groups: groups.map((group) => ({ value: group.id, display: group.displayName })),
          })
        : item.resource;
    const result = await transactWrite(this.client, {
      TransactItems: [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.user(directoryId, current.id),
            ConditionExpression: '#version = :expected AND attribute_exists(#deleting)',
            ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
            ExpressionAttributeValues: { ':expected': current.version },
          },
        },
        // What was deleted, when and by whom, outlives the user: it is the leaver's evidence.
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.userTombstone(directoryId, current.id),
              type: 'UserTombstone',
              directoryId,
              id: current.id,
              resource,
              version: current.version + 1,
              deletedAt: now,
              actor,
              ...(current.conformance && actor.purpose === 'conformance' ? { conformance: true } : {}),
            },
          },
        },
        { Delete: { TableName: this.tableName, Key: { pk: item.pk, sk: item.claimSk } } },
        ...item.indexSks.map((sk) => ({ Delete: { TableName: this.tableName, Key: { pk: item.pk, sk } } })),
        resourceCounterUpdate(this.tableName, directoryId, 'User', -1),
      ],
    });
    if (!result.ok) {
      if (result.reasons[0] === 'ConditionalCheckFailed')
        throw await this.goneOrConflict(directoryId, current.id);
      throw new Error(`User delete cancelled: ${result.reasons.join(',')}`);
    }
  }

  async lookup(directoryId: string, lookup: IndexLookup): Promise<StoredUser[]> {
    switch (lookup.index) {
      case 'id': {
        const user = await this.get(directoryId, lookup.value);
        return user && !user.deleting ? [user] : [];
      }
      case 'userName': {
        const { Item } = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: keys.userNameClaim(directoryId, lookup.value),
            ConsistentRead: true,
          }),
        );
        return this.getMany(directoryId, Item ? [String(Item.userId)] : []);
      }
      case 'externalId':
      case 'emails.value': {
        const entries = await queryPrefix(
          this.client,
          this.tableName,
          keys.partition(directoryId),
          keys.indexPrefix(lookup.index, lookup.value),
        );
        return this.getMany(
          directoryId,
          entries.map((entry) => String(entry.userId)),
        );
      }
      default:
        return [];
    }
  }

  async page(directoryId: string, startIndex: number, count: number): Promise<UserPage> {
    const { items, totalResults } = await queryIndexPage(this.client, this.tableName, {
      directoryId,
      resourceType: 'User',
      prefix: keys.userPrefix,
      startIndex,
      count,
      fromItem: fromUserItem,
    });
    return { users: items, totalResults };
  }

  async pageAt(
    directoryId: string,
    position: PagePosition,
    count: number,
  ): Promise<PositionedPage<StoredUser>> {
    return queryPositionedPage(this.client, this.tableName, {
      partitionKey: keys.partition(directoryId),
      prefix: keys.userPrefix,
      sortKeyOf: (id) => keys.user(directoryId, id).sk,
      position,
      count,
      fromItem: fromUserItem,
      totalResults: () => this.count(directoryId),
      // A user whose DELETE stopped halfway is already gone for SCIM (404): leave it out here too.
      skipDeleting: true,
    });
  }

  async *scan(directoryId: string): AsyncIterable<StoredUser> {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        this.usersQuery(directoryId, { ExclusiveStartKey: exclusiveStartKey }),
      );
      for (const item of page.Items ?? []) yield fromUserItem(item);
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }

  /** The number of users: the sum of the counter shards, one Query whatever the directory's size. */
  async count(directoryId: string): Promise<number> {
    return (await readResourceCount(this.client, this.tableName, directoryId, 'User')).total;
  }

  /**
   * The directory's users in id order, strongly consistent, those being deleted left out: the
   * Query behind scans.
   */
  private usersQuery(directoryId: string, options: Pick<QueryCommandInput, 'ExclusiveStartKey'>) {
    return new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'attribute_not_exists(#deleting)',
      ExpressionAttributeNames: { '#deleting': 'deleting' },
      ExpressionAttributeValues: { ':pk': keys.partition(directoryId), ':prefix': keys.userPrefix },
      ConsistentRead: true,
      ...options,
    });
  }

  async getMany(directoryId: string, ids: readonly string[]): Promise<StoredUser[]> {
    const userKeys = [...new Set(ids)].map((id) => keys.user(directoryId, id)).filter(isKeyable);
    const users: StoredUser[] = [];
    for (let i = 0; i < userKeys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined =
        {
          [this.tableName]: {
            Keys: userKeys.slice(i, i + 100),
            ConsistentRead: true,
          },
        };
      while (request && Object.keys(request).length > 0) {
        const result = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        users.push(
          ...(result.Responses?.[this.tableName] ?? []).map(fromUserItem).filter((user) => !user.deleting),
        );
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return users;
  }

  private async goneOrConflict(directoryId: string, id: string): Promise<Error> {
    const stored = await this.get(directoryId, id);
    return stored && !stored.deleting
      ? new VersionConflict(`User ${id} changed concurrently`)
      : ScimError.notFound(`User ${id} not found.`);
  }

  private async markDeleting(directoryId: string, current: StoredUser): Promise<void> {
    const result = await transactWrite(this.client, {
      TransactItems: [
        {
          Update: {
            TableName: this.tableName,
            Key: keys.user(directoryId, current.id),
            UpdateExpression: 'SET #deleting = :true',
            // From here on no group can add the user (every add checks the mark), so the sweep that
            // follows finds all its memberships. The version stays: the mark is not a change of the user.
            ConditionExpression: '#version = :expected AND attribute_not_exists(#deleting)',
            ExpressionAttributeNames: { '#version': 'version', '#deleting': 'deleting' },
            ExpressionAttributeValues: { ':expected': current.version, ':true': true },
          },
        },
        // The marked user leaves the list now (though it is counted until it is deleted): a new
        // generation, so that no paging bookmark written before places a page after it.
        resourceCounterUpdate(this.tableName, directoryId, 'User', 0),
      ],
    });
    if (result.ok) return;
    if (result.reasons[0] !== 'ConditionalCheckFailed')
      throw new Error(`User delete mark cancelled: ${result.reasons.join(',')}`);
    const stored = await this.get(directoryId, current.id);
    if (!stored) throw ScimError.notFound(`User ${current.id} not found.`);
    // Another DELETE marked the same version: carry on, both sweeps are idempotent.
    if (!(stored.deleting && stored.version === current.version))
      throw new VersionConflict(`User ${current.id} changed concurrently`);
  }

  /**
   * The groups the user was in, for its tombstone. A resumed delete no longer finds the
   * memberships its first attempt removed, so the list is kept on the user item before any is.
   */
  private async formerGroups(
    directoryId: string,
    current: StoredUser,
    groupIds: readonly string[],
  ): Promise<GroupRef[]> {
    let saved: GroupRef[] = [];
    if (current.deleting) {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.user(directoryId, current.id),
          ProjectionExpression: 'formerGroups',
          ConsistentRead: true,
        }),
      );
      saved = Array.isArray(Item?.formerGroups) ? (Item.formerGroups as GroupRef[]) : [];
    }
    const unsaved = groupIds.filter((id) => !saved.some((group) => group.id === id));
    if (unsaved.length === 0) return saved;
    const found = await batchGet(
      this.client,
      this.tableName,
      unsaved.map((id) => keys.group(directoryId, id)),
      { expression: '#id, #displayName', names: { '#id': 'id', '#displayName': 'displayName' } },
    );
    const names = new Map(found.map((item) => [String(item.id), String(item.displayName ?? '')]));
    const groups = [...saved, ...unsaved.map((id) => ({ id, displayName: names.get(id) ?? '' }))].sort(
      (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    await retryOnTransactionConflict(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.user(directoryId, current.id),
          UpdateExpression: 'SET #formerGroups = :groups',
          ConditionExpression: 'attribute_exists(#deleting)',
          ExpressionAttributeNames: { '#formerGroups': 'formerGroups', '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':groups': groups },
        }),
      ),
    );
    return groups;
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
