import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cdkEventPattern, type EventPattern } from '../../../shared/events/patterns.ts';
import { addQueueConsumer, type QueueConsumer, type QueueConsumerProps } from './queue-consumer.ts';
import type { ServiceFunction } from './service-function.ts';

export interface QueuedFunctionProps extends Omit<QueueConsumerProps, 'batchSize' | 'memorySize'> {
  readonly bus: IEventBus;
  /** What the rule forwards to the queue (a shared pattern, as the local bus routes by). */
  readonly pattern: EventPattern;
}

/**
 * An EventBridge rule on the lifecycle bus feeding a queue with a dead-letter queue (redrive
 * policy), consumed by a function that answers partial batch failures, and an alarm on the DLQ:
 * a message that ends there is never silent.
 *
 * @example
 * new QueuedFunction(this, 'Recorder', { bus, pattern: eventPatterns.leavers, entry: 'functions/evidence-recorder.ts', ... });
 */
export class QueuedFunction extends Construct implements QueueConsumer {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fn: ServiceFunction;
  readonly rule: Rule;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueuedFunctionProps) {
    super(scope, id);
    const { bus, pattern, ...consumer } = props;
    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      fn: this.fn,
      deadLetterAlarm: this.deadLetterAlarm,
    } = addQueueConsumer(this, consumer));
    this.rule = new Rule(this, 'Rule', {
      eventBus: bus,
      description: props.description,
      eventPattern: cdkEventPattern(pattern),
      // An event EventBridge could not put on the queue goes to the same DLQ, under the same alarm.
      targets: [new SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue })],
    });
  }
}
