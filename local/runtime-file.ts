/**
 * Where a running `npm start` can be found: it writes this file when it is up and removes it on
 * the way down, so `npm run admin` reaches its DynamoDB Local (whose port changes on every
 * start) without flags.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';

export const RUNTIME_FILE = '.local/runtime.json';

export interface RuntimeFile {
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  /** The evidence table; absent in a file written before the ledger had a table of its own. */
  readonly evidenceTableName?: string;
  /** e.g. http://localhost:8080 */
  readonly url: string;
}

/**
 * Writes the runtime file.
 *
 * @example
 * await writeRuntimeFile({ dynamoEndpoint: dynamo.endpoint, tableName: 'scim-directory', evidenceTableName: 'scim-directory-evidence', url: runtime.url });
 */
export async function writeRuntimeFile(info: RuntimeFile, file = RUNTIME_FILE): Promise<void> {
  await writeFile(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Reads the runtime file, or undefined when `npm start` is not running.
 *
 * @example
 * const local = await readRuntimeFile();
 * if (local) console.log(local.dynamoEndpoint);
 */
export async function readRuntimeFile(file = RUNTIME_FILE): Promise<RuntimeFile | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as RuntimeFile);
}

/**
 * Removes the runtime file (idempotent).
 *
 * @example
 * process.on('SIGINT', () => void removeRuntimeFile());
 */
export async function removeRuntimeFile(file = RUNTIME_FILE): Promise<void> {
  await rm(file, { force: true });
}
