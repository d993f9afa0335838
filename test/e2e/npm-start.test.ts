import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesMentioning } from '../support/processes.ts';
import { entraUser } from '../support/scim-client.ts';

const START = resolve(import.meta.dirname, '../../local/start.ts');
/**
 * `npm start` is `tsx local/start.ts`. The test runs the same entry with tsx's loader inside one
 * Node process, so SIGINT reaches our handler as Ctrl-C does (a terminal signals the whole
 * process group), instead of depending on the tsx wrapper relaying a signal sent to it alone.
 */
const TSX_LOADER = import.meta.resolve('tsx');

interface Started {
  child: ChildProcess;
  baseUrl: string;
  token: string;
  /** What it printed up to the banner. */
  output: string;
}

/** Runs `npm start`'s entry in `cwd` and waits for it to print the base URL and token. */
function start(cwd: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, START], {
    cwd,
    env: { ...process.env, PORT: '0', SCIM_DEV_TOKEN: 'scim_test_token_for_npm_start' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`npm start printed no URL in time:\n${output}`)), 45_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const baseUrl = /SCIM base URL:\s+(\S+)/.exec(output)?.[1];
      const token = /Secret token \(Bearer\):\s+(\S+)/.exec(output)?.[1];
      if (baseUrl && token) {
        clearTimeout(timer);
        done({ child, baseUrl, token, output });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => fail(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    child.once('exit', (code) => done(code));
    child.kill('SIGINT');
  });
}

/** What a newcomer does: npm start, paste URL and token, create a user, Ctrl-C, start again. */
describe('npm start', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'scim-start-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prints the base URL and token, serves SCIM, keeps users across a restart, and leaves no Java behind on Ctrl-C', async () => {
    const first = await start(cwd);
    expect(first.token).toBe('scim_test_token_for_npm_start');
    expect(first.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/default\/scim\/v2$/);
    // The seconds before the banner are not silent: each step is said, in order, before it.
    const steps = ['Starting DynamoDB Local…', 'Creating tables…', 'Starting connectors…'].map((step) =>
      first.output.indexOf(`${step}\n`),
    );
    expect(steps.every((at) => at >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(steps.at(-1)).toBeLessThan(first.output.indexOf('SCIM connector running'));
    const headers = { Authorization: `Bearer ${first.token}`, 'Content-Type': 'application/scim+json' };
    const created = await fetch(`${first.baseUrl}/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify(entraUser('restart@contoso.com')),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(processesMentioning(cwd).length).toBeGreaterThan(0);
    expect(await interrupt(first.child)).toBe(0);
    expect(processesMentioning(cwd)).toEqual([]);

    const second = await start(cwd);
    try {
      const again = await fetch(`${second.baseUrl}/Users/${id}`, {
        headers: { Authorization: `Bearer ${second.token}` },
      });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { userName: string }).userName).toBe('restart@contoso.com');
    } finally {
      await interrupt(second.child);
    }
    expect(processesMentioning(cwd)).toEqual([]);
  }, 120_000);
});
