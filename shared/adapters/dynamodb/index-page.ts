/**
 * Index paging (`startIndex`, `count`) of a directory's users or groups in id order, for both
 * stores. Reaching position 2,001 must not cost reading 2,000 keys on every page, so each page
 * leaves a bookmark: "position p starts right after sort key k". A bookmark is only true of the
 * list it was written for: one create or delete before k shifts every later position. So each
 * bookmark is stamped with the list's generation (resource-counter.ts), read in the same Query
 * as `totalResults`, and only bookmarks of the current generation are ever found. After a
 * create or delete a jump walks the keys again (from the first resource, or from a bookmark
 * written since), and the pages are slices of the list as it is now.
 *
 * The race: the generation is read before the page's keys. A create that commits in between
 * makes the page read the newer list, and any bookmark it leaves is stamped with the older
 * generation, which no later request reads again. A bookmark is therefore never found in a
 * generation newer than the list it describes.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../store/keys.ts';
import { type CountedResource, readResourceCount } from './resource-counter.ts';

/** Paging bookmarks live for an hour: long enough for an IdP import, short enough to stay small. */
const BOOKMARK_TTL_SECONDS = 3600;

export interface IndexPageRequest<T> {
  readonly directoryId: string;
  readonly resourceType: CountedResource;
  /** The sort key prefix of the resources listed, e.g. `USER#`. */
  readonly prefix: string;
  /** 1-based. */
  readonly startIndex: number;
  readonly count: number;
  readonly fromItem: (item: Record<string, unknown>) => T;
}

/** Where one generation of one directory's list keeps its bookmarks. */
interface BookmarkShelf {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly directoryId: string;
  readonly query: string;
  readonly generation: number;
}

/**
 * One index page: the resources at positions `startIndex` to `startIndex + count - 1` in id order
 * (those being deleted left out) and `totalResults`. A walk (1, 101, 201…) finds the bookmark the
 * previous page left and costs what the first page costs; a jump reads the keys from the nearest
 * earlier bookmark of the current generation (or the first resource) and leaves one.
 *
 * @example
 * const { items, totalResults } = await queryIndexPage(client, tableName, {
 *   directoryId, resourceType: 'User', prefix: keys.userPrefix, startIndex: 101, count: 100, fromItem: fromUserItem,
 * });
 */
export async function queryIndexPage<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: IndexPageRequest<T>,
): Promise<{ items: T[]; totalResults: number }> {
  const { directoryId, resourceType, startIndex, count } = request;
  const { total, generation } = await readResourceCount(client, tableName, directoryId, resourceType);
  if (count === 0 || startIndex > total) return { items: [], totalResults: total };
  const shelf: BookmarkShelf = {
    client,
    tableName,
    directoryId,
    query: resourceType === 'User' ? 'users' : 'groups',
    generation,
  };
  const list = (options: ListOptions) => listQuery(tableName, directoryId, request.prefix, options);
  const after = await positionBefore(shelf, list, startIndex);
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined =
    after === undefined ? undefined : { pk: keys.partition(directoryId), sk: after };
  do {
    const page = await client.send(
      list({ Limit: count - items.length, ExclusiveStartKey: exclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey && items.length < count);
  const last = items.at(-1);
  if (last && items.length === count) await saveBookmark(shelf, startIndex + count, String(last.sk));
  return { items: items.map(request.fromItem), totalResults: total };
}

interface ListOptions {
  readonly Limit?: number;
  readonly ExclusiveStartKey?: Record<string, unknown> | undefined;
  readonly ProjectionExpression?: string;
}

/** The listed resources in id order, strongly consistent, those being deleted left out. */
function listQuery(tableName: string, directoryId: string, prefix: string, options: ListOptions) {
  return new QueryCommand({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: 'attribute_not_exists(#deleting)',
    ExpressionAttributeNames: { '#deleting': 'deleting' },
    ExpressionAttributeValues: { ':pk': keys.partition(directoryId), ':prefix': prefix },
    ConsistentRead: true,
    ...options,
  });
}

/**
 * The sort key of the resource just before position `startIndex` (undefined for the first), from
 * the nearest bookmark at or before it, reading the keys in between; leaves a bookmark there so
 * that a retry of the page, or another client's jump to it, does not read them again.
 */
async function positionBefore(
  shelf: BookmarkShelf,
  list: (options: ListOptions) => QueryCommand,
  startIndex: number,
): Promise<string | undefined> {
  if (startIndex <= 1) return undefined;
  const nearest = await nearestBookmark(shelf, startIndex);
  if (nearest?.position === startIndex) return nearest.after;
  const target = startIndex - (nearest?.position ?? 1);
  let skipped = 0;
  let lastSk = nearest?.after;
  let exclusiveStartKey: Record<string, unknown> | undefined =
    lastSk === undefined ? undefined : { pk: keys.partition(shelf.directoryId), sk: lastSk };
  do {
    const page = await shelf.client.send(
      list({ ProjectionExpression: 'sk', Limit: target - skipped, ExclusiveStartKey: exclusiveStartKey }),
    );
    const items = page.Items ?? [];
    skipped += items.length;
    lastSk = items.length > 0 ? String(items.at(-1)?.sk) : lastSk;
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey && skipped < target);
  // Fewer keys than the position: the list ends before it (deletes under way), nothing to remember.
  if (lastSk !== undefined && skipped === target) await saveBookmark(shelf, startIndex, lastSk);
  return lastSk;
}

/** The live bookmark of the current generation at or before `startIndex` with the highest position: one Query of one item. */
async function nearestBookmark(
  shelf: BookmarkShelf,
  startIndex: number,
): Promise<{ position: number; after: string } | undefined> {
  const prefix = keys.pageBookmarkPrefix(shelf.query, shelf.generation);
  const { Items } = await shelf.client.send(
    new QueryCommand({
      TableName: shelf.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :at',
      ExpressionAttributeValues: {
        ':pk': keys.partition(shelf.directoryId),
        ':first': prefix,
        ':at': keys.pageBookmark(shelf.directoryId, shelf.query, shelf.generation, startIndex).sk,
      },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  const position = Number(String(item?.sk ?? '').slice(prefix.length));
  // DynamoDB removes expired items up to days late; a bookmark past its hour is not trusted.
  const live = typeof item?.expiresAt === 'number' && item.expiresAt * 1000 > Date.now();
  if (!item || !live || typeof item.after !== 'string' || !Number.isSafeInteger(position) || position < 2)
    return undefined;
  return { position, after: item.after };
}

async function saveBookmark(shelf: BookmarkShelf, startIndex: number, after: string): Promise<void> {
  await shelf.client.send(
    new PutCommand({
      TableName: shelf.tableName,
      Item: {
        ...keys.pageBookmark(shelf.directoryId, shelf.query, shelf.generation, startIndex),
        type: 'PageBookmark',
        after,
        expiresAt: Math.floor(Date.now() / 1000) + BOOKMARK_TTL_SECONDS,
      },
    }),
  );
}
