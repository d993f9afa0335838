import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  applicationName,
  connectorKey,
  type RegisteredManifest,
} from '../../../shared/connectors/manifest.ts';
import {
  type ConnectorMetricName,
  connectorMetrics,
  connectorServiceName,
} from '../../../shared/connectors/outcome-metrics.ts';
import type { Scope } from '../../../shared/connectors/scope.ts';
import { ENV } from '../../../shared/contracts/env.ts';
import { patternOfTypes } from '../../../shared/events/patterns.ts';
import { bindTable } from './bind-table.ts';
import { QueuedFunction } from './queued-function.ts';

export interface AppConnectorProps {
  /** The connector's manifest, from functions/connectors/manifests.ts. */
  readonly connector: RegisteredManifest;
  /** For a second instance of one connector: its ledger id becomes `{id}-{name}`. */
  readonly name?: string;
  readonly scope: Scope;
  /** Its settings, already validated against the definition by the stack configuration. */
  readonly settings: Record<string, unknown>;
  /** The lifecycle bus. */
  readonly bus: IEventBus;
  /** The directory table: read (the user's groups, for the scope), never written. */
  readonly table: ITable;
  /** The evidence table: the revocation ledger the connector reads and appends to. */
  readonly evidenceTable: ITable;
  readonly logRetention: RetentionDays;
  /** The CloudWatch namespace of the connector's outcome metrics, e.g. `ScimConnector/prod`. */
  readonly metricsNamespace: string;
  readonly alarmAction?: IAlarmAction;
  /** @default 10: with the backoff of shared/connectors/backoff.ts, about 80 minutes of vendor outage */
  readonly maxReceiveCount?: number;
  /**
   * Batches of this application's events handled at once, reserved for its function: a busy
   * account cannot starve deprovisioning, and a runaway connector (a mass leaving, a vendor that
   * answers slowly) cannot take more. 0 reserves nothing and keeps the queue's least (2).
   * @default CONNECTOR_RESERVED_CONCURRENCY
   */
  readonly reservedConcurrency?: number;
}

/** Each connector's reserved concurrency unless configured: the least an SQS event source runs. */
export const CONNECTOR_RESERVED_CONCURRENCY = 2;

/** The composition root every connector function runs (it picks its definition by CONNECTOR_ID). */
export const CONNECTOR_ENTRY = 'functions/app-connector.ts';

/** The failure-rate alarm, exported for the tests and docs/deploy.md. */
export const connectorFailureAlarm = {
  /** Percentage of vendor attempts that failed (retryable or not) in a five-minute period. */
  percent: 20,
  period: Duration.minutes(5),
  /** Periods in a row: a short blip that the retries absorb does not page anyone. */
  periods: 3,
} as const;

/**
 * One application's deprovisioning: an EventBridge rule built from the event types the connector
 * handles, an SQS queue with a dead-letter queue (redrive policy) and an alarm on it, the connector
 * function (Node.js 22, arm64) reading the queue with partial batch responses, and the
 * connector's own secret. The function may read that one secret, read and append to the ledger
 * (the evidence table), read the directory table, hide its own messages for a backoff and send to
 * its own DLQ; nothing else. It holds vendor credentials, so it has no write on the directory:
 * a compromised connector cannot mint a token, change a user or rewrite a membership.
 *
 * The secret is created empty of meaning (a random string): put the vendor credentials in it as
 * JSON (`aws secretsmanager put-secret-value`, see docs/connectors.md). Until then every event
 * fails permanently with "secret does not fit", lands in the DLQ and raises the alarm.
 *
 * @example
 * new AppConnector(this, 'GithubConnector', { connector: github, scope: 'everyone', settings: { organization: 'acme' }, bus, table, evidenceTable, logRetention });
 */
export class AppConnector extends Construct {
  /** Absent for a connector without secrets (a manual task). */
  readonly secret?: Secret;
  readonly consumer: QueuedFunction;
  /** The application's name, as the evidence and the dashboard show it. */
  readonly application: string;
  /** Fires when the vendor keeps failing, long before the messages exhaust their retries. */
  readonly failureRateAlarm: Alarm;
  private readonly metricsNamespace: string;
  private readonly serviceName: string;

  constructor(scope: Construct, id: string, props: AppConnectorProps) {
    super(scope, id);
    const { connector } = props;
    const key = connectorKey(connector.id, props.name);
    const application = applicationName(connector, props.settings);
    this.application = application;
    this.metricsNamespace = props.metricsNamespace;
    this.serviceName = connectorServiceName(key);
    const maxReceiveCount = props.maxReceiveCount ?? 10;
    // A connector whose secrets schema accepts nothing at all (a manual task) gets no secret.
    const needsSecret = !connector.secrets.safeParse({}).success;
    const secret = needsSecret
      ? new Secret(this, 'Secret', {
          description: `Vendor credentials of the ${application} connector (${key}), JSON`,
          // Deleting the stack must not lose a credential an operator obtained from the vendor.
          removalPolicy: RemovalPolicy.RETAIN,
        })
      : undefined;
    if (secret) this.secret = secret;
    if (secret)
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The secret holds credentials the vendor issues (API tokens, OAuth client secrets): only the vendor can ' +
          'rotate them, so rotation is an operator putting the new value (docs/connectors.md), not a rotation Lambda.',
      });

    this.consumer = new QueuedFunction(this, 'Consumer', {
      bus: props.bus,
      pattern: patternOfTypes([...connector.events].sort()),
      entry: CONNECTOR_ENTRY,
      description: `${application} connector: lifecycle events -> vendor API -> revocation ledger`,
      serviceName: this.serviceName,
      logRetention: props.logRetention,
      maxReceiveCount,
      ...concurrencyOf(props.reservedConcurrency ?? CONNECTOR_RESERVED_CONCURRENCY),
      deadLetterAlarmDescription:
        `A lifecycle event for ${application} failed for good (or could not be delivered): a leaver ` +
        `may still have access. \`npm run admin -- evidence-report\` lists it with the error; fix, then redrive the DLQ.`,
      alarmAction: props.alarmAction,
    });
    const fn = this.consumer.fn.fn;
    fn.addEnvironment(ENV.connectorId, connector.id);
    if (props.name) fn.addEnvironment(ENV.connectorName, props.name);
    fn.addEnvironment(ENV.connectorSettings, JSON.stringify(props.settings));
    fn.addEnvironment(ENV.connectorScope, JSON.stringify(props.scope));
    if (secret) fn.addEnvironment(ENV.connectorSecretArn, secret.secretArn);
    fn.addEnvironment(ENV.connectorQueueUrl, this.consumer.queue.queueUrl);
    fn.addEnvironment(ENV.connectorDeadLetterQueueUrl, this.consumer.deadLetterQueue.queueUrl);
    fn.addEnvironment(ENV.connectorMaxReceiveCount, String(maxReceiveCount));
    fn.addEnvironment(ENV.metricsNamespace, props.metricsNamespace);
    secret?.grantRead(fn);
    bindTable({ table: props.table, fn, access: 'directoryRead' });
    bindTable({ table: props.evidenceTable, fn, access: 'ledger', envVarName: ENV.evidenceTableName });
    // The function sends its permanent failures to the DLQ itself (see shared/connectors/queue-handler.ts).
    this.consumer.deadLetterQueue.grantSendMessages(fn);

    this.failureRateAlarm = new Alarm(this, 'FailureRateAlarm', {
      metric: new MathExpression({
        expression: 'IF(attempts > 0, 100 * failures / attempts, 0)',
        usingMetrics: {
          attempts: this.metric(connectorMetrics.attempts),
          failures: this.metric(connectorMetrics.failures),
        },
        label: `${application}: failed attempts (%)`,
        period: connectorFailureAlarm.period,
      }),
      threshold: connectorFailureAlarm.percent,
      evaluationPeriods: connectorFailureAlarm.periods,
      datapointsToAlarm: connectorFailureAlarm.periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No leaver, no attempt: nothing is wrong.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `More than ${connectorFailureAlarm.percent}% of ${application} calls failed for 15 minutes: the vendor is ` +
        `down, throttling or refusing the credentials. Leavers are retried with backoff and reach the DLQ after ` +
        `about 80 minutes. Connector log group: "Connector outcome recorded" lines with outcome failed_*.`,
    });
    if (props.alarmAction) this.failureRateAlarm.addAlarmAction(props.alarmAction);
  }

  /** One of the connector's outcome metrics (published by the function as EMF), summed per five minutes. */
  metric(name: ConnectorMetricName): Metric {
    return new Metric({
      namespace: this.metricsNamespace,
      metricName: name,
      dimensionsMap: { service: this.serviceName },
      period: connectorFailureAlarm.period,
      statistic: Stats.SUM,
    });
  }
}

/** The queue's concurrency and whether it is reserved, from the configured reservation (0: none). */
function concurrencyOf(reserved: number): { maxConcurrency: number; reserveConcurrency: boolean } {
  if (reserved === 1)
    throw new Error('A connector reserves 0 (none) or at least 2: SQS runs 2 batches at once at least.');
  return reserved === 0
    ? { maxConcurrency: 2, reserveConcurrency: false }
    : { maxConcurrency: reserved, reserveConcurrency: true };
}
