import type { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { connectorManifests } from '../../functions/connectors/manifests.ts';
import { connectorConfigIssues, connectorConfigSchema } from '../../shared/connectors/config.ts';
import type { RegisteredManifest } from '../../shared/connectors/manifest.ts';
import { DIRECTORY_ID } from '../../shared/contracts/routes.ts';
import { CONNECTOR_RESERVED_CONCURRENCY } from './constructs/app-connector.ts';
import { relaySettings } from './constructs/event-relay.ts';

export type { ConnectorConfig } from '../../shared/connectors/config.ts';

/** The retention periods CloudWatch Logs accepts; any other number would fail at deploy time. */
const retentionPeriods = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/**
 * CDK context arrives as JSON from cdk.json or as strings from `-c key=value`, so booleans and
 * numbers accept both spellings.
 */
const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** `arn:{partition}:{service}:{region}:{account}:{resource}` of one service. */
const arnOf = (service: string, resource: string) =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}$`);

/** A JSON value given as a string (`-c directories='[…]'`) or as JSON already (cdk.json). */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);

const bootstrapDirectory = z.object({
  id: z.string().regex(DIRECTORY_ID, '1 to 64 letters, digits, "-" or "_"'),
  displayName: z.string().min(1).max(256),
});

const configShape = z
  .object({
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
    /** Alarms notify a new SNS topic with this address subscribed (confirm the e-mail AWS sends). */
    alarmEmail: z.email('must be an e-mail address').optional(),
    /** Alarms notify this existing SNS topic (its policy must let CloudWatch publish to it). */
    alarmTopicArn: z
      .string()
      .regex(arnOf('sns', '[A-Za-z0-9_-]{1,256}(\\.fifo)?'), 'must be an SNS topic ARN')
      .optional(),
    /** A custom domain for the API, e.g. `scim.example.com`; needs `certificateArn` too. */
    domainName: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS name')
      .optional(),
    /** An ACM certificate for `domainName`, in the stack's region (a regional API). */
    certificateArn: z
      .string()
      .regex(arnOf('acm', 'certificate/[0-9a-f-]{36}'), 'must be an ACM certificate ARN')
      .optional(),
    /**
     * Put an AWS WAF web ACL in front of the API (IP reputation, known bad inputs, a per-IP rate
     * limit). About $8 a month plus $0.60 per million requests; turn off only where another
     * layer (a firewall manager policy, a CDN) already protects the API.
     */
    webAcl: booleanFlag.default(true),
    /** Requests one client IP may make in 5 minutes before WAF answers 429 (AWS WAF accepts 10 to 2,000,000,000). */
    webAclRatePerIpPer5Minutes: z.coerce.number().int().min(10).max(2_000_000_000).default(30_000),
    /**
     * Directories whose records the deployment creates (each is one IdP connection with its own
     * base URL). Tokens are minted afterwards with the admin CLI; see docs/deploy.md.
     */
    directories: jsonText(
      z
        .array(bootstrapDirectory)
        .max(50)
        .refine(
          (list) => new Set(list.map((d) => d.id)).size === list.length,
          'each directory id may appear once',
        ),
    ).default([]),
    /**
     * Concurrency reserved for each connector function, and the batches its queue runs at once:
     * a busy account cannot starve deprovisioning, a runaway connector cannot take more. 0
     * reserves nothing (for an account whose concurrency limit is too low to set any aside).
     */
    connectorReservedConcurrency: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .refine((n) => n !== 1, 'must be 0 (none) or at least 2: an SQS event source runs 2 batches at once')
      .default(CONNECTOR_RESERVED_CONCURRENCY),
    /** Concurrency reserved for the stream relay (at least the stream's shard count); 0 reserves nothing. */
    relayReservedConcurrency: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(relaySettings.reservedConcurrency),
    /** Stage-wide steady-state limit in requests per second (each directory also has its own). */
    throttleRateLimit: z.coerce.number().positive().max(10_000).default(100),
    /** Stage-wide burst: requests API Gateway accepts at once above the rate. */
    throttleBurstLimit: z.coerce.number().int().positive().max(5_000).default(200),
    /**
     * The directory table's encryption key:
     * - `aws-owned`: DynamoDB's default key, invisible in CloudTrail, no cost;
     * - `aws-managed`: `aws/dynamodb` in the account, every use in CloudTrail, no key fee;
     * - `customer-managed`: a KMS key of this app with yearly rotation, whose key policy the
     *   account controls (and can revoke); $1 a month plus requests.
     */
    tableEncryption: z.enum(['aws-owned', 'aws-managed', 'customer-managed']).default('aws-managed'),
    /** The applications to deprovision, one entry each (docs/connectors.md). */
    connectors: jsonText(z.array(connectorConfigSchema)).default([]),
  })
  .check((ctx) => {
    const config = ctx.value;
    if (config.alarmEmail !== undefined && config.alarmTopicArn !== undefined)
      ctx.issues.push({
        code: 'custom',
        input: config.alarmTopicArn,
        path: ['alarmTopicArn'],
        message: 'set alarmEmail or alarmTopicArn, not both',
      });
    if ((config.domainName === undefined) !== (config.certificateArn === undefined))
      ctx.issues.push({
        code: 'custom',
        input: config.domainName ?? config.certificateArn,
        path: [config.domainName === undefined ? 'domainName' : 'certificateArn'],
        message: 'domainName and certificateArn go together: set both or neither',
      });
    if (config.throttleBurstLimit < config.throttleRateLimit)
      ctx.issues.push({
        code: 'custom',
        input: config.throttleBurstLimit,
        path: ['throttleBurstLimit'],
        message: 'must be at least throttleRateLimit',
      });
  });

/**
 * The configuration schema, with each connector entry checked against a registry: its id must
 * name a connector, appear once, and its settings must pass the connector's own schema.
 */
export function appConfigSchemaFor(registry: readonly RegisteredManifest[]) {
  return configShape.check((ctx) => {
    for (const issue of connectorConfigIssues(ctx.value.connectors, registry))
      ctx.issues.push({
        code: 'custom',
        input: ctx.value.connectors,
        path: ['connectors', ...issue.path],
        message: issue.message,
      });
  });
}

export const appConfigSchema = appConfigSchemaFor(connectorManifests);

export type AppConfig = z.infer<typeof appConfigSchema>;
/** What a caller may pass: every key optional, numbers and booleans also as strings. */
export type AppConfigInput = z.input<typeof appConfigSchema>;

/**
 * Validates a configuration from any source; the message names every offending key.
 *
 * @example
 * const config = parseConfig({ stage: 'prod', alarmEmail: 'ops@example.com' }, 'ScimConnector props');
 */
export function parseConfig(
  raw: unknown,
  source: string,
  registry: readonly RegisteredManifest[] = connectorManifests,
): AppConfig {
  const result = appConfigSchemaFor(registry).safeParse(raw);
  if (!result.success) throw new Error(`Invalid ${source}: ${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Reads and validates the configuration from the CDK context; fails before any construct is built.
 *
 * @example
 * // npx cdk synth -c stage=prod -c logRetentionDays=365
 * const config = loadConfig(app); // { stage: 'prod', logRetentionDays: 365, ... }
 */
export function loadConfig(
  app: App,
  registry: readonly RegisteredManifest[] = connectorManifests,
): AppConfig {
  const keys = Object.keys(configShape.shape);
  const raw = Object.fromEntries(keys.map((key) => [key, app.node.tryGetContext(key)]));
  return parseConfig(raw, 'CDK context', registry);
}
