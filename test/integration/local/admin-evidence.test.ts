/**
 * `npm run admin -- evidence | evidence-report | confirm` against a running local runtime, found
 * as `npm start` is found (its runtime file), after a real deactivation went through connectors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manual from '../../../functions/connectors/manual/connector.ts';
import { writeRuntimeFile } from '../../../local/runtime-file.ts';
import { registered } from '../../../shared/connectors/registry.ts';
import { runAdmin } from '../../../tools/admin/commands.ts';
import { NO_VENDOR_RETRIES, sampleConnector } from '../../support/sample-connector.ts';
import { SAMPLE_VENDOR_TOKEN, type SampleVendor, startSampleVendor } from '../../support/sample-vendor.ts';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../../support/scim-client.ts';

let scim: TestScim;
let vendor: SampleVendor;
let dir: string;
let userId: string;
const USER = 'margaret.hamilton@example.com';
const ADMIN_TOKEN = 'admin_test_token_for_admin_evidence';

const admin = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await runAdmin([...argv, '--runtime-file', join(dir, 'runtime.json')], (line) =>
    lines.push(line),
  );
  return { code, output: lines.join('\n') };
};

beforeAll(async () => {
  vendor = await startSampleVendor();
  vendor.seed(USER);
  scim = await startTestScim({
    connectors: [
      {
        definition: registered(sampleConnector),
        scope: 'everyone',
        settings: { apiBaseUrl: vendor.url },
        secrets: { apiToken: SAMPLE_VENDOR_TOKEN },
      },
      {
        definition: registered(manual),
        name: 'payroll',
        scope: 'everyone',
        settings: { application: 'Payroll', instructions: 'End {{userName}} in the payroll portal.' },
        secrets: {},
      },
    ],
    connectorOptions: { vendorHttp: NO_VENDOR_RETRIES, backoff: { baseSeconds: 0.1, maxSeconds: 0.2 } },
    adminToken: ADMIN_TOKEN,
  });
  dir = await mkdtemp(join(tmpdir(), 'scim-evidence-'));
  await writeRuntimeFile(
    { dynamoEndpoint: scim.dynamoEndpoint, tableName: scim.tableName, url: scim.runtime.url },
    join(dir, 'runtime.json'),
  );
  const created = await scim.request('POST', '/Users', entraUser(USER));
  userId = String(created.body.id);
  await scim.request('PATCH', `/Users/${userId}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  // Both applications answered and the recorder expected both.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const evidence = await scim.runtime.evidence.leaver('default', userId);
    const settled = evidence?.applications.filter((app) => app.expected && app.status !== 'pending');
    if (settled?.length === 2) break;
    if (Date.now() > deadline) throw new Error('the deactivation was not processed in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(async () => {
  await scim?.close();
  await vendor?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run admin -- evidence', () => {
  it('shows a leaver by userName: when the IdP deactivated them, and each application', async () => {
    const { code, output } = await admin('evidence', USER);
    expect(code).toBe(0);
    expect(output).toContain(`Leaver ${USER}`);
    expect(output).toMatch(/deactivated by the IdP:\s+\d{4}-\d{2}-\d{2}T/);
    expect(output).toMatch(/evidence:\s+INCOMPLETE: 1 of 2 applications done/);
    expect(output).toMatch(
      /^Acme Chat\s+acme-chat\s+revoked\s+login, sessions\s+\S+\s+1\s+[0-9a-f-]{36}\s+Account .* deactivated\.$/m,
    );
    expect(output).toMatch(
      /^Payroll\s+manual-payroll\s+manual_pending\s+-\s.*End margaret\.hamilton@example\.com in the payroll portal\./m,
    );
  });

  it('answers JSON and CSV, and 1 for a user who never left', async () => {
    const json = JSON.parse((await admin('evidence', userId, '--format', 'json')).output);
    expect(json).toMatchObject({ user: { userId, userName: USER }, complete: false, state: 'left' });
    // What each revocation closed, per application: the sample connector's outcome said it; the
    // manual task is not done, so it closed nothing.
    expect(
      json.applications.map((app: { connectorId: string; closes: string[] }) => [
        app.connectorId,
        app.closes,
      ]),
    ).toEqual([
      ['acme-chat', ['login', 'sessions']],
      ['manual-payroll', []],
    ]);
    const csv = (await admin('evidence', USER, '--format', 'csv')).output.split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^\uFEFFdirectory,userId,userName,.*,done,closes,at,/);
    expect(csv[1]).toMatch(
      new RegExp(`^default,${userId},${USER},.*,acme-chat,Acme Chat,true,revoked,true,login sessions,`),
    );
    expect(csv[2]).toMatch(/,manual-payroll,Payroll,true,manual_pending,false,,/);
    expect((await admin('evidence', 'nobody@example.com')).code).toBe(1);
    expect((await admin('evidence', USER, '--format', 'xml')).code).toBe(2);
  });

  it('serves the same over the evidence API: closes per application, a CSV to save and open', async () => {
    const api = (path: string) =>
      fetch(`${scim.runtime.url}/default/evidence/leavers${path}`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    const json = (await (await api(`/${userId}`)).json()) as { applications: { closes: string[] }[] };
    expect(json.applications.map((app) => app.closes)).toEqual([['login', 'sessions'], []]);
    const csv = await api('?since=2000-01-01&format=csv');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="leavers-default-2000-01-01-now.csv"',
    );
    // fetch's text() drops a leading BOM, as a UTF-8 decoder should: read the bytes.
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).split('\n');
    expect(lines[1]).toMatch(
      /,acme-chat,Acme Chat,true,revoked,true,login sessions,.*,2000-01-01T00:00:00\.000Z,,\d{4}-/,
    );
  });

  it('records an operator confirmation of the manual task, after which the period report says complete', async () => {
    // A scheduled check fails while a leaver is incomplete; without the flag the report is just shown.
    const open = await admin('evidence-report', '--since', '2000-01-01', '--fail-on-incomplete');
    expect(open.output).toMatch(/: 1 \(0 complete, 1 incomplete, 0 returned\)/);
    expect(open.code).toBe(3);
    expect((await admin('evidence-report', '--since', '2000-01-01')).code).toBe(0);
    expect((await admin('confirm', USER, 'manual-payroll', '--closes', 'login,everything')).code).toBe(2);

    const confirmed = await admin(
      'confirm',
      USER,
      'manual-payroll',
      '--by',
      'Grace Hopper',
      '--closes',
      'seat,login',
    );
    expect(confirmed.code).toBe(0);
    expect(confirmed.output).toMatch(
      /^Confirmed Payroll \(manual-payroll\) for margaret.hamilton@example.com, by Grace Hopper at /,
    );
    expect((await admin('confirm', USER, 'manual-payroll')).code).toBe(1);
    expect((await admin('confirm', USER)).code).toBe(2);

    const report = await admin('evidence-report', '--since', '2000-01-01');
    expect(report.code).toBe(0);
    expect(report.output).toMatch(/: 1 \(1 complete, 0 incomplete, 0 returned\)/);
    expect(report.output).toMatch(
      new RegExp(`^${USER}\\s+${userId}\\s+\\S+\\s+COMPLETE: 2 of 2 applications done$`, 'm'),
    );
    expect((await admin('evidence', USER)).output).toMatch(
      /Payroll\s+manual-payroll\s+confirmed\s+login, seat\s.*Confirmed by Grace Hopper\./,
    );
    expect((await admin('evidence-report', '--since', '2000-01-01', '--fail-on-incomplete')).code).toBe(0);
    expect(report.output).toContain('  margaret.hamilton@example.com  Payroll (manual-payroll): login, seat');
    const badDate = await admin('evidence-report', '--since', 'last tuesday');
    expect(badDate.code).toBe(2);
    expect(badDate.output).toBe(
      'error: invalid date: last tuesday (use 2026-01-01 or an ISO 8601 time) (see npm run admin -- evidence-report --help)',
    );
    const badUntil = await admin('evidence-report', '--since', '2000-01-01', '--until', '2026-13-45');
    expect(badUntil.output).toMatch(
      /^error: invalid date: 2026-13-45 \(use 2026-01-01 or an ISO 8601 time\)/,
    );
    expect((await admin('evidence-report', '--since', '2999-01-01', '--format', 'json')).output).toContain(
      '"leavers": []',
    );
  });
});
