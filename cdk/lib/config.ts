import type { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/** The retention periods CloudWatch Logs accepts; any other number would fail at deploy time. */
const retentionPeriods = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/**
 * CDK context arrives as JSON from cdk.json or as strings from `-c key=value`, so booleans and
 * numbers accept both spellings.
 */
const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const appConfigSchema = z.object({
  /** Names the stacks and the API stage, so several stages can live in one account. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, starting with a letter')
    .default('dev'),
  /** Retention of every log group the app creates (functions, API access and execution logs). */
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => retentionPeriods.has(days), 'must be a retention period CloudWatch Logs accepts')
    .default(RetentionDays.THREE_MONTHS),
  /**
   * API Gateway logs to CloudWatch through ONE role per account and region. Leave this on unless
   * another stack (a landing zone, another app) already sets that role: then turn it off here.
   */
  manageApiGatewayAccount: booleanFlag.default(true),
});

export type AppConfig = z.infer<typeof appConfigSchema>;

/**
 * Reads and validates the configuration from the CDK context; fails before any construct is built.
 *
 * @example
 * // npx cdk synth -c stage=prod -c logRetentionDays=365
 * const config = loadConfig(app); // { stage: 'prod', logRetentionDays: 365, manageApiGatewayAccount: true }
 */
export function loadConfig(app: App): AppConfig {
  const raw = Object.fromEntries(
    Object.keys(appConfigSchema.shape).map((key) => [key, app.node.tryGetContext(key)]),
  );
  const result = appConfigSchema.safeParse(raw);
  if (!result.success) throw new Error(`Invalid CDK context: ${z.prettifyError(result.error)}`);
  return result.data;
}
