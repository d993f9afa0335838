/**
 * The shape of `npm run admin`: its commands, their arguments and options and the help each one
 * prints (`--help`, `-h`, `help <command>`), parsed by commander. What each command does is in
 * commands.ts and evidence-commands.ts; this file only says how it is called.
 */
import { CommanderError, Option, Command as Program } from 'commander';
import { DEFAULT_MAX_JWT_LIFETIME_SECONDS } from '../../shared/auth/oauth-jwt.ts';

/** The options of every command, spelled as on the command line. */
export interface AdminFlags {
  readonly table?: string;
  readonly 'evidence-table'?: string;
  readonly endpoint?: string;
  readonly 'base-url'?: string;
  readonly 'runtime-file'?: string;
  readonly directory?: string;
  readonly name?: string;
  readonly label?: string;
  readonly 'expires-in-days'?: string;
  readonly issuer?: string;
  readonly audience?: string[];
  readonly 'jwks-uri'?: string;
  readonly scope?: string;
  readonly 'client-id'?: string[];
  readonly algorithm?: string[];
  readonly tenant?: string;
  readonly yes?: boolean;
  readonly force?: boolean;
  readonly 'settle-seconds'?: string;
  readonly 'max-lifetime-hours'?: string;
  readonly format?: string;
  readonly since?: string;
  readonly until?: string;
  readonly by?: string;
  readonly closes?: string;
  readonly 'fail-on-incomplete'?: boolean;
  readonly conformance?: boolean;
}

/** Runs the command named (`token mint`, `evidence-report`…); resolves to its exit code. */
export type AdminDispatch = (name: string, flags: AdminFlags, args: readonly string[]) => Promise<number>;

export interface AdminOutput {
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

const TARGET_HELP = `
Target (default: the running npm start):
  --endpoint <url>          DynamoDB Local
  --table <name>            the table (a deployed one: AWS credentials)
  --evidence-table <name>   the EvidenceTableName stack output (evidence commands)
  --base-url <url>          the API URL or the ScimBaseUrl stack output, for the printed values

Exit codes: 0 done, 1 not found or refused, 2 usage, 3 evidence-report --fail-on-incomplete
with an incomplete leaver.`;

const FORMATS = ['table', 'json', 'csv'] as const;

/** `--audience a --audience b`: a repeatable option collects its values. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Parses `argv` and runs the command it names through `dispatch`; resolves to the exit code:
 * 0 after `--help`, 2 for a usage mistake (printed as one line that points to `--help`).
 *
 * @example
 * process.exitCode = await parseAdmin(['token', 'list', 'okta'], dispatch, { print, printError });
 */
export async function parseAdmin(
  argv: readonly string[],
  dispatch: AdminDispatch,
  output: AdminOutput,
): Promise<number> {
  let exitCode = 0;
  const program = new Program('npm run admin --')
    .description('Directories, tokens, OAuth settings and leaver evidence of the SCIM connector.')
    .exitOverride()
    .configureHelp({ helpWidth: 100 })
    .configureOutput(outputOf(''))
    .addHelpText('after', TARGET_HELP);
  // The target may come before the command too (`admin --table t token list x`), as it always could.
  for (const option of [
    '--endpoint <url>',
    '--table <name>',
    '--evidence-table <name>',
    '--base-url <url>',
    '--runtime-file <path>',
  ])
    program.addOption(new Option(option).hideHelp());
  // One line, never the whole usage again: the usage is one `--help` away, of this very command.
  function outputOf(path: string) {
    return {
      writeOut: (text: string) => output.print(text.trimEnd()),
      writeErr: (text: string) => output.printError(text.trimEnd()),
      outputError: (text: string, write: (text: string) => void) =>
        write(
          `${text.trim().replace(/\s*\n\s*/g, ' ')} (see npm run admin -- ${path}${path ? ' ' : ''}--help)`,
        ),
    };
  }

  const leaf = (parent: Program, name: string, path: string, description: string): Program =>
    parent
      .command(name)
      .description(description)
      .configureOutput(outputOf(path))
      .option('--endpoint <url>', 'DynamoDB Local')
      .option('--table <name>', 'the table (a deployed one: AWS credentials)')
      .option('--evidence-table <name>', 'the EvidenceTableName stack output')
      .option('--base-url <url>', 'the API URL or the ScimBaseUrl stack output, for the printed values')
      .addOption(new Option('--runtime-file <path>', 'where npm start writes its runtime file').hideHelp())
      .action(async (...params: unknown[]) => {
        const command = params.at(-1) as Program;
        exitCode = await dispatch(path, kebabFlags(command.optsWithGlobals()), command.args);
      });
  const formatOption = () =>
    new Option('--format <format>', 'output format').choices(FORMATS).default('table');

  const directory = program
    .command('directory')
    .configureOutput(outputOf('directory'))
    .description('create, list and delete directories');
  leaf(directory, 'create <id>', 'directory create', 'create a directory (one per IdP)').option(
    '--name <display name>',
    'its display name (default: the id)',
  );
  leaf(directory, 'list', 'directory list', 'list the directories');
  leaf(
    directory,
    'delete <id>',
    'directory delete',
    'refuse every credential of the directory at once, then delete all it holds and report what',
  )
    .option('--yes', 'confirm the deletion')
    .option(
      '--force',
      'delete it with its users: each gets a user.deleted event, so connectors deprovision them',
    )
    .addOption(new Option('--settle-seconds <n>', 'how long to keep sweeping').hideHelp());

  const token = program
    .command('token')
    .configureOutput(outputOf('token'))
    .description('mint, list and revoke static bearer tokens');
  leaf(token, 'mint [directory]', 'token mint', 'mint a token and print the values to paste into the IdP')
    .option('--directory <id>', 'the directory, as npm run token passes it')
    .option('--label <text>', 'what the token is for')
    .option('--expires-in-days <n>', 'expire it after n days')
    .option(
      '--conformance',
      'for npm run scim-check: the users it creates are test users no connector acts on (expires in 1 day)',
    );
  leaf(token, 'list <directory>', 'token list', "list a directory's tokens (never the secrets)");
  leaf(token, 'revoke <directory> <token-id>', 'token revoke', 'revoke a token from the next request on');

  const oauth = program
    .command('oauth')
    .configureOutput(outputOf('oauth'))
    .description('accept OAuth JWTs from an IdP as well as tokens');
  const lifetime = `longest a JWT may live (exp - iat), default ${DEFAULT_MAX_JWT_LIFETIME_SECONDS / 3600}`;
  leaf(oauth, 'set <directory>', 'oauth set', 'accept JWTs from any issuer')
    .requiredOption('--issuer <iss>', 'the iss claim')
    .requiredOption('--audience <aud>', 'an accepted aud (repeatable)', collect)
    .requiredOption('--jwks-uri <url>', 'where the signing keys are')
    .option('--scope <scope>', 'a scope the JWT must carry')
    .option('--client-id <id>', 'an accepted client (repeatable)', collect)
    .option('--algorithm <alg>', 'an accepted algorithm (repeatable; default RS256)', collect)
    .option('--max-lifetime-hours <n>', lifetime);
  leaf(oauth, 'entra <directory>', 'oauth entra', "accept Entra ID's provisioning JWTs of one tenant")
    .requiredOption('--tenant <tenant id>', 'the Entra tenant (a GUID)')
    .option('--client-id <id>', 'an accepted client (repeatable)', collect)
    .option('--max-lifetime-hours <n>', lifetime);
  leaf(oauth, 'clear <directory>', 'oauth clear', 'accept static tokens only');

  leaf(program, 'connect <directory>', 'connect', 'the values to paste into Entra ID and Okta');
  leaf(
    program,
    'evidence <user>',
    'evidence',
    'when the IdP deactivated/deleted a leaver (user id or userName) and, per application, the status, times and attempts',
  )
    .option('--directory <id>', 'the directory', 'default')
    .addOption(formatOption());
  leaf(program, 'evidence-report', 'evidence-report', 'every leaver since a date: complete or not, and why')
    .requiredOption('--since <date>', '2026-01-01 or an ISO 8601 time')
    .option('--until <date>', '2026-01-01 or an ISO 8601 time')
    .option('--directory <id>', 'the directory', 'default')
    .addOption(formatOption())
    .option('--fail-on-incomplete', 'exit code 3 if a leaver is incomplete (for a scheduled check)');
  leaf(
    program,
    'confirm <user> <connector>',
    'confirm',
    'record that an operator did a manual task (who, when, and what they say it closed)',
  )
    .option('--directory <id>', 'the directory', 'default')
    .option('--by <name>', 'who did it (default: your user name)')
    .option(
      '--closes <paths>',
      'what it closed, of login,sessions,apiTokens,seat (nothing claimed without it)',
    );
  leaf(
    program,
    'evidence-migrate',
    'evidence-migrate',
    'copy the ledger of a deployment made before the evidence table existed into it (safe to repeat)',
  ).option('--directory <id>', 'only this directory (default: every directory)');

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help and `help` end with 0; a usage mistake, or a group without its command, with 2.
    return error.exitCode === 0 ? 0 : 2;
  }
}

/** commander's camelCase option keys back to the spelling on the command line. */
function kebabFlags(options: Record<string, unknown>): AdminFlags {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [
      key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      value,
    ]),
  ) as AdminFlags;
}
