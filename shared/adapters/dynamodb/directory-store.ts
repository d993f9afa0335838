import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DirectoryRecord, DirectoryStore, OAuthSettings } from '../../ports/directory-store.ts';
import { type DirectoryItem, directoryItem } from '../../store/directory-item.ts';
import { keys } from '../../store/keys.ts';
import { queryPrefix } from './query-prefix.ts';

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Directory records in the registry partition (deleting a directory's data: directory-deletion.ts). */
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
   * The first write of a directory's deletion: from now on authentication refuses every
   * credential of the directory. Keeps the first time when run again (a resumed deletion);
   * false when there is no such directory.
   *
   * @example
   * if (await directories.markDeleting('test-tenant')) await sweep('test-tenant');
   */
  async markDeleting(directoryId: string, now = new Date()): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.directory(directoryId),
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET deletingSince = if_not_exists(deletingSince, :now)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Removes the directory record: the last step of a deletion, once its partition is empty.
   *
   * @example
   * await directories.removeRecord('test-tenant');
   */
  async removeRecord(directoryId: string): Promise<void> {
    await this.client.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.directory(directoryId) }),
    );
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
