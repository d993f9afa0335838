/**
 * The evidence commands of `npm run admin`: one leaver's evidence, the period report (with
 * `--fail-on-incomplete` for scheduled checks) and an operator's confirmation of a manual task.
 */
import { userInfo } from 'node:os';
import { DynamoDirectoryStore } from '../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoRevocationLedger } from '../../shared/adapters/dynamodb/revocation-ledger.ts';
import { ACCESS_PATHS, type AccessPath } from '../../shared/connectors/connector.ts';
import { DIRECTORY_ID } from '../../shared/contracts/routes.ts';
import { ConfirmationRefused, EvidenceService } from '../../shared/evidence/evidence.ts';
import { isoTime } from '../../shared/evidence/evidence-api.ts';
import {
  EVIDENCE_FORMATS,
  type EvidenceFormat,
  formatEvidenceReport,
  formatLeaverEvidence,
} from '../../shared/evidence/evidence-format.ts';
import type { Command, CommandInput } from './commands.ts';
import { migrateEvidence } from './migrate-evidence.ts';
import { AdminUsageError, NotFound } from './target.ts';

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

/** A `--since`/`--until` value as an ISO time, or a usage error naming the value. */
function dateFlag(value: string | undefined): string {
  const time = isoTime(value);
  if (!time) throw new AdminUsageError(`invalid date: ${value ?? ''} (use 2026-01-01 or an ISO 8601 time)`);
  return time;
}

/** `--closes login,seat`: what the operator says they closed; nothing claimed without it. */
function closesFlag({ flags }: CommandInput): AccessPath[] {
  const named = (flags.closes ?? '').split(/[\s,]+/).filter((name) => name !== '');
  const unknown = named.filter((name) => !(ACCESS_PATHS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new AdminUsageError(`--closes: ${unknown.join(', ')}? Name some of ${ACCESS_PATHS.join(', ')}.`);
  return named as AccessPath[];
}

export const evidenceCommands: Readonly<Record<string, Command>> = {
  'evidence-migrate': async (input) => {
    const evidenceTableName = evidenceTableOf(input);
    const only = input.flags.directory;
    if (only !== undefined && !DIRECTORY_ID.test(only))
      throw new AdminUsageError('--directory: 1 to 64 letters, digits, "-" or "_".');
    const directoryIds = only
      ? [only]
      : (await new DynamoDirectoryStore(input.target.client, input.target.tableName).list()).map((d) => d.id);
    // Many leavers make it a long copy: say it started, so a quiet terminal is not a hung one.
    input.print(`Copying the ledger of ${directoryIds.length} directories into ${evidenceTableName}…`);
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
    const since = dateFlag(input.flags.since);
    const until = input.flags.until === undefined ? undefined : dateFlag(input.flags.until);
    const report = await evidenceOf(input).report(directoryId, since, until);
    input.print(formatEvidenceReport(report, format));
    // For a scheduled check: a leaver not revoked everywhere must fail the job, not pass silently.
    return input.flags['fail-on-incomplete'] && report.incomplete > 0 ? 3 : 0;
  },
  confirm: async (input) => {
    const directoryId = evidenceDirectory(input);
    const [reference, connectorId] = input.args;
    if (!connectorId)
      throw new AdminUsageError('confirm needs a user and a connector: confirm <user> <connector>.');
    const id = await oneLeaver(input, directoryId, reference);
    const by = input.flags.by ?? userInfo().username;
    const closes = closesFlag(input);
    try {
      const state = await evidenceOf(input).confirm(directoryId, id, connectorId, by, closes);
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
