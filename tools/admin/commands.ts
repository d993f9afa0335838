/**
 * The admin commands behind `npm run admin -- <command>`: directories, tokens, OAuth settings and
 * the values to paste into the IdPs. They work on the table through the same adapters the
 * functions use, so what the CLI writes is what authentication reads.
 */
import { DynamoDirectoryStore } from '../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoTokenStore, generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { DIRECTORY_ID } from '../../shared/contracts/routes.ts';
import type { OAuthSettings } from '../../shared/ports/directory-store.ts';
import { type AdminDispatch, type AdminFlags, parseAdmin } from './cli.ts';
import { deleteDirectory } from './directory-delete.ts';
import { evidenceCommands } from './evidence-commands.ts';
import { idpValues, scimBaseUrl } from './idp-values.ts';
import { oauthSettings } from './oauth-settings.ts';
import { type AdminTarget, AdminUsageError, CommandRefused, NotFound, resolveTarget } from './target.ts';

/** Entra's fixed audience for custom (non-gallery) apps' provisioning tokens (see IDP facts). */
export const ENTRA_SCIM_AUDIENCE = '8adf8e6e-67b2-4cf2-a259-e3dc5476c621';

/**
 * Runs one admin command; resolves to the process exit code (0 ok or help, 1 not found or
 * refused, 2 usage, 3 an incomplete leaver under `evidence-report --fail-on-incomplete`).
 * Errors are one line on `printError`; results on `print`.
 *
 * @example
 * process.exitCode = await runAdmin(['token', 'mint', 'okta', '--label', 'Okta prod'], console.log, console.error);
 */
export async function runAdmin(
  argv: readonly string[],
  print: (line: string) => void,
  printError: (line: string) => void = print,
): Promise<number> {
  const dispatch: AdminDispatch = async (name, flags, args) => {
    let target: AdminTarget | undefined;
    try {
      target = await resolveTarget({
        table: flags.table,
        evidenceTable: flags['evidence-table'],
        endpoint: flags.endpoint,
        baseUrl: flags['base-url'],
        runtimeFile: flags['runtime-file'],
      });
      const command = commands[name] ?? evidenceCommands[name];
      if (!command) throw new AdminUsageError(`Unknown command "${name}".`);
      return await command({ target, flags, args, print });
    } catch (error) {
      if (error instanceof NotFound || error instanceof CommandRefused) {
        printError(error.message);
        return 1;
      }
      if (error instanceof AdminUsageError) {
        printError(`error: ${error.message.replace(/\.$/, '')} (see npm run admin -- ${name} --help)`);
        return 2;
      }
      // An unreachable table, missing AWS credentials…: one line as well, exit code 1 as before.
      if (error instanceof Error) {
        printError(`error: ${error.message || error.name}`);
        return 1;
      }
      throw error;
    } finally {
      target?.client.destroy();
    }
  };
  return parseAdmin(argv, dispatch, { print, printError });
}

export interface CommandInput {
  readonly target: AdminTarget;
  readonly flags: AdminFlags;
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
    // Tab-separated under a header row: readable, and still one `cut -f` away for a script.
    const directories = await stores(input).directories.list();
    input.print('DIRECTORY\tNAME\tCREATED\tAUTHENTICATION');
    for (const directory of directories)
      input.print(
        `${directory.id}\t${directory.displayName}\t${directory.created}\t${directory.oauth ? `oauth: ${directory.oauth.issuer}` : 'static tokens'}`,
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
    const tokens = await stores(input).tokens.list(id);
    input.print('TOKEN ID\tLABEL\tCREATED\tSTATE\tLAST USED');
    for (const t of tokens) {
      const state = t.revokedAt
        ? `revoked ${t.revokedAt}`
        : t.expiresAt && t.expiresAt <= now
          ? `expired ${t.expiresAt}`
          : `active${t.expiresAt ? ` until ${t.expiresAt}` : ''}`;
      input.print(
        `${t.tokenId}\t${t.label}${t.purpose ? ` (${t.purpose})` : ''}\t${t.created}\t${state}\t${t.lastUsedAt ?? 'never'}`,
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
