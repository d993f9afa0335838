/**
 * A registry of connector definitions: what the deployment (CDK), the connector function and
 * `npm start` look connectors up in by id. Definitions of different settings and secrets types
 * sit in one list through {@link registered}, which forgets their types: safe because the runtime
 * validates settings and secrets with the definition's own schemas before any handler sees them.
 */
import { type ConnectorDefinition, subscribedEventTypes } from './connector.ts';
import type { RegisteredManifest } from './manifest.ts';

/** A definition whose settings and secrets types are checked at run time, not compile time. */
export type RegisteredConnector = ConnectorDefinition<unknown, unknown>;

/**
 * @example
 * export const connectorRegistry = [registered(github), registered(zoom)];
 */
export function registered<Settings, Secrets>(
  definition: ConnectorDefinition<Settings, Secrets>,
): RegisteredConnector {
  return definition as unknown as RegisteredConnector;
}

export { type ConfiguredConnector, findConnector, planOf } from './manifest.ts';

/**
 * The manifest a definition carries: its id, application, schemas, and the events it has handlers
 * for. The deployment reads the connector's own manifest.ts; this is for code that holds the
 * definition already (`npm start`, the test that the two agree).
 *
 * @example
 * manifestOf(github).events; // ['user.deactivated', 'user.deleted', 'user.reactivated']
 */
export function manifestOf(definition: RegisteredConnector): RegisteredManifest {
  const { id, application, settings, secrets } = definition;
  return { id, application, settings, secrets, events: subscribedEventTypes(definition) };
}
