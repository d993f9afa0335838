/**
 * What the user store and the group store do alike on the directory table: read a resource by
 * id, by a uniqueness claim or by index entries, list it (index pages, cursor pages, scans),
 * count it, and tell a lost version condition apart from a resource that is gone. A store
 * extends `ResourceStore` with its `ResourceKind` and keeps only what is its own: the writes
 * and the filters its resource answers.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PagePosition, PositionedPage } from '../../ports/paging.ts';
import { VersionConflict } from '../../ports/user-store.ts';
import { ScimError } from '../../scim/errors.ts';
import { isKeyable, keys } from '../../store/keys.ts';
import { batchGet } from './batch.ts';
import { queryIndexPage } from './index-page.ts';
import { queryPositionedPage } from './key-page.ts';
import type { Table } from './membership.ts';
import { queryPrefix } from './query-prefix.ts';
import { type CountedResource, readResourceCount } from './resource-counter.ts';
import { retryOnTransactionConflict } from './transact.ts';

/** A stored user or group: known by its id, and `deleting` while its delete is under way. */
export interface StoredResource {
  readonly id: string;
  readonly deleting?: true;
}

/** Where a resource type lives in the table and how its items read. */
export interface ResourceKind<T> {
  readonly resourceType: CountedResource;
  /** The sort key prefix of the resource items, e.g. `USER#`. */
  readonly prefix: string;
  /** The key of the resource `id` (from shared/store/keys.ts); the resource need not exist. */
  readonly keyOf: (directoryId: string, id: string) => { pk: string; sk: string };
  readonly fromItem: (item: Record<string, unknown>) => T;
}

/**
 * The reads both stores share. Every read is strongly consistent (an IdP reads right after it
 * writes), and every list leaves out the resources being deleted: they read as 404 already.
 *
 * @example
 * class DynamoUserStore extends ResourceStore<StoredUser> {
 *   constructor(client: DynamoDBDocumentClient, tableName: string) {
 *     super(client, tableName, { resourceType: 'User', prefix: keys.userPrefix, keyOf: keys.user, fromItem: fromUserItem });
 *   }
 * }
 */
export abstract class ResourceStore<T extends StoredResource> {
  protected readonly table: Table;

  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
    private readonly kind: ResourceKind<T>,
  ) {
    this.table = { client, tableName };
  }

  /** The resource, also while it is being deleted; undefined for an id no key can hold. */
  async get(directoryId: string, id: string): Promise<T | undefined> {
    const key = this.kind.keyOf(directoryId, id);
    if (!isKeyable(key)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item ? this.kind.fromItem(Item) : undefined;
  }

  /** The live resources among `ids`, in id order: one BatchGetItem per 100 distinct ids. */
  async getMany(directoryId: string, ids: readonly string[]): Promise<T[]> {
    const itemKeys = [...new Set(ids)].map((id) => this.kind.keyOf(directoryId, id)).filter(isKeyable);
    const items = await batchGet(this.client, this.tableName, itemKeys);
    return items
      .map(this.kind.fromItem)
      .filter((resource) => !resource.deleting)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** A cursor page from a resource position, and the total: two calls whatever the position. */
  async pageAt(directoryId: string, position: PagePosition, count: number): Promise<PositionedPage<T>> {
    return queryPositionedPage(this.client, this.tableName, {
      partitionKey: keys.partition(directoryId),
      prefix: this.kind.prefix,
      sortKeyOf: (id) => this.kind.keyOf(directoryId, id).sk,
      position,
      count,
      skipDeleting: true,
      fromItem: this.kind.fromItem,
      totalResults: () => this.count(directoryId),
    });
  }

  /** Every live resource of the directory in id order, a Query page at a time. */
  async *scan(directoryId: string): AsyncIterable<T> {
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: 'attribute_not_exists(#deleting)',
          ExpressionAttributeNames: { '#deleting': 'deleting' },
          ExpressionAttributeValues: { ':pk': keys.partition(directoryId), ':prefix': this.kind.prefix },
          ConsistentRead: true,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) yield this.kind.fromItem(item);
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
  }

  /** The number of resources: the sum of the counter shards, one Query whatever the directory's size. */
  async count(directoryId: string): Promise<number> {
    return (await readResourceCount(this.client, this.tableName, directoryId, this.kind.resourceType)).total;
  }

  /** An index page (`startIndex`, `count`) in id order, and the total (index-page.ts). */
  protected indexPage(
    directoryId: string,
    startIndex: number,
    count: number,
  ): Promise<{ items: T[]; totalResults: number }> {
    const { resourceType, prefix, fromItem } = this.kind;
    return queryIndexPage(this.client, this.tableName, {
      directoryId,
      resourceType,
      prefix,
      startIndex,
      count,
      fromItem,
    });
  }

  /** The live resource a uniqueness claim item names in `idAttribute`, if any. */
  protected async claimedBy(
    directoryId: string,
    claimKey: Record<string, unknown>,
    idAttribute: string,
  ): Promise<T[]> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: claimKey, ConsistentRead: true }),
    );
    return this.getMany(directoryId, Item ? [String(Item[idAttribute])] : []);
  }

  /** The live resources the index entries under `prefix` name in `idAttribute`. */
  protected async indexedBy(directoryId: string, prefix: string, idAttribute: string): Promise<T[]> {
    const entries = await queryPrefix(this.client, this.tableName, keys.partition(directoryId), prefix);
    return this.getMany(
      directoryId,
      entries.map((entry) => String(entry[idAttribute])),
    );
  }

  /**
   * A conditional PutItem of a resource whose write touches no other item: exactly as atomic as a
   * one-item transaction, at half the write capacity. A membership transaction checking the
   * resource holds it for a moment: the put retries past it. A failed condition becomes 404 or
   * VersionConflict.
   */
  protected async putUnlessChanged(directoryId: string, id: string, put: PutCommandInput): Promise<void> {
    try {
      await retryOnTransactionConflict(() => this.client.send(new PutCommand(put)));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw await this.goneOrConflict(directoryId, id);
      throw error;
    }
  }

  /** Why a write conditioned on the version read failed: the resource is gone, or it changed. */
  protected goneOrConflict(directoryId: string, id: string): Promise<Error> {
    return goneOrConflict(this, this.kind.resourceType, directoryId, id);
  }
}

/**
 * Why a write conditioned on the version read failed: 404 when the resource is gone or being
 * deleted, VersionConflict when another write changed it first.
 *
 * @example
 * if (!result.ok) throw await goneOrConflict(users, 'User', directoryId, current.id);
 */
export async function goneOrConflict(
  store: { get(directoryId: string, id: string): Promise<StoredResource | undefined> },
  resourceType: CountedResource,
  directoryId: string,
  id: string,
): Promise<Error> {
  const stored = await store.get(directoryId, id);
  return stored && !stored.deleting
    ? new VersionConflict(`${resourceType} ${id} changed concurrently`)
    : ScimError.notFound(`${resourceType} ${id} not found.`);
}
