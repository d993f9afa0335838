import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '../../../local/create-table.ts';
import { type DynamoDbLocal, dynamoClientFor, startDynamoDbLocal } from '../../../local/dynamodb-local.ts';
import { directoryTable } from '../../../shared/store/table.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { dynamoDbLocalPids } from '../../support/processes.ts';

const JVM_TIMEOUT = 90_000;

describe('ensureTable on the run’s DynamoDB Local', () => {
  const table = useDynamoTable();

  it('creates the table from the shared definition: keys, stream, billing and TTL', async () => {
    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: directoryTable.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: directoryTable.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBeTruthy();
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

    const ttl = await table.client.send(new DescribeTimeToLiveCommand({ TableName: table.tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('is idempotent: a second call finds the table and changes nothing', async () => {
    await expect(ensureTable(table.client, table.tableName)).resolves.toEqual({
      created: false,
      timeToLive: true,
    });
    await expect(
      Promise.all([ensureTable(table.client, table.tableName), ensureTable(table.client, table.tableName)]),
    ).resolves.toHaveLength(2);
  });
});

describe('startDynamoDbLocal', () => {
  let dynamo: DynamoDbLocal;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ddb-local-test-'));
    dynamo = await startDynamoDbLocal({ dataDir });
  }, JVM_TIMEOUT);

  afterAll(async () => {
    await dynamo?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers on 127.0.0.1 at the port it picked', async () => {
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
    const client = dynamoClientFor(dynamo.endpoint);
    await expect(client.send(new ListTablesCommand({}))).resolves.toHaveProperty('TableNames');
    client.destroy();
  });

  it('refuses a port that is already taken instead of talking to another server', async () => {
    await expect(startDynamoDbLocal({ port: dynamo.port })).rejects.toThrow(/already in use/);
  });

  it(
    'stops its whole process group, and the data in dataDir survives a restart',
    async () => {
      const client = dynamoClientFor(dynamo.endpoint);
      await ensureTable(client, 'persisted');
      const key = { pk: { S: 'DIR#default' }, sk: { S: 'DIRECTORY' } };
      await client.send(
        new PutItemCommand({ TableName: 'persisted', Item: { ...key, name: { S: 'kept' } } }),
      );
      client.destroy();
      expect(dynamoDbLocalPids(dynamo.port)).toEqual([dynamo.pid]);

      await dynamo.stop();
      expect(dynamoDbLocalPids(dynamo.port)).toEqual([]);
      expect(() => process.kill(-dynamo.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
      await expect(dynamo.stop()).resolves.toBeUndefined();

      dynamo = await startDynamoDbLocal({ dataDir });
      const again = dynamoClientFor(dynamo.endpoint);
      await expect(ensureTable(again, 'persisted')).resolves.toMatchObject({ created: false });
      const { Item } = await again.send(new GetItemCommand({ TableName: 'persisted', Key: key }));
      expect(Item?.name).toEqual({ S: 'kept' });
      again.destroy();
    },
    JVM_TIMEOUT,
  );
});

describe('no JVM outlives its parent process', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  /** Runs test/support/dynamodb-local-child.ts and waits for the line naming its JVM. */
  async function startChild(
    mode: string,
  ): Promise<{ child: ChildProcess; port: number; exited: Promise<unknown> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dynamodb-local-child.ts', mode], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    for await (const line of lines) {
      if (line.startsWith('{')) {
        const { port } = JSON.parse(line) as { port: number };
        expect(dynamoDbLocalPids(port)).toHaveLength(1);
        return { child, port, exited };
      }
    }
    throw new Error(`the child ended before starting DynamoDB Local (exit ${await exited})`);
  }

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'is stopped when the parent gets %s, and the parent still dies of it',
    async (signal) => {
      const { child, port, exited } = await startChild('wait');
      child.kill(signal);
      await expect(exited).resolves.toBe(signal);
      expect(dynamoDbLocalPids(port)).toEqual([]);
    },
    JVM_TIMEOUT,
  );

  it.each([
    ['calls process.exit without stop()', 'exit', 0],
    ['dies of an uncaught exception', 'throw', 1],
  ])(
    'is killed when the parent %s',
    async (_, mode, code) => {
      const { child, port, exited } = await startChild(mode);
      child.stdin?.end('go\n');
      await expect(exited).resolves.toBe(code);
      // SIGKILL is sent before the parent exits, but the kernel may take a moment to tear the JVM down.
      await vi.waitFor(() => expect(dynamoDbLocalPids(port)).toEqual([]), { timeout: 2_000 });
    },
    JVM_TIMEOUT,
  );
});
