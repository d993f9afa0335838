import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ServiceFunction } from './service-function.ts';

export interface QueueConsumerProps {
  readonly entry: string;
  readonly description: string;
  readonly serviceName: string;
  readonly logRetention: RetentionDays;
  /** Deliveries of a message before SQS moves it to the DLQ. */
  readonly maxReceiveCount: number;
  /** @default 60 seconds */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default queueSettings.batchSize */
  readonly batchSize?: number;
  /** Concurrent batches at most: bounds the calls on a vendor's API. @default 2 (the least SQS allows) */
  readonly maxConcurrency?: number;
  /**
   * Reserve the function exactly `maxConcurrency`: the account's other functions cannot starve
   * it, and it cannot take more (a direct invocation included). @default false
   */
  readonly reserveConcurrency?: boolean;
  /** What the DLQ alarm says when it fires. */
  readonly deadLetterAlarmDescription: string;
  readonly alarmAction?: IAlarmAction;
}

/** A queue with its DLQ, the function consuming it and the alarm on the DLQ. */
export interface QueueConsumer {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fn: ServiceFunction;
  readonly deadLetterAlarm: Alarm;
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
 * Adds a queue with a dead-letter queue (redrive policy), consumed by a function that answers
 * partial batch failures, and an alarm on the DLQ: a message that ends there is never silent.
 * The resources are added to `scope` itself (ids `DeadLetters`, `Queue`, `Function`,
 * `DeadLetterAlarm`), so the constructs built on it keep the logical ids they always had.
 *
 * @example
 * const { queue, fn } = addQueueConsumer(this, { entry: 'functions/group-sweeper.ts', maxReceiveCount: 5, ... });
 */
export function addQueueConsumer(scope: Construct, props: QueueConsumerProps): QueueConsumer {
  const timeout = props.timeout ?? Duration.seconds(60);
  // A dead letter is work that did not happen (an application that may still grant access to a
  // leaver, a group still being deleted): it is kept as long as SQS allows and survives the stack.
  const deadLetterQueue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: queueSettings.deadLetterRetention,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter queue of the function queue beside it; an operator reads it ' +
      '(or redrives it to the source queue) after the alarm, no consumer could fail it again.',
  });
  const queue = new Queue(scope, 'Queue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(timeout.toSeconds() * queueSettings.visibilityTimeoutFactor),
    retentionPeriod: queueSettings.retention,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
  });

  const fn = new ServiceFunction(scope, 'Function', {
    entry: props.entry,
    description: props.description,
    serviceName: props.serviceName,
    logRetention: props.logRetention,
    timeout,
    memorySize: props.memorySize ?? 512,
    ...(props.reserveConcurrency ? { reservedConcurrentExecutions: props.maxConcurrency ?? 2 } : {}),
  });
  fn.fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: props.batchSize ?? queueSettings.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: props.maxConcurrency ?? 2,
    }),
  );

  const deadLetterAlarm = new Alarm(scope, 'DeadLetterAlarm', {
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: Stats.MAXIMUM,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: props.deadLetterAlarmDescription,
  });
  if (props.alarmAction) deadLetterAlarm.addAlarmAction(props.alarmAction);
  return { queue, deadLetterQueue, fn, deadLetterAlarm };
}
