import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RegisteredManifest } from '../../shared/connectors/manifest.ts';
import type { AppConfig } from './config.ts';
import { type ServiceResourcesProps, ServiceStack } from './service-stack.ts';
import { StatefulStack } from './stateful-stack.ts';

export interface ScimStacks {
  readonly stateful: StatefulStack;
  readonly service: ServiceStack;
}

/**
 * Adds the connector's stacks to an app and checks them with cdk-nag's AwsSolutions rules, which
 * run as a validation plugin during synthesis. `cdk/bin/app.ts` and the tests both build the app
 * through here, so the tests check exactly what deploys.
 *
 * @example
 * const app = new App();
 * const { service } = buildScimApp(app, loadConfig(app));
 */
export function buildScimApp(
  app: App,
  config: AppConfig,
  registry?: readonly RegisteredManifest[],
): ScimStacks {
  // Environment-agnostic stacks: `cdk deploy` targets the account and region of the caller's
  // credentials, and synthesis needs neither.
  const prefix = `scim-${config.stage}`;

  const stateful = new StatefulStack(app, `${prefix}-stateful`, {
    description: `SCIM connector (${config.stage}): directory and evidence tables, lifecycle bus`,
    manageApiGatewayAccount: config.manageApiGatewayAccount,
    tableEncryption: config.tableEncryption,
    directories: config.directories,
    logRetention: config.logRetentionDays,
  });
  const service = new ServiceStack(app, `${prefix}-service`, {
    description: `SCIM connector (${config.stage}): SCIM functions and API`,
    stage: config.stage,
    table: stateful.table,
    evidenceTable: stateful.evidenceTable,
    bus: stateful.bus,
    relayFailures: stateful.relayFailures,
    ...serviceOptionsOf(config),
    ...(registry ? { registry } : {}),
  });
  // Implied by the table reference already; stated because the API stage's logging also needs
  // the API Gateway account role of the stateful stack in place first.
  service.addStackDependency(stateful, 'the directory table and the API Gateway logging role');

  Tags.of(app).add('application', 'scim-connector');
  Tags.of(app).add('stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, service };
}

/**
 * The configuration keys of the stateless tier, as its props.
 *
 * @example
 * addServiceResources(this, { ...stateful, stage: config.stage, ...serviceOptionsOf(config) });
 */
export function serviceOptionsOf(
  config: AppConfig,
): Omit<ServiceResourcesProps, 'stage' | 'table' | 'evidenceTable' | 'bus' | 'relayFailures'> {
  return {
    connectors: config.connectors,
    logRetention: config.logRetentionDays,
    throttling: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    customDomain:
      config.domainName && config.certificateArn
        ? { domainName: config.domainName, certificateArn: config.certificateArn }
        : undefined,
    webAcl: config.webAcl ? { ratePerIpPer5Minutes: config.webAclRatePerIpPer5Minutes } : undefined,
    alarmEmail: config.alarmEmail,
    alarmTopicArn: config.alarmTopicArn,
    connectorReservedConcurrency: config.connectorReservedConcurrency,
    relayReservedConcurrency: config.relayReservedConcurrency,
  };
}
