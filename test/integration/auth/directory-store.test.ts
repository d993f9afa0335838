import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DirectoryDeletion } from '../../../shared/adapters/dynamodb/directory-deletion.ts';
import { DynamoDirectoryStore } from '../../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoRateLimiter } from '../../../shared/adapters/dynamodb/rate-limiter.ts';
import { DynamoTokenStore, generateToken } from '../../../shared/adapters/dynamodb/token-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import type { OAuthSettings } from '../../../shared/ports/directory-store.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { keys } from '../../../shared/store/keys.ts';
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

  it('deletes a directory with its tokens and users, reports them, and nothing of another', async () => {
    const tokens = new DynamoTokenStore(table.document, table.tableName);
    const groups = new DynamoGroupStore(table.document, table.tableName);
    const users = new UserService(new DynamoUserStore(table.document, table.tableName), groups);
    for (const id of ['gone', 'stays']) {
      await directories().create(id, id);
      await tokens.register(id, generateToken(), { label: id });
    }
    const keep = generateToken();
    await tokens.register('stays', keep, { label: 'keep' });
    for (let i = 0; i < 12; i++) await users.create(ctx('gone'), user(`u${i}@x.com`));
    await users.create(ctx('stays'), user('a@x.com'));

    const deletion = new DirectoryDeletion(table.document, table.tableName);
    expect(await deletion.hasUsers('gone')).toBe(true);
    let marked = 0;
    const report = await deletion.delete('gone', { actor, settleMs: 0, onMarked: () => marked++ });
    expect(marked).toBe(1);
    expect(report?.usersDeleted).toBe(12);
    expect(report?.removed).toMatchObject({ tokens: 1, tombstones: 12 });
    expect(await itemsOf('gone')).toEqual([]);
    expect(await directories().get('gone')).toBeUndefined();
    expect((await users.list(ctx('stays'), { startIndex: 1, count: 10 })).totalResults).toBe(1);
    expect(await tokens.authenticate('stays', keep, new Date())).toBeDefined();
    // Nothing left: a second run has nothing to do.
    expect(await deletion.delete('gone', { actor, settleMs: 0 })).toBeUndefined();
  });

  it('resumes a deletion that stopped halfway: the directory stays refused until it is run again', async () => {
    await directories().create('crash', 'crash');
    const users = new UserService(
      new DynamoUserStore(table.document, table.tableName),
      new DynamoGroupStore(table.document, table.tableName),
    );
    for (let i = 0; i < 5; i++) await users.create(ctx('crash'), user(`c${i}@x.com`));
    // The process dies at its first batch delete (after the mark and the users).
    const failing = new Proxy(table.document, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'BatchWriteCommand') throw new Error('process killed');
          return target.send(command as Parameters<typeof target.send>[0]);
        };
      },
    });
    await expect(
      new DirectoryDeletion(failing, table.tableName).delete('crash', { actor, settleMs: 0 }),
    ).rejects.toThrow('process killed');
    expect((await directories().get('crash'))?.deletingSince).toBeDefined();
    expect((await itemsOf('crash')).length).toBeGreaterThan(0);

    const report = await new DirectoryDeletion(table.document, table.tableName).delete('crash', {
      actor,
      settleMs: 0,
    });
    expect(report).toBeDefined();
    expect(await itemsOf('crash')).toEqual([]);
    expect(await directories().get('crash')).toBeUndefined();
  });

  async function itemsOf(directoryId: string) {
    const { Items } = await table.document.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.partition(directoryId) },
        ConsistentRead: true,
      }),
    );
    return Items ?? [];
  }
});

const actor = { kind: 'admin' as const, id: 'test' };
const ctx = (directoryId: string) => ({ directoryId, actor, baseUrl: 'https://x' });
const user = (userName: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });

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
