import { CfnResource, Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../../shared/contracts/env.ts';
import { EVENT_SOURCE } from '../../../shared/events/catalogue.ts';
import { LIFECYCLE_ITEM_TYPES } from '../../../shared/events/from-change.ts';
import { ServiceFunction } from './service-function.ts';

export interface EventRelayProps {
  /** The directory table; its stream (NEW_AND_OLD_IMAGES) is the relay's input. */
  readonly table: ITable;
  readonly bus: IEventBus;
  /** Where the stream positions of batches that exhausted their retries go. */
  readonly onFailure: IQueue;
  readonly logRetention: RetentionDays;
  /** @default relaySettings.reservedConcurrency; 0 reserves nothing */
  readonly reservedConcurrency?: number;
}

/** The event source mapping's settings, exported for the tests and docs/events.md. */
export const relaySettings = {
  batchSize: 100,
  /** Retries of a failing batch (each retry bisects it) before it goes to the on-failure queue. */
  retryAttempts: 10,
  /** The stream keeps records 24 hours; past that a record is gone whether or not we retry. */
  maxRecordAge: Duration.hours(24),
  maxBatchingWindow: Duration.millis(0),
  /**
   * Concurrency reserved for the relay: one invocation per stream shard runs at a time, so this
   * is far above what it needs (an on-demand table has a few shards) and bounds a runaway (a
   * flood of changes, a bug that re-invokes), while the account's other functions cannot starve
   * it. Keep it at least the stream's shard count: a throttled shard waits, and its records
   * expire after 24 hours into the on-failure queue.
   */
  reservedConcurrency: 10,
} as const;

/**
 * The stream relay: a function reading the directory table's stream and putting lifecycle
 * events on the bus. It may read that stream and put events on that bus, nothing more. And it is
 * the only one that may publish the directory's source there: the bus's resource policy denies
 * `events:PutEvents` of that source to every other principal, so no role of the account (however
 * broad its IAM permissions) can forge a `user.deactivated` and set off deprovisioning and
 * evidence. The policy lives in this stack, beside the role it names. Failed
 * records are retried from the first failing one (ReportBatchItemFailures), bisected, and after
 * the retry budget their positions go to the on-failure queue.
 *
 * @example
 * new EventRelay(this, 'EventRelay', { table, bus, onFailure: relayFailures, logRetention });
 */
export class EventRelay extends Construct {
  readonly fn: ServiceFunction;

  constructor(scope: Construct, id: string, props: EventRelayProps) {
    super(scope, id);
    this.fn = new ServiceFunction(this, 'Relay', {
      entry: 'functions/event-relay.ts',
      description: 'DynamoDB stream -> lifecycle events on EventBridge',
      serviceName: 'event-relay',
      logRetention: props.logRetention,
      // Retries within one invocation (PutEvents back-off) must finish well inside it.
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrency ?? relaySettings.reservedConcurrency,
    });
    this.fn.fn.addEnvironment(ENV.eventBusName, props.bus.eventBusName);
    props.bus.grantPutEventsTo(this.fn.fn);
    const role = this.fn.fn.role;
    if (!role) throw new Error('The relay function has no role to allow on the bus.');
    const sid = 'OnlyTheRelayPublishesDirectoryEvents';
    const statement = new PolicyStatement({
      sid,
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['events:PutEvents'],
      resources: [props.bus.eventBusArn],
      conditions: {
        StringEquals: { 'events:source': EVENT_SOURCE },
        // An explicit deny beats any allow: only the relay's own role is exempt.
        ArnNotEquals: { 'aws:PrincipalArn': role.roleArn },
      },
    });
    // The resource type directly: CfnEventBusPolicy warns of its deprecated `principal` on every
    // synth even when unset, and the L2 EventBusPolicy cannot render a statement with a principal.
    new CfnResource(this, 'OnlyRelayPublishes', {
      type: 'AWS::Events::EventBusPolicy',
      properties: {
        EventBusName: props.bus.eventBusName,
        StatementId: sid,
        Statement: statement.toStatementJson(),
      },
    });
    // Adds the stream read grant (and nothing on the table's items).
    this.fn.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: relaySettings.batchSize,
        maxBatchingWindow: relaySettings.maxBatchingWindow,
        bisectBatchOnError: true,
        retryAttempts: relaySettings.retryAttempts,
        reportBatchItemFailures: true,
        maxRecordAge: relaySettings.maxRecordAge,
        // One consumer per shard keeps a user's changes in order (they share a partition key).
        parallelizationFactor: 1,
        onFailure: new SqsDlq(props.onFailure),
        // Only changes that can be lifecycle events invoke the relay (one definition with the derivation).
        filters: [
          FilterCriteria.filter({
            dynamodb: { NewImage: { type: { S: FilterRule.or(...LIFECYCLE_ITEM_TYPES) } } },
          }),
        ],
      }),
    );
    if (this.fn.fn.role)
      Validations.of(this.fn.fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Reading a stream needs dynamodb:ListStreams, which supports no resource-level permission; the ' +
          'stream reads themselves (DescribeStream, GetShardIterator, GetRecords) name the table stream only.',
      });
  }
}
