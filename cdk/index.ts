/**
 * The library entry: the `ScimConnector` construct for embedding in another CDK app, and the
 * pieces of the ready-made two-stack app (`cdk/bin/app.ts`).
 */
export {
  type AppConfig,
  type AppConfigInput,
  appConfigSchema,
  loadConfig,
  parseConfig,
} from './lib/config.ts';
export { AppConnector, type AppConnectorProps } from './lib/constructs/app-connector.ts';
export { Evidence } from './lib/constructs/evidence.ts';
export { GroupSweeper } from './lib/constructs/group-sweeper.ts';
export { buildScimApp, type ScimStacks } from './lib/scim-app.ts';
export { ScimConnector, type ScimConnectorProps } from './lib/scim-connector.ts';
export { ServiceStack } from './lib/service-stack.ts';
export { StatefulStack } from './lib/stateful-stack.ts';
