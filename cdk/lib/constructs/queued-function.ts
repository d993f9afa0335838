import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cdkEventPattern, type EventPattern } from '../../../shared/events/patterns.ts';
import { ServiceFunction } from './service-function.ts';

export interface QueuedFunctionProps {
  readonly bus: IEventBus;
  /** What the rule forwards to the queue (a shared pattern, as the local bus routes by). */
  readonly pattern: EventPattern;
  readonly entry: string;
  readonly description: string;
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  /** Deliveries of a message before SQS moves it to the DLQ. */
  readonly maxReceiveCount: number;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  /** Concurrent batches at most: bounds the calls on a vendor's API. @default 2 (the least SQS allows) */
  readonly maxConcurrency?: number;
  /** What the DLQ alarm says when it fires. */
  readonly deadLetterAlarmDescription: string;
  readonly alarmAction?: IAlarmAction;
}

/** Settings shared by every queued function, exported for the tests and docs/connectors.md. */
export const queueSettings = {
  batchSize: 10,
  /** AWS's guidance for an SQS event source: at least six times the function's timeout. */
  visibilityTimeoutFactor: 6,
  retention: Duration.days(4),
  deadLetterRetention: Duration.days(14),
} as const;

/**
 * An EventBridge rule on the lifecycle bus feeding a queue with a dead-letter queue (redrive
 * policy), consumed by a function that answers partial batch failures, and an alarm on the DLQ:
 * a message that ends there is never silent.
 *
 * @example
 * new QueuedFunction(this, 'Recorder', { bus, pattern: eventPatterns.leavers, entry: 'functions/evidence-recorder.ts', ... });
 */
export class QueuedFunction extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fn: ServiceFunction;
  readonly rule: Rule;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueuedFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.seconds(60);
    // A dead letter is an application that may still grant access to a leaver: it is kept as
    // long as SQS allows and survives the stack.
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: queueSettings.deadLetterRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the function queue beside it; an operator reads it ' +
        '(or redrives it to the source queue) after the alarm, no consumer could fail it again.',
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * queueSettings.visibilityTimeoutFactor),
      retentionPeriod: queueSettings.retention,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });

    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: props.description,
      eventPattern: cdkEventPattern(props.pattern),
      // An event EventBridge could not put on the queue goes to the same DLQ, under the same alarm.
      targets: [new SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
    });

    this.fn = new ServiceFunction(this, 'Function', {
      entry: props.entry,
      description: props.description,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      timeout,
      memorySize: 512,
    });
    this.fn.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: queueSettings.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 2,
      }),
    );

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: props.deadLetterAlarmDescription,
    });
    if (props.alarmAction) this.deadLetterAlarm.addAlarmAction(props.alarmAction);
  }
}
