/**
 * Finds DynamoDB Local JVMs by reading /proc, so tests can prove that a stop left none behind.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live (non-zombie) DynamoDB Local processes started with `-port <port>`. */
export function dynamoDbLocalPids(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const portAt = args.indexOf('-port');
      const isOurs =
        args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && args[portAt + 1] === String(port);
      if (isOurs && !isZombie(entry)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Pids of live (non-zombie) processes whose command line mentions `text`: the JVM of an `npm start`
 * runs with `-dbPath` under its folder, so its folder finds it.
 *
 * @example
 * expect(processesMentioning(cwd)).toEqual([]);
 */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!isZombie(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function isZombie(pid: string): boolean {
  // /proc/<pid>/stat: "pid (comm) state ..."; comm may contain spaces, so read after the last ")".
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
