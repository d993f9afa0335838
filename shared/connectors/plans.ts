/**
 * The enabled connectors as the evidence recorder receives them (an environment variable in
 * AWS): validated at cold start, so a malformed deployment fails loudly rather than expecting nothing.
 */
import { z } from 'zod';
import type { ConnectorPlan } from '../evidence/evidence-recorder.ts';
import { scopeSchema } from './scope.ts';

const planSchema = z.object({
  id: z.string().min(1),
  application: z.string().min(1),
  events: z.array(
    z.enum(['user.created', 'user.updated', 'user.deactivated', 'user.reactivated', 'user.deleted']),
  ),
  scope: scopeSchema,
});

/**
 * @example
 * const plans = parsePlans(requireEnv(ENV.connectorPlans));
 */
export function parsePlans(json: string): ConnectorPlan[] {
  return z.array(planSchema).parse(JSON.parse(json));
}
