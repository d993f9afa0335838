import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../cdk/lib/config.ts';

const configOf = (context: Record<string, unknown>) => loadConfig(new App({ context }));

describe('loadConfig', () => {
  it('has defaults, so a bare `cdk synth` works', () => {
    expect(configOf({})).toEqual({ stage: 'dev', logRetentionDays: 90, manageApiGatewayAccount: true });
  });

  it('reads `-c key=value` strings as numbers and booleans', () => {
    expect(configOf({ stage: 'prod', logRetentionDays: '365', manageApiGatewayAccount: 'false' })).toEqual({
      stage: 'prod',
      logRetentionDays: 365,
      manageApiGatewayAccount: false,
    });
  });

  it.each([
    [{ logRetentionDays: 42 }, /logRetentionDays/],
    [{ stage: 'Prod_1' }, /stage/],
    [{ manageApiGatewayAccount: 'yes' }, /manageApiGatewayAccount/],
  ])('refuses %o, naming the key', (context, key) => {
    expect(() => configOf(context)).toThrow(key);
  });
});
