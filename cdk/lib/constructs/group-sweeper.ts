import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../../shared/contracts/env.ts';
import { groupSweeperFunction } from '../../../shared/contracts/group-deletion.ts';
import { bindTable } from './bind-table.ts';
import { addQueueConsumer, type QueueConsumer } from './queue-consumer.ts';
import type { ServiceFunction } from './service-function.ts';

export interface GroupSweeperProps {
  readonly table: ITable;
  readonly logRetention: RetentionDays;
  readonly alarmAction?: IAlarmAction;
}

/** The settings, exported for the tests and docs/deploy.md. */
export const groupSweeperSettings = {
  /** Lambda's longest: at one partition's 1,000 WCU/s a run removes about 400,000 members (2 items each), then queues the rest. */
  timeout: Duration.minutes(15),
  /** One group per run, so each has the whole run; two runs at once leave the table to the IdPs. */
  batchSize: 1,
  maxConcurrency: 2,
  /** Failed runs of one message before it goes to the DLQ (a run out of time queues a new one). */
  maxReceiveCount: 5,
} as const;

/**
 * The background side of group deletes too large for a request: a queue (with its DLQ, alarmed)
 * that the SCIM groups and Bulk functions hand such deletes to, and the sweeper function that
 * finishes them, allowed only what that takes on the table.
 *
 * @example
 * const sweeper = new GroupSweeper(this, 'GroupSweeper', { table, logRetention });
 * sweeper.allowHandOff(functions.groups.fn);
 */
export class GroupSweeper extends Construct implements QueueConsumer {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly fn: ServiceFunction;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: GroupSweeperProps) {
    super(scope, id);
    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      fn: this.fn,
      deadLetterAlarm: this.deadLetterAlarm,
    } = addQueueConsumer(this, {
      ...groupSweeperFunction,
      serviceName: 'group-sweeper',
      logRetention: props.logRetention,
      timeout: groupSweeperSettings.timeout,
      memorySize: 1024,
      batchSize: groupSweeperSettings.batchSize,
      maxConcurrency: groupSweeperSettings.maxConcurrency,
      maxReceiveCount: groupSweeperSettings.maxReceiveCount,
      deadLetterAlarmDescription:
        'A group delete failed repeatedly in the background: the group is gone for every reader, but its ' +
        'memberships are not all removed and no group.deleted event was sent. Read the DLQ, fix, then redrive ' +
        'it (or send DELETE for the group again).',
      alarmAction: props.alarmAction,
    }));
    bindTable({ table: props.table, fn: this.fn.fn, access: 'groupSweep' });
    // A group that needs more than one run queues the rest itself.
    this.allowHandOff(this.fn.fn);
  }

  /**
   * Lets a function hand group deletes to the sweeper: the queue's URL in its environment, and
   * sqs:SendMessage on this queue, nothing else.
   */
  allowHandOff(fn: LambdaFunction): void {
    fn.addEnvironment(ENV.groupDeletionQueueUrl, this.queue.queueUrl);
    this.queue.grant(fn, 'sqs:SendMessage');
  }
}
