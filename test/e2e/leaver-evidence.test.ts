/**
 * The product's promise, end to end on the local runtime: an IdP deactivates a user, every
 * shipped connector acts on its vendor (local fakes), and the evidence shows it application by
 * application. A vendor down for a while recovers; a vendor that refuses for good ends in the
 * DLQ and the evidence says failed, with the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorFakes } from '../../local/fakes/index.ts';
import { shippedConnectorsOnFakes } from '../../local/shipped-connectors.ts';
import type { LeaverEvidence } from '../../shared/evidence/evidence.ts';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

let scim: TestScim;
let fakes: VendorFakes;
let shipped: string[];
const ADMIN_TOKEN = 'admin_test_token_for_evidence';

beforeAll(async () => {
  const choice = await shippedConnectorsOnFakes();
  fakes = choice.fakes;
  shipped = choice.setups.map((setup) => setup.definition.id);
  scim = await startTestScim({
    connectors: choice.setups,
    adminToken: ADMIN_TOKEN,
    connectorOptions: {
      // Fast clocks: the shape of production retries in a fraction of the time.
      // Six deliveries about a second apart: an outage of one delivery's attempts is well inside it.
      backoff: { baseSeconds: 0.3, maxSeconds: 1 },
      maxReceiveCount: 6,
      vendorHttp: {
        // Per-attempt timeout and budget far above what a local fake needs, so that a machine
        // busy with the rest of the suite does not turn a slow answer into a give-up.
        retry: { retries: 1, initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 },
        budgetMs: 10_000,
      },
    },
  });
});
afterAll(async () => {
  await scim?.close();
  await fakes?.close();
});

async function createUser(userName: string): Promise<string> {
  const created = await scim.request(
    'POST',
    '/Users',
    entraUser(userName, { externalId: userName.split('@')[0] }),
  );
  expect(created.status).toBe(201);
  return String(created.body.id);
}

/** Entra's legacy deactivation: capitalised op, string boolean. */
async function deactivate(id: string): Promise<void> {
  const patched = await scim.request('PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  expect(patched.status).toBe(200);
}

/** Polls the evidence until `done` says so. */
async function evidenceUntil(
  id: string,
  done: (evidence: LeaverEvidence) => boolean,
  timeoutMs = 30_000,
): Promise<LeaverEvidence> {
  const deadline = Date.now() + timeoutMs;
  let last: LeaverEvidence | undefined;
  while (Date.now() < deadline) {
    last = await scim.runtime.evidence.leaver('default', id);
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `Evidence not as expected in time: ${JSON.stringify(last?.applications.map((a) => [a.connectorId, a.status]))}`,
  );
}

const statusOf = (evidence: LeaverEvidence, connectorId: string) =>
  evidence.applications.find((app) => app.connectorId === connectorId);

describe('a leaver on the local runtime', { timeout: 60_000 }, () => {
  it('is revoked in every application, and the report says complete once the manual task is confirmed', async () => {
    const id = await createUser('grace.hopper@example.com');
    await deactivate(id);
    // Settled: the recorder expected every application, and each has answered.
    const settled = await evidenceUntil(
      id,
      (evidence) =>
        evidence.applications.filter((app) => app.expected).length === shipped.length &&
        evidence.applications.every((app) => app.status !== 'pending' && app.status !== 'failed_retryable'),
    );
    expect(settled.deactivatedAt).toBeDefined();
    expect(settled.applications.map((app) => app.connectorId).sort()).toEqual([...shipped].sort());
    for (const connector of shipped.filter((candidate) => candidate !== 'manual'))
      expect(statusOf(settled, connector), connector).toMatchObject({
        status: 'revoked',
        expected: true,
        done: true,
      });
    expect(statusOf(settled, 'manual')).toMatchObject({
      status: 'manual_pending',
      application: 'Legacy ERP',
    });
    expect(settled.complete).toBe(false);
    // The vendor really changed: Zoom has the user inactive.
    expect(fakes.zoom.byEmail('grace.hopper@example.com')?.status).toBe('inactive');

    await scim.runtime.evidence.confirm('default', id, 'manual', 'Ada (IT operations)');
    const report = await scim.runtime.evidence.report('default', '2000-01-01');
    expect(report.leavers.find((leaver) => leaver.user.userId === id)).toMatchObject({
      complete: true,
      state: 'left',
    });

    // The same evidence over the evidence API, with the admin token (AWS_IAM in AWS).
    const url = `${scim.runtime.url}/default/evidence/leavers/${encodeURIComponent('grace.hopper@example.com')}`;
    expect((await fetch(url)).status).toBe(403);
    const answered = await fetch(`${url}?format=csv`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('content-type')).toContain('text/csv');
    expect(await answered.text()).toMatch(
      /^default,.*,grace\.hopper@example\.com,.*,zoom,Zoom,true,revoked,true,/m,
    );
    const period = await fetch(`${scim.runtime.url}/default/evidence/leavers?since=2000-01-01`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await period.json()) as { complete: number }).complete).toBeGreaterThanOrEqual(1);
  });

  it('completes when a vendor that was down for a while comes back', async () => {
    const id = await createUser('katherine.johnson@example.com');
    // An outage counted in requests, not milliseconds: the first delivery's attempts all meet it
    // (the client tries twice), however late a busy machine delivers the event, and a later one ends it.
    fakes.zoom.failNext(2, { status: 503 });
    await deactivate(id);
    const settled = await evidenceUntil(id, (evidence) => statusOf(evidence, 'zoom')?.status === 'revoked');
    const zoom = statusOf(settled, 'zoom');
    expect(zoom?.attempts).toBeGreaterThan(1);
    expect(zoom?.history.map((entry) => entry.kind)).toContain('failed_retryable');
    expect(zoom?.history.at(-1)?.kind).toBe('revoked');
  });

  it('ends in the DLQ with the error in the evidence when a vendor refuses for good', async () => {
    const id = await createUser('dorothy.vaughan@example.com');
    fakes.zendesk.down(5_000, { status: 401 });
    await deactivate(id);
    const settled = await evidenceUntil(
      id,
      // The state says so once the message is in the DLQ (its history entry is written just before).
      (evidence) => statusOf(evidence, 'zendesk')?.why.includes('dead-letter queue') === true,
    );
    const zendesk = statusOf(settled, 'zendesk');
    expect(zendesk).toMatchObject({ status: 'failed_permanent', done: false });
    expect(zendesk?.error).toMatch(/401/);
    expect(zendesk?.why).toMatch(/^Failed, message in the dead-letter queue: .*401/);
    expect(settled.complete).toBe(false);
    expect(zendesk?.history.map((entry) => entry.kind)).toEqual(['failed_permanent', 'dead_lettered']);
    const letters = scim.runtime.connectors?.queues.zendesk?.deadLetters ?? [];
    expect(letters.some((letter) => letter.body.includes(id) && /401/.test(letter.reason))).toBe(true);
  });
});
