/**
 * The evidence API's handler: parse the path and query, ask the EvidenceService, answer in the
 * format asked for. Authorisation happened before (AWS_IAM in API Gateway, the admin token
 * locally), so this code only reads.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { EvidenceService } from './evidence.ts';
import {
  EVIDENCE_FORMATS,
  type EvidenceFormat,
  formatEvidenceReport,
  formatLeaverEvidence,
} from './evidence-format.ts';

const CONTENT_TYPES: Readonly<Record<EvidenceFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  table: 'text/plain; charset=utf-8',
};

const answer = (
  statusCode: number,
  body: string,
  contentType = 'application/json',
  fileName?: string,
): APIGatewayProxyResult => ({
  statusCode,
  headers: {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    // A browser saves a CSV as a file to open in a spreadsheet, under a name that says what it is.
    ...(fileName ? { 'Content-Disposition': `attachment; filename="${fileName}"` } : {}),
  },
  body,
});

/** The file name of a CSV export: letters, digits, `-`, `_` and `.` only. */
const csvName = (format: EvidenceFormat, ...parts: string[]) =>
  format === 'csv' ? `${parts.join('-').replace(/[^\w.-]+/g, '_')}.csv` : undefined;
const problem = (statusCode: number, message: string) => answer(statusCode, JSON.stringify({ message }));

/**
 * A date or date-time as the reports compare them (ISO 8601 in UTC), or undefined when unreadable.
 *
 * @example
 * isoTime('2026-01-01'); // '2026-01-01T00:00:00.000Z'
 */
export function isoTime(text: string | undefined): string | undefined {
  if (!text || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * @example
 * export const handler = createEvidenceApiHandler(new EvidenceService(ledger));
 */
export function createEvidenceApiHandler(evidence: EvidenceService) {
  return async function evidenceApi(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const directoryId = event.pathParameters?.directoryId;
    if (!directoryId) return problem(400, 'A directory id is needed in the path.');
    const query = event.queryStringParameters ?? {};
    const format = (query.format ?? 'json') as EvidenceFormat;
    if (!EVIDENCE_FORMATS.includes(format))
      return problem(400, `format must be one of ${EVIDENCE_FORMATS.join(', ')}.`);

    const user = event.pathParameters?.user;
    if (user !== undefined) {
      const ids = await evidence.resolve(directoryId, user);
      const leavers = (await Promise.all(ids.map((id) => evidence.leaver(directoryId, id)))).filter(
        (leaver) => leaver !== undefined,
      );
      const [leaver] = leavers;
      if (!leaver) return problem(404, `No leaver ${user} in directory ${directoryId}.`);
      if (leavers.length > 1)
        return problem(
          409,
          `${leavers.length} leavers had the userName ${user}; ask by user id: ${ids.join(', ')}.`,
        );
      return answer(
        200,
        formatLeaverEvidence(leaver, format),
        CONTENT_TYPES[format],
        csvName(format, 'evidence', directoryId, leaver.user.userId),
      );
    }

    const since = isoTime(query.since);
    if (!since) return problem(400, 'since is needed, as a date (2026-01-01) or an ISO 8601 time.');
    const until = query.until === undefined ? undefined : isoTime(query.until);
    if (query.until !== undefined && !until) return problem(400, 'until must be a date or an ISO 8601 time.');
    const report = await evidence.report(directoryId, since, until);
    return answer(
      200,
      formatEvidenceReport(report, format),
      CONTENT_TYPES[format],
      csvName(format, 'leavers', directoryId, since.slice(0, 10), until?.slice(0, 10) ?? 'now'),
    );
  };
}
