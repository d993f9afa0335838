/**
 * `npm run admin -- directory delete` against the local runtime while an IdP keeps creating
 * users: from the moment the command says the directory refuses credentials, every request is
 * 401; every user that was created gets its user.deleted; and nothing of the directory survives.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClientConfig } from '../../local/dynamodb-local.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { keys } from '../../shared/store/keys.ts';
import { runAdmin } from '../../tools/admin/commands.ts';
import { collectEvents, type EventCollector } from '../support/event-collector.ts';
import {
  ERROR_SCHEMA,
  entraUser,
  GROUP_SCHEMA,
  startTestScim,
  type TestScim,
} from '../support/scim-client.ts';

const DIR = 'leaving';
let scim: TestScim;
let seen: EventCollector;

beforeAll(async () => {
  scim = await startTestScim();
  seen = collectEvents(scim.runtime.events);
});
afterAll(async () => {
  seen?.stop();
  await scim?.close();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${scim.runtime.url}/${DIR}/scim/v2${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('directory delete under load', () => {
  it('refuses every request from the mark on, sends user.deleted for every user, and leaves nothing', async () => {
    await scim.runtime.directories.create(DIR, 'Leaving');
    const token = generateToken();
    await scim.runtime.tokens.register(DIR, token, { label: 'idp' });
    const created: string[] = [];
    for (const name of ['ada', 'bob', 'cy']) {
      const reply = await call(token, 'POST', '/Users', entraUser(`${name}@leaving.example`));
      expect(reply.status).toBe(201);
      created.push(reply.body.id);
    }
    const group = await call(token, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Staff',
      members: created.map((value) => ({ value })),
    });
    expect(group.status).toBe(201);

    // An IdP that keeps provisioning throughout the delete.
    const attempts: { startedAt: number; status: number; body: unknown }[] = [];
    let stop = false;
    let serial = 0;
    const provisioner = async () => {
      while (!stop) {
        const startedAt = Date.now();
        const reply = await call(token, 'POST', '/Users', entraUser(`late${serial++}@leaving.example`));
        attempts.push({ startedAt, ...reply });
        if (reply.status === 201) created.push(reply.body.id);
      }
    };
    const provisioners = [provisioner(), provisioner(), provisioner()];
    await until(() => attempts.filter((a) => a.status === 201).length >= 3, 'users created under load');

    let markedAt = Number.POSITIVE_INFINITY;
    const lines: string[] = [];
    const code = await runAdmin(
      [
        'directory',
        'delete',
        DIR,
        '--yes',
        '--force',
        // Long enough for a request accepted just before the mark to finish on a busy machine.
        '--settle-seconds',
        '5',
        '--endpoint',
        scim.dynamoEndpoint,
        '--table',
        scim.tableName,
      ],
      (line) => {
        if (/refuses every credential from now on/.test(line)) markedAt = Math.min(markedAt, Date.now());
        lines.push(line);
      },
    );
    // A few more attempts after the delete finished: still refused.
    const finished = attempts.length;
    await until(() => attempts.length >= finished + 3, 'requests after the delete');
    stop = true;
    await Promise.all(provisioners);

    expect(code, lines.join('\n')).toBe(0);
    const afterMark = attempts.filter((attempt) => attempt.startedAt > markedAt);
    expect(afterMark.length).toBeGreaterThan(3);
    for (const attempt of afterMark) {
      expect(attempt.status).toBe(401);
      expect(attempt.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
    }

    // Nothing of the directory is left: no item in its partition, no record.
    const client = documentClient(localClientConfig(scim.dynamoEndpoint));
    try {
      const left = await client.send(
        new QueryCommand({
          TableName: scim.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.partition(DIR) },
          ConsistentRead: true,
        }),
      );
      expect(left.Items ?? []).toEqual([]);
    } finally {
      client.destroy();
    }
    expect(await scim.runtime.directories.get(DIR)).toBeUndefined();

    // Every user that was ever created left through the normal path: one user.deleted each.
    const report = lines.join('\n');
    expect(report).toMatch(
      new RegExp(`^\\s+${created.length}  users deleted, each with a user\\.deleted`, 'm'),
    );
    expect(report).toMatch(/^\s+\d+ {2}uniqueness claims$/m);
    expect(report).toMatch(/^\s+1 {2}tokens$/m);
    // The five seconds of watching for late writes are not silent.
    expect(report).toMatch(/^ {2}sweep \d+: \d+ users and \d+ other items removed so far/m);
    await until(
      () => created.every((id) => seen.of(id).some((event) => event.type === 'user.deleted')),
      'a user.deleted for every user',
    );
    // The default directory of the runtime is untouched.
    expect((await scim.request('GET', '/Users')).status).toBe(200);
  }, 90_000);
});
