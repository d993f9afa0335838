/**
 * `npm run connector:new` as a person types it: its help, and a missing name said in one line.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');

function connectorNew(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      resolve(repo, 'node_modules/.bin/tsx'),
      [resolve(repo, 'tools/connector-new.ts'), ...args],
      { cwd: repo },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

describe('npm run connector:new', () => {
  it('prints its help with --help and -h, exit code 0', async () => {
    const [long, short] = await Promise.all([connectorNew('--help'), connectorNew('-h')]);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/^Usage: npm run connector:new -- \[options\] <name>/);
    expect(long.stdout).toContain('kebab-case, e.g. acme-hr');
    expect(short).toEqual(long);
  });

  it('says a missing or bad name in one line, exit code 2, and writes nothing', async () => {
    const [missing, bad] = await Promise.all([connectorNew(), connectorNew('Bad_Name')]);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: missing required argument 'name' (see npm run connector:new -- --help)\n",
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'error: "Bad_Name" is not a connector id: lower-case letters and digits, words joined by "-".',
    ]);
  });
});
