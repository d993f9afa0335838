/**
 * What the runtime accepts of a handler's answer, and what of it the ledger keeps as closed.
 */
import { z } from 'zod';
import { ACCESS_PATHS, type AccessPath, type Outcome } from './connector.ts';

/** How a handler's answer is checked: a connector bug must become a recorded failure, not a silent success. */
export const outcomeSchema = z.object({
  status: z.enum([
    'revoked',
    'restored',
    'not_found',
    'out_of_scope',
    'manual_pending',
    'failed_retryable',
    'failed_permanent',
  ]),
  detail: z.string().optional(),
  vendorReference: z.string().optional(),
  instructions: z.string().optional(),
  retryAfterSeconds: z.number().nonnegative().optional(),
  restoreState: z.record(z.string(), z.string()).optional(),
  closes: z.array(z.enum(['login', 'sessions', 'apiTokens', 'seat'] satisfies AccessPath[])).optional(),
});

/**
 * What a revocation closed, once each and in the evidence's order. Only a `revoked` outcome
 * closes anything: a user with no account (`not_found`) or a failure closed nothing, whatever the
 * handler said. Undefined when the connector claimed nothing: the evidence then shows an empty
 * list rather than a guess.
 *
 * @example
 * closedBy({ status: 'revoked', closes: ['seat', 'login', 'seat'] }); // ['login', 'seat']
 */
export function closedBy(outcome: Outcome): readonly AccessPath[] | undefined {
  if (outcome.status !== 'revoked' || !outcome.closes) return undefined;
  const claimed = new Set(outcome.closes);
  return ACCESS_PATHS.filter((path) => claimed.has(path));
}
