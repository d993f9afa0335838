/**
 * The CloudWatch metrics of a connector: one definition for the function that publishes them
 * (functions/app-connector.ts, as Powertools EMF lines) and for the alarm and dashboard that read
 * them (cdk/lib/constructs/app-connector.ts). Each metric has one dimension, `service`, whose
 * value names the connector (Powertools adds it from the service name).
 */
import type { HistoryKind } from '../ports/revocation-ledger.ts';

export const connectorMetrics = {
  /** Every call on the vendor's behalf that ended in an outcome, failures included. */
  attempts: 'ConnectorAttempts',
  /** Attempts that failed, retryable or not: the numerator of the failure-rate alarm. */
  failures: 'ConnectorFailures',
  /** Access actually removed at the vendor. */
  revocations: 'ConnectorRevocations',
} as const;

export type ConnectorMetricName = (typeof connectorMetrics)[keyof typeof connectorMetrics];

/** The service name of a connector's function: its log lines' `service` and its metrics' dimension. */
export const connectorServiceName = (connectorKey: string): string => `connector-${connectorKey}`;

/** Outcomes that come from trying the vendor (or the manual task); skips and bookkeeping do not count. */
const ATTEMPTS: ReadonlySet<HistoryKind> = new Set([
  'revoked',
  'restored',
  'not_found',
  'manual_pending',
  'failed_retryable',
  'failed_permanent',
]);

/**
 * The metrics one recorded outcome counts in. A `dead_lettered` entry follows a failure already
 * counted, and out-of-scope or stale events never reach the vendor, so they count in none.
 *
 * @example
 * metricsOfOutcome('failed_retryable'); // ['ConnectorAttempts', 'ConnectorFailures']
 */
export function metricsOfOutcome(kind: HistoryKind): readonly ConnectorMetricName[] {
  if (!ATTEMPTS.has(kind)) return [];
  if (kind === 'failed_retryable' || kind === 'failed_permanent')
    return [connectorMetrics.attempts, connectorMetrics.failures];
  if (kind === 'revoked') return [connectorMetrics.attempts, connectorMetrics.revocations];
  return [connectorMetrics.attempts];
}
