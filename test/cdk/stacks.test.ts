import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupSweeperSettings } from '../../cdk/lib/constructs/group-sweeper.ts';
import { WAF_RETRY_AFTER_SECONDS } from '../../cdk/lib/constructs/scim-web-acl.ts';
import { ENV } from '../../shared/contracts/env.ts';
import { evidenceRoutes } from '../../shared/contracts/evidence-routes.ts';
import { GATEWAY_RETRY_AFTER_SECONDS } from '../../shared/contracts/gateway-errors.ts';
import { groupSweeperFunction } from '../../shared/contracts/group-deletion.ts';
import {
  SCIM_BASE,
  type ScimFunctionName,
  scimFunctions,
  scimRoutes,
} from '../../shared/contracts/routes.ts';
import { keys } from '../../shared/store/keys.ts';
import { directoryTable, evidenceTable } from '../../shared/store/table.ts';
import { buildTestApp } from './synth-app.ts';

interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}
interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Effect?: string;
  readonly Condition?: unknown;
}

const functionNames = Object.keys(scimFunctions) as ScimFunctionName[];

let stateful: Template;
let service: Template;
let retentionDays: number;
/** Logical id of the directory table in the stateful stack. */
let tableId: string;
/** Logical id of the evidence table in the stateful stack. */
let evidenceTableId: string;
/** Logical id of each function in the service stack. */
let functionIds: Record<ScimFunctionName, string>;

beforeAll(() => {
  const app = buildTestApp();
  stateful = Template.fromStack(app.stateful);
  service = Template.fromStack(app.service);
  retentionDays = app.config.logRetentionDays;
  tableId = onlyKey(
    stateful.findResources('AWS::DynamoDB::Table', { Properties: { StreamSpecification: Match.anyValue() } }),
  );
  evidenceTableId = onlyKey(
    stateful.findResources('AWS::DynamoDB::Table', { Properties: { StreamSpecification: Match.absent() } }),
  );
  functionIds = Object.fromEntries(functionNames.map((name) => [name, functionIdOf(name)])) as Record<
    ScimFunctionName,
    string
  >;
});

describe('stateful stack: the directory table', () => {
  it('has exactly the keys, stream, TTL and billing of shared/store/table.ts', () => {
    const { partitionKey, sortKey, stream, timeToLiveAttribute, billingMode } = directoryTable;
    expect(resource(stateful, tableId).Properties).toMatchObject({
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
        { AttributeName: sortKey.name, AttributeType: sortKey.type },
      ],
      StreamSpecification: { StreamViewType: stream },
      TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      BillingMode: billingMode,
    });
    // The definition declares no secondary index: index entries live in the base table.
    expect(resource(stateful, tableId).Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(resource(stateful, tableId).Properties.LocalSecondaryIndexes).toBeUndefined();
  });

  it('is protected: PITR, deletion protection, AWS-managed encryption, retained', () => {
    for (const id of [tableId, evidenceTableId])
      expect(resource(stateful, id)).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          // SSEEnabled without a key id is the AWS-managed key (aws/dynamodb).
          SSESpecification: { SSEEnabled: true },
        },
      });
  });
});

describe('stateful stack: the evidence table', () => {
  it('is a second table with the keys and billing of evidenceTable: no stream, nothing expires', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 2);
    const { partitionKey, sortKey, billingMode } = evidenceTable;
    const properties = resource(stateful, evidenceTableId).Properties;
    expect(properties).toMatchObject({
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
      BillingMode: billingMode,
    });
    expect(properties.TimeToLiveSpecification).toBeUndefined();
    expect(Object.keys(stateful.findOutputs('EvidenceTableName'))).toEqual(['EvidenceTableName']);
  });

  it('shares the directory table’s customer-managed key when that encryption is chosen', () => {
    const app = buildTestApp({ context: { tableEncryption: 'customer-managed' } });
    const template = Template.fromStack(app.stateful);
    const key = onlyKey(template.findResources('AWS::KMS::Key'));
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table')) as CfnResource[];
    expect(tables.map((table) => table.Properties.SSESpecification)).toEqual([
      { KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, SSEEnabled: true, SSEType: 'KMS' },
      { KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] }, SSEEnabled: true, SSEType: 'KMS' },
    ]);
  });
});

describe('stateful stack: directories from the configuration', () => {
  it('creates each configured directory record, keeping what operators set later', () => {
    const app = buildTestApp({
      context: {
        directories: '[{"id":"entra-main","displayName":"Entra ID"},{"id":"okta","displayName":"Okta"}]',
      },
    });
    const template = Template.fromStack(app.stateful);
    template.resourceCountIs('Custom::ScimDirectory', 2);
    const create = JSON.stringify(template.findResources('Custom::ScimDirectory'));
    expect(create).toContain('DIR#entra-main');
    expect(create).toContain('if_not_exists(created');
    // May write the directory registry only: never a user or a token.
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:UpdateItem',
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['DIRECTORIES'] } },
          }),
        ]),
      },
    });
  });

  it('creates none by default', () => {
    stateful.resourceCountIs('Custom::ScimDirectory', 0);
  });
});

describe('service stack: the SCIM functions', () => {
  it.each(functionNames)('%s runs Node.js 22 on arm64 and knows the table', (name) => {
    const fn = resource(service, functionIds[name]);
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    expect(fn.Properties).toMatchObject({ TracingConfig: { Mode: 'Active' } });
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(imported(variables[ENV.tableName])).toEqual({ Ref: tableId });
  });

  it.each(['users', 'groups', 'bulk'] as const)(
    'lets the %s function read and write the table, and nothing else',
    (name) => {
      // Groups: memberships are items of their own, written in transactions with the group; users:
      // a user's delete removes its memberships; bulk: the writes of both, through their services.
      const statements = dynamoStatementsOf(name);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) expect(imported(statement.Resource)).toEqual(tableArn());
      const actions = statements.flatMap((statement) => [statement.Action].flat());
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
        ]),
      );
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']));
    },
  );

  it('gives Bulk one full vCPU and a timeout just under API Gateway’s 29 s; the others the defaults', () => {
    const bulk = resource(service, functionIds.bulk).Properties;
    expect(bulk).toMatchObject({ MemorySize: 1769, Timeout: 28 });
    expect(resource(service, functionIds.users).Properties).toMatchObject({ MemorySize: 1024, Timeout: 25 });
  });

  it('lets the discovery function only authenticate and throttle by key', () => {
    // Discovery documents are static, but the caller is authenticated and throttled like
    // everywhere: items read by key, last-used and the rate window updated by key.
    const statements = dynamoStatementsOf('discovery');
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
    ]);
    for (const statement of statements) expect(imported(statement.Resource)).toEqual(tableArn());
  });

  it('lets the discovery function update only a token’s last use and its own rate windows, so it cannot un-revoke a token', () => {
    const updates = dynamoStatementsOf('discovery').filter((statement) =>
      [statement.Action].flat().includes('dynamodb:UpdateItem'),
    );
    // Every UpdateItem is bounded by the attributes it may touch and the partitions it may reach:
    // `revokedAt` and a token's `expiresAt` are in neither list.
    expect(updates.map((statement) => statement.Condition)).toEqual([
      {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DIR#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'lastUsedAt'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
      },
      {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] },
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'requests', 'expiresAt'] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_NEW'] },
      },
    ]);
    for (const statement of updates) expect([statement.Action].flat()).toEqual(['dynamodb:UpdateItem']);
    // The attributes and partitions are the ones the adapters write.
    expect(keys.rateWindow('default', 1).pk).toMatch(/^RATE#/);
    expect(keys.token('default', 'hash').pk).toMatch(/^DIR#/);
  });

  it('grants no action on every resource ("*") but the X-Ray ones, which have no resource level', () => {
    for (const name of functionNames) {
      const wildcards = statementsOf(name).filter((statement) =>
        JSON.stringify(statement.Resource).includes('*'),
      );
      expect(wildcards.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('gives every log group the configured retention', () => {
    const groups = Object.values(service.findResources('AWS::Logs::LogGroup'));
    // Eight functions (users, groups, bulk, discovery, event relay, group sweeper, evidence recorder,
    // evidence API), API access and execution logs, and what WAF blocked.
    expect(groups).toHaveLength(11);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(retentionDays);
  });
});

describe('service stack: the group sweeper', () => {
  const sweeperId = () =>
    onlyKey(
      service.findResources('AWS::Lambda::Function', {
        Properties: { Description: groupSweeperFunction.description },
      }),
    );
  /** The queue the sweeper consumes, from its event source mapping. */
  const queueId = () => {
    const mappings = Object.values(service.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => JSON.stringify(mapping.Properties.FunctionName) === JSON.stringify({ Ref: sweeperId() }),
    );
    const [mapping] = mappings;
    if (!mapping || mappings.length !== 1)
      throw new Error(`${mappings.length} event sources for the sweeper`);
    return (mapping.Properties.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  };
  const queueUrl = () => ({ Ref: queueId() });
  const queueArn = () => ({ 'Fn::GetAtt': [queueId(), 'Arn'] });
  const sqsActionsOn = (functionId: string, arn: unknown) =>
    statementsOfRole(functionId)
      .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(arn))
      .flatMap((statement) => [statement.Action].flat())
      .filter((action) => action.startsWith('sqs:'))
      .sort();

  it('runs 15 minutes on a queue of one group per batch, reporting failures, two runs at most', () => {
    expect(resource(service, sweeperId()).Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 15 * 60,
    });
    service.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: sweeperId() },
      BatchSize: groupSweeperSettings.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('has an encrypted, TLS-only queue whose failed messages go to an alarmed, retained DLQ', () => {
    const queue = resource(service, queueId());
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 15 * 60,
      RedrivePolicy: { maxReceiveCount: groupSweeperSettings.maxReceiveCount },
    });
    const dlqId = (queue.Properties.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string] } })
      .deadLetterTargetArn['Fn::GetAtt'][0];
    expect(resource(service, dlqId)).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { SqsManagedSseEnabled: true },
    });
    for (const id of [queueId(), dlqId]) {
      service.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      AlarmDescription: Match.stringLikeRegexp('group delete'),
    });
  });

  it('may do on the table exactly what finishing a delete takes, and nothing else', () => {
    const statements = statementsOfRole(sweeperId()).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
    );
    for (const statement of statements) expect(imported(statement.Resource)).toEqual(tableArn());
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const variables = (
      resource(service, sweeperId()).Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(imported(variables[ENV.tableName])).toEqual({ Ref: tableId });
    // It consumes its queue, and queues the rest of a group that needs another run.
    expect(variables[ENV.groupDeletionQueueUrl]).toEqual(queueUrl());
    expect(sqsActionsOn(sweeperId(), queueArn())).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
  });

  it.each(['groups', 'bulk'] as const)(
    'lets the %s function only send to the queue, whose URL it is given',
    (name) => {
      expect(sqsActionsOn(functionIds[name], queueArn())).toEqual(['sqs:SendMessage']);
      const all = statementsOf(name).flatMap((statement) => [statement.Action].flat());
      expect(all.filter((action) => action.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
      const variables = (
        resource(service, functionIds[name]).Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(variables[ENV.groupDeletionQueueUrl]).toEqual(queueUrl());
    },
  );

  it.each(['users', 'discovery'] as const)('gives the %s function no queue at all', (name) => {
    const all = statementsOf(name).flatMap((statement) => [statement.Action].flat());
    expect(all.filter((action) => action.startsWith('sqs:'))).toEqual([]);
    const variables = (
      resource(service, functionIds[name]).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables[ENV.groupDeletionQueueUrl]).toBeUndefined();
  });
});

/** The SCIM methods: every method but the evidence API's (AWS_IAM). */
const scimMethods = () =>
  Object.values(service.findResources('AWS::ApiGateway::Method')).filter(
    (method) => method.Properties.AuthorizationType !== 'AWS_IAM',
  );

describe('service stack: the SCIM API', () => {
  it('serves every route of scimRoutes, and no other, through its function', () => {
    const served = scimMethods().map((method) => ({
      method: String(method.Properties.HttpMethod),
      resource: pathOf(method.Properties.ResourceId),
      function: functionNameOf(method.Properties.Integration),
    }));
    const expected = scimRoutes.map(({ method, resource, function: fn }) => ({
      method,
      resource,
      function: fn,
    }));
    expect(served).toHaveLength(expected.length);
    expect(served).toEqual(expect.arrayContaining(expected));
  });

  it('serves the evidence routes, and only those, under AWS_IAM authorisation', () => {
    const iam = Object.values(
      service.findResources('AWS::ApiGateway::Method', { Properties: { AuthorizationType: 'AWS_IAM' } }),
    ).map((method) => `${method.Properties.HttpMethod} ${pathOf(method.Properties.ResourceId)}`);
    expect(iam.sort()).toEqual(evidenceRoutes.map(({ method, resource }) => `${method} ${resource}`).sort());
  });

  it('uses Lambda proxy integrations and requires the Authorization header', () => {
    for (const method of scimMethods()) {
      expect(method.Properties).toMatchObject({
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        RequestParameters: { 'method.request.header.Authorization': true },
        RequestValidatorId: expect.anything(),
      });
    }
  });

  it('logs every request as JSON to a log group, execution errors without bodies, and traces', () => {
    service.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        }),
      ],
      TracingEnabled: true,
    });
  });

  it('throttles the stage by default', () => {
    service.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })],
    });
  });

  it('answers the stage throttle with a SCIM 429 that says when to retry', () => {
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Retry-After': `'${GATEWAY_RETRY_AFTER_SECONDS}'`,
        'gatewayresponse.header.Content-Type': `'application/scim+json'`,
      }),
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp('"status":"429"'),
      },
    });
  });

  it('answers a request without a bearer token with a SCIM 401, before any function runs', () => {
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_PARAMETERS',
      StatusCode: '401',
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.WWW-Authenticate': `'Bearer realm="scim"'`,
      }),
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp('urn:ietf:params:scim:api:messages:2.0:Error'),
      },
    });
  });

  it('sits behind a WAF web ACL whose rate limit answers 429 with a SCIM error body', () => {
    service.resourceCountIs('AWS::WAFv2::WebACL', 1);
    service.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    const acl = Object.values(service.findResources('AWS::WAFv2::WebACL'))[0] as CfnResource;
    const rules = acl.Properties.Rules as {
      Name: string;
      Statement: Record<string, unknown>;
      Action?: unknown;
    }[];
    expect(rules.map((rule) => rule.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'RatePerClientIp',
    ]);
    // The Core rule set blocks bodies over 8 KB: a membership PATCH or a Bulk request would get a plain 403.
    expect(JSON.stringify(rules)).not.toContain('AWSManagedRulesCommonRuleSet');
    const rate = rules[2];
    expect(rate?.Action).toEqual({
      Block: {
        CustomResponse: {
          ResponseCode: 429,
          CustomResponseBodyKey: 'scimThrottled',
          // An IdP that honours Retry-After backs off instead of hammering a blocked address.
          ResponseHeaders: [{ Name: 'Retry-After', Value: String(WAF_RETRY_AFTER_SECONDS) }],
        },
      },
    });
    const bodies = acl.Properties.CustomResponseBodies as Record<string, { Content: string }>;
    expect(JSON.parse(String(bodies.scimThrottled?.Content))).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
    });
  });

  it('logs what WAF blocks to a retained, KMS-encrypted aws-waf-logs- group, without bearer tokens', () => {
    const logging = Object.values(service.findResources('AWS::WAFv2::LoggingConfiguration'));
    expect(logging).toHaveLength(1);
    const properties = (logging[0] as CfnResource).Properties as {
      ResourceArn: unknown;
      LogDestinationConfigs: unknown[];
      RedactedFields: unknown[];
      LoggingFilter: unknown;
    };
    expect(properties.ResourceArn).toEqual({
      'Fn::GetAtt': [onlyKey(service.findResources('AWS::WAFv2::WebACL')), 'Arn'],
    });
    // The destination is the log group itself (WAF refuses the ":*" form of its ARN).
    const destination = JSON.stringify(properties.LogDestinationConfigs);
    const groups = service.findResources('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') },
    });
    const groupId = onlyKey(groups);
    expect(destination).toContain(groupId);
    expect(destination).not.toContain(':*');
    const group = resource(service, groupId);
    expect(group.Properties.RetentionInDays).toBe(retentionDays);
    expect(group.DeletionPolicy).toBe('Retain');
    const keyId = (group.Properties.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resource(service, keyId)).toMatchObject({
      Type: 'AWS::KMS::Key',
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
    // CloudWatch Logs may use the key for this one log group, by its encryption context.
    const keyPolicy = JSON.stringify(resource(service, keyId).Properties.KeyPolicy);
    expect(keyPolicy).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(keyPolicy).toContain(String(group.Properties.LogGroupName));
    // A bearer token or a signed JWT must never reach a log.
    expect(properties.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }]);
    expect(properties.LoggingFilter).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
        },
      ],
    });
  });

  it('leaves the WAF out when the configuration says so, and tells cdk-nag why', () => {
    const app = buildTestApp({ context: { webAcl: 'false' } });
    Template.fromStack(app.service).resourceCountIs('AWS::WAFv2::WebACL', 0);
    const acknowledged = JSON.stringify(app.service.node.findAll().flatMap((c) => c.node.metadata));
    expect(acknowledged).toContain('AwsSolutions-APIG3');
  });

  it('answers a body above its 10 MB payload limit with a SCIM 413 naming Bulk’s maxPayloadSize', () => {
    service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp('maxPayloadSize 1048576'),
      },
    });
  });

  it('leaves the regional API Gateway logging role to the stateful stack', () => {
    stateful.resourceCountIs('AWS::ApiGateway::Account', 1);
    service.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('outputs the SCIM base URL template', () => {
    service.hasOutput('ScimBaseUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith([SCIM_BASE])] },
    });
  });
});

// --- reading the templates -------------------------------------------------------------------

function onlyKey(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  if (keys.length !== 1) throw new Error(`expected one resource, found ${keys.length}`);
  return keys[0] as string;
}

function resource(template: Template, logicalId: string): CfnResource {
  const found = (template.toJSON().Resources as Record<string, CfnResource>)[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
}

function functionIdOf(name: ScimFunctionName): string {
  return onlyKey(
    service.findResources('AWS::Lambda::Function', {
      Properties: { Description: scimFunctions[name].description },
    }),
  );
}

/**
 * Follows a cross-stack reference to the value the stateful stack outputs. With cdk.json's
 * `@aws-cdk/core:defaultCrossStackReferences: weak`, a reference is `Fn::GetStackOutput`.
 */
function imported(value: unknown): unknown {
  const reference = (value as { 'Fn::GetStackOutput'?: { OutputName: string } })['Fn::GetStackOutput'];
  if (!reference) return value;
  const outputs = stateful.toJSON().Outputs as Record<string, { Value: unknown }>;
  return outputs[reference.OutputName]?.Value;
}

const tableArn = () => ({ 'Fn::GetAtt': [tableId, 'Arn'] });

function statementsOf(name: ScimFunctionName): PolicyStatement[] {
  return statementsOfRole(functionIds[name]);
}

/** The statements of the policies attached to a function's role, by the function's logical id. */
function statementsOfRole(functionId: string): PolicyStatement[] {
  const roleArn = resource(service, functionId).Properties.Role as { 'Fn::GetAtt': [string, string] };
  const policies = service.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleArn['Fn::GetAtt'][0] }] },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
  );
}

function dynamoStatementsOf(name: ScimFunctionName): PolicyStatement[] {
  return statementsOf(name).filter((statement) =>
    [statement.Action].flat().some((action) => action.startsWith('dynamodb:')),
  );
}

/** The full path of an API Gateway resource, from its chain of parents. */
function pathOf(resourceId: unknown): string {
  const resources = service.findResources('AWS::ApiGateway::Resource');
  const parts: string[] = [];
  let current = resourceId as { Ref?: string };
  while (current.Ref) {
    const properties = resources[current.Ref]?.Properties as { PathPart: string; ParentId: { Ref?: string } };
    parts.unshift(properties.PathPart);
    current = properties.ParentId;
  }
  return `/${parts.join('/')}`;
}

/** The SCIM function whose ARN the integration URI names. */
function functionNameOf(integration: unknown): ScimFunctionName | undefined {
  const uri = JSON.stringify((integration as { Uri: unknown }).Uri);
  return functionNames.find((name) =>
    uri.includes(JSON.stringify({ 'Fn::GetAtt': [functionIds[name], 'Arn'] })),
  );
}
