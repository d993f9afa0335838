import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export interface KeyPageRequest {
  readonly partitionKey: string;
  /** The sort key prefix of the items listed, e.g. `USER#`. */
  readonly prefix: string;
  /** Start right after this sort key (forwards), or right before it (backwards). The item need not exist. */
  readonly afterSk?: string | undefined;
  readonly beforeSk?: string | undefined;
  readonly count: number;
}

/**
 * One page of the items under `prefix` from a key position: `count` items in ascending order,
 * read from `ExclusiveStartKey` forwards, or backwards (`ScanIndexForward: false`) for a previous
 * page. It reads `count + 1` items so that `more` is exact, and nothing before the position, so
 * page 500 costs what page 1 costs. Strongly consistent, as every read an IdP makes after a write.
 *
 * @example
 * const { items, more } = await queryKeyPage(client, table, { partitionKey, prefix: 'USER#', afterSk: 'USER#42', count: 100 });
 */
export async function queryKeyPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  request: KeyPageRequest,
): Promise<{ items: Record<string, unknown>[]; more: boolean }> {
  const { partitionKey, prefix, afterSk, beforeSk, count } = request;
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
