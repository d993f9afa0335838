import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Every item of one partition whose sort key starts with `prefix`, following every page, read
 * strongly consistent (an IdP or an operator reads right after it writes).
 *
 * @example
 * const tokens = await queryPrefix(client, tableName, keys.partition('default'), keys.tokenPrefix);
 */
export async function queryPrefix<Item = Record<string, unknown>>(
  client: DynamoDBDocumentClient,
  tableName: string,
  partitionKey: string,
  prefix: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partitionKey, ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    // The caller names the item type of the prefix it asked for.
    items.push(...((page.Items ?? []) as Item[]));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return items;
}
