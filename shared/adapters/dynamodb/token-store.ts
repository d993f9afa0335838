import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenStore } from '../../ports/token-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import { keys } from '../../store/keys.ts';

/** SHA-256 of the token: the only form in which a token is stored or compared. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new bearer token: 256 bits from the OS's CSPRNG, base64url, with a prefix that secret scanners can spot. */
export function generateToken(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

interface TokenItem {
  pk: string;
  sk: string;
  type: 'Token';
  directoryId: string;
  tokenId: string;
  tokenHash: string;
  label: string;
  created: string;
  expiresAt?: string;
  revokedAt?: string;
}

/**
 * Bearer tokens of a directory. Tokens are looked up by their hash, so the table never holds a
 * usable secret; the stored hash is compared again in constant time.
 */
export class DynamoTokenStore implements TokenStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async authenticate(directoryId: string, token: string, now: Date): Promise<Actor | undefined> {
    const tokenHash = hashToken(token);
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.token(directoryId, tokenHash),
        ConsistentRead: true,
      }),
    );
    const item = Item as TokenItem | undefined;
    if (!item || item.directoryId !== directoryId) return undefined;
    if (!timingSafeEqual(Buffer.from(item.tokenHash, 'hex'), Buffer.from(tokenHash, 'hex'))) return undefined;
    if (item.revokedAt !== undefined) return undefined;
    if (item.expiresAt !== undefined && Date.parse(item.expiresAt) <= now.getTime()) return undefined;
    return { kind: 'token', id: item.tokenId, label: item.label };
  }

  /**
   * Registers a token for a directory and returns its id. The token itself is not kept.
   *
   * @example
   * const token = generateToken();
   * await tokens.register('default', token, { label: 'Entra ID production' });
   */
  async register(
    directoryId: string,
    token: string,
    options: { label: string; now?: Date; expiresAt?: Date },
  ): Promise<string> {
    const tokenHash = hashToken(token);
    const tokenId = tokenHash.slice(0, 12);
    const item: TokenItem = {
      ...keys.token(directoryId, tokenHash),
      type: 'Token',
      directoryId,
      tokenId,
      tokenHash,
      label: options.label,
      created: (options.now ?? new Date()).toISOString(),
      ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
    };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
    return tokenId;
  }

  /** Ensures the directory record exists (idempotent). */
  async ensureDirectory(directoryId: string, displayName: string, now = new Date()): Promise<void> {
    await this.client
      .send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.directory(directoryId),
            type: 'Directory',
            directoryId,
            displayName,
            created: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      });
  }
}
