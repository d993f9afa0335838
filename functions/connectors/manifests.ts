/**
 * The manifest of every connector this product ships (id, application, settings and secrets
 * schemas, events), one line each, in the order of registry.ts. The CDK app validates the
 * configured connectors and builds their event rules from this list: it never loads a
 * connector's handlers or the vendor HTTP client. `npm run connector:new -- <name>` adds a line
 * above each marker.
 */
import { type RegisteredManifest, registeredManifest } from '#connectors/manifest.ts';
import atlassian from './atlassian/manifest.ts';
import github from './github/manifest.ts';
import manual from './manual/manifest.ts';
import salesforce from './salesforce/manifest.ts';
import webhook from './webhook/manifest.ts';
import zendesk from './zendesk/manifest.ts';
import zoom from './zoom/manifest.ts';
// connector:new adds imports above this line

export const connectorManifests: readonly RegisteredManifest[] = [
  registeredManifest(github),
  registeredManifest(atlassian),
  registeredManifest(zoom),
  registeredManifest(salesforce),
  registeredManifest(zendesk),
  registeredManifest(webhook),
  registeredManifest(manual),
  // connector:new adds connectors above this line
];
