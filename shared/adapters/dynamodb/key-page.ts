import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PagePosition, PositionedPage } from '../../ports/paging.ts';

export interface KeyPageRequest {
  readonly partitionKey: string;
  /** The sort key prefix of the items listed, e.g. `USER#`. */
  readonly prefix: string;
  /** Start right after this sort key (forwards), or right before it (backwards). The item need not exist. */
  readonly afterSk?: string | undefined;
  readonly beforeSk?: string | undefined;
  readonly count: number;
  /** Leave out items marked `deleting` (a group whose delete is under way). */
  readonly skipDeleting?: boolean;
}

/**
 * One page of the items under `prefix` from a key position: `count` items in ascending order,
 * read from `ExclusiveStartKey` forwards, or backwards (`ScanIndexForward: false`) for a previous
 * page. It reads `count + 1` items so that `more` is exact, and nothing before the position, so
 * page 500 costs what page 1 costs. Strongly consistent, as every read an IdP makes after a write.
 *
 * Items left out by `skipDeleting` are filtered by DynamoDB after it reads them, so a Query may
 * return fewer than its Limit: the loop reads on until it has `count + 1` kept items. A page is
 * therefore never made short by them (only the end of the list makes it short), and the next
 * page, which starts after the page's last kept item, skips them again.
 *
 * @example
 * const { items, more } = await queryKeyPage(client, table, { partitionKey, prefix: 'USER#', afterSk: 'USER#42', count: 100 });
 */
export async function queryKeyPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: KeyPageRequest,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
  const { partitionKey, prefix, afterSk, beforeSk, count, skipDeleting = false } = request;
  const backwards = beforeSk !== undefined;
  const from = backwards ? beforeSk : afterSk;
  const items: Record<string, unknown>[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined =
    from === undefined ? undefined : { pk: partitionKey, sk: from };
  do {
    // A page of large items can stop at DynamoDB's 1 MB per Query: continue until count + 1.
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionKey, ':prefix': prefix },
        ...(skipDeleting
          ? {
              FilterExpression: 'attribute_not_exists(#deleting)',
              ExpressionAttributeNames: { '#deleting': 'deleting' },
            }
          : {}),
        ConsistentRead: true,
        ScanIndexForward: !backwards,
        Limit: count + 1 - items.length,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey && items.length < count + 1);
  const more = items.length > count;
  const pageItems = items.slice(0, count);
  return { items: backwards ? pageItems.reverse() : pageItems, more };
}

/** What a store's `pageAt` lists: its items under a prefix, each known by its resource id. */
export interface PositionedPageRequest<T> {
  readonly partitionKey: string;
  readonly prefix: string;
  /** The sort key of the resource `id` (from shared/store/keys.ts); the resource need not exist. */
  readonly sortKeyOf: (id: string) => string;
  readonly position: PagePosition;
  readonly count: number;
  readonly skipDeleting?: boolean;
  readonly fromItem: (item: Record<string, unknown>) => T;
  /** The resource count (a counter read), fetched alongside the page. */
  readonly totalResults: () => Promise<number>;
}

/**
 * A store's cursor page (`UserStore.pageAt`, `GroupStore.pageAt`): the key page from a resource
 * position and the total, read in parallel. Two calls whatever the position.
 *
 * @example
 * return queryPositionedPage(client, table, { partitionKey, prefix: keys.groupPrefix, sortKeyOf, position, count, fromItem, totalResults });
 */
export async function queryPositionedPage<T>(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: PositionedPageRequest<T>,
): Promise<PositionedPage<T>> {
  const { position, sortKeyOf } = request;
  const [page, totalResults] = await Promise.all([
    queryKeyPage(client, tableName, {
      partitionKey: request.partitionKey,
      prefix: request.prefix,
      afterSk: position.after === undefined ? undefined : sortKeyOf(position.after),
      beforeSk: position.before === undefined ? undefined : sortKeyOf(position.before),
      count: request.count,
      skipDeleting: request.skipDeleting ?? false,
    }),
    request.totalResults(),
  ]);
  return { items: page.items.map(request.fromItem), more: page.more, totalResults };
}
