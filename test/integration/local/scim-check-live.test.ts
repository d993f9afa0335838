/**
 * "Safe on a live directory", as an operator would find out: scim-check runs its sequences (users
 * created, deactivated, reactivated, deleted) against a local runtime whose connectors point at a
 * vendor, with a conformance token. No lifecycle event about its users is published, no connector
 * acts on them, and the evidence holds none of them; a real user with the same kind of userName,
 * written by the IdP's token, is still deprovisioned and in the evidence; and a test user that
 * an IdP takes over (links a person to it) is a real user from then on.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../../shared/adapters/dynamodb/token-store.ts';
import { registered } from '../../../shared/connectors/registry.ts';
import type { LifecycleEvent } from '../../../shared/events/catalogue.ts';
import { NO_VENDOR_RETRIES, sampleConnector } from '../../support/sample-connector.ts';
import { SAMPLE_VENDOR_TOKEN, type SampleVendor, startSampleVendor } from '../../support/sample-vendor.ts';
import { PATCH_OP, startTestScim, type TestScim, USER_SCHEMA } from '../../support/scim-client.ts';

const CLI = resolve(import.meta.dirname, '../../../tools/scim-check.ts');
const TSX = resolve(import.meta.dirname, '../../../node_modules/.bin/tsx');

function scimCheck(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(TSX, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((done) => child.on('exit', (code) => done({ code, output })));
}

let scim: TestScim;
let vendor: SampleVendor;
const published: LifecycleEvent[] = [];

beforeAll(async () => {
  vendor = await startSampleVendor();
  scim = await startTestScim({
    connectors: [
      {
        definition: registered(sampleConnector),
        scope: 'everyone',
        settings: { apiBaseUrl: vendor.url },
        secrets: { apiToken: SAMPLE_VENDOR_TOKEN },
      },
    ],
    connectorOptions: { vendorHttp: NO_VENDOR_RETRIES, backoff: { baseSeconds: 0.1, maxSeconds: 0.2 } },
  });
  // Every event the bus carries, whoever subscribes: what an EventBridge archive would hold.
  scim.runtime.events.subscribe({}, (event) => {
    published.push(event.detail as LifecycleEvent);
  });
});
afterAll(async () => {
  await scim?.close();
  await vendor?.close();
});

describe('scim-check on a directory with connectors', () => {
  it('never lets its users reach a connector or the evidence; a real user like them is still deprovisioned', {
    timeout: 180_000,
  }, async () => {
    const token = generateToken();
    await scim.runtime.tokens.register('default', token, { label: 'scim-check', purpose: 'conformance' });
    // Sequences that create, deactivate, reactivate and delete users (Okta leaves its users deactivated).
    const run = await scimCheck(
      '--base',
      scim.runtime.baseUrl,
      '--token',
      token,
      '--idp',
      'okta',
      '--idp',
      'entra',
      '--sequence',
      'create-user',
      '--sequence',
      'deactivate-user-patch',
      '--sequence',
      'reactivate-user-patch',
      '--sequence',
      'delete-user',
    );
    expect(run.output).toMatch(/^5 passed, 0 failed\.$/m);
    expect(run.code).toBe(0);
    const left = await scim.request('GET', '/Users');
    const testUsers = left.body.Resources as { id: string; userName: string; active: boolean }[];
    expect(testUsers.length).toBeGreaterThan(0);
    expect(testUsers.every((user) => !user.active)).toBe(true);
    const lookalike = testUsers.find((user) => /^new-[0-9a-f]{8}@okta\.example$/.test(user.userName));
    expect(lookalike).toBeDefined();

    // A real user whose userName looks like scim-check's, created and deactivated by the IdP's token.
    const userName = 'new-0badc0de@okta.example';
    vendor.seed(userName);
    const created = await scim.request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName,
      active: true,
      emails: [{ value: userName, primary: true, type: 'work' }],
    });
    expect(created.status).toBe(201);
    const realId = String(created.body.id);
    await scim.request('PATCH', `/Users/${realId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    // Its events come after every change scim-check made, on the same stream: once the connector
    // has revoked it, anything about the test users would have been published and acted on too.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const evidence = await scim.runtime.evidence.leaver('default', realId);
      if (evidence?.applications.some((app) => app.status === 'revoked')) break;
      if (Date.now() > deadline) throw new Error('the real leaver was not deprovisioned in time');
      await new Promise((done) => setTimeout(done, 100));
    }

    // Only the real user's events were published.
    expect(published.map((event) => ('user' in event ? event.user.userName : event.type)).sort()).toEqual([
      userName,
      userName,
    ]);
    // No connector acted on a test user, and the evidence holds only the real leaver.
    expect(await scim.runtime.ledger.leaversBetween('default', '2000-01-01T00:00:00.000Z')).toEqual([realId]);
    for (const user of testUsers)
      expect(await scim.runtime.ledger.userLedger('default', user.id), user.userName).toEqual({
        applications: [],
        history: [],
      });
    const [account] = vendor.accounts.values();
    expect(vendor.calls).toEqual(['GET /users', `POST /users/${account?.id}/deactivate`]);
    const report = await scim.runtime.evidence.report('default', '2000-01-01T00:00:00.000Z');
    expect(report.leavers.map((leaver) => leaver.user.userName)).toEqual([userName]);
  });

  it('makes a test user real once another credential writes it: an IdP linking a person to it cannot hide a leaver', {
    timeout: 60_000,
  }, async () => {
    const token = generateToken();
    await scim.runtime.tokens.register('default', token, { label: 'scim-check', purpose: 'conformance' });
    const userName = 'grace.hopper@example.com';
    vendor.seed(userName);
    // Someone with the conformance token creates the user a real person will be matched to.
    const created = await fetch(`${scim.runtime.baseUrl}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER_SCHEMA], userName, active: true, emails: [{ value: userName }] }),
    });
    expect(created.status).toBe(201);
    const id = String(((await created.json()) as { id: string }).id);
    // The IdP finds it by userName (Okta's pre-check), links the person, later deactivates them.
    const linked = await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'displayName', value: 'Grace Hopper' }],
    });
    expect(linked.status).toBe(200);
    await scim.request('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    const deadline = Date.now() + 45_000;
    for (;;) {
      const evidence = await scim.runtime.evidence.leaver('default', id);
      if (evidence?.applications.some((app) => app.status === 'revoked' && app.expected)) break;
      if (Date.now() > deadline) throw new Error('the linked leaver was not deprovisioned in time');
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(
      vendor.accounts.get([...vendor.accounts.values()].find((a) => a.email === userName)?.id ?? '')?.active,
    ).toBe(false);
  });
});
