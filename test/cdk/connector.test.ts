import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ScimConnector } from '../../cdk/index.ts';
import { scimFunctions } from '../../shared/contracts/routes.ts';

/** The SCIM functions, the stream relay and the group sweeper: each has an errors alarm. */
const SCIM_FUNCTIONS = Object.keys(scimFunctions).length + 2;
/** Those, the evidence recorder and the evidence API. */
const FUNCTIONS = SCIM_FUNCTIONS + 2;

/** A team's own app: no cdk.json flags of ours, bundling skipped to stay offline. */
function embed(props: ConstructorParameters<typeof ScimConnector>[2]) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'TeamStack');
  const scim = new ScimConnector(stack, 'Scim', props);
  return { app, stack, scim };
}

describe('ScimConnector, embedded in a fresh stack', () => {
  it('builds the whole connector in one stack', () => {
    const { stack, scim } = embed({ stage: 'prod', manageApiGatewayAccount: false });
    const template = Template.fromStack(stack);
    // The directory and the evidence (revocation ledger).
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.resourceCountIs('AWS::Events::Archive', 1);
    // The relay's failure queue, the evidence recorder's and the group sweeper's queues and their
    // dead-letter queues.
    template.resourceCountIs('AWS::SQS::Queue', 5);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    // Users, groups, bulk, discovery, relay, group sweeper, evidence recorder and evidence API.
    template.resourceCountIs('AWS::Lambda::Function', FUNCTIONS);
    // The relay's stream, the evidence recorder's and the group sweeper's queues.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 3);
    // One per function (SCIM, relay, group sweeper, evidence recorder and API), API 5XX rate, auth
    // failures, relay iterator age, relay failures queued, events not published, and the two
    // dead-letter queues.
    template.resourceCountIs('AWS::CloudWatch::Alarm', FUNCTIONS + 5 + 2);
    expect(scim.groupSweeper.fn.fn).toBeDefined();
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' });
    expect(stack.resolve(scim.api.baseUrlTemplate)).toBeDefined();
    // CDK's built-in CloudFormation validation of a team's app is most of this synth, and the first
    // synthesis of a file pays for loading aws-cdk-lib: on two shared cores it can take a while.
  }, 60_000);

  it('passes cdk-nag with the acknowledgements it carries', () => {
    const { app } = embed({ alarmEmail: 'oncall@example.com', tableEncryption: 'customer-managed' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const { violations } = new AwsSolutionsChecks().validateScope(app);
    expect(
      violations.map(
        (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('refuses invalid props, naming the field and the construct', () => {
    expect(() => embed({ alarmEmail: 'oncall' })).toThrow(
      /ScimConnector props at TeamStack\/Scim[\s\S]*alarmEmail/,
    );
  });
});
