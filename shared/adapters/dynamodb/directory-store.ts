import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DirectoryRecord, DirectoryStore, OAuthSettings } from '../../ports/directory-store.ts';
import { type DirectoryItem, directoryItem } from '../../store/directory-item.ts';
import { keys } from '../../store/keys.ts';
import { queryPrefix } from './query-prefix.ts';

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Directory records in the registry partition, and the removal of a directory with all it holds. */
export class DynamoDirectoryStore implements DirectoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(directoryId: string): Promise<DirectoryRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.directory(directoryId), ConsistentRead: true }),
    );
    return Item ? toRecord(Item as DirectoryItem) : undefined;
  }

  /**
   * Creates a directory; false when one with this id exists already (it is left unchanged).
   *
   * @example
   * await directories.create('okta-acquired', 'Okta (Acme acquisition)');
   */
  async create(directoryId: string, displayName: string, now = new Date()): Promise<boolean> {
    const item = directoryItem(directoryId, displayName, now.toISOString());
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Every directory, in id order: one Query of the registry partition.
   *
   * @example
   * const ids = (await directories.list()).map((directory) => directory.id);
   */
  async list(): Promise<DirectoryRecord[]> {
    const items = await queryPrefix<DirectoryItem>(
      this.client,
      this.tableName,
      keys.directoriesPartition,
      keys.directoryPrefix,
    );
    return items.map(toRecord);
  }

  /**
   * Sets (or, with undefined, removes) the directory's OAuth settings; false if there is no such directory.
   *
   * @example
   * await directories.configureOAuth('entra', {
   *   issuer: 'https://sts.windows.net/{tenant}/', audience: ['8adf8e6e-67b2-4cf2-a259-e3dc5476c621'],
   *   jwksUri: 'https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys', algorithms: ['RS256'],
   * });
   */
  async configureOAuth(directoryId: string, oauth: OAuthSettings | undefined): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.directory(directoryId),
          ConditionExpression: 'attribute_exists(pk)',
          ...(oauth
            ? { UpdateExpression: 'SET oauth = :oauth', ExpressionAttributeValues: { ':oauth': oauth } }
            : { UpdateExpression: 'REMOVE oauth' }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes the directory record, then every item of the directory (tokens, users, indexes).
   * The record goes first, so OAuth stops at once; tokens go with the partition.
   *
   * @example
   * const removedItems = await directories.delete('test-tenant');
   */
  async delete(directoryId: string): Promise<number> {
    await this.client.send(
      new BatchWriteCommand({ RequestItems: this.deletes([keys.directory(directoryId)]) }),
    );
    let removed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.partition(directoryId) },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      const itemKeys = (page.Items ?? []) as { pk: string; sk: string }[];
      for (let at = 0; at < itemKeys.length; at += 25) await this.deleteBatch(itemKeys.slice(at, at + 25));
      removed += itemKeys.length;
      start = page.LastEvaluatedKey;
    } while (start);
    return removed;
  }

  private async deleteBatch(itemKeys: { pk: string; sk: string }[]): Promise<void> {
    let requests = this.deletes(itemKeys);
    // BatchWrite may leave items unprocessed under throttling: resend them until none are left.
    for (let attempt = 0; Object.keys(requests).length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const result = await this.client.send(new BatchWriteCommand({ RequestItems: requests }));
      requests = (result.UnprocessedItems ?? {}) as typeof requests;
    }
  }

  private deletes(itemKeys: { pk: string; sk: string }[]) {
    return { [this.tableName]: itemKeys.map((Key) => ({ DeleteRequest: { Key } })) };
  }
}

function toRecord({ id, displayName, created, oauth, deletingSince }: DirectoryItem): DirectoryRecord {
  return {
    id,
    displayName,
    created,
    ...(oauth ? { oauth } : {}),
    ...(deletingSince ? { deletingSince } : {}),
  };
}
