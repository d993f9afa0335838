/**
 * Connectors as deployed: one AppConnector per configured application (rule from the connector's
 * event types, queue with DLQ and redrive, partial-batch event source, least-privilege role,
 * alarm on the DLQ), and the evidence recorder and API.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectorFailureAlarm } from '../../cdk/lib/constructs/app-connector.ts';
import { queueSettings } from '../../cdk/lib/constructs/queue-consumer.ts';
import { connectorMetrics } from '../../shared/connectors/outcome-metrics.ts';
import { ENV } from '../../shared/contracts/env.ts';
import { EVENT_SOURCE } from '../../shared/events/catalogue.ts';
import { buildTestApp, CONNECTORS_CONTEXT } from './synth-app.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

let service: Template;
let stateful: Template;
/** Logical id of the function whose POWERTOOLS_SERVICE_NAME is `name`. */
let functionId: (name: string) => string;
/** Every statement of the policies attached to a function's role. */
let statementsOf: (functionLogicalId: string) => Statement[];
/** Which table a statement's resource is (`directory`, `evidence`), or what else it is. */
let tableOf: (resource: unknown) => string;

beforeAll(() => {
  const app = buildTestApp({ context: { alarmEmail: 'oncall@example.com', connectors: CONNECTORS_CONTEXT } });
  service = Template.fromStack(app.service);
  stateful = Template.fromStack(app.stateful);
  functionId = (name) => {
    const found = service.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { [ENV.serviceName]: name } } },
    });
    const [id] = Object.keys(found);
    if (!id) throw new Error(`no function ${name}`);
    return id;
  };
  const tableIds = (withStream: boolean) =>
    Object.keys(
      stateful.findResources('AWS::DynamoDB::Table', {
        Properties: { StreamSpecification: withStream ? Match.anyValue() : Match.absent() },
      }),
    );
  const [directoryTableId] = tableIds(true);
  const [evidenceTableId] = tableIds(false);
  tableOf = (resource) => {
    const output = (resource as { 'Fn::GetStackOutput'?: { OutputName: string } })['Fn::GetStackOutput'];
    const value = output
      ? (stateful.toJSON().Outputs as Record<string, { Value: unknown }>)[output.OutputName]?.Value
      : resource;
    const id = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    if (id && id === directoryTableId) return 'directory';
    if (id && id === evidenceTableId) return 'evidence';
    return JSON.stringify(resource);
  };
  statementsOf = (id) => {
    const role = (service.toJSON().Resources[id].Properties.Role as { 'Fn::GetAtt': [string] })[
      'Fn::GetAtt'
    ][0];
    const policies = service.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    return Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
  };
});

const actionsOf = (statements: Statement[]) =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

describe('AppConnector', () => {
  it('routes exactly the event types the connector handles from the lifecycle bus to its queue', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: {
        source: [EVENT_SOURCE],
        'detail-type': ['user.deactivated', 'user.deleted', 'user.reactivated'],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Connectorgithub.*Queue'), 'Arn'] },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Connectorgithub.*DeadLetters'), 'Arn'] },
          },
        }),
      ],
    });
  });

  it('has a queue with a retained dead-letter queue and a redrive policy, consumed with partial batch responses', () => {
    service.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 60 * queueSettings.visibilityTimeoutFactor,
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('Connectorgithub.*DeadLetters'), 'Arn'],
        },
        maxReceiveCount: 10,
      },
    });
    service.hasResource('AWS::SQS::Queue', {
      Properties: { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true },
      DeletionPolicy: 'Retain',
    });
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('connector-github') },
      BatchSize: queueSettings.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('runs the connector function on Node.js 22 arm64, told its connector, settings, scope and queues', () => {
    service.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          [ENV.serviceName]: 'connector-manual-legacy-erp',
          [ENV.connectorId]: 'manual',
          [ENV.connectorName]: 'legacy-erp',
          [ENV.connectorScope]: JSON.stringify({ groups: ['Finance'] }),
          [ENV.connectorSettings]: JSON.stringify(CONNECTORS_CONTEXT[1]?.settings),
          [ENV.connectorMaxReceiveCount]: '10',
          [ENV.metricsNamespace]: 'ScimConnector/dev',
        }),
      },
    });
  });

  it('reserves each connector function the concurrency its queue may use, no more and no less', () => {
    for (const name of ['connector-github', 'connector-manual-legacy-erp']) {
      const id = functionId(name);
      // Reserved: a busy account cannot starve deprovisioning, a runaway connector cannot take more.
      expect(service.toJSON().Resources[id].Properties.ReservedConcurrentExecutions).toBe(2);
      service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: id },
        ScalingConfig: { MaximumConcurrency: 2 },
      });
    }
    const app = buildTestApp({
      context: {
        connectors: CONNECTORS_CONTEXT,
        connectorReservedConcurrency: '5',
        relayReservedConcurrency: '0',
      },
    });
    const configured = Template.fromStack(app.service);
    const github = Object.entries(configured.findResources('AWS::Lambda::Function')).find(
      ([, fn]) => fn.Properties.Environment.Variables[ENV.serviceName] === 'connector-github',
    );
    expect(github?.[1].Properties.ReservedConcurrentExecutions).toBe(5);
    configured.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: github?.[0] },
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const relay = Object.values(configured.findResources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.Environment.Variables[ENV.serviceName] === 'event-relay',
    );
    expect(relay?.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('reserves the stream relay its concurrency, so a flood of changes cannot take the account’s', () => {
    expect(
      service.toJSON().Resources[functionId('event-relay')].Properties.ReservedConcurrentExecutions,
    ).toBe(10);
  });

  it('gives a connector without secrets (a manual task) no secret at all', () => {
    const manual =
      service.toJSON().Resources[functionId('connector-manual-legacy-erp')].Properties.Environment.Variables;
    expect(manual[ENV.connectorSecretArn]).toBeUndefined();
    service.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(actionsOf(statementsOf(functionId('connector-manual-legacy-erp')))).not.toContain(
      'secretsmanager:GetSecretValue',
    );
  });

  it('lets the function read only its own secret, append to the evidence table, read the directory, and send only to its own DLQ', () => {
    const statements = statementsOf(functionId('connector-github'));
    const secretReads = statements.filter((statement) =>
      actionsOf([statement]).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads.map((statement) => statement.Resource)).toEqual([
      { Ref: expect.stringMatching(/^Connectorgithub.*Secret/) },
    ]);
    // The connector holds vendor credentials: it can write evidence, and nothing of the directory
    // (a TOKEN# item, a user, a membership). BatchGetItem reads the user's groups for scope.
    expect(tableActionsOf(statements)).toEqual({
      directory: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      evidence: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    });
    expect(
      service.toJSON().Resources[functionId('connector-github')].Properties.Environment.Variables,
    ).toMatchObject({
      [ENV.tableName]: expect.anything(),
      [ENV.evidenceTableName]: expect.anything(),
    });
    const sends = statements.filter((statement) => actionsOf([statement]).includes('sqs:SendMessage'));
    expect(sends.map((statement) => statement.Resource)).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Connectorgithub.*DeadLetters/), 'Arn'] },
    ]);
    for (const statement of statements) expect(statement.Effect).toBe('Allow');
    expect(actionsOf(statements)).not.toContain('dynamodb:DeleteItem');
  });

  it('alarms as soon as one message is in a dead-letter queue, notifying the alarm topic', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Connectorgithub.*DeadLetters'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTargetTopic') }],
      AlarmDescription: Match.stringLikeRegexp('GitHub'),
    });
  });

  it('alarms when a fifth of the vendor calls fail for 15 minutes, from the metrics the function publishes', () => {
    const metricOf = (name: string) =>
      Match.objectLike({
        Id: name === connectorMetrics.attempts ? 'attempts' : 'failures',
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'ScimConnector/dev',
            MetricName: name,
            // The dimension Powertools Metrics adds from the function's service name.
            Dimensions: [{ Name: 'service', Value: 'connector-github' }],
          },
          Period: 300,
          Stat: 'Sum',
        }),
      });
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: connectorFailureAlarm.percent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTargetTopic') }],
      AlarmDescription: Match.stringLikeRegexp('^More than 20% of GitHub calls failed'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(attempts > 0, 100 * failures / attempts, 0)' }),
        metricOf(connectorMetrics.attempts),
        metricOf(connectorMetrics.failures),
      ]),
    });
    const failureRateAlarms = Object.values(service.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      /calls failed for 15 minutes/.test(String(alarm.Properties.AlarmDescription)),
    );
    expect(failureRateAlarms).toHaveLength(CONNECTORS_CONTEXT.length);
  });

  it('alarms on errors of each connector function (a crash or timeout publishes no outcome)', () => {
    const errorAlarms = Object.values(service.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      /^The Connector-(github|manual-legacy-erp) function failed/.test(
        String(alarm.Properties.AlarmDescription),
      ),
    );
    expect(errorAlarms).toHaveLength(2);
  });

  it('shows revocations, failures, queue age and dead letters per application on the leaver dashboard', () => {
    const [dashboard] = Object.values(service.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody).replaceAll('\\"', '"');
    for (const shown of [
      'Connectors: access revoked',
      connectorMetrics.revocations,
      connectorMetrics.failures,
      'ApproximateAgeOfOldestMessage',
      'Dead letters',
      '"label":"GitHub"',
      '"label":"Legacy ERP"',
      'evidence-report',
    ])
      expect(body).toContain(shown);
    // Every alarm of the stack is on the dashboard's status panel, the connectors' included.
    for (const id of Object.keys(service.findResources('AWS::CloudWatch::Alarm'))) expect(body).toContain(id);
  });
});

describe('Evidence', () => {
  it('records leavers and returners from the bus, expecting each enabled application in its scope', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [EVENT_SOURCE],
        'detail-type': ['user.deactivated', 'user.deleted', 'user.reactivated'],
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('EvidenceRecorderQueue'), 'Arn'] } }),
      ],
    });
    const plans = JSON.parse(
      service.toJSON().Resources[functionId('evidence-recorder')].Properties.Environment.Variables[
        ENV.connectorPlans
      ],
    );
    expect(plans).toEqual([
      {
        id: 'github',
        application: 'GitHub',
        events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
        scope: 'everyone',
      },
      {
        id: 'manual-legacy-erp',
        application: 'Legacy ERP',
        events: ['user.deactivated', 'user.deleted', 'user.reactivated'],
        scope: { groups: ['Finance'] },
      },
    ]);
    expect(tableActionsOf(statementsOf(functionId('evidence-recorder')))).toEqual({
      directory: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
      evidence: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    });
  });

  it('serves the evidence API under AWS_IAM authorisation, read-only on the evidence table', () => {
    const methods = service.findResources('AWS::ApiGateway::Method', {
      Properties: { AuthorizationType: 'AWS_IAM', HttpMethod: 'GET' },
    });
    expect(Object.keys(methods)).toHaveLength(2);
    const tables = tableActionsOf(statementsOf(functionId('evidence-api')));
    expect(Object.keys(tables)).toEqual(['evidence']);
    expect(tables.evidence?.some((action) => /Put|Update|Delete|Write/.test(action))).toBe(false);
  });
});

/** The DynamoDB actions of a role, by the table they are allowed on. */
function tableActionsOf(statements: readonly Statement[]): Record<string, string[]> {
  const byTable: Record<string, string[]> = {};
  for (const statement of statements) {
    const actions = actionsOf([statement]).filter((action) => action.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    expect(statement.Effect).toBe('Allow');
    for (const resource of [statement.Resource].flat()) {
      const table = tableOf(resource);
      byTable[table] = [...new Set([...(byTable[table] ?? []), ...actions])].sort();
    }
  }
  return byTable;
}
