/**
 * `npm run connector:new -- <name>`: a new connector that works before its author changes a line.
 * Writes the connector (functions/connectors/<name>/connector.ts), a local fake of its vendor
 * (local/fakes/<name>.ts, which `npm start` runs it against) and its test
 * (test/unit/connectors/<name>.test.ts), with its manifest (manifest.ts: id, application, settings
 * and secrets schemas, events; what the CDK app reads), and adds it to the registry and the manifests. The example vendor API in
 * them (find a user by e-mail, deactivate, activate) is the part to replace with the vendor's
 * documented one; docs/connectors.md walks through it.
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';

export interface ScaffoldResult {
  /** Paths written, relative to the root. */
  readonly files: readonly string[];
}

export const REGISTRY_FILE = 'functions/connectors/registry.ts';
export const MANIFESTS_FILE = 'functions/connectors/manifests.ts';
const IMPORT_MARKER = '// connector:new adds imports above this line';
const ENTRY_MARKER = '  // connector:new adds connectors above this line';

/** kebab-case, as connector ids are (ledger keys, queue and function names). */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const pascal = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
const camel = (name: string) => pascal(name).charAt(0).toLowerCase() + pascal(name).slice(1);
const title = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');

/**
 * Writes the connector, its fake and its test under `root`, and registers it.
 *
 * @example
 * await scaffoldConnector(process.cwd(), 'acme-hr'); // { files: ['functions/connectors/acme-hr/connector.ts', …] }
 */
export async function scaffoldConnector(root: string, name: string): Promise<ScaffoldResult> {
  if (!NAME.test(name) || name.length > 40)
    throw new Error(`"${name}" is not a connector id: lower-case letters and digits, words joined by "-".`);
  const files: Record<string, string> = {
    [`functions/connectors/${name}/manifest.ts`]: manifestTemplate(name),
    [`functions/connectors/${name}/connector.ts`]: connectorTemplate(name),
    [`local/fakes/${name}.ts`]: fakeTemplate(name),
    [`test/unit/connectors/${name}.test.ts`]: testTemplate(name),
  };
  for (const path of Object.keys(files))
    if (await exists(join(root, path))) throw new Error(`${path} exists already: choose another name.`);
  const lists = [
    { file: REGISTRY_FILE, module: 'connector', wrap: 'registered' },
    { file: MANIFESTS_FILE, module: 'manifest', wrap: 'registeredManifest' },
  ] as const;
  const texts = await Promise.all(lists.map((list) => readFile(join(root, list.file), 'utf8')));
  lists.forEach((list, at) => {
    const text = texts[at] ?? '';
    if (!text.includes(IMPORT_MARKER) || !text.includes(ENTRY_MARKER))
      throw new Error(`${list.file} has lost its connector:new markers; add the connector by hand.`);
    if (text.includes(`'./${name}/${list.module}.ts'`)) throw new Error(`${name} is registered already.`);
  });

  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  for (const [at, list] of lists.entries())
    await writeFile(
      join(root, list.file),
      (texts[at] ?? '')
        .replace(IMPORT_MARKER, `import ${camel(name)} from './${name}/${list.module}.ts';\n${IMPORT_MARKER}`)
        .replace(ENTRY_MARKER, `  ${list.wrap}(${camel(name)}),\n${ENTRY_MARKER}`),
    );
  const written = [...Object.keys(files), REGISTRY_FILE, MANIFESTS_FILE];
  // The project's own formatter lays the code out (line lengths depend on the name) and sorts
  // the registry's imports, so what is generated is what Biome would have written.
  await promisify(execFile)(join(root, 'node_modules/.bin/biome'), ['check', '--write', ...written], {
    cwd: root,
  });
  return { files: written };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function manifestTemplate(name: string): string {
  return `/**
 * What the deployment knows of ${title(name)} without loading the connector: id, application,
 * settings and secrets schemas, and the events it acts on (see shared/connectors/manifest.ts).
 */
import { z } from 'zod';
import { defineManifest } from '#connectors/manifest.ts';
import { accountEmailSetting } from '#connectors/user-identity.ts';

const settings = z.object({
  /** The vendor API's base URL. */
  apiBaseUrl: z.url(),
  /** Which of the user's addresses is their login at the vendor. */
  accountEmail: accountEmailSetting,
});

/** An API token with the right to deactivate users. */
const secrets = z.object({ apiToken: z.string().min(1) });

export default defineManifest({
  id: '${name}',
  application: '${title(name)}',
  settings,
  secrets,
  events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
});
`;
}

function connectorTemplate(name: string): string {
  return `/**
 * ${title(name)}: revokes a leaver's access through the vendor's user API, and restores a returner.
 * Generated by \`npm run connector:new\`: replace the example API (find a user by e-mail,
 * deactivate, activate) with the vendor's documented one; see docs/connectors.md.
 */
import { z } from 'zod';
import { defineConnector, type Outcome, type VendorHttp } from '#connectors/connector.ts';
import { failureOutcome, succeeded } from '#connectors/outcomes.ts';
import { type AccountEmailSource, accountEmail, noAddressDetail } from '#connectors/user-identity.ts';
import { bearerToken } from '#connectors/vendor-auth.ts';
import type { UserSnapshot } from '#events/envelope.ts';
import manifest from './manifest.ts';

const APPLICATION = manifest.application;

const usersFound = z.object({ users: z.array(z.object({ id: z.string(), email: z.string() })) });

export default defineConnector({
  ...manifest,
  http: ({ settings, secrets }) => ({
    baseUrl: settings.apiBaseUrl,
    auth: bearerToken(secrets.apiToken),
    requestIdHeaders: ['x-request-id'],
  }),
  handlers: {
    'user.deactivated': (event, { http, settings }) => setActive(http, settings.accountEmail, event.user, false),
    'user.deleted': (event, { http, settings }) => setActive(http, settings.accountEmail, event.user, false),
    'user.reactivated': (event, { http, settings }) => setActive(http, settings.accountEmail, event.user, true),
  },
});

async function setActive(
  http: VendorHttp,
  source: AccountEmailSource,
  user: UserSnapshot,
  active: boolean,
): Promise<Outcome> {
  const email = accountEmail(user, source);
  if (!email) return { status: 'not_found', detail: noAddressDetail(APPLICATION, user, source) };
  const found = await http.request({ method: 'GET', url: 'users', query: { email } });
  if (!succeeded(found)) return failureOutcome(APPLICATION, found, \`find \${email}\`);
  const [account] = usersFound.parse(found.body).users;
  if (!account) return { status: 'not_found', detail: \`\${APPLICATION} has no user \${email}\` };
  const action = active ? 'activate' : 'deactivate';
  const changed = await http.request({ method: 'POST', url: \`users/\${encodeURIComponent(account.id)}/\${action}\` });
  if (!succeeded(changed)) return failureOutcome(APPLICATION, changed, \`\${action} \${email}\`);
  return {
    status: active ? 'restored' : 'revoked',
    detail: \`\${APPLICATION} user \${email} \${action}d\`,
    vendorReference: account.id,
  };
}
`;
}

function fakeTemplate(name: string): string {
  return `/**
 * A local ${title(name)} for the connector's test and \`npm start\`: the example user API of the
 * generated connector (bearer token, find by e-mail, deactivate, activate). Replace it with the
 * vendor's documented contract together with the connector.
 */
import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeVendor, matchPath, startFakeServer } from './fake-server.ts';

export interface ${pascal(name)}User {
  readonly id: string;
  readonly email: string;
  active: boolean;
}

export interface ${pascal(name)}Fake extends FakeVendor {
  readonly users: Map<string, ${pascal(name)}User>;
  byEmail(email: string): ${pascal(name)}User | undefined;
  /** The settings and secrets that point the connector at this fake. */
  connectorConfig(): { settings: { apiBaseUrl: string }; secrets: { apiToken: string } };
}

const TOKEN = 'fake-${name}-token';

/**
 * @example
 * const fake = await startFake({ users: ['ada@example.com'] });
 */
export async function startFake(
  options: { users?: readonly string[]; accountsForEveryone?: boolean } = {},
): Promise<${pascal(name)}Fake> {
  const users = new Map<string, ${pascal(name)}User>();
  const add = (email: string) => {
    const user = { id: randomUUID(), email, active: true };
    users.set(user.id, user);
    return user;
  };
  for (const email of options.users ?? []) add(email);
  const byEmail = (email: string) =>
    [...users.values()].find((user) => user.email.toLowerCase() === email.toLowerCase());

  const fake = await startFakeServer(
    (request): FakeReply => {
      if (request.headers.authorization !== \`Bearer \${TOKEN}\`) return { status: 401, body: { message: 'Bad token' } };
      const path = request.url.pathname;
      if (request.method === 'GET' && path === '/users') {
        const email = request.url.searchParams.get('email') ?? '';
        const user = byEmail(email) ?? (options.accountsForEveryone ? add(email) : undefined);
        return { status: 200, body: { users: user ? [user] : [] } };
      }
      for (const action of ['deactivate', 'activate'] as const) {
        const params = matchPath(\`/users/:id/\${action}\`, path);
        const user = params ? users.get(params.id ?? '') : undefined;
        if (request.method === 'POST' && params) {
          if (!user) return { status: 404, body: { message: 'No such user' } };
          user.active = action === 'activate';
          return { status: 200, body: user };
        }
      }
      return { status: 404, body: { message: 'No such route' } };
    },
    {
      errorBody: (status) => ({ message: \`Error \${status}\` }),
      headers: () => ({ 'x-request-id': randomUUID() }),
    },
  );
  return {
    ...fake,
    users,
    byEmail,
    connectorConfig: () => ({ settings: { apiBaseUrl: fake.url }, secrets: { apiToken: TOKEN } }),
  };
}
`;
}

function testTemplate(name: string): string {
  return `import { afterEach, describe, expect, it } from 'vitest';
import ${camel(name)} from '../../../functions/connectors/${name}/connector.ts';
import { type ${pascal(name)}Fake, startFake } from '../../../local/fakes/${name}.ts';
import { runHandler, userEvent } from '../../support/connector-harness.ts';

let fake: ${pascal(name)}Fake;
afterEach(() => fake?.close());

const ADA = 'ada.lovelace@example.com';

describe('${title(name)} connector, against its local fake', () => {
  it('deactivates a leaver, naming the vendor account as evidence', async () => {
    fake = await startFake({ users: [ADA, 'grace@example.com'] });
    const outcome = await runHandler(${camel(name)}, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome).toMatchObject({ status: 'revoked', vendorReference: fake.byEmail(ADA)?.id });
    expect(fake.byEmail(ADA)?.active).toBe(false);
    expect(fake.byEmail('grace@example.com')?.active).toBe(true);
  });

  it('restores a returner', async () => {
    fake = await startFake({ users: [ADA] });
    await runHandler(${camel(name)}, userEvent('user.deleted'), fake.connectorConfig());
    const outcome = await runHandler(${camel(name)}, userEvent('user.reactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('restored');
    expect(fake.byEmail(ADA)?.active).toBe(true);
  });

  it('says not_found when the vendor has no such user', async () => {
    fake = await startFake();
    const outcome = await runHandler(${camel(name)}, userEvent('user.deactivated'), fake.connectorConfig());
    expect(outcome.status).toBe('not_found');
  });

  it('fails permanently on refused credentials, and retryably while the vendor is down', async () => {
    fake = await startFake({ users: [ADA] });
    const wrongToken = { ...fake.connectorConfig(), secrets: { apiToken: 'wrong' } };
    expect((await runHandler(${camel(name)}, userEvent('user.deactivated'), wrongToken)).status).toBe('failed_permanent');
    fake.down(60_000);
    expect((await runHandler(${camel(name)}, userEvent('user.deactivated'), fake.connectorConfig())).status).toBe(
      'failed_retryable',
    );
  });
});
`;
}

// Run as a script: `npm run connector:new -- <name>`.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const program = new Command('npm run connector:new --')
    .description(
      'Scaffolds a connector, a local fake of its vendor and its test, and adds it to the registry.',
    )
    .argument('<name>', 'the connector, in kebab-case, e.g. acme-hr')
    .exitOverride()
    .configureOutput({
      // One line, never the usage again: it is one --help away.
      outputError: (text, write) =>
        write(`${text.trim().replace(/\s*\n\s*/g, ' ')} (see npm run connector:new -- --help)\n`),
    })
    .action(async (name: string) => {
      const { files } = await scaffoldConnector(process.cwd(), name);
      console.log(`Created the ${name} connector:\n${files.map((file) => `  ${file}`).join('\n')}
Next: npx vitest run test/unit/connectors/${name}.test.ts, then replace the example vendor API (docs/connectors.md).`);
    });
  try {
    await program.parseAsync();
  } catch (error) {
    if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
    else {
      console.error(`error: ${(error as Error).message}`);
      process.exitCode = 2;
    }
  }
}
