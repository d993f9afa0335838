/**
 * Evidence as people and tools read it: a table for the terminal, JSON for tools, CSV for the
 * auditor's spreadsheet. CSV is written here (RFC 4180: quote a field holding a comma, quote or
 * line break, double its quotes) rather than with a library: that rule is the whole of it.
 */
import type { ApplicationEvidence, EvidenceReport, LeaverEvidence } from './evidence.ts';

export const EVIDENCE_FORMATS = ['table', 'json', 'csv'] as const;
export type EvidenceFormat = (typeof EVIDENCE_FORMATS)[number];

const csvField = (value: unknown): string => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const csvRow = (fields: readonly unknown[]) => fields.map(csvField).join(',');

const LEAVER_COLUMNS = ['directory', 'userId', 'userName', 'deactivatedAt', 'deletedAt', 'state', 'complete'];
const APPLICATION_COLUMNS = [
  'connector',
  'application',
  'expected',
  'status',
  'done',
  'at',
  'firstAttemptAt',
  'attempts',
  'vendorReference',
  'why',
];

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
 * One leaver's evidence.
 *
 * @example
 * console.log(formatLeaverEvidence(evidence, 'table'));
 */
export function formatLeaverEvidence(leaver: LeaverEvidence, format: EvidenceFormat): string {
  if (format === 'json') return JSON.stringify(leaver, null, 2);
  if (format === 'csv')
    return [
      csvRow([...LEAVER_COLUMNS, ...APPLICATION_COLUMNS]),
      ...leaver.applications.map((app) => csvRow([...leaverFields(leaver), ...applicationFields(app)])),
    ].join('\n');
  const name = leaver.user.displayName ? ` (${leaver.user.displayName})` : '';
  return [
    `Leaver ${leaver.user.userName}${name}, user ${leaver.user.userId}, directory ${leaver.directoryId}`,
    `  deactivated by the IdP:  ${leaver.deactivatedAt ?? '-'}`,
    `  deleted by the IdP:      ${leaver.deletedAt ?? '-'}`,
    `  evidence:                ${verdict(leaver)}`,
    '',
    ...table(
      ['application', 'connector', 'status', 'at', 'attempts', 'reference', 'why'],
      leaver.applications.map((app) => [
        app.application,
        app.connectorId,
        `${app.status}${app.expected ? '' : ' (not required)'}`,
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
  if (format === 'csv')
    return [
      csvRow([...LEAVER_COLUMNS, ...APPLICATION_COLUMNS]),
      ...report.leavers.flatMap((leaver) =>
        leaver.applications.length > 0
          ? leaver.applications.map((app) => csvRow([...leaverFields(leaver), ...applicationFields(app)]))
          : [csvRow(leaverFields(leaver))],
      ),
    ].join('\n');
  const lines = [
    `Leavers of directory ${report.directoryId} since ${report.since}${report.until ? ` until ${report.until}` : ''}: ` +
      `${report.leavers.length} (${report.complete} complete, ${report.incomplete} incomplete, ${report.returned} returned)`,
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
  return lines.join('\n');
}
