/**
 * DynamoDB Local answers a `begins_with` key condition in time that grows with the whole
 * partition (every item of the directory), where DynamoDB seeks to the prefix. The same 8-item
 * counter Query, timed in directories of different sizes, shows how much of a latency at scale
 * belongs to Local rather than to the store.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/store/keys.ts';
import { percentile } from './stats.ts';

export interface Calibration {
  readonly directoryId: string;
  readonly users: number;
  /** p50 of the counter Query, in ms. */
  readonly counterQueryMs: number;
}

export async function calibrate(
  client: DynamoDBDocumentClient,
  tableName: string,
  directories: readonly { directoryId: string; users: number }[],
  samples = 20,
): Promise<Calibration[]> {
  const results: Calibration[] = [];
  for (const { directoryId, users } of directories) {
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': keys.partition(directoryId),
            ':prefix': keys.counterPrefix('User'),
          },
          ConsistentRead: true,
        }),
      );
      times.push(performance.now() - started);
    }
    results.push({ directoryId, users, counterQueryMs: percentile(times, 50) });
  }
  return results;
}
