/**
 * The project declares Node 22 (package.json `engines`) and brings it as a dev dependency (the
 * `node` package), which npm scripts and npx put first on PATH. A machine whose own Node is older
 * (20 here) must still run the tests, their children and the CLIs on the Node the project declares.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

/** "22.23.3" → [22, 23, 3] */
const parts = (version: string) => version.replace(/^v/, '').split('.').map(Number);

function atLeast(version: string, floor: string): boolean {
  const [have, need] = [parts(version), parts(floor)];
  for (let index = 0; index < 3; index++) {
    const difference = (have[index] ?? 0) - (need[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

const engines = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).engines.node as string;
const floor = /^>=\s*([\d.]+)$/.exec(engines)?.[1];

describe('the Node the tests run on', () => {
  it('is the Node 22 that package.json declares', () => {
    expect(floor, `engines.node is "${engines}"`).toMatch(/^22\./);
    expect(parts(process.versions.node)[0]).toBeGreaterThanOrEqual(22);
    expect(atLeast(process.versions.node, floor ?? ''), `Node ${process.versions.node}`).toBe(true);
  });

  it('is the Node that a `tsx` child (the CLIs, as the tests start them) finds on PATH', () => {
    const child = execFileSync(TSX, ['-e', 'process.stdout.write(process.versions.node)'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(child).toBe(process.versions.node);
  });
});
