import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTargetProps {
  /** Subscribe this address to a new, encrypted topic. */
  readonly email?: string;
  /** Or notify this existing topic. */
  readonly topicArn?: string;
}

/**
 * Where alarms notify: a new SNS topic with an e-mail subscription, an existing topic, or nothing
 * (the alarms then only show on the dashboard and in the console).
 *
 * The new topic is encrypted with a key of its own: CloudWatch cannot publish to a topic encrypted
 * with the AWS-managed `aws/sns` key, whose policy cannot be changed to let it.
 *
 * @example
 * const { action } = new AlarmTarget(this, 'AlarmTarget', { email: 'oncall@example.com' });
 * if (action) alarm.addAlarmAction(action);
 */
export class AlarmTarget extends Construct {
  readonly topic?: ITopic;
  readonly action?: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTargetProps) {
    super(scope, id);
    if (props.topicArn) {
      this.topic = Topic.fromTopicArn(this, 'Topic', props.topicArn);
    } else if (props.email) {
      const key = new Key(this, 'Key', {
        description: 'Encrypts the alarm notification topic of the SCIM connector',
        enableKeyRotation: true,
      });
      key.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          // The statement AWS documents for alarms publishing to an encrypted topic; in a key
          // policy `*` is this key.
          resources: ['*'],
        }),
      );
      const topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
      topic.addSubscription(new EmailSubscription(props.email));
      this.topic = topic;
    }
    if (this.topic) this.action = new SnsAction(this.topic);
  }
}
