/**
 * The scim-check report: one row per sequence (IdP, sequence, evidence, result, checks, time),
 * then each failed check with the request that got the answer, each precondition the directory
 * does not meet with what to do, then a summary line.
 */
import { describeFailures, type SequenceResult, tally } from '../conformance/runner.ts';
import type { Sequence } from '../conformance/sequence.ts';

export interface ReportRow {
  readonly idp: string;
  readonly sequence: Sequence;
  /** Endpoints the sequence needs that the service does not serve: then it was not run. */
  readonly missing: readonly string[];
  readonly result?: SequenceResult;
}

const HEADINGS = ['IdP', 'Sequence', 'Evidence', 'Result', 'Checks', 'Time'] as const;

/**
 * The report as lines.
 *
 * @example
 * for (const line of formatReport(rows)) console.log(line);
 */
export function formatReport(rows: readonly ReportRow[]): string[] {
  const table = rows.map(cells);
  const widths = HEADINGS.map((heading, column) =>
    Math.max(heading.length, ...table.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(HEADINGS), line(widths.map((width) => '-'.repeat(width))), ...table.map(line)];

  const failed = rows.filter((row) => row.result && !row.result.passed);
  if (failed.length > 0) {
    out.push('', 'Failures');
    for (const row of failed) {
      out.push(`  ${row.idp} / ${row.sequence.id}: ${row.sequence.title}`);
      for (const failure of describeFailures(row.result as SequenceResult)) {
        out.push(...failure.split('\n').map((text) => `    ${text}`));
      }
    }
  }
  const unmet = rows.filter((row) => row.result?.unmet);
  if (unmet.length > 0) {
    out.push('', 'Preconditions not met (not a failure of the service)');
    for (const row of unmet) {
      const result = row.result as SequenceResult;
      const precondition = result.steps.find((step) => step.precondition)?.precondition;
      out.push(`  ${row.idp} / ${row.sequence.id}: ${precondition?.needs ?? 'see below'}.`);
      if (precondition) out.push(`    What to do: ${precondition.remedy}.`);
      for (const note of describeFailures(result)) out.push(...note.split('\n').map((text) => `    ${text}`));
    }
  }
  const partly = rows.filter((row) => row.result?.passed && !row.result.unmet && tally(row.result).skip > 0);
  if (partly.length > 0) {
    out.push('', 'Not checked');
    for (const row of partly) {
      out.push(`  ${row.idp} / ${row.sequence.id}`);
      for (const note of describeFailures(row.result as SequenceResult)) {
        out.push(...note.split('\n').map((text) => `    ${text}`));
      }
    }
  }
  const passed = rows.filter((row) => row.result?.passed && !row.result.unmet).length;
  const notRun = rows.filter((row) => !row.result);
  const missing = [...new Set(notRun.flatMap((row) => row.missing))].sort();
  out.push(
    '',
    `${passed} passed, ${failed.length} failed` +
      (unmet.length > 0 ? `, ${unmet.length} precondition not met` : '') +
      (notRun.length > 0
        ? `, ${notRun.length} not run (the service does not serve ${missing.join(', ')})`
        : '') +
      '.',
  );
  return out;
}

function cells(row: ReportRow): string[] {
  const { result } = row;
  if (!result) {
    return [
      row.idp,
      row.sequence.id,
      row.sequence.evidence,
      'not run',
      '-',
      `needs ${row.missing.join(', ')}`,
    ];
  }
  const counts = tally(result);
  const total = counts.pass + counts.fail + counts.skip + counts.unmet;
  const verdict = verdictOf(result);
  return [
    row.idp,
    row.sequence.id,
    row.sequence.evidence,
    verdict,
    `${counts.pass}/${total}`,
    `${Math.round(result.durationMs)} ms`,
  ];
}

/**
 * A sequence's result in a word or two.
 *
 * @example
 * verdictOf(result); // 'pass', 'pass*' (some checks not made), 'FAIL' or 'precondition not met'
 */
export function verdictOf(result: SequenceResult): string {
  if (!result.passed) return 'FAIL';
  if (result.unmet) return 'precondition not met';
  return tally(result).skip > 0 ? 'pass*' : 'pass';
}
