import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { relaySettings } from '../../cdk/lib/constructs/event-relay.ts';
import { ENV } from '../../shared/contracts/env.ts';
import { EVENT_SOURCE } from '../../shared/events/catalogue.ts';
import { buildTestApp } from './synth-app.ts';

interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let stateful: Template;
let service: Template;
let relayId: string;

beforeAll(() => {
  const app = buildTestApp();
  stateful = Template.fromStack(app.stateful);
  service = Template.fromStack(app.service);
  const functions = service.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [ENV.serviceName]: 'event-relay' } } },
  });
  relayId = Object.keys(functions)[0] ?? '';
});

describe('lifecycle events infrastructure', () => {
  it('has a custom bus with an archive of everything this connector publishes', () => {
    stateful.resourceCountIs('AWS::Events::EventBus', 1);
    stateful.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 365,
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('LifecycleBus'), 'Arn'] },
    });
  });

  it('keeps relay failures in an encrypted, TLS-only queue that outlives the stack', () => {
    stateful.hasResource('AWS::SQS::Queue', {
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
      DeletionPolicy: 'Retain',
    });
    stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('relays the table stream with item failures reported, bisection, a retry budget and an on-failure queue', () => {
    expect(relayId).not.toBe('');
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: relayId },
      EventSourceArn: Match.anyValue(),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: relaySettings.batchSize,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: relaySettings.retryAttempts,
      MaximumRecordAgeInSeconds: 24 * 3600,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    // Cross-stack references: the stream of the directory table, the queue of the stateful stack.
    const mapping = JSON.stringify(service.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping).toMatch(/DirectoryTable[^"]*StreamArn/);
    expect(mapping).toMatch(/RelayFailures/);
    service.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.eventBusName]: Match.anyValue() }) },
      Handler: 'index.handler',
    });
  });

  it('invokes the relay only for item changes that can be lifecycle events', () => {
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              dynamodb: {
                NewImage: {
                  type: { S: ['User', 'UserTombstone', 'Group', 'GroupTombstone', 'MembershipChange'] },
                },
              },
            }),
          },
        ],
      },
    });
  });

  it('lets the relay put events on that bus, read the stream and send to its failure queue, nothing else', () => {
    const policies = service.findResources('AWS::IAM::Policy');
    const relayPolicies = Object.values(policies).filter((policy) =>
      JSON.stringify(policy).includes('events:PutEvents'),
    );
    expect(relayPolicies).toHaveLength(1);
    const statements = (relayPolicies[0]?.Properties.PolicyDocument.Statement ?? []) as PolicyStatement[];
    const actions = statements.flatMap((statement) =>
      Array.isArray(statement.Action) ? statement.Action : [statement.Action],
    );
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    const onEverything = statements
      .filter((statement) => statement.Resource === '*')
      .flatMap((s) => s.Action);
    expect(onEverything.sort()).toEqual([
      'dynamodb:ListStreams',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const putEvents = statements.find((statement) => statement.Action === 'events:PutEvents');
    expect(JSON.stringify(putEvents?.Resource)).toMatch(/LifecycleBus/);
    expect(
      actions.some((action) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|Query|GetItem)/.test(action)),
    ).toBe(false);
    expect(actions.filter((action) => action.startsWith('sqs:'))).toEqual(
      expect.arrayContaining(['sqs:SendMessage']),
    );
  });

  it('lets no principal but the relay’s role publish the directory’s source on the bus', () => {
    const relayRole = (service.toJSON().Resources[relayId].Properties.Role as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    const policies = Object.values(service.findResources('AWS::Events::EventBusPolicy'));
    expect(policies).toHaveLength(1);
    const properties = policies[0]?.Properties;
    // The bus of the stateful stack, by name.
    expect(JSON.stringify(properties.EventBusName)).toMatch(/LifecycleBus/);
    expect(properties.Statement).toEqual({
      Sid: 'OnlyTheRelayPublishesDirectoryEvents',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: expect.anything(),
      Condition: {
        StringEquals: { 'events:source': EVENT_SOURCE },
        ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [relayRole, 'Arn'] } },
      },
    });
    expect(JSON.stringify(properties.Statement.Resource)).toMatch(/LifecycleBus/);
  });
});
