/**
 * A registry of connector definitions: what the deployment (CDK), the connector function and
 * `npm start` look connectors up in by id. Definitions of different settings and secrets types
 * sit in one list through {@link registered}, which forgets their types: safe because the runtime
 * validates settings and secrets with the definition's own schemas before any handler sees them.
 */
import type { ConnectorDefinition, UserEventType } from './connector.ts';
import { subscribedEventTypes } from './connector.ts';
import type { ConnectorPlan } from './evidence-recorder.ts';
import { applicationName, connectorKey, parseSettings } from './prepare.ts';
import type { Scope } from './scope.ts';

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

/**
 * The connector with this id, or an error listing the ids there are.
 *
 * @example
 * const github = findConnector(connectorRegistry, 'github');
 */
export function findConnector(registry: readonly RegisteredConnector[], id: string): RegisteredConnector {
  const found = registry.find((definition) => definition.id === id);
  if (!found)
    throw new Error(
      `No connector "${id}"; the registry has: ${registry.map((definition) => definition.id).join(', ') || 'none'}.`,
    );
  return found;
}

/** One application as the deployment configures it. */
export interface ConfiguredConnector {
  readonly id: string;
  /** For several instances of one connector: the ledger id becomes `{id}-{name}`. */
  readonly name?: string;
  readonly scope: Scope;
  readonly settings: unknown;
}

/**
 * What the evidence recorder needs to know of an enabled connector.
 *
 * @example
 * planOf(github, { id: 'github', scope: { groups: ['Engineering'] }, settings }); // { id: 'github', application: 'GitHub', events: [...], scope }
 */
export function planOf(definition: RegisteredConnector, configured: ConfiguredConnector): ConnectorPlan {
  const events: UserEventType[] = subscribedEventTypes(definition);
  return {
    id: connectorKey(definition.id, configured.name),
    application: applicationName(definition, parseSettings(definition, configured.settings)),
    events,
    scope: configured.scope,
  };
}
