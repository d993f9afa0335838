import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { alarmThresholds } from '../../cdk/lib/constructs/operations.ts';
import { buildTestApp, type TestApp } from './synth-app.ts';

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

let minimal: Template;
let full: TestApp;
let service: Template;
let stateful: Template;

beforeAll(() => {
  minimal = Template.fromStack(buildTestApp().service);
  full = buildTestApp({
    context: {
      stage: 'prod',
      alarmEmail: 'oncall@example.com',
      domainName: 'scim.example.com',
      certificateArn,
      throttleRateLimit: 20,
      throttleBurstLimit: 40,
      tableEncryption: 'customer-managed',
    },
  });
  service = Template.fromStack(full.service);
  stateful = Template.fromStack(full.stateful);
});

const alarmNamed = (template: Template, description: RegExp) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
    description.test(String(alarm.Properties.AlarmDescription)),
  );

describe('alarms', () => {
  it('alarms on the API 5xx rate as a percentage of requests', () => {
    minimal.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: alarmThresholds.api5xxPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5XXError' }) }),
        }),
      ]),
    });
  });

  it('counts 401 answers from the access log and alarms on a spike', () => {
    minimal.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.status = "401" }',
      LogGroupName: { Ref: Match.stringLikeRegexp('ScimAccessLogs') },
      MetricTransformations: [
        Match.objectLike({ MetricName: 'AuthenticationFailures', MetricNamespace: 'ScimConnector/dev' }),
      ],
    });
    minimal.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'AuthenticationFailures',
      Threshold: alarmThresholds.authFailuresPer5Minutes,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on the relay iterator age, failed batches and refused events', () => {
    minimal.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 5 * 60 * 1000,
    });
    minimal.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    minimal.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.level = "WARN") && ($.message = "Lifecycle event not published") }',
    });
    minimal.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'LifecycleEventsNotPublished' });
  });

  it.each([
    'Users',
    'Groups',
    'Bulk',
    'Discovery',
    'Relay',
    'GroupSweeper',
    'EvidenceRecorder',
    'EvidenceApi',
  ])('alarms on errors of the %s function', (name) => {
    const alarms = alarmNamed(minimal, new RegExp(`^The ${name} function failed`));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
    });
  });

  it('treats missing data as fine, and notifies nobody without a target', () => {
    const alarms = Object.values(minimal.findResources('AWS::CloudWatch::Alarm'));
    // One per function (SCIM, relay, group sweeper, evidence recorder and API), five on the
    // pipeline, and the dead-letter queues of the evidence recorder and the group sweeper.
    expect(alarms).toHaveLength(15);
    for (const alarm of alarms) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
    minimal.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('notifies an encrypted, TLS-only topic with the alarm e-mail subscribed', () => {
    service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    service.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    service.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    service.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    for (const alarm of Object.values(service.findResources('AWS::CloudWatch::Alarm')))
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/AlarmTargetTopic/) }]);
  });

  it('notifies an existing topic when given its ARN', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:oncall';
    const template = Template.fromStack(buildTestApp({ context: { alarmTopicArn: topicArn } }).service);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')))
      expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
  });
});

describe('the leaver pipeline dashboard', () => {
  it('shows SCIM requests, errors and latency, the relay, refused events and the failure queue', () => {
    const dashboards = Object.values(minimal.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody).replaceAll('\\"', '"');
    for (const shown of [
      '"Count"',
      '4XXError',
      '5XXError',
      '"Latency"',
      'IntegrationLatency',
      'AuthenticationFailures',
      '"Invocations"',
      '"Errors"',
      'IteratorAge',
      'LifecycleEventsNotPublished',
      'ApproximateNumberOfMessagesVisible',
      'alarm',
      'Evidence recorder',
      'No connectors',
    ])
      expect(body).toContain(shown);
  });
});

describe('the full configuration', () => {
  it('serves a custom domain with TLS 1.2, mapped to the stage, and outputs its base URL', () => {
    service.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'scim.example.com',
      RegionalCertificateArn: certificateArn,
      SecurityPolicy: 'TLS_1_2',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    service.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
    service.hasOutput('ScimBaseUrl', { Value: 'https://scim.example.com/{directoryId}/scim/v2' });
    service.hasOutput('CustomDomainTarget', { Value: Match.anyValue() });
  });

  it('throttles the stage at the configured limits', () => {
    service.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
  });

  it('encrypts the table with a rotated, retained customer-managed key, and lets each function use it', () => {
    stateful.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    const policies = JSON.stringify(service.findResources('AWS::IAM::Policy'));
    for (const role of ['UsersRole', 'GroupsRole', 'BulkRole', 'DiscoveryRole', 'RelayRole', 'GroupSweeper'])
      expect(
        Object.values(service.findResources('AWS::IAM::Policy')).some(
          (policy) =>
            JSON.stringify(policy.Properties.Roles).includes(role) &&
            JSON.stringify(policy).includes('kms:Decrypt'),
        ),
        role,
      ).toBe(true);
    expect(policies).toContain('kms:Decrypt');
  });

  it('stays clean under cdk-nag', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(full.app);
    expect(
      violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});
