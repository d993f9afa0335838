import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoTokenStore,
  generateToken,
  hashToken,
  LAST_USED_RESOLUTION_MS,
} from '../../../shared/adapters/dynamodb/token-store.ts';
import { keys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

describe('DynamoTokenStore', () => {
  const table = useDynamoTable();
  const store = () => new DynamoTokenStore(table.document, table.tableName);
  const at = (iso: string) => new Date(iso);

  it('keeps several tokens active at once, each stored only as its hash', async () => {
    const [first, second] = [generateToken(), generateToken()];
    expect(first).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    const firstId = await store().register('rot', first, { label: 'old' });
    await store().register('rot', second, { label: 'new' });
    expect(await store().authenticate('rot', first, new Date())).toMatchObject({
      kind: 'token',
      id: firstId,
    });
    expect(await store().authenticate('rot', second, new Date())).toMatchObject({ label: 'new' });
    const { Item } = await table.document.send(
      new GetCommand({ TableName: table.tableName, Key: keys.token('rot', hashToken(first)) }),
    );
    expect(JSON.stringify(Item)).not.toContain(first);
  });

  it('refuses a revoked token from the next request on, and only that one', async () => {
    const [kept, revoked] = [generateToken(), generateToken()];
    await store().register('rev', kept, { label: 'kept' });
    const revokedId = await store().register('rev', revoked, { label: 'revoked' });
    expect(await store().revoke('rev', revokedId)).toBe(true);
    expect(await store().authenticate('rev', revoked, new Date())).toBeUndefined();
    expect(await store().authenticate('rev', kept, new Date())).toBeDefined();
    expect(await store().revoke('rev', 'ffffffffffff')).toBe(false);
    expect(await store().revoke('rev', '../TOKEN#')).toBe(false);
    expect((await store().list('rev')).find((token) => token.tokenId === revokedId)?.revokedAt).toBeDefined();
  });

  it('refuses an expired token', async () => {
    const token = generateToken();
    await store().register('exp', token, { label: 'short', expiresAt: at('2030-01-01T00:00:00Z') });
    expect(await store().authenticate('exp', token, at('2029-12-31T23:59:59Z'))).toBeDefined();
    expect(await store().authenticate('exp', token, at('2030-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('binds a token to its directory', async () => {
    const token = generateToken();
    await store().register('dir-a', token, { label: 'a' });
    expect(await store().authenticate('dir-b', token, new Date())).toBeUndefined();
  });

  it('records the last use at most once a minute', async () => {
    const token = generateToken();
    const id = await store().register('used', token, { label: 'busy' });
    const lastUsed = async () => (await store().list('used')).find((t) => t.tokenId === id)?.lastUsedAt;
    expect(await lastUsed()).toBeUndefined();
    const t0 = at('2031-05-01T10:00:00.000Z');
    await store().authenticate('used', token, t0);
    expect(await lastUsed()).toBe(t0.toISOString());
    await store().authenticate('used', token, new Date(t0.getTime() + LAST_USED_RESOLUTION_MS - 1));
    expect(await lastUsed()).toBe(t0.toISOString());
    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS);
    await store().authenticate('used', token, later);
    expect(await lastUsed()).toBe(later.toISOString());
  });

  it('names a token by a random id that shares nothing with its hash', async () => {
    const token = generateToken();
    const id = await store().register('named', token, { label: 'named' });
    expect(id).toMatch(/^tok_[0-9a-f]{16}$/);
    const hash = hashToken(token);
    for (let at = 0; at + 8 <= id.length; at++) expect(hash).not.toContain(id.slice(at, at + 8));
    expect(await store().authenticate('named', token, new Date())).toMatchObject({ id });
    expect(await store().revoke('named', id)).toBe(true);
    expect(await store().authenticate('named', token, new Date())).toBeUndefined();
  });

  it('lists tokens without their hashes', async () => {
    await store().register('listed', generateToken(), { label: 'one' });
    const [info] = await store().list('listed');
    expect(Object.keys(info ?? {}).sort()).toEqual(['created', 'label', 'tokenId']);
  });
});
