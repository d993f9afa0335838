/**
 * `npm run scim-check` as an operator runs it: spawned, against the local runtime (it passes,
 * prints a line per sequence as it goes and leaves nothing behind), against a service that gets
 * things wrong (it fails, says what and exits 1), on a directory that does not meet a sequence's
 * precondition (it says so and what to do), with an IdP's token (refused) and with bad arguments
 * (exit 2). Its users never reaching a connector: scim-check-live.test.ts.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { localClientConfig } from '../../../local/dynamodb-local.ts';
import { documentClient } from '../../../shared/adapters/dynamodb/client.ts';
import { generateToken } from '../../../shared/adapters/dynamodb/token-store.ts';
import { CONFORMANCE_CREDENTIAL_HEADER } from '../../../shared/contracts/conformance.ts';
import { startTestScim, type TestScim } from '../../support/scim-client.ts';
import { seedUsers } from '../../support/seed-users.ts';

const CLI = resolve(import.meta.dirname, '../../../tools/scim-check.ts');
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
    response
      .writeHead(200, { 'Content-Type': 'application/scim+json', [CONFORMANCE_CREDENTIAL_HEADER]: 'true' })
      .end(JSON.stringify(body));
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

// The three runs are independent (their own directory, a fake server, refusals): side by side.
// Each run is a tsx process of its own: a few seconds to start on a machine busy with the suite.
describe.concurrent('npm run scim-check', { timeout: 120_000 }, () => {
  let scim: TestScim;
  let server: Server;
  /** A conformance token of `default`, as `token mint default --conformance` makes one. */
  let token: string;
  beforeAll(async () => {
    scim = await startTestScim();
    server = await careless();
    token = await conformanceToken('default');
  });

  async function conformanceToken(directoryId: string): Promise<string> {
    const minted = generateToken();
    await scim.runtime.directories.create(directoryId, directoryId);
    await scim.runtime.tokens.register(directoryId, minted, { label: 'scim-check', purpose: 'conformance' });
    return minted;
  }
  afterAll(async () => {
    await scim?.close();
    server?.close();
  });

  it('passes against the local runtime, prints the table, and cleans up as each IdP would', async ({
    expect,
  }) => {
    const { baseUrl } = scim.runtime;
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
    // Progress while it runs: one line per sequence, before the table.
    const progress = run.output.split('\n').filter((line) => /^\[\d\/4\] /.test(line));
    expect(progress).toEqual([
      expect.stringMatching(/^\[1\/4\] Microsoft Entra ID \/ create-user: pass \(\d+ ms\)$/),
      expect.stringMatching(/^\[2\/4\] Okta \/ spec-create-user: pass/),
      expect.stringMatching(/^\[3\/4\] Okta \/ create-user: pass/),
      expect.stringMatching(/^\[4\/4\] Okta \/ push-group: pass/),
    ]);
    expect(run.output.indexOf('[4/4]')).toBeLessThan(run.output.indexOf('IdP  '));
    // Before the first request, which can take seconds against a cold deployment.
    expect(
      run.output.indexOf(`Asking ${baseUrl}/ResourceTypes what the service serves…`),
    ).toBeGreaterThanOrEqual(0);
    expect(run.output.indexOf('Asking')).toBeLessThan(run.output.indexOf('[1/4]'));

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

  it('reports a precondition the directory does not meet, with what to do, not as a failure', async ({
    expect,
  }) => {
    // A live directory whose first listed user (ids sort first from 0) has no name and no email.
    await seedUsers(documentClient(localClientConfig(scim.dynamoEndpoint)), scim.tableName, 'lived-in', [
      {
        id: '00000000-0000-4000-8000-000000000000',
        resource: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'svc-backup',
          active: true,
        },
        version: 1,
        created: '2026-01-01T00:00:00.000Z',
        lastModified: '2026-01-01T00:00:00.000Z',
      },
    ]);
    const lived = await conformanceToken('lived-in');
    const base = `${scim.runtime.url}/lived-in/scim/v2`;
    const run = await scimCheck(
      '--base',
      base,
      '--token',
      lived,
      '--idp',
      'okta',
      '--sequence',
      'spec-users-endpoint',
    );
    expect(run.output).toMatch(/^\[1\/1\] Okta \/ spec-users-endpoint: precondition not met \(\d+ ms\)$/m);
    expect(run.output).toMatch(/^Okta\s+spec-users-endpoint\s+documented\s+precondition not met\s/m);
    expect(run.output).toContain('Preconditions not met (not a failure of the service)');
    expect(run.output).toMatch(
      /needs it to have name\.givenName, name\.familyName, userName, active and an email\./,
    );
    expect(run.output).toContain(
      'What to do: give that user a name and an email, or run scim-check in a directory of its own',
    );
    expect(run.output).toContain('body.Resources["0"].name: expected "an object", got nothing');
    expect(run.output).toMatch(/^0 passed, 0 failed, 1 precondition not met\.$/m);
    expect(run.code).toBe(0);
  });

  it('prints its usage with --help and exits 0', async ({ expect }) => {
    const help = await scimCheck('--help');
    expect(help.output).toMatch(/^Usage: npm run scim-check -- \[options\]/);
    expect(help.output).toContain('token mint <directory> --conformance');
    expect(help.output).toMatch(/^ {2}--base <url> /m);
    expect(help.code).toBe(0);
    const short = await scimCheck('-h');
    expect(short.output).toBe(help.output);
    expect(short.code).toBe(0);
  });

  it('refuses bad arguments, a refused token and an IdP token with exit code 2', async ({ expect }) => {
    const [noToken, badIdp, refused, idpToken] = await Promise.all([
      scimCheck('--base', scim.runtime.baseUrl),
      scimCheck('--base', scim.runtime.baseUrl, '--token', 't', '--idp', 'ping'),
      scimCheck('--base', scim.runtime.baseUrl, '--token', 'scim_not_a_token'),
      // The token an IdP uses: the users the check creates would be real leavers to the connectors.
      scimCheck('--base', scim.runtime.baseUrl, '--token', scim.runtime.token),
    ]);
    expect(idpToken.output).toContain('the token is not a conformance token');
    expect(idpToken.output).toContain('npm run admin -- token mint <directory> --conformance');
    expect(idpToken.output).not.toContain('SCIM conformance of');
    expect(idpToken.code).toBe(2);
    expect(noToken.output.trim()).toBe(
      'error: --token <bearer token> (or SCIM_CHECK_TOKEN) is needed (see npm run scim-check -- --help)',
    );
    expect(noToken.code).toBe(2);
    expect(badIdp.output.trim()).toBe('error: Unknown --idp ping (see npm run scim-check -- --help)');
    expect(badIdp.code).toBe(2);
    expect(refused.output).toContain('the token was refused (401)');
    expect(refused.code).toBe(2);
  });
});
