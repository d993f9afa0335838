import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenInfo, TokenStore } from '../../ports/token-store.ts';
import type { Actor } from '../../ports/user-store.ts';
import { keys } from '../../store/keys.ts';
import { queryPrefix } from './query-prefix.ts';

/** SHA-256 of the token: the only form in which a token is stored or compared. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new bearer token: 256 bits from the OS's CSPRNG, base64url, with a prefix that secret scanners can spot. */
export function generateToken(): string {
  return `scim_${randomBytes(32).toString('base64url')}`;
}

/**
 * A token's public name, as `token list` shows it and the logs name the caller: random, so it
 * says nothing about the token or its hash.
 */
export function generateTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

/** Ids as `generateTokenId` makes them, or the 12 hex digits that tokens minted before it carry. */
const TOKEN_ID = /^(tok_[0-9a-f]{16}|[0-9a-f]{12})$/;

/** A busy IdP must not turn every read into a write: last-used is recorded at most this often. */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface TokenItem extends TokenInfo {
  pk: string;
  sk: string;
  type: 'Token';
  directoryId: string;
  tokenHash: string;
}

/**
 * Bearer tokens of a directory. Tokens are looked up by their hash, so the table never holds a
 * usable secret; the stored hash is compared again in constant time. Several tokens may be
 * active at once, so a rotation is: mint the new one, switch the IdP, revoke the old one.
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
        // A revocation must hold from the next request on, not after replication catches up.
        ConsistentRead: true,
      }),
    );
    const item = Item as TokenItem | undefined;
    if (!item || item.directoryId !== directoryId) return undefined;
    if (!timingSafeEqual(Buffer.from(item.tokenHash, 'hex'), Buffer.from(tokenHash, 'hex'))) return undefined;
    if (item.revokedAt !== undefined) return undefined;
    if (item.expiresAt !== undefined && Date.parse(item.expiresAt) <= now.getTime()) return undefined;
    await this.recordUse(item, now);
    return {
      kind: 'token',
      id: item.tokenId,
      label: item.label,
      ...(item.purpose === 'conformance' ? { purpose: 'conformance' } : {}),
    };
  }

  /**
   * Registers a token for a directory and returns its id. The token itself is not kept.
   *
   * @example
   * const token = generateToken();
   * await tokens.register('default', token, { label: 'Entra ID production' });
   * await tokens.register('default', checkToken, { label: 'scim-check', purpose: 'conformance', expiresAt });
   */
  async register(
    directoryId: string,
    token: string,
    options: { label: string; now?: Date; expiresAt?: Date; purpose?: 'conformance' },
  ): Promise<string> {
    const tokenHash = hashToken(token);
    const tokenId = generateTokenId();
    const item: TokenItem = {
      ...keys.token(directoryId, tokenHash),
      type: 'Token',
      directoryId,
      tokenId,
      tokenHash,
      label: options.label,
      created: (options.now ?? new Date()).toISOString(),
      ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
      ...(options.purpose ? { purpose: options.purpose } : {}),
    };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
    return tokenId;
  }

  /**
   * The directory's tokens, revoked and expired ones included, without hashes.
   *
   * @example
   * for (const token of await tokens.list('default')) console.log(token.tokenId, token.lastUsedAt);
   */
  async list(directoryId: string): Promise<TokenInfo[]> {
    return (await this.query(directoryId, keys.tokenPrefix)).map(
      ({ tokenId, label, created, expiresAt, revokedAt, lastUsedAt, purpose }) => ({
        tokenId,
        label,
        created,
        ...(purpose ? { purpose } : {}),
        ...(expiresAt ? { expiresAt } : {}),
        ...(revokedAt ? { revokedAt } : {}),
        ...(lastUsedAt ? { lastUsedAt } : {}),
      }),
    );
  }

  /**
   * Revokes the token with this id (as `list` shows it); true when one was found. Takes effect on
   * the next request: authentication reads the token item with a consistent read.
   *
   * @example
   * await tokens.revoke('default', '3f2a9c0d1e4b');
   */
  async revoke(directoryId: string, tokenId: string, now = new Date()): Promise<boolean> {
    if (!TOKEN_ID.test(tokenId)) return false;
    // A directory holds a handful of tokens: read them all rather than index the id.
    const item = (await this.query(directoryId, keys.tokenPrefix)).find((token) => token.tokenId === tokenId);
    if (!item) return false;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
    return true;
  }

  private async query(directoryId: string, prefix: string): Promise<TokenItem[]> {
    return (await queryPrefix(
      this.client,
      this.tableName,
      keys.partition(directoryId),
      prefix,
    )) as TokenItem[];
  }

  /**
   * Records the last use at most once a minute. The condition makes concurrent requests race for
   * one write instead of each writing; losing the race, or any failure of this bookkeeping, must
   * not refuse a request that authenticated.
   */
  private async recordUse(item: TokenItem, now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
    if (item.lastUsedAt !== undefined && item.lastUsedAt > cutoff) return;
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :cutoff)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':cutoff': cutoff },
        }),
      )
      .catch(() => undefined);
  }
}
