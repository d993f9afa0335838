/**
 * Evidence end to end below the queues: the recorder's expectations, the connectors' outcomes,
 * an operator's confirmation, returners, and the leaver and period reports in every format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import { defineConnector } from '../../../shared/connectors/connector.ts';
import { prepareConnector } from '../../../shared/connectors/prepare.ts';
import {
  applyEvent,
  type PreparedConnector,
  type RuntimeDependencies,
} from '../../../shared/connectors/runtime.ts';
import type { UserEvent } from '../../../shared/events/catalogue.ts';
import { ConfirmationRefused, EvidenceService } from '../../../shared/evidence/evidence.ts';
import { formatEvidenceReport, formatLeaverEvidence } from '../../../shared/evidence/evidence-format.ts';
import { type ConnectorPlan, recordLifecycleEvent } from '../../../shared/evidence/evidence-recorder.ts';
import { useDynamoTable } from '../../support/dynamo.ts';
import { userEvent } from '../../support/lifecycle-events.ts';
import { memoryGroups } from '../../support/memory-groups.ts';
import { NO_VENDOR_RETRIES, sampleConnector } from '../../support/sample-connector.ts';
import { SAMPLE_VENDOR_TOKEN, type SampleVendor, startSampleVendor } from '../../support/sample-vendor.ts';

const table = useDynamoTable();
const groups = memoryGroups();
let vendor: SampleVendor;
let ledger: DynamoRevocationLedger;
let deps: RuntimeDependencies;
let evidence: EvidenceService;
const first = { receiveCount: 1, maxReceiveCount: 5 };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const payrollTask = defineConnector({
  id: 'payroll',
  application: 'Payroll (no API)',
  settings: z.object({}),
  secrets: z.object({}),
  handlers: {
    'user.deactivated': async () => ({
      status: 'manual_pending',
      instructions: 'End the employee in the payroll portal',
    }),
  },
});

const plans: ConnectorPlan[] = [
  {
    id: 'acme-chat',
    application: 'Acme Chat',
    events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
    scope: 'everyone',
  },
  { id: 'payroll', application: 'Payroll (no API)', events: ['user.deactivated'], scope: 'everyone' },
  { id: 'sales-crm', application: 'Sales CRM', events: ['user.deactivated'], scope: { groups: ['Sales'] } },
];

let chat: PreparedConnector;
let payroll: PreparedConnector;
const record = (event: UserEvent) => recordLifecycleEvent(event, plans, { ledger, groups });

beforeAll(async () => {
  vendor = await startSampleVendor();
  ledger = new DynamoRevocationLedger(table.document, table.evidenceTableName);
  deps = { ledger, groups, log: silent, leaseMs: 60_000 };
  evidence = new EvidenceService(ledger);
  chat = prepareConnector({
    definition: sampleConnector,
    settings: { apiBaseUrl: vendor.url },
    scope: 'everyone',
    secrets: async () => ({ apiToken: SAMPLE_VENDOR_TOKEN }),
    vendorHttp: NO_VENDOR_RETRIES,
  }) as PreparedConnector;
  payroll = prepareConnector({
    definition: payrollTask,
    settings: {},
    scope: 'everyone',
    secrets: async () => ({}),
  }) as PreparedConnector;
});
afterAll(() => vendor.close());

describe('evidence of a leaver', () => {
  it('shows every in-scope application as pending from the moment the leaver is seen', async () => {
    const left = userEvent('user.deactivated', { userId: 'ada', userName: 'ada@example.com', sequence: 3 });
    expect(await record(left)).toEqual(['acme-chat', 'payroll']);
    // A redelivery of the leaver event changes nothing.
    expect(await record(left)).toEqual(['acme-chat', 'payroll']);
    const shown = await evidence.leaver('default', 'ada');
    expect(shown).toMatchObject({
      user: { userId: 'ada', userName: 'ada@example.com' },
      deactivatedAt: left.occurredAt,
      state: 'left',
      complete: false,
    });
    expect(shown?.applications.map((app) => [app.connectorId, app.status, app.expected])).toEqual([
      ['acme-chat', 'pending', true],
      ['payroll', 'pending', true],
    ]);
    // Written once, then marked once its expectations were written; the redelivery changed nothing.
    expect((await ledger.leaver('default', 'ada'))?.version).toBe(2);
  });

  it('never calls a leaving complete before the applications expected to act are written', async () => {
    const left = userEvent('user.deactivated', {
      userId: 'grace',
      userName: 'grace@example.com',
      sequence: 2,
    });
    // The recorder dies after the leaver record, before any expectation (a timeout, a throttle).
    const dying = Object.create(ledger, {
      putApplication: { value: async () => Promise.reject(new Error('function timed out')) },
    }) as DynamoRevocationLedger;
    await expect(recordLifecycleEvent(left, plans, { ledger: dying, groups })).rejects.toThrow('timed out');
    const halfway = await evidence.leaver('default', 'grace');
    expect(halfway?.applications).toEqual([]);
    expect(halfway?.complete).toBe(false);
    expect(
      (await evidence.report('default', '2000-01-01')).leavers.find((l) => l.user.userId === 'grace'),
    ).toMatchObject({
      complete: false,
    });
    // The queue redelivers the event: the expectations and the mark are written.
    expect(await record(left)).toEqual(['acme-chat', 'payroll']);
    expect((await ledger.leaver('default', 'grace'))?.expectationsRecordedFor).toBe(2);
  });

  it('turns complete once every application revoked or an operator confirmed the manual task', async () => {
    const left = userEvent('user.deactivated', { userId: 'ada', userName: 'ada@example.com', sequence: 3 });
    vendor.seed('ada@example.com');
    await applyEvent(chat, left, first, deps);
    await applyEvent(payroll, left, first, deps);
    const waiting = await evidence.leaver('default', 'ada');
    expect(waiting?.complete).toBe(false);
    expect(waiting?.applications.find((app) => app.connectorId === 'payroll')).toMatchObject({
      status: 'manual_pending',
      done: false,
      why: 'Manual task waiting for an operator: End the employee in the payroll portal.',
    });

    await evidence.confirm('default', 'ada', 'payroll', 'Grace Hopper');
    const done = await evidence.leaver('default', 'ada');
    expect(done?.complete).toBe(true);
    const confirmed = done?.applications.find((app) => app.connectorId === 'payroll');
    // Nothing claimed by the operator: nothing shown as closed, never a guess.
    expect(confirmed).toMatchObject({
      status: 'confirmed',
      confirmedBy: 'Grace Hopper',
      done: true,
      closes: [],
    });
    expect(done?.applications.find((app) => app.connectorId === 'acme-chat')?.closes).toEqual([
      'login',
      'sessions',
    ]);
    expect(confirmed?.history.map((entry) => [entry.kind, entry.by])).toEqual([
      ['manual_pending', undefined],
      ['confirmed', 'Grace Hopper'],
    ]);
    await expect(evidence.confirm('default', 'ada', 'payroll', 'Someone')).rejects.toThrow(
      ConfirmationRefused,
    );
    await expect(evidence.confirm('default', 'ada', 'unknown', 'Someone')).rejects.toThrow(
      /nothing to confirm/,
    );
    expect(await evidence.resolve('default', 'ADA@example.com')).toEqual(['ada']);
  });

  it('shows what an operator says their confirmation closed, and nothing before an application revoked', async () => {
    const left = userEvent('user.deactivated', {
      userId: 'frank',
      userName: 'frank@example.com',
      sequence: 2,
    });
    await record(left);
    await applyEvent(payroll, left, first, deps);
    const waiting = await evidence.leaver('default', 'frank');
    expect(waiting?.applications.map((app) => [app.connectorId, app.closes])).toEqual([
      ['acme-chat', []],
      ['payroll', []],
    ]);
    await evidence.confirm('default', 'frank', 'payroll', 'Grace Hopper', ['seat', 'login']);
    const payrollEvidence = (await evidence.leaver('default', 'frank'))?.applications.find(
      (app) => app.connectorId === 'payroll',
    );
    expect(payrollEvidence?.closes).toEqual(['login', 'seat']);
    expect(payrollEvidence?.history.at(-1)).toMatchObject({ kind: 'confirmed', closes: ['login', 'seat'] });
  });

  it('keeps the expectation when the connector was faster than the recorder', async () => {
    const left = userEvent('user.deactivated', { userId: 'bob', userName: 'bob@example.com', sequence: 2 });
    vendor.seed('bob@example.com');
    await applyEvent(chat, left, first, deps);
    await record(left);
    const shown = await evidence.leaver('default', 'bob');
    expect(shown?.applications.find((app) => app.connectorId === 'acme-chat')).toMatchObject({
      status: 'revoked',
      expected: true,
      done: true,
    });
  });

  it('says an application is being applied while a claim has no outcome (a crashed function), not silently pending', async () => {
    const left = userEvent('user.deactivated', { userId: 'erin', sequence: 2 });
    await record(left);
    const state = await ledger.application('default', 'erin', 'acme-chat');
    if (!state) throw new Error('no expectation written');
    // What a function that died right after claiming leaves behind.
    await ledger.putApplication(
      'default',
      'erin',
      {
        ...state,
        sequence: 2,
        event: { eventId: left.eventId, eventType: left.type, sequence: 2 },
        attempts: 1,
        firstAttemptAt: '2026-06-30T17:00:03.000Z',
        lease: { eventId: left.eventId, until: '2026-06-30T17:05:03.000Z' },
        version: state.version + 1,
      },
      state.version,
    );
    const chatEvidence = (await evidence.leaver('default', 'erin'))?.applications.find(
      (app) => app.connectorId === 'acme-chat',
    );
    expect(chatEvidence).toMatchObject({ status: 'pending', done: false, attempts: 1 });
    expect(chatEvidence?.why).toBe(
      "Being applied (attempt 1, since 2026-06-30T17:00:03.000Z); if this lasts, check the connector's DLQ.",
    );
  });

  it('expects a group-scoped application only for its members', async () => {
    groups.add('carol', { id: 'g-sales', displayName: 'Sales' });
    const left = userEvent('user.deactivated', { userId: 'carol', sequence: 2 });
    expect(await record(left)).toEqual(['acme-chat', 'payroll', 'sales-crm']);
  });

  it('marks a returner, and a new leaving expects the applications again', async () => {
    const id = 'dave';
    vendor.seed(`${id}@example.com`);
    const firstLeaving = userEvent('user.deactivated', { userId: id, sequence: 2 });
    await record(firstLeaving);
    await applyEvent(chat, firstLeaving, first, deps);
    const back = userEvent('user.reactivated', { userId: id, sequence: 3 });
    await record(back);
    await applyEvent(chat, back, first, deps);
    expect(await evidence.leaver('default', id)).toMatchObject({
      state: 'returned',
      reactivatedAt: back.occurredAt,
    });

    // A stale copy of the first leaving changes nothing; a new one starts a new leaving.
    expect(await record(firstLeaving)).toEqual([]);
    const again = userEvent('user.deactivated', { userId: id, sequence: 4 });
    await record(again);
    const shown = await evidence.leaver('default', id);
    expect(shown).toMatchObject({ state: 'left', leftAt: again.occurredAt, complete: false });
    expect(shown?.applications.find((app) => app.connectorId === 'acme-chat')?.status).toBe('pending');
    await applyEvent(chat, again, first, deps);
    expect(
      (await evidence.leaver('default', id))?.applications.find((app) => app.connectorId === 'acme-chat')
        ?.status,
    ).toBe('revoked');
  });
});

describe('evidence reports', () => {
  it('lists every leaver of the period, complete or not, and what is not revoked with why, as table, JSON and CSV', async () => {
    const report = await evidence.report('default', '2026-01-01');
    const byUser = Object.fromEntries(report.leavers.map((leaver) => [leaver.user.userId, leaver.complete]));
    expect(byUser).toMatchObject({ ada: true, bob: false, carol: false, dave: false });
    expect(report.complete + report.incomplete + report.returned).toBe(report.leavers.length);
    expect(await evidence.report('default', '2027-01-01')).toMatchObject({ leavers: [] });

    const text = formatEvidenceReport(report, 'table');
    expect(text).toMatch(/^ada@example.com\s+ada\s+\S+\s+COMPLETE: 2 of 2 applications done$/m);
    expect(text).toContain('Applications not revoked:');
    expect(text).toMatch(/carol@example.com {2}Sales CRM \(sales-crm\): pending: Expected to act; no report/);

    const csv = formatEvidenceReport(report, 'csv').replace('\uFEFF', '').split('\n');
    expect(csv[0]).toBe(
      'directory,userId,userName,deactivatedAt,deletedAt,state,complete,connector,application,expected,status,done,closes,at,firstAttemptAt,attempts,vendorReference,why,periodSince,periodUntil,generatedAt',
    );
    // The sample connector's outcome said what it closed; the operator's confirmation said nothing.
    expect(csv.find((line) => line.startsWith('default,ada,') && line.includes(',acme-chat,'))).toContain(
      ',revoked,true,login sessions,',
    );
    expect(csv.find((line) => line.startsWith('default,ada,') && line.includes(',payroll,'))).toContain(
      ',confirmed,true,,',
    );
    expect(csv.find((line) => line.startsWith('default,ada,') && line.includes(',payroll,'))).toContain(
      'Confirmed by Grace Hopper.',
    );
    expect(JSON.parse(formatEvidenceReport(report, 'json')).leavers.length).toBe(report.leavers.length);

    const ada = await evidence.leaver('default', 'ada');
    if (!ada) throw new Error('no evidence for ada');
    expect(formatLeaverEvidence(ada, 'table')).toMatch(/evidence:\s+COMPLETE: 2 of 2 applications done/);
    const quoted = formatLeaverEvidence(
      { ...ada, user: { ...ada.user, userName: 'Lovelace, "Ada"' } },
      'csv',
    );
    expect(quoted.split('\n')[1]).toContain('"Lovelace, ""Ada"""');
  });
});
