/**
 * Nothing acknowledged is lost by `npm start`: an IdP deactivates users while DynamoDB Local's
 * JVM is killed (`kill -9`), then while `npm start` itself is killed; every deactivation that got
 * a 2xx still reaches every connector (the local fakes `npm start` runs) and the evidence.
 * - JVM killed: supervision starts it again on the same data; meanwhile SCIM answers 503 with
 *   Retry-After (never 500), and the IdP's retries then succeed.
 * - Node killed: `npm start` on the same data stops the JVM left behind, resumes the stream from
 *   its checkpoint and finishes what the dead process had acknowledged.
 * Runs `npm start` in a folder of its own (its own DynamoDB Local, since the test kills it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../functions/connectors/registry.ts';
import type { EvidenceReport, LeaverEvidence } from '../../shared/evidence/evidence.ts';
import { type NpmStart, startNpmStart } from '../support/npm-start-process.ts';
import { dynamoDbLocalPids, processesMentioning } from '../support/processes.ts';
import { entraUser, PATCH_OP } from '../support/scim-client.ts';

const TOKEN = 'scim_test_token_for_durable_leavers';
const ADMIN_TOKEN = 'admin_test_token_for_durable_leavers';
const ENV = { SCIM_DEV_TOKEN: TOKEN, SCIM_ADMIN_TOKEN: ADMIN_TOKEN };
const USERS_PER_RUN = 10;
/** Deactivations acknowledged before the kill; the rest are in flight or still to be sent. */
const KILL_AFTER = 3;
const WORKERS = 4;
const SHIPPED = connectorRegistry.map((definition) => definition.id).sort();

const cwd = mkdtempSync(join(tmpdir(), 'scim-durable-'));
let running: NpmStart | undefined;
/** Every deactivation that got a 2xx, by user id, over both runs. */
const acknowledged = new Set<string>();

afterAll(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGINT');
    await running.exited;
  }
  // A JVM orphaned by a failed run (it leads its own process group).
  for (const pid of processesMentioning(cwd)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone meanwhile, or not a group leader (a member of one just killed).
    }
  }
  rmSync(cwd, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

async function scim(start: NpmStart, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${start.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.text(),
  };
}

async function createUsers(start: NpmStart, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  const names = Array.from({ length: USERS_PER_RUN }, (_, index) => `${prefix}.${index}@contoso.com`);
  await inParallel(names, async (userName) => {
    const created = await scim(start, 'POST', '/Users', entraUser(userName));
    expect(created.status, created.body).toBe(201);
    ids.push(String((JSON.parse(created.body) as { id: string }).id));
  });
  return ids;
}

/**
 * Deactivates every user as an IdP does, WORKERS at a time: a 503 is sent again (the IdP honours
 * Retry-After; the test does not wait that long), a lost connection ends that worker's run.
 * `afterAcknowledged` runs once KILL_AFTER deactivations got a 2xx.
 */
async function deactivate(
  start: NpmStart,
  ids: readonly string[],
  afterAcknowledged: () => void,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  let count = 0;
  let connectionLost = false;
  await inParallel(ids, async (id) => {
    while (!connectionLost) {
      const answer = await scim(start, 'PATCH', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      }).catch(() => undefined);
      if (!answer) {
        connectionLost = true;
        return;
      }
      answers.push(answer);
      if (answer.status >= 200 && answer.status < 300) {
        acknowledged.add(id);
        if (++count === KILL_AFTER) afterAcknowledged();
        return;
      }
      if (answer.status !== 503) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  return answers;
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

/** Whether every shipped connector acted for the leaver and the evidence says what happened. */
function settled(leaver: LeaverEvidence | undefined): boolean {
  if (!leaver?.deactivatedAt) return false;
  const applications = new Map(
    leaver.applications.map((application) => [application.connectorId, application]),
  );
  return SHIPPED.every((id) => {
    const application = applications.get(id);
    return application?.expected === true && !['pending', 'failed_retryable'].includes(application.status);
  });
}

/** Waits until every acknowledged leaver's evidence is settled; says which are not on timeout. */
async function everyLeaverSettled(start: NpmStart, timeoutMs = 90_000): Promise<LeaverEvidence[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${start.url}/default/evidence/leavers?since=2000-01-01`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as EvidenceReport;
    const byUser = new Map(report.leavers.map((leaver) => [leaver.user.userId, leaver]));
    const unsettled = [...acknowledged].filter((id) => !settled(byUser.get(id)));
    if (unsettled.length === 0) return [...acknowledged].map((id) => byUser.get(id) as LeaverEvidence);
    if (Date.now() > deadline)
      throw new Error(
        `${unsettled.length} of ${acknowledged.size} acknowledged leavers lack evidence: ${JSON.stringify(
          unsettled.map((id) => ({
            id,
            applications: byUser.get(id)?.applications.map((app) => `${app.connectorId}:${app.status}`),
          })),
        )}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start loses no acknowledged leaver', { timeout: 180_000 }, () => {
  it('when DynamoDB Local is killed mid-load: it is restarted, SCIM answers 503 meanwhile, every leaver has evidence', async () => {
    running = await startNpmStart(cwd, ENV);
    const start = running;
    const ids = await createUsers(start, 'jvm');
    const [jvm] = dynamoDbLocalPids(start.dynamoPort);
    expect(jvm).toBeDefined();

    const answers = await deactivate(start, ids, () => process.kill(jvm as number, 'SIGKILL'));

    await start.printed(/DynamoDB Local \(pid \d+\) exited with SIGKILL; restarting it on port/);
    await start.printed(/DynamoDB Local is back \(pid \d+\)/);
    expect(ids.every((id) => acknowledged.has(id))).toBe(true);
    expect(answers.filter((answer) => answer.status >= 500 && answer.status !== 503)).toEqual([]);
    const unavailable = answers.filter((answer) => answer.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const answer of unavailable) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(JSON.parse(answer.body)).toMatchObject({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '503',
      });
    }
    const leavers = await everyLeaverSettled(start);
    expect(leavers).toHaveLength(ids.length);
  });

  it('when npm start itself is killed mid-load: the next npm start on the same data finishes every acknowledged leaver', async () => {
    running ??= await startNpmStart(cwd, ENV);
    const first = running;
    const ids = await createUsers(first, 'node');
    await deactivate(first, ids, () => first.child.kill('SIGKILL'));
    await first.exited;
    expect(ids.filter((id) => acknowledged.has(id)).length).toBeGreaterThanOrEqual(KILL_AFTER);
    // Its JVM outlived it (nothing runs on SIGKILL); the next start must not run a second one on the data.
    expect(processesMentioning(cwd).length).toBeGreaterThan(0);

    running = await startNpmStart(cwd, ENV);
    const second = running;
    expect(second.output()).toMatch(
      /Stopping DynamoDB Local \(pid \d+\) left running on .* by an earlier start\./,
    );
    const leavers = await everyLeaverSettled(second);
    expect(leavers).toHaveLength(acknowledged.size);

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(processesMentioning(cwd)).toEqual([]);
  });
});
