import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CursorKeySource } from '../../ports/cursor-key.ts';
import { keys } from '../../store/keys.ts';

/**
 * The cursor signing key, kept in the directory table (`DIRECTORIES / CURSOR_KEY`): 32 random
 * bytes, created by the first function that needs it and read once per Lambda container. Every
 * container of every function therefore signs with the same key, with nothing to configure or
 * deploy, locally as in AWS. Whoever can read the table can read the key, but could read every
 * user directly: the key only stops SCIM clients from forging cursors (docs/paging.md).
 *
 * @example
 * const cursorKey = new DynamoCursorKey(client, tableName); // at module scope, so the cache survives
 */
export class DynamoCursorKey implements CursorKeySource {
  private cached: Promise<Uint8Array> | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  key(): Promise<Uint8Array> {
    this.cached ??= this.load().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async load(): Promise<Uint8Array> {
    const existing = await this.read();
    if (existing) return existing;
    const secret = new Uint8Array(randomBytes(32));
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.cursorKey, type: 'CursorKey', secret, created: new Date().toISOString() },
          // Two cold starts may race to create it: one wins, the other reads the winner's key.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return secret;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const winner = await this.read();
      if (!winner) throw new Error('The cursor key was created concurrently but cannot be read.');
      return winner;
    }
  }

  private async read(): Promise<Uint8Array | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.cursorKey, ConsistentRead: true }),
    );
    return Item?.secret instanceof Uint8Array ? Item.secret : undefined;
  }
}
