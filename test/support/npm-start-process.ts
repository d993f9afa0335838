/**
 * `npm start` as a child process for end-to-end tests: its entry (`tsx local/start.ts`) run in a
 * folder of the test's own, so its DynamoDB Local, data and checkpoint are the test's alone, and
 * the test may kill it (or its JVM) as a user's machine might.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const START = resolve(import.meta.dirname, '../../local/start.ts');
/** tsx's loader inside one Node process: a signal sent to the child reaches start.ts itself. */
const TSX_LOADER = import.meta.resolve('tsx');

export interface NpmStart {
  readonly child: ChildProcess;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly baseUrl: string;
  /** The port of its DynamoDB Local (from .local/runtime.json). */
  readonly dynamoPort: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once its output matches `pattern` (already, or later). */
  printed(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `npm start` in `cwd` with PORT=0 and waits for its banner.
 *
 * @example
 * const started = await startNpmStart(cwd, { SCIM_DEV_TOKEN: 'scim_test' });
 */
export async function startNpmStart(cwd: string, env: Record<string, string> = {}): Promise<NpmStart> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, START], {
    cwd,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const listener of listeners) listener();
  });

  function printed(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    return new Promise((done, fail) => {
      const check = () => {
        if (pattern.test(output)) finish(done);
        else if (hasExited)
          finish(() => fail(new Error(`npm start exited before printing ${pattern}:\n${output}`)));
      };
      const timer = setTimeout(
        () => finish(() => fail(new Error(`npm start did not print ${pattern} in time:\n${output}`))),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });
  }

  await printed(/Press Ctrl-C to stop\./);
  const baseUrl = /SCIM base URL:\s+(\S+)/.exec(output)?.[1] ?? '';
  const runtime = JSON.parse(readFileSync(join(cwd, '.local/runtime.json'), 'utf8')) as {
    dynamoEndpoint: string;
    url: string;
  };
  return {
    child,
    url: runtime.url,
    baseUrl,
    dynamoPort: Number(new URL(runtime.dynamoEndpoint).port),
    output: () => output,
    printed,
    exited,
  };
}
