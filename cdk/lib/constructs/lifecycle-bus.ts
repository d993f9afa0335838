import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cdkEventPattern, eventPatterns } from '../../../shared/events/patterns.ts';

export interface LifecycleBusProps {
  /** @default 365 days: a year of leavers can be replayed to a connector added later, or after a fix. */
  readonly archiveRetention?: Duration;
}

/**
 * Where lifecycle events live: the custom EventBridge bus connectors subscribe to, an archive of
 * everything published on it (by the shared catch-all pattern) so events can be replayed, and
 * the queue that receives the stream batches the relay gave up on after its retry budget.
 *
 * @example
 * const { bus, relayFailures } = new LifecycleBus(this, 'Lifecycle');
 */
export class LifecycleBus extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly relayFailures: Queue;

  constructor(scope: Construct, id: string, props: LifecycleBusProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'SCIM lifecycle events (joiners, movers, leavers)' });
    this.archive = this.bus.archive('Archive', {
      description: 'Every lifecycle event, for replay',
      eventPattern: cdkEventPattern(eventPatterns.all),
      retention: props.archiveRetention ?? Duration.days(365),
    });
    // Holds the stream positions of batches that could not be relayed: each is a leaver that may
    // not have been announced, so it is kept as long as SQS allows and never dropped with the stack.
    this.relayFailures = new Queue(this, 'RelayFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.relayFailures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the stream relay (its on-failure destination); ' +
        'messages are read by an operator or a redrive tool, never by a consumer that could fail again.',
    });
  }
}
