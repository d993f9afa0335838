/**
 * Supervision's limit: a JVM that keeps dying is not restarted forever. Past `maxRestarts` deaths
 * supervision gives up and says why (npm start then stops with exit code 1). The restart itself
 * is proven end to end by test/e2e/durable-leavers.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SupervisedDynamoDbLocal, superviseDynamoDbLocal } from '../../../local/dynamodb-supervisor.ts';
import { dynamoDbLocalPids } from '../../support/processes.ts';

describe('superviseDynamoDbLocal', () => {
  let dynamo: SupervisedDynamoDbLocal | undefined;
  let dataDir = '';
  afterAll(async () => {
    await dynamo?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('gives up, saying why, once the JVM dies more often than allowed', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ddb-supervised-'));
    const lines: string[] = [];
    let gaveUp: (reason: string) => void = () => undefined;
    const reason = new Promise<string>((resolve) => {
      gaveUp = resolve;
    });
    dynamo = await superviseDynamoDbLocal({
      dataDir,
      maxRestarts: 0,
      log: (line) => lines.push(line),
      onGiveUp: gaveUp,
    });
    expect(dynamo.available()).toBe(true);
    await expect(dynamo.answering()).resolves.toBe(true);
    const pid = dynamo.pid();

    process.kill(pid, 'SIGKILL');

    expect(await reason).toMatch(
      new RegExp(`DynamoDB Local \\(pid ${pid}\\) exited with SIGKILL.*not restarting it again`),
    );
    expect(dynamo.available()).toBe(false);
    await expect(dynamo.answering()).resolves.toBe(false);
    expect(dynamoDbLocalPids(dynamo.port)).toEqual([]);
    expect(lines).toEqual([]);
  }, 90_000);
});
