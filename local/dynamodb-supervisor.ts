/**
 * DynamoDB Local under supervision, as `npm start` runs it: when the JVM dies (a crash, the OOM
 * killer, `kill -9`), it is started again on the same port with the same data folder, a bounded
 * number of times; past that, supervision gives up and says why, and `npm start` stops. Meanwhile
 * `available()` is false, which the local runtime turns into 503 + Retry-After for SCIM requests
 * and a pause of its stream poller and queues.
 *
 * A restart loses nothing: DynamoDB Local keeps every acknowledged write, its stream records,
 * shard ids and sequence numbers in the data folder, and shard iterators taken before the restart
 * still work after it (checked by the e2e test test/e2e/durable-leavers.test.ts).
 *
 * It also owns the data folder: a JVM left running on it by an `npm start` that was killed
 * without its clean-up (`kill -9`) is stopped first, and a second `npm start` on a folder whose
 * first one still runs is refused, since two JVMs must not share one database file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDbLocal, localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';

export interface SupervisedDynamoDbLocalOptions {
  /** Where the database lives; the JVM is started again with the same folder. */
  readonly dataDir: string;
  /** Restarts allowed within `windowMs`; one more death and supervision gives up. @default 3 */
  readonly maxRestarts?: number;
  /** @default 10 minutes */
  readonly windowMs?: number;
  /** Where restarts are told. @default console.log */
  readonly log?: (line: string) => void;
  /** Called once when supervision gives up, with why; DynamoDB Local is down for good then. */
  readonly onGiveUp: (reason: string) => void;
}

export interface SupervisedDynamoDbLocal {
  /** The same for every JVM it runs: e.g. `http://127.0.0.1:41235`. */
  readonly endpoint: string;
  readonly port: number;
  /** The JVM running now (it leads its own process group). */
  pid(): number;
  /** False from the JVM's death until its replacement answers. */
  available(): boolean;
  /** Whether it answers now (a ListTables): false too while the JVM is known to be down. */
  answering(): Promise<boolean>;
  /** Stops supervising and stops the JVM. */
  stop(): Promise<void>;
}

const OWNER_FILE = 'owner.json';
const PORT_RETRIES = 20;

/**
 * Starts DynamoDB Local on `dataDir` and keeps it running.
 *
 * @example
 * const dynamo = await superviseDynamoDbLocal({
 *   dataDir: '.local/dynamodb',
 *   onGiveUp: (reason) => { console.error(reason); process.exit(1); },
 * });
 */
export async function superviseDynamoDbLocal(
  options: SupervisedDynamoDbLocalOptions,
): Promise<SupervisedDynamoDbLocal> {
  const dataDir = resolve(options.dataDir);
  const log = options.log ?? console.log;
  const maxRestarts = options.maxRestarts ?? 3;
  const windowMs = options.windowMs ?? 10 * 60_000;
  await takeOverDataFolder(dataDir, log);

  let current = await startDynamoDbLocal({ dataDir });
  const { port, endpoint } = current;
  await writeOwner(dataDir, current.pid);
  let up = true;
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();
  const deaths: number[] = [];

  async function restartAfter(dead: DynamoDbLocal, how: string): Promise<void> {
    up = false;
    const now = Date.now();
    deaths.push(now);
    while ((deaths[0] ?? now) < now - windowMs) deaths.shift();
    if (deaths.length > maxRestarts) {
      const output = dead.output().trim();
      options.onGiveUp(
        `DynamoDB Local (pid ${dead.pid}) ${how}, its ${deaths.length}th death within ${Math.round(windowMs / 60_000)} minutes: not restarting it again.` +
          (output ? `\nIts last output:\n${output}` : ''),
      );
      return;
    }
    log(
      `DynamoDB Local (pid ${dead.pid}) ${how}; restarting it on port ${port} with the data in ${dataDir}.`,
    );
    await dead.stop().catch(() => undefined); // whatever else was left in its process group
    const started = Date.now();
    let next: DynamoDbLocal;
    try {
      next = await startOnPort(port, dataDir);
    } catch (error) {
      options.onGiveUp(`DynamoDB Local could not be restarted: ${(error as Error).message}`);
      return;
    }
    if (stopping) return next.stop();
    current = next;
    await writeOwner(dataDir, next.pid);
    up = true;
    log(`DynamoDB Local is back (pid ${next.pid}) after ${Date.now() - started} ms.`);
    watch(next);
  }

  function watch(jvm: DynamoDbLocal): void {
    void jvm.exited.then((how) => {
      if (stopping) return;
      restarting = restartAfter(jvm, how);
    });
  }
  watch(current);

  return {
    endpoint,
    port,
    pid: () => current.pid,
    available: () => up,
    async answering() {
      if (!up) return false;
      const client = new DynamoDBClient({
        ...localClientConfig(endpoint),
        maxAttempts: 1,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
      });
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return up;
      } catch {
        return false;
      } finally {
        client.destroy();
      }
    },
    async stop() {
      stopping = true;
      up = false;
      await restarting;
      await current.stop();
      await rm(join(dataDir, OWNER_FILE), { force: true });
    },
  };
}

/** The port the dead JVM listened on is ours again once the kernel has let go of it. */
async function startOnPort(port: number, dataDir: string): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal({ port, dataDir });
    } catch (error) {
      if (attempt >= PORT_RETRIES || !/already in use/.test((error as Error).message)) throw error;
      await new Promise((wait) => setTimeout(wait, 250));
    }
  }
}

interface Owner {
  /** The `npm start` (Node) process. */
  readonly pid: number;
  readonly jvmPid: number;
}

async function writeOwner(dataDir: string, jvmPid: number): Promise<void> {
  const owner: Owner = { pid: process.pid, jvmPid };
  await writeFile(join(dataDir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

/** Stops a JVM that a killed `npm start` left on `dataDir`; refuses a folder still in use. */
async function takeOverDataFolder(dataDir: string, log: (line: string) => void): Promise<void> {
  const text = await readFile(join(dataDir, OWNER_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const owner = JSON.parse(text) as Partial<Owner>;
  if (typeof owner.jvmPid !== 'number' || !commandLineOf(owner.jvmPid)?.includes(dataDir)) return;
  // A JVM whose parent is still its `npm start` is in use; one whose parent died is an orphan.
  if (typeof owner.pid === 'number' && parentOf(owner.jvmPid) === owner.pid)
    throw new Error(
      `DynamoDB Local on ${dataDir} belongs to a running process (pid ${owner.pid}); stop that one first.`,
    );
  log(`Stopping DynamoDB Local (pid ${owner.jvmPid}) left running on ${dataDir} by an earlier start.`);
  try {
    process.kill(-owner.jvmPid, 'SIGKILL');
  } catch {
    // Gone in the meantime.
  }
  const deadline = Date.now() + 10_000;
  while (commandLineOf(owner.jvmPid)?.includes(dataDir)) {
    if (Date.now() > deadline) throw new Error(`DynamoDB Local (pid ${owner.jvmPid}) did not stop.`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

/** A live process's command line, or undefined when there is no such process (or only a zombie). */
function commandLineOf(pid: number): string | undefined {
  if (process.platform !== 'linux') return ps(pid, 'command');
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The parent pid of a live process. */
function parentOf(pid: number): number | undefined {
  if (process.platform !== 'linux') return Number(ps(pid, 'ppid')) || undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** One field of `ps` about a process (where there is no /proc, e.g. macOS). */
function ps(pid: number, field: 'command' | 'ppid'): string | undefined {
  try {
    return (
      execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
