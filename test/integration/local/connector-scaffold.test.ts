/**
 * `npm run connector:new -- <name>` gives a connector that passes Biome, the type checker and its
 * own test before anyone edits it. It runs in a copy of the project's skeleton (configuration
 * files copied, sources linked), so the real registry is never touched while other tests read it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFESTS_FILE, REGISTRY_FILE, scaffoldConnector } from '../../../tools/connector-new.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');
const bin = (tool: string) => join(repo, 'node_modules/.bin', tool);
let root: string;
let files: readonly string[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'connector-new-'));
  for (const file of ['package.json', 'biome.json', REGISTRY_FILE, MANIFESTS_FILE])
    await cp(join(repo, file), join(root, file));
  for (const dir of ['node_modules', 'shared', 'test/support']) {
    await mkdir(join(root, dir, '..'), { recursive: true });
    await symlink(join(repo, dir), join(root, dir));
  }
  await mkdir(join(root, 'local/fakes'), { recursive: true });
  await symlink(join(repo, 'local/fakes/fake-server.ts'), join(root, 'local/fakes/fake-server.ts'));
  for (const entry of await readdir(join(repo, 'functions/connectors'), { withFileTypes: true }))
    if (entry.isDirectory())
      await symlink(
        join(repo, 'functions/connectors', entry.name),
        join(root, 'functions/connectors', entry.name),
      );
  ({ files } = await scaffoldConnector(root, 'acme-hr'));
  const tsconfig = JSON.parse(await readFile(join(repo, 'tsconfig.json'), 'utf8'));
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: files }));
  // The generated test needs no DynamoDB: a config without the suite's global setup.
  await writeFile(
    join(root, 'vitest.config.ts'),
    "export default { test: { include: ['test/unit/**/*.test.ts'] } };\n",
  );
}, 60_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('npm run connector:new', () => {
  it('writes the connector, its fake and its test, and registers it', async () => {
    expect(files).toEqual([
      'functions/connectors/acme-hr/manifest.ts',
      'functions/connectors/acme-hr/connector.ts',
      'local/fakes/acme-hr.ts',
      'test/unit/connectors/acme-hr.test.ts',
      REGISTRY_FILE,
      MANIFESTS_FILE,
    ]);
    const manifests = await readFile(join(root, MANIFESTS_FILE), 'utf8');
    expect(manifests).toContain("import acmeHr from './acme-hr/manifest.ts';");
    expect(manifests).toMatch(
      / {2}registeredManifest\(acmeHr\),\n {2}\/\/ connector:new adds connectors above this line/,
    );
    const registry = await readFile(join(root, REGISTRY_FILE), 'utf8');
    expect(registry).toContain("import acmeHr from './acme-hr/connector.ts';");
    expect(registry).toMatch(
      / {2}registered\(acmeHr\),\n {2}\/\/ connector:new adds connectors above this line/,
    );
    await expect(scaffoldConnector(root, 'acme-hr')).rejects.toThrow(/exists already/);
    await expect(scaffoldConnector(root, 'Acme_HR')).rejects.toThrow(/not a connector id/);
  });

  it('generates code that passes Biome and the type checker', async () => {
    await expect(run(bin('biome'), ['check', ...files], { cwd: root })).resolves.toBeDefined();
    await expect(run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: root })).resolves.toBeDefined();
  }, 60_000);

  it('generates a test that passes against the generated fake', async () => {
    const { stdout } = await run(bin('vitest'), ['run', 'test/unit/connectors/acme-hr.test.ts'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Tests\s+4 passed/);
  }, 60_000);
});
