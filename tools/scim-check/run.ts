/**
 * `npm run scim-check`: replays the IdP conformance sequences (tools/conformance) against any SCIM
 * base URL and prints a pass/fail table, so that an operator can verify a deployment before
 * pointing an IdP at it. It runs only with a conformance token (`npm run admin -- token mint
 * <directory> --conformance`), whose users are test users: the relay publishes nothing about
 * them, so no connector acts on them and the evidence never lists them. With unique names and
 * clean-up steps (delete, or deactivate where the IdP never deletes), it is safe on a live
 * directory.
 */
import { Command, CommanderError } from 'commander';
import { CONFORMANCE_CREDENTIAL_HEADER } from '../../shared/contracts/conformance.ts';
import { runSequence, type ScimTarget, type SequenceResult } from '../conformance/runner.ts';
import { endpointsOf, type IdpConformance, type Sequence } from '../conformance/sequence.ts';
import { idps } from '../conformance/sequences/index.ts';
import { formatReport, type ReportRow, verdictOf } from './report.ts';

const NOTES = `
It creates users (and groups) with unique names and removes them again: deleted, or deactivated
where the IdP itself never deletes (Okta). The users a conformance token creates are test users:
no lifecycle event is published for them, so no connector acts on them and the evidence never
lists them. An IdP token is refused. Exit code: 0 all passed (or a precondition of the directory
not met, with what to do), 1 a check failed, 2 usage or connection error.`;

/** Endpoints every SCIM service has, whatever /ResourceTypes lists. */
const DISCOVERY = ['/ResourceTypes', '/Schemas', '/ServiceProviderConfig'];

class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs the check; resolves to the process exit code.
 *
 * @example
 * process.exitCode = await runScimCheck(['--base', url, '--token', token, '--idp', 'okta'], console.log);
 */
export async function runScimCheck(
  argv: readonly string[],
  print: (line: string) => void,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let target: ScimTarget;
  let selected: IdpConformance[];
  let only: string[] | undefined;
  try {
    const values = parseOptions(argv, print);
    if (values === 'help') return 0;
    ({ target, selected, only } = checkArguments(values, env));
  } catch (error) {
    // commander said it already, in one line.
    if (error instanceof CommanderError) return 2;
    if (!(error instanceof UsageError)) throw error;
    // One line: the usage is one --help away, not reprinted under every mistake.
    print(`error: ${error.message.replace(/\.$/, '')} (see npm run scim-check -- --help)`);
    return 2;
  }
  // The first request can take seconds (a cold Lambda, a slow network): say what it waits for.
  print(`Asking ${target.baseUrl}/ResourceTypes what the service serves…`);
  const served = await servedEndpoints(target);
  if (typeof served === 'string') {
    print(`error: ${served}`);
    return 2;
  }
  print(`SCIM conformance of ${target.baseUrl}\n`);
  const planned = selected.flatMap((idp) =>
    idp.sequences.filter((s) => !only || only.includes(s.id)).map((sequence) => ({ idp, sequence })),
  );
  const rows: ReportRow[] = [];
  for (const [index, { idp, sequence }] of planned.entries()) {
    const missing = endpointsOf(sequence).filter((endpoint) => !served.has(endpoint));
    const row: ReportRow = { idp: idp.name, sequence, missing };
    const result: SequenceResult | undefined =
      missing.length === 0 ? await runSequence(sequence, target) : undefined;
    rows.push(result ? { ...row, result } : row);
    // One line per sequence as it ends: a full run is minutes against a deployment.
    const outcome = result ? `${verdictOf(result)} (${Math.round(result.durationMs)} ms)` : 'not run';
    print(`[${index + 1}/${planned.length}] ${idp.name} / ${sequence.id}: ${outcome}`);
  }
  print('');
  for (const line of formatReport(rows)) print(line);
  return rows.some((row) => row.result && !row.result.passed) ? 1 : 0;
}

interface ScimCheckOptions {
  readonly base?: string;
  readonly token?: string;
  readonly idp?: string[];
  readonly sequence?: string[];
}

/** `--idp okta --idp entra`: a repeatable option collects its values. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The options, parsed by commander; `'help'` once `--help` or `-h` printed the help. */
function parseOptions(argv: readonly string[], print: (line: string) => void): ScimCheckOptions | 'help' {
  const program = new Command('npm run scim-check --')
    .description(
      'Replays the IdP conformance sequences against a SCIM base URL and prints a pass/fail table.',
    )
    .option('--base <url>', "the directory's SCIM base URL, e.g. https://…/prod/okta/scim/v2")
    .option(
      '--token <token>',
      'a conformance token of that directory (or set SCIM_CHECK_TOKEN): npm run admin -- token mint <directory> --conformance [--table …]',
    )
    .option(
      '--idp <id>',
      `${idps.map((idp) => idp.id).join(' | ')} | all (default: all); repeatable`,
      collect,
    )
    .option('--sequence <id>', 'run only the sequences with this id (repeatable)', collect)
    .addHelpText('after', NOTES)
    .exitOverride()
    .configureHelp({ helpWidth: 100 })
    .configureOutput({
      writeOut: (text) => print(text.trimEnd()),
      writeErr: (text) => print(text.trimEnd()),
      outputError: (text, write) =>
        write(`${text.trim().replace(/\s*\n\s*/g, ' ')} (see npm run scim-check -- --help)`),
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 'help';
    throw error;
  }
  return program.opts<ScimCheckOptions>();
}

function checkArguments(values: ScimCheckOptions, env: Readonly<Record<string, string | undefined>>) {
  const base = values.base;
  if (!base || !/^https?:\/\/[^/\s]+/.test(base)) {
    throw new UsageError('--base <SCIM base URL> is needed, e.g. https://…/prod/okta/scim/v2');
  }
  const token = values.token ?? env.SCIM_CHECK_TOKEN;
  if (!token) throw new UsageError('--token <bearer token> (or SCIM_CHECK_TOKEN) is needed.');
  const wanted = values.idp ?? ['all'];
  const unknown = wanted.filter((id) => id !== 'all' && !idps.some((idp) => idp.id === id));
  if (unknown.length > 0) throw new UsageError(`Unknown --idp ${unknown.join(', ')}.`);
  const selected = wanted.includes('all') ? [...idps] : idps.filter((idp) => wanted.includes(idp.id));
  const only = values.sequence;
  const known = new Set(selected.flatMap((idp) => idp.sequences.map((sequence: Sequence) => sequence.id)));
  const strays = (only ?? []).filter((id) => !known.has(id));
  if (strays.length > 0) throw new UsageError(`No sequence ${strays.join(', ')} for the IdPs selected.`);
  return {
    target: { baseUrl: base.replace(/\/+$/, ''), token },
    selected,
    ...(only ? { only } : { only: undefined }),
  };
}

/**
 * The endpoints the service serves, from its /ResourceTypes (RFC 7644 §4), or why it could not
 * be asked or why scim-check must not run with this token.
 */
async function servedEndpoints(target: ScimTarget): Promise<Set<string> | string> {
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}/ResourceTypes`, {
      headers: { Authorization: `Bearer ${target.token}`, Accept: 'application/scim+json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return `cannot reach ${target.baseUrl}: ${reason instanceof Error ? reason.message : String(reason)}`;
  }
  if (response.status === 401 || response.status === 403) {
    return `the token was refused (${response.status}): use a token of the directory in --base (npm run admin -- token mint <directory>).`;
  }
  const body = (await response.json().catch(() => undefined)) as
    | { Resources?: { endpoint?: unknown }[] }
    | undefined;
  if (response.status !== 200 || !Array.isArray(body?.Resources)) {
    return `${target.baseUrl}/ResourceTypes answered ${response.status}; is --base the SCIM base URL (…/{directoryId}/scim/v2)?`;
  }
  if (response.headers.get(CONFORMANCE_CREDENTIAL_HEADER) !== 'true') {
    return (
      'the token is not a conformance token: the users scim-check creates and deactivates would be ' +
      'leavers to every connector and in the evidence. Mint one for this directory with ' +
      '`npm run admin -- token mint <directory> --conformance` (add --table <DirectoryTableName> for a deployment).'
    );
  }
  const endpoints = body.Resources.map((resource) => resource.endpoint).filter(
    (e): e is string => typeof e === 'string',
  );
  return new Set([...DISCOVERY, ...endpoints]);
}
