/**
 * The admin commands behind `npm run admin -- <command>`: directories, tokens, OAuth settings and
 * the values to paste into the IdPs. They work on the table through the same adapters the
 * functions use, so what the CLI writes is what authentication reads.
 */
import { parseArgs } from 'node:util';
import { DynamoDirectoryStore } from '../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoTokenStore, generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { DEFAULT_MAX_JWT_LIFETIME_SECONDS } from '../../shared/auth/oauth-jwt.ts';
import { DIRECTORY_ID } from '../../shared/contracts/routes.ts';
import type { OAuthSettings } from '../../shared/ports/directory-store.ts';
import { deleteDirectory } from './directory-delete.ts';
import { evidenceCommands } from './evidence-commands.ts';
import { idpValues, scimBaseUrl } from './idp-values.ts';
import { oauthSettings } from './oauth-settings.ts';
import { type AdminTarget, AdminUsageError, CommandRefused, NotFound, resolveTarget } from './target.ts';

export const ADMIN_USAGE = `usage: npm run admin -- <command> [options]

  directory create <id> [--name <display name>]
  directory list
  directory delete <id> --yes [--force] refuses every credential of the directory at once, then
                                        deletes all it holds and reports what; with users in it,
                                        refused unless --force: each user is then deleted with a
                                        user.deleted event, so connectors deprovision them
  token mint <directory> [--label <text>] [--expires-in-days <n>] [--conformance]
                                        --conformance: for npm run scim-check; the users it creates
                                        are test users no connector acts on (expires in 1 day)
  token list <directory>
  token revoke <directory> <token id>
  oauth set <directory> --issuer <iss> --audience <aud>... --jwks-uri <url>
            [--scope <scope>] [--client-id <id>]... [--algorithm RS256]...
            [--max-lifetime-hours <n>]  longest a JWT may live (exp - iat), default ${DEFAULT_MAX_JWT_LIFETIME_SECONDS / 3600}
  oauth entra <directory> --tenant <tenant id> [--client-id <id>]... [--max-lifetime-hours <n>]
  oauth clear <directory>
  connect <directory>                   the values to paste into Entra ID and Okta
  evidence <userId|userName> [--directory default] [--format table|json|csv]
                                        when the IdP deactivated/deleted the leaver, and per application
                                        the status, times and attempts
  evidence-report --since <date> [--until <date>] [--directory default] [--format table|json|csv]
                  [--fail-on-incomplete]
                                        every leaver since the date: complete or not, and why;
                                        exit code 3 with --fail-on-incomplete if one is incomplete
  confirm <userId|userName> <connector> [--by <name>] [--closes login,sessions,apiTokens,seat]
                                        records that an operator did a manual task (who, when, and
                                        what they say it closed: nothing claimed without --closes)
  evidence-migrate [--directory <id>]   copies the ledger of a deployment made before the evidence
                                        table existed from the directory table into it (every
                                        directory by default; safe to repeat)

target (default: the running npm start):
  --endpoint <url>    DynamoDB Local    --table <name>    the table (a deployed one: AWS credentials)
  --evidence-table <name>               the EvidenceTableName stack output (evidence commands)
  --base-url <url>    the API URL or the ScimBaseUrl stack output, for the printed values`;

/** Entra's fixed audience for custom (non-gallery) apps' provisioning tokens (see IDP facts). */
export const ENTRA_SCIM_AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';

const options = {
  table: { type: 'string' },
  'evidence-table': { type: 'string' },
  endpoint: { type: 'string' },
  'base-url': { type: 'string' },
  'runtime-file': { type: 'string' },
  directory: { type: 'string' },
  name: { type: 'string' },
  label: { type: 'string' },
  'expires-in-days': { type: 'string' },
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  'jwks-uri': { type: 'string' },
  scope: { type: 'string' },
  'client-id': { type: 'string', multiple: true },
  algorithm: { type: 'string', multiple: true },
  tenant: { type: 'string' },
  yes: { type: 'boolean' },
  force: { type: 'boolean' },
  'settle-seconds': { type: 'string' },
  'max-lifetime-hours': { type: 'string' },
  format: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  by: { type: 'string' },
  closes: { type: 'string' },
  'fail-on-incomplete': { type: 'boolean' },
  conformance: { type: 'boolean' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/**
 * Runs one admin command; resolves to the process exit code (0 ok, 1 not found, 2 usage, 3 an
 * incomplete leaver under `evidence-report --fail-on-incomplete`).
 *
 * @example
 * process.exitCode = await runAdmin(['token', 'mint', 'okta', '--label', 'Okta prod'], console.log);
 */
export async function runAdmin(argv: readonly string[], print: (line: string) => void): Promise<number> {
  let target: AdminTarget | undefined;
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true });
    const [group, action, ...rest] = positionals;
    if (!group || group === 'help') {
      print(ADMIN_USAGE);
      return group ? 0 : 2;
    }
    target = await resolveTarget({
      table: values.table,
      evidenceTable: values['evidence-table'],
      endpoint: values.endpoint,
      baseUrl: values['base-url'],
      runtimeFile: values['runtime-file'],
    });
    const command = commands[`${group} ${action ?? ''}`.trim()] ?? commands[group] ?? evidenceCommands[group];
    if (!command) throw new AdminUsageError(`Unknown command "${positionals.join(' ')}".`);
    const args =
      commands[group] || evidenceCommands[group]
        ? [action, ...rest].filter((x): x is string => x !== undefined)
        : rest;
    return await command({ target, flags: values, args, print });
  } catch (error) {
    if (error instanceof NotFound || error instanceof CommandRefused) {
      print(error.message);
      return 1;
    }
    if (error instanceof AdminUsageError || (error instanceof TypeError && 'code' in error)) {
      print(`error: ${error.message}\n\n${ADMIN_USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    target?.client.destroy();
  }
}

export interface CommandInput {
  readonly target: AdminTarget;
  readonly flags: Flags;
  readonly args: readonly string[];
  readonly print: (line: string) => void;
}

export type Command = (input: CommandInput) => Promise<number>;

/** The directory named by the first argument (or `--directory`, as `npm run token` passes it). */
function directoryArg({ args, flags }: CommandInput): string {
  const id = args[0] ?? flags.directory;
  if (!id || !DIRECTORY_ID.test(id))
    throw new AdminUsageError('A directory id is needed: 1 to 64 letters, digits, "-" or "_".');
  return id;
}

const stores = ({ target }: CommandInput) => ({
  directories: new DynamoDirectoryStore(target.client, target.tableName),
  tokens: new DynamoTokenStore(target.client, target.tableName),
});

async function requireDirectory(input: CommandInput, id: string): Promise<void> {
  if (!(await stores(input).directories.get(id)))
    throw new AdminUsageError(`No directory "${id}" in ${input.target.description}.`);
}

const commands: Readonly<Record<string, Command>> = {
  'directory create': async (input) => {
    const id = directoryArg(input);
    const created = await stores(input).directories.create(id, input.flags.name ?? id);
    const deletingSince = created ? undefined : (await stores(input).directories.get(id))?.deletingSince;
    if (deletingSince)
      throw new CommandRefused(
        `Directory ${id} is being deleted (since ${deletingSince}): finish with npm run admin -- directory delete ${id} --yes, then create it again.`,
      );
    input.print(
      created ? `Created directory ${id} in ${input.target.description}.` : `Directory ${id} exists.`,
    );
    input.print(
      `\n  SCIM base URL:  ${scimBaseUrl(input.target.apiUrl, id)}\n\nNext: npm run admin -- token mint ${id}`,
    );
    return 0;
  },
  'directory list': async (input) => {
    for (const directory of await stores(input).directories.list())
      input.print(
        `${directory.id}\t${directory.displayName}\tcreated ${directory.created}\t${directory.oauth ? `oauth: ${directory.oauth.issuer}` : 'static tokens'}`,
      );
    return 0;
  },
  'directory delete': async (input) =>
    deleteDirectory({
      target: input.target,
      directoryId: directoryArg(input),
      yes: input.flags.yes === true,
      force: input.flags.force === true,
      ...(input.flags['settle-seconds'] === undefined
        ? {}
        : { settleSeconds: input.flags['settle-seconds'] }),
      print: input.print,
    }),
  'token mint': async (input) => {
    const id = directoryArg(input);
    const { directories, tokens } = stores(input);
    // A typo must not create a directory (and a token) nobody meant to have.
    const directory = await directories.get(id);
    if (!directory)
      throw new CommandRefused(
        `No directory "${id}" in ${input.target.description}: create it first with npm run admin -- directory create ${id}`,
      );
    if (directory.deletingSince)
      throw new CommandRefused(`Directory ${id} is being deleted (since ${directory.deletingSince}).`);
    const conformance = input.flags.conformance === true;
    // A conformance token exempts what it creates from deprovisioning: it must not live on unnoticed.
    const days = input.flags['expires-in-days'] ?? (conformance ? '1' : undefined);
    if (days !== undefined && !(Number(days) > 0))
      throw new AdminUsageError('--expires-in-days must be > 0.');
    const now = new Date();
    const expiresAt = days === undefined ? undefined : new Date(now.getTime() + Number(days) * 86_400_000);
    const token = generateToken();
    const label = input.flags.label ?? (conformance ? 'scim-check' : 'issued by npm run admin');
    const tokenId = await tokens.register(id, token, {
      label,
      now,
      ...(expiresAt ? { expiresAt } : {}),
      ...(conformance ? { purpose: 'conformance' as const } : {}),
    });
    input.print(`Directory:  ${id}
Token id:   ${tokenId} (${label}${conformance ? ', conformance' : ''})${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}
Token:      ${token}

It is stored only as a hash and cannot be shown again.
`);
    if (conformance) {
      input.print(`For npm run scim-check, never for an IdP: every user it creates is a test user whose events
are not published (no connector acts on it, the evidence never lists it).

  npm run scim-check -- --base ${scimBaseUrl(input.target.apiUrl, id)} --token ${token}`);
      return 0;
    }
    for (const line of idpValues({ baseUrl: scimBaseUrl(input.target.apiUrl, id), token })) input.print(line);
    return 0;
  },
  'token list': async (input) => {
    const id = directoryArg(input);
    await requireDirectory(input, id);
    const now = new Date().toISOString();
    for (const t of await stores(input).tokens.list(id)) {
      const state = t.revokedAt
        ? `revoked ${t.revokedAt}`
        : t.expiresAt && t.expiresAt <= now
          ? `expired ${t.expiresAt}`
          : `active${t.expiresAt ? ` until ${t.expiresAt}` : ''}`;
      input.print(
        `${t.tokenId}\t${t.label}${t.purpose ? ` (${t.purpose})` : ''}\tcreated ${t.created}\t${state}\tlast used ${t.lastUsedAt ?? 'never'}`,
      );
    }
    return 0;
  },
  'token revoke': async (input) => {
    const id = directoryArg(input);
    const tokenId = input.args[1];
    if (!tokenId) throw new AdminUsageError('Which token? Give the token id that `token list` shows.');
    if (!(await stores(input).tokens.revoke(id, tokenId))) {
      input.print(`No token ${tokenId} in directory ${id}.`);
      return 1;
    }
    input.print(`Revoked token ${tokenId} of directory ${id}: refused from the next request on.`);
    return 0;
  },
  'oauth set': async (input) => {
    const { issuer, audience, 'jwks-uri': jwksUri } = input.flags;
    if (!issuer || !audience?.length || !jwksUri)
      throw new AdminUsageError('oauth set needs --issuer, --audience and --jwks-uri.');
    return configure(input, { issuer, audience, jwksUri });
  },
  'oauth entra': async (input) => {
    const tenant = input.flags.tenant;
    if (!tenant || !/^[0-9a-fA-F-]{36}$/.test(tenant))
      throw new AdminUsageError('--tenant <tenant id (a GUID)> is needed.');
    return configure(input, {
      issuer: `https://sts.windows.net/${tenant}/`,
      audience: [ENTRA_SCIM_AUDIENCE],
      jwksUri: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
    });
  },
  'oauth clear': async (input) => {
    const id = directoryArg(input);
    await requireDirectory(input, id);
    await stores(input).directories.configureOAuth(id, undefined);
    input.print(`Directory ${id} accepts static tokens only.`);
    return 0;
  },
  connect: async (input) => {
    const id = directoryArg(input);
    await requireDirectory(input, id);
    for (const line of idpValues({ baseUrl: scimBaseUrl(input.target.apiUrl, id) })) input.print(line);
    return 0;
  },
};

async function configure(
  input: CommandInput,
  base: Pick<OAuthSettings, 'issuer' | 'audience' | 'jwksUri'>,
): Promise<number> {
  const id = directoryArg(input);
  await requireDirectory(input, id);
  const settings = oauthSettings(base, input.flags);
  await stores(input).directories.configureOAuth(id, settings);
  input.print(`Directory ${id} now also accepts JWTs:\n${JSON.stringify(settings, null, 2)}`);
  return 0;
}
