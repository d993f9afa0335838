/**
 * The admin CLI's commands, run in-process against the run's DynamoDB Local (`--endpoint`,
 * `--table`) and through a runtime file as `npm start` writes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRuntimeFile } from '../../../local/runtime-file.ts';
import { DynamoDirectoryStore } from '../../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoGroupStore } from '../../../shared/adapters/dynamodb/group-store.ts';
import { DynamoTokenStore } from '../../../shared/adapters/dynamodb/token-store.ts';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store.ts';
import { UserService } from '../../../shared/scim/users/user-service.ts';
import { runAdmin } from '../../../tools/admin/commands.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

describe('npm run admin', () => {
  const table = useDynamoTable();
  const target = () => ['--endpoint', table.endpoint, '--table', table.tableName];
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runAdmin([...argv, ...target()], (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  };
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('creates and lists directories', async () => {
    expect((await run('directory', 'create', 'okta', '--name', 'Okta acquisition')).code).toBe(0);
    const listed = await run('directory', 'list');
    expect(listed.output.split('\n')[0]).toBe('DIRECTORY\tNAME\tCREATED\tAUTHENTICATION');
    // The target flags may also come first, as they always could.
    const first = await runAdmin([...target(), 'directory', 'list'], () => undefined);
    expect(first).toBe(0);
    expect(listed.output).toMatch(/^okta\tOkta acquisition\t\d{4}-\d{2}-\d{2}T\S+\tstatic tokens$/m);
  });

  it("prints its commands and each command's own help, exit code 0", async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/^Usage: npm run admin -- \[options\] \[command\]/);
    expect(help.output).toMatch(/^ {2}evidence-report \[options\]/m);
    expect((await run('help')).code).toBe(0);
    for (const flag of ['--help', '-h']) {
      const token = await run('token', flag);
      expect(token.code).toBe(0);
      expect(token.output).toMatch(/^Usage: npm run admin -- token \[options\] \[command\]/);
      expect(token.output).toMatch(/^ {2}revoke \[options\] <directory> <token-id>/m);
      expect(token.output).not.toContain('evidence-report');
    }
    const mint = await run('token', 'mint', '-h');
    expect(mint.code).toBe(0);
    expect(mint.output).toMatch(/^ {2}--expires-in-days <n>/m);
  });

  it('says a usage mistake in one line that points to --help, exit code 2', async () => {
    const unknown = await run('frobnicate');
    expect(unknown).toEqual({
      code: 2,
      output: "error: unknown command 'frobnicate' (see npm run admin -- --help)",
    });
    const missing = await run('token', 'list');
    expect(missing).toEqual({
      code: 2,
      output: "error: missing required argument 'directory' (see npm run admin -- token list --help)",
    });
    const option = await run('directory', 'list', '--frobnicate');
    expect(option.code).toBe(2);
    expect(option.output.split('\n')).toHaveLength(1);
    const unreachable: string[] = [];
    expect(
      await runAdmin(['directory', 'list', '--endpoint', 'http://127.0.0.1:1'], (line) =>
        unreachable.push(line),
      ),
    ).toBe(1);
    expect(unreachable).toEqual([expect.stringMatching(/^error: .*ECONNREFUSED/)]);
    const refused = await run('token', 'mint', 'okta', '--expires-in-days', '0');
    expect(refused).toEqual({
      code: 2,
      output: 'error: --expires-in-days must be > 0 (see npm run admin -- token mint --help)',
    });
  });

  it('mints a token, prints it once with the IdP values, lists and revokes it', async () => {
    const minted = await run(
      'token',
      'mint',
      'okta',
      '--label',
      'Okta prod',
      '--expires-in-days',
      '365',
      '--base-url',
      'https://api.example.com/prod',
    );
    expect(minted.code).toBe(0);
    const token = /^Token:\s+(scim_\S+)$/m.exec(minted.output)?.[1] ?? '';
    const tokenId = /^Token id:\s+(tok_[0-9a-f]{16})/m.exec(minted.output)?.[1] ?? '';
    expect(tokenId).not.toBe('');
    expect(minted.output).toContain('Tenant URL:     https://api.example.com/prod/okta/scim/v2');
    expect(minted.output).toContain(`Secret Token:   ${token}`);
    expect(minted.output).toContain('SCIM connector base URL:  https://api.example.com/prod/okta/scim/v2');
    expect(minted.output).toContain(`Authorization header:     Bearer ${token}`);
    const tokens = new DynamoTokenStore(table.document, table.tableName);
    expect(await tokens.authenticate('okta', token, new Date())).toBeDefined();

    const listed = await run('token', 'list', 'okta');
    expect(listed.output.split('\n')[0]).toBe('TOKEN ID\tLABEL\tCREATED\tSTATE\tLAST USED');
    expect(listed.output).toMatch(
      new RegExp(`^${tokenId}\\tOkta prod\\t\\S+\\tactive until \\S+\\t\\S+$`, 'm'),
    );
    expect(listed.output).not.toContain(token);

    expect((await run('token', 'revoke', 'okta', tokenId)).code).toBe(0);
    expect(await tokens.authenticate('okta', token, new Date())).toBeUndefined();
    expect((await run('token', 'list', 'okta')).output).toContain('revoked');
    expect((await run('token', 'revoke', 'okta', 'ffffffffffff')).code).toBe(1);
  });

  it('refuses to mint for an unknown directory, saying how to create it', async () => {
    const refused = await run('token', 'mint', 'legacy');
    expect(refused.code).toBe(1);
    expect(refused.output).toBe(
      `No directory "legacy" in table ${table.tableName} on DynamoDB Local at ${table.endpoint}: create it first with npm run admin -- directory create legacy`,
    );
    expect((await run('directory', 'list')).output).not.toContain('legacy');
    // `npm run token -- --directory x` still works once the directory exists.
    await run('directory', 'create', 'legacy');
    expect((await run('token', 'mint', '--directory', 'legacy')).output).toMatch(/^Token:\s+scim_/m);
  });

  it('mints a conformance token for scim-check: marked as such, a day by default, no IdP values', async () => {
    const minted = await run(
      'token',
      'mint',
      'okta',
      '--conformance',
      '--base-url',
      'https://api.example.com/prod',
    );
    expect(minted.code).toBe(0);
    const token = /^Token:\s+(scim_\S+)$/m.exec(minted.output)?.[1] ?? '';
    expect(minted.output).toMatch(/^Token id:\s+tok_[0-9a-f]{16} \(scim-check, conformance\), expires /m);
    expect(minted.output).toContain(
      `npm run scim-check -- --base https://api.example.com/prod/okta/scim/v2 --token ${token}`,
    );
    expect(minted.output).not.toContain('Secret Token');
    const actor = await new DynamoTokenStore(table.document, table.tableName).authenticate(
      'okta',
      token,
      new Date(),
    );
    expect(actor).toMatchObject({ kind: 'token', purpose: 'conformance' });
    const expires = Date.parse(/expires (\S+)/.exec(minted.output)?.[1] ?? '');
    expect(expires - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect((await run('token', 'list', 'okta')).output).toMatch(/\tscim-check \(conformance\)\t\d{4}-/);
  });

  it('configures OAuth, for Entra in one step, and clears it', async () => {
    await run('directory', 'create', 'entra');
    const tenant = '0c6a2b1e-1111-4000-8000-000000000001';
    expect((await run('oauth', 'entra', 'entra', '--tenant', tenant)).output).toContain(
      `"issuer": "https://sts.windows.net/${tenant}/"`,
    );
    expect((await run('directory', 'list')).output).toContain(`oauth: https://sts.windows.net/${tenant}/`);
    const custom = await run(
      'oauth',
      'set',
      'entra',
      '--issuer',
      'https://idp.example.com',
      '--audience',
      'scim-api',
      '--jwks-uri',
      'https://idp.example.com/keys',
      '--scope',
      'scim',
      '--client-id',
      'okta-app',
      '--max-lifetime-hours',
      '2',
    );
    expect(custom.output).toContain('"requiredScope": "scim"');
    expect(custom.output).toContain('"maxLifetimeSeconds": 7200');
    expect((await run('oauth', 'entra', 'entra', '--tenant', tenant, '--max-lifetime-hours', '0')).code).toBe(
      2,
    );
    expect(
      (
        await run(
          'oauth',
          'set',
          'entra',
          '--issuer',
          'http://evil.example',
          '--audience',
          'a',
          '--jwks-uri',
          'http://evil.example/k',
        )
      ).code,
    ).toBe(2);
    expect((await run('oauth', 'clear', 'entra')).output).toContain('static tokens only');
  });

  it('prints the connection values without a token, and refuses unknown directories', async () => {
    const connect = await run(
      'connect',
      'okta',
      '--base-url',
      'https://x.example/prod/{directoryId}/scim/v2',
    );
    expect(connect.output).toContain('Tenant URL:     https://x.example/prod/okta/scim/v2');
    expect(connect.output).toContain('<a token from: npm run admin -- token mint>');
    expect((await run('connect', 'nope')).code).toBe(2);
    expect((await run('token', 'mint', '../etc')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });

  it('deletes a directory only with --yes, and one with users only with --force', async () => {
    expect((await run('directory', 'delete', 'legacy')).code).toBe(2);
    const deleted = await run('directory', 'delete', 'legacy', '--yes', '--settle-seconds', '0');
    expect(deleted.code).toBe(0);
    expect(deleted.output).toMatch(/refuses every credential from now on/);
    expect(deleted.output).toMatch(/^Deleted directory legacy/m);
    expect(deleted.output).toMatch(/^\s+1 {2}tokens$/m);
    expect((await run('directory', 'list')).output).not.toContain('legacy');
    expect((await run('directory', 'delete', 'legacy', '--yes')).code).toBe(1);

    await run('directory', 'create', 'peopled');
    const users = new DynamoUserStore(table.document, table.tableName);
    await new UserService(users, new DynamoGroupStore(table.document, table.tableName)).create(
      { directoryId: 'peopled', actor: { kind: 'admin', id: 't' }, baseUrl: 'https://x' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'p@x.com' },
    );
    // A deletion that stopped halfway: the directory cannot be re-created over it.
    await run('directory', 'create', 'legacy');
    await new DynamoDirectoryStore(table.document, table.tableName).markDeleting('legacy');
    const halfway = await run('directory', 'create', 'legacy');
    expect(halfway.code).toBe(1);
    expect(halfway.output).toContain('is being deleted');
    expect((await run('directory', 'delete', 'legacy', '--yes', '--settle-seconds', '0')).code).toBe(0);

    const refused = await run('directory', 'delete', 'peopled', '--yes', '--settle-seconds', '0');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('still has users');
    expect(refused.output).toContain('--force');
    expect(
      (await new DynamoDirectoryStore(table.document, table.tableName).get('peopled'))?.deletingSince,
    ).toBeUndefined();
    const forced = await run('directory', 'delete', 'peopled', '--yes', '--force', '--settle-seconds', '0');
    expect(forced.output).toMatch(/^\s+1 {2}users deleted, each with a user\.deleted event/m);
  });

  it('finds the running npm start through its runtime file, with no target flags', async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-admin-'));
    const file = join(dir, 'runtime.json');
    await writeRuntimeFile(
      { dynamoEndpoint: table.endpoint, tableName: table.tableName, url: 'http://localhost:9999' },
      file,
    );
    const lines: string[] = [];
    expect(await runAdmin(['connect', 'okta', '--runtime-file', file], (line) => lines.push(line))).toBe(0);
    expect(lines.join('\n')).toContain('http://localhost:9999/okta/scim/v2');
    const missing: string[] = [];
    expect(
      await runAdmin(['directory', 'list', '--runtime-file', join(dir, 'none.json')], (l) => missing.push(l)),
    ).toBe(2);
    expect(missing.join('\n')).toContain('npm start');
  });
});
