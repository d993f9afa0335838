/**
 * Every connector this product ships, one line each. The deployment configuration enables them by
 * id (`connectors: [{ id, scope, settings }]`), the connector function and `npm start` run them.
 * `npm run connector:new -- <name>` adds a line above each marker.
 *
 * Definitions are pure (zod schemas and handlers, no clients at module scope), so the CDK app may
 * import this file to validate settings and build each connector's event rule.
 */
import { type RegisteredConnector, registered } from '#connectors/registry.ts';
import atlassian from './atlassian/connector.ts';
import github from './github/connector.ts';
import manual from './manual/connector.ts';
import salesforce from './salesforce/connector.ts';
import webhook from './webhook/connector.ts';
import zendesk from './zendesk/connector.ts';
import zoom from './zoom/connector.ts';
// connector:new adds imports above this line

export const connectorRegistry: readonly RegisteredConnector[] = [
  registered(github),
  registered(atlassian),
  registered(zoom),
  registered(salesforce),
  registered(zendesk),
  registered(webhook),
  registered(manual),
  // connector:new adds connectors above this line
];
