import { describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoRateLimiter } from '../../../shared/adapters/dynamodb/rate-limiter.ts';
import { DynamoTokenStore, generateToken } from '../../../shared/adapters/dynamodb/token-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import type { OAuthSettings } from '../../../shared/ports/directory-store.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const oauth: OAuthSettings = {
  issuer: 'https://sts.windows.net/tenant/',
  audience: ['8adf8e6e-67b2-4cf2-a259-e3dc5476c621'],
  jwksUri: 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys',
  algorithms: ['RS256'],
  requiredScope: 'scim',
};

describe('DynamoDirectoryStore', () => {
  const table = useDynamoTable();
  const directories = () => new DynamoDirectoryStore(table.document, table.tableName);

  it('creates, lists and configures directories', async () => {
    expect(await directories().create('entra', 'Entra staff', new Date('2030-01-01T00:00:00Z'))).toBe(true);
    expect(await directories().create('entra', 'again')).toBe(false);
    await directories().create('okta', 'Okta acquisition');
    expect(await directories().get('entra')).toEqual({
      id: 'entra',
      displayName: 'Entra staff',
      created: '2030-01-01T00:00:00.000Z',
    });
    expect(await directories().configureOAuth('entra', oauth)).toBe(true);
    expect((await directories().get('entra'))?.oauth).toEqual(oauth);
    expect(await directories().configureOAuth('nope', oauth)).toBe(false);
    expect((await directories().list()).map((d) => d.id)).toEqual(['entra', 'okta']);
    await directories().configureOAuth('entra', undefined);
    expect((await directories().get('entra'))?.oauth).toBeUndefined();
  });

  it('deletes a directory with its tokens and users, and nothing of another', async () => {
    const tokens = new DynamoTokenStore(table.document, table.tableName);
    const users = new UserService(
      new DynamoUserStore(table.document, table.tableName),
      new DynamoGroupStore(table.document, table.tableName),
    );
    const ctx = (directoryId: string) => ({
      directoryId,
      actor: { kind: 'admin' as const, id: 'test' },
      baseUrl: 'https://x',
    });
    for (const id of ['gone', 'stays']) {
      await directories().create(id, id);
      await tokens.register(id, generateToken(), { label: id });
    }
    const keep = generateToken();
    await tokens.register('stays', keep, { label: 'keep' });
    for (let i = 0; i < 30; i++)
      await users.create(ctx('gone'), {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `u${i}@x.com`,
      });
    await users.create(ctx('stays'), {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'a@x.com',
    });

    expect(await directories().delete('gone')).toBeGreaterThan(30);
    expect(await directories().get('gone')).toBeUndefined();
    expect(await tokens.list('gone')).toEqual([]);
    expect((await users.list(ctx('gone'), { startIndex: 1, count: 10 })).totalResults).toBe(0);
    expect((await users.list(ctx('stays'), { startIndex: 1, count: 10 })).totalResults).toBe(1);
    expect(await tokens.authenticate('stays', keep, new Date())).toBeDefined();
  });
});

describe('DynamoRateLimiter', () => {
  const table = useDynamoTable();

  it('allows the limit per directory and second, then answers with Retry-After', async () => {
    const limiter = new DynamoRateLimiter(table.document, table.tableName, 3);
    const now = new Date('2031-01-01T00:00:00.100Z');
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('busy', now));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // Another directory has its own allowance; the next second starts afresh.
    expect((await limiter.take('quiet', now)).allowed).toBe(true);
    expect((await limiter.take('busy', new Date('2031-01-01T00:00:01.000Z'))).allowed).toBe(true);
  });

  it('rejects a nonsensical limit at construction', () => {
    expect(() => new DynamoRateLimiter(table.document, table.tableName, 0)).toThrow(/positive integer/);
  });
});
