/**
 * `npm run admin -- evidence-migrate`: a deployment made before the ledger had a table of its own
 * kept its evidence in the directory table. After the upgrade the evidence commands read the
 * evidence table, so the operator copies the old ledger over, and past leavers are shown again.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDirectoryStore } from '../../../shared/adapters/dynamodb/directory-store.ts';
import { DynamoRevocationLedger } from '../../../shared/adapters/dynamodb/revocation-ledger.ts';
import { runAdmin } from '../../../tools/admin/commands.ts';
import { useDynamoTable } from '../../support/dynamo.ts';

const LEFT_AT = '2026-03-02T09:00:00.000Z';

describe('npm run admin -- evidence-migrate', () => {
  const table = useDynamoTable();
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const target = ['--endpoint', table.endpoint, '--table', table.tableName];
    const code = await runAdmin([...argv, ...target], (line) => lines.push(line));
    return { code, output: lines.join('\n') };
  };

  it('copies the ledger of past leavers from the directory table, once, and the evidence shows them', async () => {
    await new DynamoDirectoryStore(table.document, table.tableName).create('default', 'Default');
    // The ledger as the previous version wrote it: in the directory table.
    const old = new DynamoRevocationLedger(table.document, table.tableName);
    await old.putLeaver(
      'default',
      {
        userId: 'u-grace',
        userName: 'grace@example.com',
        deactivatedAt: LEFT_AT,
        leftAt: LEFT_AT,
        leftSequence: 3,
        leaverSequence: 3,
        returnedSequence: 0,
        recordedAt: LEFT_AT,
        expectationsRecordedFor: 3,
        version: 1,
      },
      undefined,
    );
    await old.putApplication(
      'default',
      'u-grace',
      {
        connectorId: 'github',
        application: 'GitHub',
        status: 'revoked',
        sequence: 3,
        event: { eventId: 'e-3', eventType: 'user.deactivated', sequence: 3 },
        finishedEventIds: ['e-3'],
        attempts: 1,
        updatedAt: LEFT_AT,
        expected: { since: LEFT_AT, sequence: 3, eventType: 'user.deactivated' },
        version: 1,
      },
      undefined,
    );
    await old.appendHistory('default', 'u-grace', {
      connectorId: 'github',
      kind: 'revoked',
      at: LEFT_AT,
      eventId: 'e-3',
      eventType: 'user.deactivated',
      sequence: 3,
      attempt: 1,
    });

    const before = await run('evidence', 'grace@example.com');
    expect(before.code).toBe(1);
    expect(before.output).toContain('No leaver grace@example.com');

    const migrated = await run('evidence-migrate');
    expect(migrated.code).toBe(0);
    // The leaver, its two index entries, one application state, one history entry.
    expect(migrated.output).toContain('Copied 5 ledger items of 1 directories');

    const after = await run('evidence', 'grace@example.com', '--format', 'json');
    expect(after.code).toBe(0);
    const evidence = JSON.parse(after.output);
    expect(evidence).toMatchObject({ user: { userId: 'u-grace' }, deactivatedAt: LEFT_AT, complete: true });
    expect(evidence.applications).toEqual([
      expect.objectContaining({ connectorId: 'github', status: 'revoked' }),
    ]);
    const report = await run('evidence-report', '--since', '2026-01-01', '--format', 'csv');
    expect(report.output).toContain('grace@example.com');

    const again = await run('evidence-migrate');
    expect(again.output).toContain('Copied 0 ledger items of 1 directories into');
    expect(again.output).toContain('(5 were there already)');
  });

  it('asks for the evidence table of a deployed stack rather than guessing it', async () => {
    const lines: string[] = [];
    const code = await runAdmin(['evidence-migrate', '--table', 'scim-prod-directory'], (line) =>
      lines.push(line),
    );
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain('--evidence-table <the EvidenceTableName stack output>');
  });
});
