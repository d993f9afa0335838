/**
 * `npm run admin -- evidence | evidence-report | confirm` against a running local runtime, found
 * as `npm start` is found (its runtime file), after a real deactivation went through connectors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import manual from '../../../functions/connectors/manual/connector.ts';
import { runAdmin } from '../../../local/admin/commands.ts';
import { writeRuntimeFile } from '../../../local/runtime-file.ts';
import { registered } from '../../../shared/connectors/registry.ts';
import { NO_VENDOR_RETRIES, sampleConnector } from '../../support/sample-connector.ts';
import { SAMPLE_VENDOR_TOKEN, type SampleVendor, startSampleVendor } from '../../support/sample-vendor.ts';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../../support/scim-client.ts';

let scim: TestScim;
let vendor: SampleVendor;
let dir: string;
let userId: string;
const USER = 'margaret.hamilton@example.com';

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
      /^Acme Chat\s+acme-chat\s+revoked\s+\S+\s+1\s+[0-9a-f-]{36}\s+Account .* deactivated\.$/m,
    );
    expect(output).toMatch(
      /^Payroll\s+manual-payroll\s+manual_pending\s.*End margaret\.hamilton@example\.com in the payroll portal\./m,
    );
  });

  it('answers JSON and CSV, and 1 for a user who never left', async () => {
    const json = JSON.parse((await admin('evidence', userId, '--format', 'json')).output);
    expect(json).toMatchObject({ user: { userId, userName: USER }, complete: false, state: 'left' });
    const csv = (await admin('evidence', USER, '--format', 'csv')).output.split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(new RegExp(`^default,${userId},${USER},`));
    expect((await admin('evidence', 'nobody@example.com')).code).toBe(1);
    expect((await admin('evidence', USER, '--format', 'xml')).code).toBe(2);
  });

  it('records an operator confirmation of the manual task, after which the period report says complete', async () => {
    const confirmed = await admin('confirm', USER, 'manual-payroll', '--by', 'Grace Hopper');
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
      /Payroll\s+manual-payroll\s+confirmed\s.*Confirmed by Grace Hopper\./,
    );
    expect((await admin('evidence-report', '--since', 'last tuesday')).code).toBe(2);
    expect((await admin('evidence-report', '--since', '2999-01-01', '--format', 'json')).output).toContain(
      '"leavers": []',
    );
  });
});
