/**
 * The ledger adapter on DynamoDB Local: history is append-only, states and leaver records are
 * replaced only on the version read, and the look-ups by time and by userName find leavers.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import type {
  ApplicationState,
  HistoryEntry,
  LeaverRecord,
} from '../../../shared/ports/revocation-ledger.ts';
import { ledgerKeys } from '../../../shared/store/keys.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const table = useDynamoTable();
const ledger = () => new DynamoRevocationLedger(table.document, table.evidenceTableName);

const entry: HistoryEntry = {
  connectorId: 'github',
  kind: 'revoked',
  at: '2026-06-30T17:00:01.000Z',
  eventId: 'a'.repeat(32),
  eventType: 'user.deactivated',
  sequence: 3,
  attempt: 1,
  vendorReference: 'req-1',
};

const state: ApplicationState = {
  connectorId: 'github',
  application: 'GitHub',
  status: 'pending',
  sequence: 0,
  finishedEventIds: [],
  attempts: 0,
  updatedAt: '2026-06-30T17:00:00.000Z',
  version: 1,
};

const leaver = (userId: string, leftAt: string, userName = `${userId}@Example.com`): LeaverRecord => ({
  userId,
  userName,
  deactivatedAt: leftAt,
  leftAt,
  leftSequence: 2,
  leaverSequence: 2,
  returnedSequence: 0,
  recordedAt: leftAt,
  version: 1,
});

describe('DynamoRevocationLedger', () => {
  it('never overwrites a history entry: a second write of the same entry changes nothing', async () => {
    expect(await ledger().appendHistory('default', 'u-hist', entry)).toBe(true);
    expect(
      await ledger().appendHistory('default', 'u-hist', {
        ...entry,
        kind: 'failed_permanent',
        error: 'rewritten',
      }),
    ).toBe(true);
    // Same entry (same event, attempt and kind), written again later with other details.
    expect(
      await ledger().appendHistory('default', 'u-hist', {
        ...entry,
        at: '2027-01-01T00:00:00.000Z',
        vendorReference: 'other',
      }),
    ).toBe(false);
    const { Item } = await table.document.send(
      new GetCommand({
        TableName: table.evidenceTableName,
        Key: ledgerKeys.history('default', 'u-hist', entry),
      }),
    );
    expect(Item).toMatchObject({ at: entry.at, vendorReference: 'req-1' });
    expect((await ledger().userLedger('default', 'u-hist')).history.map((h) => h.kind).sort()).toEqual([
      'failed_permanent',
      'revoked',
    ]);
  });

  it('writes a state only on the version it read', async () => {
    expect(await ledger().putApplication('default', 'u-state', state, undefined)).toBe(true);
    expect(await ledger().putApplication('default', 'u-state', state, undefined)).toBe(false);
    const revoked = { ...state, status: 'revoked' as const, version: 2 };
    expect(await ledger().putApplication('default', 'u-state', revoked, 1)).toBe(true);
    // A writer that read version 1 too loses.
    expect(
      await ledger().putApplication(
        'default',
        'u-state',
        { ...state, status: 'failed_permanent', version: 2 },
        1,
      ),
    ).toBe(false);
    expect(await ledger().application('default', 'u-state', 'github')).toMatchObject({
      status: 'revoked',
      version: 2,
    });
  });

  it('finds leavers by the time they left and by userName, case-insensitively, and keeps directories apart', async () => {
    await ledger().putLeaver('default', leaver('u-jan', '2026-01-15T10:00:00.000Z'), undefined);
    await ledger().putLeaver('default', leaver('u-mar', '2026-03-01T00:00:00.000Z'), undefined);
    await ledger().putLeaver('other', leaver('u-feb', '2026-02-01T00:00:00.000Z'), undefined);
    expect(await ledger().leaversBetween('default', '2026-01-01T00:00:00.000Z')).toEqual(['u-jan', 'u-mar']);
    expect(await ledger().leaversBetween('default', '2026-02-01', '2026-12-31')).toEqual(['u-mar']);
    expect(await ledger().leaversNamed('default', 'U-JAN@example.COM')).toEqual(['u-jan']);
    expect(await ledger().leaversNamed('default', 'u-feb@example.com')).toEqual([]);
    expect(await ledger().putLeaver('default', leaver('u-jan', '2026-01-15T10:00:00.000Z'), undefined)).toBe(
      false,
    );
    expect((await ledger().userLedger('default', 'u-jan')).leaver).toMatchObject({
      userId: 'u-jan',
      version: 1,
    });
  });
});
