/**
 * Scope by IdP group, end to end on the local runtime with the directory's real groups: a
 * connector scoped to "Finance" acts for a leaver in that group (pushed over SCIM like Entra does)
 * and is not expected for a leaver outside it, while an "everyone" connector acts for both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VendorFakes } from '../../local/fakes/index.ts';
import { shippedConnectorsOnFakes } from '../../local/shipped-connectors.ts';
import type { LeaverEvidence } from '../../shared/evidence/evidence.ts';
import { entraUser, PATCH_OP, startTestScim, type TestScim } from '../support/scim-client.ts';

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

let scim: TestScim;
let fakes: VendorFakes;

beforeAll(async () => {
  const choice = await shippedConnectorsOnFakes();
  fakes = choice.fakes;
  const setups = choice.setups.flatMap((setup) => {
    if (setup.definition.id === 'zoom') return [{ ...setup, scope: { groups: ['finance'] } }];
    if (setup.definition.id === 'zendesk') return [setup];
    return [];
  });
  scim = await startTestScim({
    connectors: setups,
    connectorOptions: { backoff: { baseSeconds: 0.3, maxSeconds: 1 }, maxReceiveCount: 6 },
  });
});
afterAll(async () => {
  await scim?.close();
  await fakes?.close();
});

async function createUser(userName: string): Promise<string> {
  const created = await scim.request('POST', '/Users', entraUser(userName));
  expect(created.status).toBe(201);
  return String(created.body.id);
}

async function deactivate(id: string): Promise<void> {
  const patched = await scim.request('PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
  });
  expect(patched.status).toBe(200);
}

async function settledEvidence(id: string): Promise<LeaverEvidence> {
  const deadline = Date.now() + 20_000;
  let last: LeaverEvidence | undefined;
  while (Date.now() < deadline) {
    last = await scim.runtime.evidence.leaver('default', id);
    if (last?.complete) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Evidence not complete in time: ${JSON.stringify(last?.applications)}`);
}

describe('a group-scoped connector on the directory groups', () => {
  it('acts for a leaver in the group, and is not expected for one outside it', async () => {
    const inFinance = await createUser('grace.hopper@example.com');
    const elsewhere = await createUser('alan.turing@example.com');
    // Entra pushes the group empty, then adds members in a batch.
    const group = await scim.request('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Finance',
      members: [],
    });
    expect(group.status).toBe(201);
    const added = await scim.request('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: inFinance }] }],
    });
    expect(added.status).toBe(204);

    await deactivate(inFinance);
    await deactivate(elsewhere);

    const finance = await settledEvidence(inFinance);
    expect(finance.applications.find((app) => app.connectorId === 'zoom')).toMatchObject({
      status: 'revoked',
    });
    expect(finance.applications.find((app) => app.connectorId === 'zendesk')).toMatchObject({
      status: 'revoked',
    });

    // Complete without Zoom: it is not expected of this leaver. Zoom's function still sees the
    // event, claims it (a moment in `pending`), finds the user out of scope and records that.
    const other = await settledEvidence(elsewhere);
    const zoomOf = (evidence: LeaverEvidence) =>
      evidence.applications.find((app) => app.connectorId === 'zoom');
    let zoom = zoomOf(other);
    for (const until = Date.now() + 10_000; zoom?.status === 'pending' && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      zoom = zoomOf((await scim.runtime.evidence.leaver('default', elsewhere)) ?? other);
    }
    expect(zoom?.status ?? 'not expected').toMatch(/^(not expected|out_of_scope)$/);
    expect(other.applications.find((app) => app.connectorId === 'zendesk')).toMatchObject({
      status: 'revoked',
    });
  }, 60_000);
});
