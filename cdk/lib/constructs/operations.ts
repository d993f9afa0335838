import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { connectorMetrics } from '../../../shared/connectors/outcome-metrics.ts';
import type { AppConnector } from './app-connector.ts';
import type { QueueConsumer } from './queue-consumer.ts';

export interface OperationsProps {
  /** The metric namespace of the log metric filters, e.g. `ScimConnector/prod`. */
  readonly namespace: string;
  readonly api: RestApi;
  /** The API's access log group: one JSON line per request, with `status`. */
  readonly accessLogs: ILogGroup;
  /** Every function of the app, by a readable name; each gets an errors alarm. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly relay: IFunction;
  readonly relayLogs: ILogGroup;
  readonly relayFailures: IQueue;
  /** The applications deprovisioned: their alarms join the status panel, their metrics the dashboard. */
  readonly connectors: readonly AppConnector[];
  /** The evidence recorder, which writes each leaver and the applications expected to act. */
  readonly evidenceRecorder: QueueConsumer;
  /** The group sweeper, which finishes deletes of groups too large for one request. */
  readonly groupSweeper: QueueConsumer;
  /** Where alarms notify; none leaves them on the dashboard only. */
  readonly alarmAction?: IAlarmAction;
}

/** The thresholds, exported for the tests and docs/deploy.md. */
export const alarmThresholds = {
  /** Percentage of requests answered 5xx over five minutes, in two of three periods. */
  api5xxPercent: 5,
  /** 401 answers in five minutes: an IdP whose token was revoked, or someone guessing tokens. */
  authFailuresPer5Minutes: 25,
  /** Age of the oldest stream record the relay has not handled: the delay of a leaver event. */
  relayIteratorAge: Duration.minutes(5),
} as const;

const fiveMinutes = Duration.minutes(5);

/**
 * What someone on call needs: alarms on the paths a leaver takes (SCIM request, table stream,
 * relay, bus) and one dashboard that shows that pipeline end to end.
 *
 * Two metrics come from log lines, because no AWS metric measures them:
 * - authentication failures: `status` 401 in the API access log. It counts the gateway's own 401
 *   (no Authorization header) and the middleware's (wrong token, wrong directory) alike; the
 *   API's 4XXError mixes them with 404, 409 and 412, which are normal SCIM answers.
 * - events not published: the relay's `Lifecycle event not published` line, one per event that
 *   PutEvents refused (EventBridge reports failed entries in the response, not as a metric).
 *
 * @example
 * new Operations(this, 'Operations', { namespace, api, accessLogs, functions, relay, relayLogs, relayFailures });
 */
export class Operations extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const { api, relay, relayFailures, namespace } = props;
    // Metrics without labels: a labelled metric renders as a metric-math alarm, harder to read.

    const requests = api.metricCount({ period: fiveMinutes, statistic: Stats.SUM });
    const serverErrors = api.metricServerError({ period: fiveMinutes, statistic: Stats.SUM });
    const clientErrors = api.metricClientError({ period: fiveMinutes, statistic: Stats.SUM });
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      label: '5xx (% of requests)',
      period: fiveMinutes,
    });
    const authFailures = new MetricFilter(this, 'AuthFailuresFilter', {
      logGroup: props.accessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '401'),
      metricNamespace: namespace,
      metricName: 'AuthenticationFailures',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: Stats.SUM });
    const notPublished = new MetricFilter(this, 'EventsNotPublishedFilter', {
      logGroup: props.relayLogs,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue('$.level', '=', 'WARN'),
        FilterPattern.stringValue('$.message', '=', 'Lifecycle event not published'),
      ),
      metricNamespace: namespace,
      metricName: 'LifecycleEventsNotPublished',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ period: fiveMinutes, statistic: Stats.SUM });
    const iteratorAge = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: relay.functionName },
      period: fiveMinutes,
      statistic: Stats.MAXIMUM,
    });
    const failureDepth = relayFailures.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: Stats.MAXIMUM,
    });

    this.alarm('Api5xxRate', serverErrorRate, {
      threshold: alarmThresholds.api5xxPercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description: `More than ${alarmThresholds.api5xxPercent}% of SCIM requests answered 5xx: the IdP will retry, then mark users as failed.`,
    });
    this.alarm('AuthFailures', authFailures, {
      threshold: alarmThresholds.authFailuresPer5Minutes,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description:
        'Many 401 answers: an IdP holds a revoked or expired token (provisioning has stopped, leavers included), or someone is guessing tokens. Access logs: status 401.',
    });
    this.alarm('RelayIteratorAge', iteratorAge, {
      threshold: alarmThresholds.relayIteratorAge.toMilliseconds(),
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      description:
        'Directory changes wait more than five minutes to become lifecycle events: leavers reach connectors late. Past 24 hours the stream drops them.',
    });
    this.alarm('RelayFailuresQueued', failureDepth, {
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description:
        'The relay gave up on a stream batch: its changes (possibly leavers) were not announced. The queue message names the shard and sequence numbers to replay.',
    });
    this.alarm('EventsNotPublished', notPublished, {
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description:
        'EventBridge refused lifecycle events; the relay retries them, and the failure queue alarm fires if it gives up.',
    });
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }), {
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `The ${name} function failed (a crash or timeout, not a SCIM error answer): see its log group.`,
      });
    }
    if (props.alarmAction) for (const alarm of this.alarms) alarm.addAlarmAction(props.alarmAction);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# Leaver pipeline\nIdP -> SCIM API -> directory table -> stream -> relay -> lifecycle bus -> connectors',
            width: 24,
            height: 2,
          }),
        ],
        [
          new AlarmStatusWidget({
            alarms: [...this.alarms, ...ownedAlarms(props)],
            width: 24,
            height: 4,
          }),
        ],
        [
          graph('SCIM requests', [requests], [clientErrors, serverErrors]),
          graph('SCIM authentication failures', [authFailures.with({ label: '401 answers' })]),
          graph('SCIM latency (ms)', [
            api.metricLatency({ period: fiveMinutes, statistic: Stats.p(50), label: 'p50' }),
            api.metricLatency({ period: fiveMinutes, statistic: Stats.p(99), label: 'p99' }),
            api.metricIntegrationLatency({
              period: fiveMinutes,
              statistic: Stats.p(99),
              label: 'function p99',
            }),
          ]),
        ],
        [
          graph('Relay invocations and errors', [
            relay.metricInvocations({ period: fiveMinutes, statistic: Stats.SUM }),
            relay.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
          ]),
          graph('Relay iterator age (ms)', [iteratorAge.with({ label: 'oldest unrelayed change' })]),
          graph(
            'Events not published, failure queue depth',
            [notPublished.with({ label: 'events PutEvents refused' })],
            [failureDepth.with({ label: 'batches given up on' })],
          ),
        ],
        ...connectorRows(props),
      ],
    });
  }

  private alarm(
    id: string,
    metric: IMetric,
    options: {
      threshold: number;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      comparisonOperator?: ComparisonOperator;
    },
  ): void {
    this.alarms.push(
      new Alarm(this, id, {
        metric,
        threshold: options.threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        datapointsToAlarm: options.datapointsToAlarm ?? options.evaluationPeriods ?? 1,
        comparisonOperator: options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: options.description,
        // No requests, no stream records: nothing is wrong.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

/** The alarms the connectors and the queue consumers own (they notify on their own). */
function ownedAlarms({ connectors, evidenceRecorder, groupSweeper }: OperationsProps): Alarm[] {
  return [
    ...connectors.flatMap((connector) => [connector.failureRateAlarm, connector.consumer.deadLetterAlarm]),
    evidenceRecorder.deadLetterAlarm,
    groupSweeper.deadLetterAlarm,
  ];
}

/**
 * The end of the pipeline, per application: what was revoked, what failed, how long leavers wait
 * in each queue, and what ended in a DLQ; then the evidence recorder.
 */
function connectorRows({ connectors, evidenceRecorder: recorder, groupSweeper }: OperationsProps) {
  const deadLetters = (queued: QueueConsumer, label: string) =>
    queued.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: fiveMinutes,
      statistic: Stats.MAXIMUM,
      label,
    });
  const recorderRow = [
    graph('Evidence recorder: leaver events', [
      recorder.fn.fn.metricInvocations({ period: fiveMinutes, statistic: Stats.SUM, label: 'batches' }),
      recorder.fn.fn.metricErrors({ period: fiveMinutes, statistic: Stats.SUM, label: 'errors' }),
    ]),
    graph('Dead letters (messages waiting for an operator)', [
      ...connectors.map((connector) => deadLetters(connector.consumer, connector.application)),
      deadLetters(recorder, 'evidence recorder'),
      deadLetters(groupSweeper, 'group sweeper'),
    ]),
    new TextWidget({
      markdown:
        '### Evidence\nPer leaver and application: `npm run admin -- evidence-report --since <date>` ' +
        '(or the evidence API). A dead letter is an application that may still grant access: read the ' +
        'error, fix, then redrive the DLQ (docs/connectors.md).',
      width: 8,
      height: 6,
    }),
  ];
  if (connectors.length === 0)
    return [
      [
        new TextWidget({
          markdown:
            '### No connectors\nNo application is deprovisioned by this stack: add connectors to the stack configuration (docs/connectors.md).',
          width: 24,
          height: 2,
        }),
      ],
      recorderRow,
    ];
  return [
    [
      graph(
        'Connectors: access revoked',
        connectors.map((connector) =>
          connector.metric(connectorMetrics.revocations).with({ label: connector.application }),
        ),
      ),
      graph(
        'Connectors: failed vendor calls',
        connectors.map((connector) =>
          connector.metric(connectorMetrics.failures).with({ label: connector.application }),
        ),
      ),
      graph(
        'Connectors: oldest event waiting (s)',
        connectors.map((connector) =>
          connector.consumer.queue.metricApproximateAgeOfOldestMessage({
            period: fiveMinutes,
            statistic: Stats.MAXIMUM,
            label: connector.application,
          }),
        ),
      ),
    ],
    recorderRow,
  ];
}

function graph(title: string, left: IMetric[], right: IMetric[] = []): GraphWidget {
  return new GraphWidget({ title, left, right, width: 8, height: 6 });
}
