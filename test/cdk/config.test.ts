import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../cdk/lib/config.ts';
import { buildTestApp } from './synth-app.ts';

const configOf = (context: Record<string, unknown>) => loadConfig(new App({ context }));

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:oncall';

describe('loadConfig', () => {
  it('has defaults, so a bare `cdk synth` works', () => {
    expect(configOf({})).toEqual({
      stage: 'dev',
      logRetentionDays: 90,
      manageApiGatewayAccount: true,
      throttleRateLimit: 100,
      throttleBurstLimit: 200,
      tableEncryption: 'aws-managed',
      webAcl: true,
      webAclRatePerIpPer5Minutes: 30_000,
      connectorReservedConcurrency: 2,
      relayReservedConcurrency: 10,
      directories: [],
      connectors: [],
    });
  });

  it('takes reserved concurrency for connectors and the relay, 0 for none, never a single SQS batch', () => {
    expect(configOf({ connectorReservedConcurrency: '5', relayReservedConcurrency: '0' })).toMatchObject({
      connectorReservedConcurrency: 5,
      relayReservedConcurrency: 0,
    });
    // SQS event sources run at least two batches at once: one reserved would throttle the second.
    expect(() => configOf({ connectorReservedConcurrency: '1' })).toThrow(/connectorReservedConcurrency/);
    expect(() => configOf({ relayReservedConcurrency: '-1' })).toThrow(/relayReservedConcurrency/);
  });

  it('reads `-c key=value` strings as numbers and booleans', () => {
    expect(
      configOf({
        stage: 'prod',
        logRetentionDays: '365',
        manageApiGatewayAccount: 'false',
        throttleRateLimit: '50',
        throttleBurstLimit: '100',
        webAcl: 'false',
        webAclRatePerIpPer5Minutes: '6000',
      }),
    ).toMatchObject({
      stage: 'prod',
      logRetentionDays: 365,
      manageApiGatewayAccount: false,
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      webAcl: false,
      webAclRatePerIpPer5Minutes: 6000,
    });
  });

  it('accepts a custom domain, an alarm target and a customer-managed table key', () => {
    expect(
      configOf({
        domainName: 'scim.example.com',
        certificateArn,
        alarmTopicArn: topicArn,
        tableEncryption: 'customer-managed',
      }),
    ).toMatchObject({ domainName: 'scim.example.com', certificateArn, alarmTopicArn: topicArn });
  });

  it.each([
    [{ logRetentionDays: 42 }, /logRetentionDays/],
    [{ stage: 'Prod_1' }, /stage/],
    [{ manageApiGatewayAccount: 'yes' }, /manageApiGatewayAccount/],
    [{ alarmEmail: 'oncall' }, /alarmEmail/],
    [{ alarmTopicArn: 'oncall' }, /alarmTopicArn/],
    [{ alarmEmail: 'oncall@example.com', alarmTopicArn: topicArn }, /alarmTopicArn/],
    [{ domainName: 'scim.example.com' }, /certificateArn/],
    [{ certificateArn }, /domainName/],
    [{ domainName: 'https://scim.example.com', certificateArn }, /domainName/],
    [{ domainName: 'scim.example.com', certificateArn: 'arn:aws:acm:eu-west-1:1:cert' }, /certificateArn/],
    [{ throttleRateLimit: 0 }, /throttleRateLimit/],
    [{ throttleRateLimit: 500, throttleBurstLimit: 100 }, /throttleBurstLimit/],
    [{ tableEncryption: 'kms' }, /tableEncryption/],
    [{ webAclRatePerIpPer5Minutes: 5 }, /webAclRatePerIpPer5Minutes/],
    [{ directories: '[{"id":"has space","displayName":"x"}]' }, /directories/],
    [{ directories: '[{"id":"a","displayName":"x"},{"id":"a","displayName":"y"}]' }, /directories/],
    [{ directories: 'not json' }, /directories/],
  ])('refuses %o, naming the key', (context, key) => {
    expect(() => configOf(context)).toThrow(key);
  });

  it('reads connectors from cdk.json or as JSON from -c, with scope "everyone" by default', () => {
    const github = { id: 'github', settings: { organization: 'acme', login: 'userName' } };
    expect(configOf({ connectors: [github] }).connectors).toEqual([{ ...github, scope: 'everyone' }]);
    expect(
      configOf({ connectors: JSON.stringify([{ ...github, scope: { groups: ['Engineering'] } }]) })
        .connectors,
    ).toEqual([{ ...github, scope: { groups: ['Engineering'] } }]);
  });

  it.each([
    [[{ id: 'myspace' }], /no connector "myspace"[\s\S]*connectors\[0\]\.id/],
    [[{ id: 'github', settings: { organization: 'acme' } }], /connectors\[0\]\.settings\.login/],
    [[{ id: 'zoom' }, { id: 'zoom' }], /configured twice[\s\S]*connectors\[1\]\.id/],
    [[{ id: 'zoom', scope: { groups: [] } }], /connectors\[0\]\.scope/],
    [[{ id: 'zoom', scope: 'nobody' }], /connectors\[0\]\.scope/],
    [[{ id: 'zoom', secrets: { token: 'x' } }], /secrets[\s\S]*connectors\[0\]/],
    ['[{"id":', /connectors/],
  ])('refuses the connectors %o, naming the field', (connectors, message) => {
    expect(() => configOf({ connectors })).toThrow(message);
  });

  it('accepts a second instance of one connector under a name of its own', () => {
    const manual = (name?: string) => ({
      id: 'manual',
      ...(name ? { name } : {}),
      settings: { application: `App ${name ?? 'one'}`, instructions: 'Disable {{userName}}.' },
    });
    expect(configOf({ connectors: [manual(), manual('payroll')] }).connectors).toHaveLength(2);
    expect(() => configOf({ connectors: [manual('payroll'), manual('payroll')] })).toThrow(
      /connectors\[1\]\.name/,
    );
  });

  it('fails synthesis of the app itself, before any construct is built', () => {
    expect(() => buildTestApp({ context: { tableEncryption: 'kms' } })).toThrow(
      /Invalid CDK context[\s\S]*tableEncryption/,
    );
  });
});
