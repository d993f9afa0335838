/**
 * A step's precondition (see `Precondition` in ./sequence.ts): when the status was right but a
 * body check failed on data the sequence did not create, those checks are `unmet`, not failed.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Check } from './matchers.ts';
import type { Json, Precondition } from './sequence.ts';

/**
 * The step's checks with the failed body checks turned `unmet`, and the precondition to report;
 * undefined when the precondition holds (or the step has none, or reads its own data).
 *
 * @example
 * const unmet = unmetPrecondition(step.precondition, checks, variables);
 * if (unmet) report(unmet.precondition.precondition.remedy);
 */
export function unmetPrecondition(
  precondition: Precondition | undefined,
  checks: readonly Check[],
  variables: ReadonlyMap<string, Json>,
): { readonly checks: Check[]; readonly precondition: { readonly precondition: Precondition } } | undefined {
  if (!precondition || checks[0]?.outcome !== 'pass' || readsOwnData(precondition, variables))
    return undefined;
  const onBody = (check: Check) => check.outcome === 'fail' && check.label.startsWith('body');
  if (!checks.some(onBody)) return undefined;
  return {
    checks: checks.map((check) => (onBody(check) ? { ...check, outcome: 'unmet' as const } : check)),
    precondition: { precondition },
  };
}

/** The step reads what the sequence itself created: its checks are about the service. */
function readsOwnData(precondition: Precondition, variables: ReadonlyMap<string, Json>): boolean {
  if (!precondition.unlessSame) return false;
  const [read, created] = precondition.unlessSame;
  return variables.has(read) && isDeepStrictEqual(variables.get(read), variables.get(created));
}
