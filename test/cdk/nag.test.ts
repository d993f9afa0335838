/**
 * cdk-nag 3 runs as a CDK validation plugin during synthesis (`Validations.of(app).addPlugins`),
 * not as an Aspect: its findings go to the validation report, not to construct annotations, and
 * an acknowledgement is `Validations.of(construct).acknowledge({ id, reason })` metadata.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, CONNECTORS_CONTEXT, type TestApp } from './synth-app.ts';

/** Long enough to say what is accepted and why, not just "not needed". */
const MIN_REASON_LENGTH = 60;

let testApp: TestApp;
let assembly: CloudAssembly | undefined;
let synthError: unknown;

beforeAll(() => {
  // With CDK's own CloudFormation rules too, as `cdk synth` runs them.
  // With configured connectors, so that every construct a deployment can have is checked.
  testApp = buildTestApp({ cloudFormationValidation: true, context: { connectors: CONNECTORS_CONTEXT } });
  try {
    assembly = testApp.app.synth();
  } catch (error) {
    synthError = error;
  }
});

describe('cdk-nag AwsSolutions checks', () => {
  it('let the app synthesise (an unacknowledged error would fail it)', () => {
    expect(synthError).toBeUndefined();
  });

  it('leave no error or warning unacknowledged', () => {
    const { violations } = new AwsSolutionsChecks().validateScope(testApp.app);
    const findings = violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName} at ${violation.violatingResources
          .map((resource) => resource.constructPath)
          .join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('leave nothing in the validation report of the cloud assembly', () => {
    if (!assembly) throw new Error('no cloud assembly: synthesis failed');
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });

  it.each(['stateful', 'service'] as const)(
    'find no AwsSolutions or CDK annotation on the %s stack',
    (name) => {
      const annotations = Annotations.fromStack(testApp[name]);
      const messages = [
        ...annotations.findError('*', Match.anyValue()),
        ...annotations.findWarning('*', Match.anyValue()),
      ].map((message) => `${message.id}: ${String(message.entry.data)}`);
      expect(messages).toEqual([]);
    },
  );
});

describe('acknowledgements', () => {
  const acknowledgements = () =>
    testApp.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, unknown>))
        .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason })),
    );

  it('each carry a written reason', () => {
    const found = acknowledgements();
    expect(found.length).toBeGreaterThan(0);
    for (const { path, id, reason } of found) {
      expect(typeof reason, `${id} at ${path}`).toBe('string');
      expect(String(reason).length, `${id} at ${path}: "${String(reason)}"`).toBeGreaterThanOrEqual(
        MIN_REASON_LENGTH,
      );
    }
  });

  it('say where authentication runs instead of an authorizer, and where the decision is written', () => {
    const reason = acknowledgements().find(({ id }) => id === 'AwsSolutions-APIG4')?.reason;
    expect(String(reason)).toMatch(/middleware/);
    expect(String(reason)).toContain('docs/auth.md');
  });

  it('are exactly the reviewed ones: a new acknowledgement is a decision, made here', () => {
    const byRule = [...new Set(acknowledgements().map(({ path, id }) => `${id} @ ${path}`))].sort();
    expect(byRule).toEqual(
      [
        // Authentication is a middleware in the functions, by decision (docs/auth.md).
        'AwsSolutions-APIG4 @ scim-dev-service/Scim/Api',
        'AwsSolutions-COG4 @ scim-dev-service/Scim/Api',
        // Node.js 22 pinned.
        'AwsSolutions-L1 @ scim-dev-service/Users/Function',
        'AwsSolutions-L1 @ scim-dev-service/Groups/Function',
        'AwsSolutions-L1 @ scim-dev-service/Bulk/Function',
        'AwsSolutions-L1 @ scim-dev-service/Discovery/Function',
        // X-Ray write actions have no resource-level permissions.
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Users/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Groups/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Bulk/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Discovery/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/EventRelay/Relay/Role',
        'AwsSolutions-L1 @ scim-dev-service/EventRelay/Relay/Function',
        // The relay's on-failure queue is itself a dead-letter queue.
        'AwsSolutions-SQS3 @ scim-dev-stateful/Lifecycle/RelayFailures',
        // The evidence API is IAM-authorised, for operators and auditors with AWS credentials.
        'AwsSolutions-COG4 @ scim-dev-service/Scim/Api/Default/{directoryId}/evidence/leavers/GET',
        'AwsSolutions-COG4 @ scim-dev-service/Scim/Api/Default/{directoryId}/evidence/leavers/{user}/GET',
        // Functions of the connectors and the evidence: Node.js 22 pinned, X-Ray without resource level.
        'AwsSolutions-L1 @ scim-dev-service/Connector-github/Consumer/Function/Function',
        'AwsSolutions-L1 @ scim-dev-service/Connector-manual-legacy-erp/Consumer/Function/Function',
        'AwsSolutions-L1 @ scim-dev-service/Evidence/Api/Function',
        'AwsSolutions-L1 @ scim-dev-service/Evidence/Recorder/Function/Function',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Connector-github/Consumer/Function/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Connector-manual-legacy-erp/Consumer/Function/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Evidence/Api/Role',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/Evidence/Recorder/Function/Role',
        // The group sweeper: Node.js 22 pinned, X-Ray without resource level.
        'AwsSolutions-L1 @ scim-dev-service/GroupSweeper/Function/Function',
        'AwsSolutions-IAM5[Resource::*] @ scim-dev-service/GroupSweeper/Function/Role',
        // Vendor credentials are rotated at the vendor, by an operator.
        'AwsSolutions-SMG4 @ scim-dev-service/Connector-github/Secret',
        // Dead-letter queues of the connectors, the recorder and the group sweeper are themselves DLQs.
        'AwsSolutions-SQS3 @ scim-dev-service/GroupSweeper/DeadLetters',
        'AwsSolutions-SQS3 @ scim-dev-service/Connector-github/Consumer/DeadLetters',
        'AwsSolutions-SQS3 @ scim-dev-service/Connector-manual-legacy-erp/Consumer/DeadLetters',
        'AwsSolutions-SQS3 @ scim-dev-service/Evidence/Recorder/DeadLetters',
        // The regional API Gateway logging role uses the AWS-maintained policy.
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs] @ scim-dev-stateful/ApiGatewayAccount/CloudWatchRole',
      ].sort(),
    );
  });
});

describe('cdk-nag on a full sample configuration', () => {
  /** Everything optional turned on: directories, alarm e-mail, custom domain, customer-managed key. */
  const sample = {
    stage: 'prod',
    directories: [
      { id: 'entra-main', displayName: 'Entra ID' },
      { id: 'okta', displayName: 'Okta' },
    ],
    alarmEmail: 'oncall@example.com',
    domainName: 'scim.example.com',
    certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    tableEncryption: 'customer-managed',
  };

  it('synthesises with no unacknowledged finding, each acknowledgement with its reason', () => {
    const app = buildTestApp({ context: sample });
    expect(() => app.app.synth()).not.toThrow();
    const { violations } = new AwsSolutionsChecks().validateScope(app.app);
    expect(
      violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    const bootstrap = app.app.node
      .findAll()
      .filter((construct) => construct.node.path.startsWith('scim-prod-stateful/AWS'))
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    // The deployment-time function behind the directory records: its findings are explained.
    expect(bootstrap.length).toBeGreaterThan(0);
    for (const reason of bootstrap) expect(reason.length).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
  });
});
