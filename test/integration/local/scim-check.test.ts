/**
 * `npm run scim-check` as an operator runs it: spawned, against the local runtime (it passes and
 * leaves nothing behind), against a service that gets things wrong (it fails, says what and exits
 * 1), and with bad arguments (exit 2).
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestScim, type TestScim } from '../../support/scim-client.ts';

const CLI = resolve(import.meta.dirname, '../../../local/scim-check.ts');
const TSX = resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');

function scimCheck(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(TSX, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SCIM_CHECK_TOKEN: '' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((done) => child.on('exit', (code) => done({ code, output })));
}

/** A "SCIM service" that answers every request with 200 and an empty object. */
function careless(): Promise<Server> {
  const server = createServer((request, response) => {
    const body = request.url?.endsWith('/ResourceTypes') ? { Resources: [{ endpoint: '/Users' }] } : {};
    response.writeHead(200, { 'Content-Type': 'application/scim+json' }).end(JSON.stringify(body));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

// The three runs are independent (their own directory, a fake server, refusals): side by side.
describe.concurrent('npm run scim-check', () => {
  let scim: TestScim;
  let server: Server;
  beforeAll(async () => {
    scim = await startTestScim();
    server = await careless();
  });
  afterAll(async () => {
    await scim?.close();
    server?.close();
  });

  it('passes against the local runtime, prints the table, and cleans up as each IdP would', async ({
    expect,
  }) => {
    const { baseUrl, token } = scim.runtime;
    const run = await scimCheck(
      '--base',
      baseUrl,
      '--token',
      token,
      '--idp',
      'okta',
      '--idp',
      'entra',
      '--sequence',
      'create-user',
      '--sequence',
      'spec-create-user',
      '--sequence',
      'push-group',
    );
    expect(run.output).toContain(`SCIM conformance of ${baseUrl}`);
    expect(run.output).toMatch(/^Microsoft Entra ID\s+create-user\s+documented\s+pass\s+\d+\/\d+\s+\d+ ms$/m);
    expect(run.output).toMatch(/^Okta\s+spec-create-user\s+documented\s+pass\s+\d+\/\d+/m);
    expect(run.output).toMatch(/^Okta\s+create-user\s+documented\s+pass\s+/m);
    expect(run.output).toMatch(/^Okta\s+push-group\s+documented\s+pass\s+/m);
    expect(run.output).toMatch(/^4 passed, 0 failed\.$/m);
    expect(run.code).toBe(0);

    // Entra's users are deleted; Okta never deletes, so its users are left deactivated.
    const left = await scim.request('GET', '/Users');
    expect(left.body.Resources.map((user: { userName: string }) => user.userName).sort()).toEqual([
      expect.stringMatching(/^new-[0-9a-f]{8}@okta\.example$/),
      expect.stringMatching(/^spec-[0-9a-f]{8}@okta\.example$/),
    ]);
    expect(left.body.Resources.every((user: { active: boolean }) => user.active === false)).toBe(true);
    // Okta deletes a pushed group when it is unlinked with "delete the group in the target app".
    expect((await scim.request('GET', '/Groups')).body.totalResults).toBe(0);
  });

  it('fails with exit code 1 and names the check and the request when the service gets it wrong', async ({
    expect,
  }) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme/scim/v2`;
    const run = await scimCheck('--base', base, '--token', 'anything', '--idp', 'google');
    expect(run.output).toMatch(/^Google Workspace\s+errors\s+rfc7644\s+FAIL\s+0\/\d+/m);
    expect(run.output).toContain(
      '    a token the service never issued: 401 with the Error schema\n      status: expected 401, got 200 {}',
    );
    expect(run.output).toContain('      request: GET /Users\n');
    expect(run.output).toMatch(/^0 passed, 3 failed\.$/m);
    expect(run.code).toBe(1);
  });

  it('refuses bad arguments and a refused token with exit code 2', async ({ expect }) => {
    const [noToken, badIdp, refused] = await Promise.all([
      scimCheck('--base', scim.runtime.baseUrl),
      scimCheck('--base', scim.runtime.baseUrl, '--token', 't', '--idp', 'ping'),
      scimCheck('--base', scim.runtime.baseUrl, '--token', 'scim_not_a_token'),
    ]);
    expect(noToken.output).toContain('--token <bearer token> (or SCIM_CHECK_TOKEN) is needed');
    expect(noToken.code).toBe(2);
    expect(badIdp.output).toContain('Unknown --idp ping');
    expect(badIdp.code).toBe(2);
    expect(refused.output).toContain('the token was refused (401)');
    expect(refused.code).toBe(2);
  });
});
