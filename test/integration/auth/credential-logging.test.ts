/**
 * What a log line says about the caller once authenticated: the token's id as `token list`
 * shows it, never the token, its hash or a piece of the hash. Runs the real handler stack
 * (authentication, then throttling, which logs with the caller's keys) on DynamoDB Local and
 * captures what the logger writes.
 */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoTokenStore, generateToken, hashToken } from '../../../shared/adapters/dynamodb/token-store.ts';
import { tableAuth } from '../../../shared/auth/table-auth.ts';
import { ENV } from '../../../shared/contracts/env.ts';
import { scimHandler } from '../../../shared/http/scim-handler.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Everything written to stdout and stderr from now until the test ends. */
function captureOutput(): { text: () => string } {
  let captured = '';
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original as typeof stream.write;
    });
  }
  return { text: () => captured };
}

const context = {
  functionName: 'scim-users',
  functionVersion: '1',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:scim-users',
  memoryLimitInMB: '1024',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

function request(directoryId: string, token: string): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    resource: '/{directoryId}/scim/v2/Users',
    path: `/${directoryId}/scim/v2/Users`,
    pathParameters: { directoryId },
    headers: { Authorization: `Bearer ${token}` },
    queryStringParameters: null,
    body: null,
  } as unknown as APIGatewayProxyEvent;
}

describe('log lines of an authenticated request', () => {
  const table = useDynamoTable();

  it("name the static token by its id, and hold no piece of the token's hash", async () => {
    await new DynamoDirectoryStore(table.document, table.tableName).create('logged', 'Logged');
    const token = generateToken();
    const tokenId = await new DynamoTokenStore(table.document, table.tableName).register('logged', token, {
      label: 'idp',
    });
    // One request a second: the second within a second is throttled, and that line carries the caller.
    const handler = scimHandler(
      { 'GET /Users': async () => ({ statusCode: 200, body: '{}' }) },
      tableAuth(table.document, table.tableName, { [ENV.rateLimitPerSecond]: '1' }),
    );
    const output = captureOutput();
    let throttled = 0;
    for (let attempt = 0; attempt < 20 && throttled === 0; attempt++)
      if ((await handler(request('logged', token), context)).statusCode === 429) throttled++;
    expect(throttled).toBe(1);

    const lines = output
      .text()
      .split('\n')
      .filter((line) => line.includes('Request throttled'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ credential: `token:${tokenId}` });
    const hash = hashToken(token);
    const fragments = Array.from({ length: hash.length - 7 }, (_, at) => hash.slice(at, at + 8));
    expect(fragments.filter((fragment) => output.text().includes(fragment))).toEqual([]);
    expect(output.text()).not.toContain(token);
  });
});
