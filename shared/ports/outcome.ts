/**
 * The words a connector's outcome and the revocation ledger share. They live with the ports so
 * that the ledger port needs nothing from the connector SDK, which re-exports them.
 */

/**
 * What a handler reports. `revoked` and `not_found` (the user had no account there) complete a
 * leaver for this application; `restored` completes a returner; `out_of_scope` says the
 * application does not concern this user; `manual_pending` waits for an operator's confirmation.
 * `failed_retryable` is retried (queue redelivery with backoff) and `failed_permanent` is not: both
 * are recorded with the error, and a message that stops being retried lands in the DLQ.
 */
export type OutcomeStatus =
  | 'revoked'
  | 'restored'
  | 'not_found'
  | 'out_of_scope'
  | 'manual_pending'
  | 'failed_retryable'
  | 'failed_permanent';

/**
 * A way into an application that a revocation can close: the next `login` (local password or SSO),
 * live `sessions`, `apiTokens` (API tokens, personal access tokens, OAuth grants) and the paid
 * `seat` or licence. The evidence shows, per application, which of them a revocation closed.
 */
export type AccessPath = 'login' | 'sessions' | 'apiTokens' | 'seat';
