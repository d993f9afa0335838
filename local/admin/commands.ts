/**
 * The admin commands behind `npm run admin -- <command>`: directories, tokens, OAuth settings and
 * the values to paste into the IdPs. They work on the table through the same adapters the
 * functions use, so what the CLI writes is what authentication reads.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDirectoryStore } from '../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoRevocationLedger } from '../../shared/adapters/dynamodb/revocation-ledger.ts';
import { DynamoTokenStore, generateToken } from '../../shared/adapters/dynamodb/token-store.ts';
import { ConfirmationRefused, EvidenceService } from '../../shared/connectors/evidence.ts';
import { isoTime } from '../../shared/connectors/evidence-api.ts';
import {
  EVIDENCE_FORMATS,
  type EvidenceFormat,
  formatEvidenceReport,
  formatLeaverEvidence,
} from '../../shared/connectors/evidence-format.ts';
import { DIRECTORY_ID } from '../../shared/contracts/routes.ts';
import type { OAuthSettings } from '../../shared/ports/directory-store.ts';
import { idpValues, scimBaseUrl } from './idp-values.ts';
import { migrateEvidence } from './migrate-evidence.ts';
import { type AdminTarget, AdminUsageError, resolveTarget } from './target.ts';

export const ADMIN_USAGE = `usage: npm run admin -- <command> [options]

  directory create <id> [--name <display name>]
  directory list
  directory delete <id> --yes           deletes the directory, its tokens and all its users
  token mint <directory> [--label <text>] [--expires-in-days <n>]
  token list <directory>
  token revoke <directory> <token id>
  oauth set <directory> --issuer <iss> --audience <aud>... --jwks-uri <url>
            [--scope <scope>] [--client-id <id>]... [--algorithm RS256]...
  oauth entra <directory> --tenant <tenant id> [--client-id <id>]...
  oauth clear <directory>
  connect <directory>                   the values to paste into Entra ID and Okta
  evidence <userId|userName> [--directory default] [--format table|json|csv]
                                        when the IdP deactivated/deleted the leaver, and per application
                                        the status, times and attempts
  evidence-report --since <date> [--until <date>] [--directory default] [--format table|json|csv]
                                        every leaver since the date: complete or not, and why
  confirm <userId|userName> <connector> [--by <name>] [--directory default]
                                        records that an operator did a manual task (who and when)
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
  format: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  by: { type: 'string' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

/**
 * Runs one admin command; resolves to the process exit code (0 ok, 1 not found, 2 usage).
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
    if (error instanceof NotFound) {
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

interface CommandInput {
  readonly target: AdminTarget;
  readonly flags: Flags;
  readonly args: readonly string[];
  readonly print: (line: string) => void;
}

type Command = (input: CommandInput) => Promise<number>;

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
  'directory delete': async (input) => {
    const id = directoryArg(input);
    await requireDirectory(input, id);
    if (!input.flags.yes)
      throw new AdminUsageError(`Deleting ${id} removes its tokens and users: add --yes.`);
    const removed = await stores(input).directories.delete(id);
    input.print(`Deleted directory ${id} and ${removed} items (tokens, users, indexes).`);
    return 0;
  },
  'token mint': async (input) => {
    const id = directoryArg(input);
    const { directories, tokens } = stores(input);
    // `npm run token` always created the directory it minted for; keep that, but say so.
    if (await directories.create(id, id)) input.print(`Created directory ${id}.`);
    const days = input.flags['expires-in-days'];
    if (days !== undefined && !(Number(days) > 0))
      throw new AdminUsageError('--expires-in-days must be > 0.');
    const now = new Date();
    const expiresAt = days === undefined ? undefined : new Date(now.getTime() + Number(days) * 86_400_000);
    const token = generateToken();
    const label = input.flags.label ?? 'issued by npm run admin';
    const tokenId = await tokens.register(id, token, { label, now, ...(expiresAt ? { expiresAt } : {}) });
    input.print(`Directory:  ${id}
Token id:   ${tokenId} (${label})${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}
Token:      ${token}

It is stored only as a hash and cannot be shown again.
`);
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
        `${t.tokenId}\t${t.label}\tcreated ${t.created}\t${state}\tlast used ${t.lastUsedAt ?? 'never'}`,
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

/** The evidence commands' directory: `--directory`, else `default` (the one `npm start` serves). */
function evidenceDirectory({ flags }: CommandInput): string {
  const id = flags.directory ?? 'default';
  if (!DIRECTORY_ID.test(id)) throw new AdminUsageError('--directory: 1 to 64 letters, digits, "-" or "_".');
  return id;
}

function formatFlag({ flags }: CommandInput): EvidenceFormat {
  const format = (flags.format ?? 'table') as EvidenceFormat;
  if (!EVIDENCE_FORMATS.includes(format))
    throw new AdminUsageError(`--format must be one of ${EVIDENCE_FORMATS.join(', ')}.`);
  return format;
}

/** The evidence table, or a usage error saying which stack output names it. */
function evidenceTableOf({ target }: CommandInput): string {
  if (!target.evidenceTableName)
    throw new AdminUsageError(
      'The evidence is in its own table: add --evidence-table <the EvidenceTableName stack output>.',
    );
  return target.evidenceTableName;
}

const evidenceOf = (input: CommandInput) =>
  new EvidenceService(new DynamoRevocationLedger(input.target.client, evidenceTableOf(input)));

/** The one leaver a user id or userName names, or a usage error saying why not. */
async function oneLeaver(
  input: CommandInput,
  directoryId: string,
  reference: string | undefined,
): Promise<string> {
  if (!reference) throw new AdminUsageError('Which user? Give a user id or a userName.');
  const ids = await evidenceOf(input).resolve(directoryId, reference);
  if (ids.length > 1)
    throw new AdminUsageError(
      `${ids.length} leavers had the userName ${reference}; give one of their ids: ${ids.join(', ')}.`,
    );
  const [id] = ids;
  if (!id)
    throw new NotFound(`No leaver ${reference} in directory ${directoryId} (${input.target.description}).`);
  return id;
}

/** Nothing to show: printed, exit code 1. */
class NotFound extends Error {
  override readonly name = 'NotFound';
}

const evidenceCommands: Readonly<Record<string, Command>> = {
  'evidence-migrate': async (input) => {
    const evidenceTableName = evidenceTableOf(input);
    const only = input.flags.directory;
    if (only !== undefined && !DIRECTORY_ID.test(only))
      throw new AdminUsageError('--directory: 1 to 64 letters, digits, "-" or "_".');
    const directoryIds = only ? [only] : (await stores(input).directories.list()).map((d) => d.id);
    const { copied, present } = await migrateEvidence({
      client: input.target.client,
      directoryTableName: input.target.tableName,
      evidenceTableName,
      directoryIds,
    });
    input.print(
      `Copied ${copied} ledger items of ${directoryIds.length} directories into ${evidenceTableName}` +
        ` (${present} were there already).`,
    );
    return 0;
  },
  evidence: async (input) => {
    const directoryId = evidenceDirectory(input);
    const format = formatFlag(input);
    const id = await oneLeaver(input, directoryId, input.args[0]);
    const leaver = await evidenceOf(input).leaver(directoryId, id);
    if (!leaver) throw new NotFound(`User ${id} has not left: the ledger has no leaving for them.`);
    input.print(formatLeaverEvidence(leaver, format));
    return 0;
  },
  'evidence-report': async (input) => {
    const directoryId = evidenceDirectory(input);
    const format = formatFlag(input);
    const since = isoTime(input.flags.since);
    if (!since) throw new AdminUsageError('--since <date> is needed: 2026-01-01 or an ISO 8601 time.');
    const until = input.flags.until === undefined ? undefined : isoTime(input.flags.until);
    if (input.flags.until !== undefined && !until) throw new AdminUsageError('--until must be a date.');
    input.print(formatEvidenceReport(await evidenceOf(input).report(directoryId, since, until), format));
    return 0;
  },
  confirm: async (input) => {
    const directoryId = evidenceDirectory(input);
    const [reference, connectorId] = input.args;
    if (!connectorId)
      throw new AdminUsageError('confirm needs a user and a connector: confirm <user> <connector>.');
    const id = await oneLeaver(input, directoryId, reference);
    const by = input.flags.by ?? userInfo().username;
    try {
      const state = await evidenceOf(input).confirm(directoryId, id, connectorId, by);
      input.print(
        `Confirmed ${state.application} (${connectorId}) for ${reference}, by ${by} at ${state.updatedAt}.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof ConfirmationRefused) throw new NotFound(error.message);
      throw error;
    }
  },
};

async function configure(
  input: CommandInput,
  base: Pick<OAuthSettings, 'issuer' | 'audience' | 'jwksUri'>,
): Promise<number> {
  const id = directoryArg(input);
  await requireDirectory(input, id);
  for (const url of [base.issuer, base.jwksUri])
    if (!/^https:\/\//.test(url) && !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(url))
      throw new AdminUsageError(`${url}: issuer and JWKS URI must be https.`);
  const settings: OAuthSettings = {
    ...base,
    algorithms: input.flags.algorithm ?? ['RS256'],
    ...(input.flags.scope ? { requiredScope: input.flags.scope } : {}),
    ...(input.flags['client-id'] ? { clientIds: input.flags['client-id'] } : {}),
  };
  await stores(input).directories.configureOAuth(id, settings);
  input.print(`Directory ${id} now also accepts JWTs:\n${JSON.stringify(settings, null, 2)}`);
  return 0;
}
